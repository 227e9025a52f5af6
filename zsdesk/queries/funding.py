"""What the 到位资金 page shows for a month: its entries, totals by lead unit, and the year by month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Funding, Project, Unit
from .expressions import month_of

MAX_ENTRIES = 20000


@dataclass(frozen=True)
class FundingEntry:
    id: int
    date: date
    code: str
    name: str
    unit: str  # lead unit name, "" when none
    amount: int
    note: str


@dataclass(frozen=True)
class FundingMonth:
    entries: list[FundingEntry]
    by_unit: list[tuple[str, int, int]]  # (lead unit name or "", count, yuan), largest first
    by_month: dict[int, tuple[int, int]]  # month 1..12 of the year → (count, yuan)


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)


def funding_month(s: Session, year: int, month: int) -> FundingMonth:
    start, end = month_range(year, month)
    live = (Funding.deleted_at.is_(None), Project.deleted_at.is_(None))
    rows = s.execute(
        select(Funding.id, Funding.date, Project.code, Project.name, Unit.name, Funding.amount, Funding.note)
        .join(Project, Project.id == Funding.project_id).outerjoin(Unit, Unit.id == Project.lead_unit_id)
        .where(*live, Funding.date >= start, Funding.date < end)
        .order_by(Funding.date.desc(), Funding.id.desc()).limit(MAX_ENTRIES)).all()
    entries = [FundingEntry(fid, d, code, name, unit or "", amount, note or "")
               for fid, d, code, name, unit, amount, note in rows]
    by_unit = [(u or "", int(n), int(t or 0)) for u, n, t in s.execute(
        select(Unit.name, func.count(Funding.id), func.sum(Funding.amount))
        .join(Project, Project.id == Funding.project_id).outerjoin(Unit, Unit.id == Project.lead_unit_id)
        .where(*live, Funding.date >= start, Funding.date < end)
        .group_by(Unit.name).order_by(func.sum(Funding.amount).desc())).all()]
    month_expr = month_of(Funding.date)
    by_month = {int(m): (int(n), int(t or 0)) for m, n, t in s.execute(
        select(month_expr, func.count(Funding.id), func.sum(Funding.amount))
        .join(Project, Project.id == Funding.project_id)
        .where(*live, Funding.date >= date(year, 1, 1), Funding.date < date(year + 1, 1, 1))
        .group_by(month_expr)).all()}
    return FundingMonth(entries, by_unit, by_month)
