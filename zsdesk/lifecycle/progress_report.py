"""每月项目进展表 (SPEC §9): each live project's latest progress note in a month, by lead unit.

A project is listed for a month when it was under way in it: known by the month's end (its first
date, else when it was entered), not withdrawn and not at full production before the month began —
and always when it has a note in the month. A project with no note in the month is listed with a blank
note, so the section chief sees who has not reported.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Project, ProjectProgress, Unit
from ..stage import derive_stage

if TYPE_CHECKING:
    from ..ledger import Ledger

NO_UNIT = "（未填牵头单位）"
_DATES = ("first_contact_date", "framework_date", "formal_date", "started_date", "production_date",
          "full_production_date", "withdrawn_date")


@dataclass(frozen=True)
class ProgressLine:
    unit: str
    code: str
    name: str
    stage: str  # as of the month's end
    note_date: date | None
    note: str
    operator: str


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def monthly_progress(source: Ledger | Session, year: int, months: list[int]) -> dict[int, list[ProgressLine]]:
    """For each month of ``year`` in ``months``: the lines of the 每月项目进展表, by unit order, then code."""
    own = not isinstance(source, Session)
    session = source if isinstance(source, Session) else source.session()
    try:
        return _monthly(session, year, months)
    finally:
        if own:
            session.close()


def _monthly(session: Session, year: int, months: list[int]) -> dict[int, list[ProgressLine]]:
    if not months:
        return {}
    first, last = month_range(year, min(months))[0], month_range(year, max(months))[1]
    latest: dict[int, dict[int, tuple[date, str, str]]] = {m: {} for m in months}
    for pid, on, text, operator in session.execute(
            select(ProjectProgress.project_id, ProjectProgress.date, ProjectProgress.text, ProjectProgress.operator)
            .where(ProjectProgress.deleted_at.is_(None), ProjectProgress.date.between(first, last))
            .order_by(ProjectProgress.date, ProjectProgress.id)):
        if on.month in latest:
            latest[on.month][pid] = (on, text, operator)  # later rows overwrite: the month's latest note
    units = {u.id: (u.sort_order, u.id, u.name) for u in session.execute(select(Unit.id, Unit.name, Unit.sort_order))}
    rows = session.execute(select(Project.id, Project.code, Project.name, Project.lead_unit_id, Project.created_at,
                                  *(getattr(Project, f) for f in _DATES))
                           .where(Project.deleted_at.is_(None))).all()
    out: dict[int, list[ProgressLine]] = {}
    for month in months:
        start, end = month_range(year, month)
        noted = latest[month]
        lines = []
        for pid, code, name, lead, created, *dates in rows:
            values = dict(zip(_DATES, dates, strict=True))
            known = next((d for d in values.values() if d is not None), None) or created.date()
            withdrawn, full = values["withdrawn_date"], values["full_production_date"]
            under_way = known <= end and not (withdrawn and withdrawn < start) and not (full and full < start)
            if pid not in noted and not under_way:
                continue
            stage = derive_stage({k: (v if v is not None and v <= end else None) for k, v in values.items()})
            note = noted.get(pid)
            sort_key = units.get(lead, (1 << 30, 0, NO_UNIT))
            lines.append((sort_key, code, ProgressLine(sort_key[2], code, name, stage, note[0] if note else None,
                                                       note[1] if note else "", note[2] if note else "")))
        lines.sort(key=lambda x: (x[0], x[1]))
        out[month] = [line for _, _, line in lines]
    return out
