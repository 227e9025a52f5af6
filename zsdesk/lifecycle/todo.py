"""待办 (SPEC §9): what needs a call this week, by lead unit. No Qt; the window's to-do page reads it.

Three kinds of item, as of ``today``:

- ``overdue``: a milestone whose deadline has passed and which has not happened (``days`` over), for the
  projects of the landing cohort as of today (formal contract from 1 January of last year through today,
  counting projects) — the same definitions and the same projects as the 四率 and the notice's list;
- ``stale`` (无进展): a live project in progress with no update and no progress note for the rules'
  ``stale_days`` (``days`` since the later of its last update and its last note);
- ``upcoming``: a deadline — promised (``promised`` true) or by the rules — within the next
  ``days_ahead`` days for a milestone that has not happened (``days`` left).

Each item carries the project's latest progress note. ``Todo.by_unit`` groups the items by lead unit in
the units' sort order; ``Todo.count`` is what the status bar shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Project, ProjectProgress, Unit
from ..queries import ProjectQuery
from ..rules import Rules, load_rules
from .engine import NO_UNIT, _fetch, cohort_statuses

if TYPE_CHECKING:
    from ..ledger import Ledger

KINDS = ("overdue", "stale", "upcoming")
KIND_LABELS = {"overdue": "逾期", "stale": "无进展", "upcoming": "即将到期"}
CHUNK = 900  # ids per IN (...), under SQLite's variable limit


class TodoItem(NamedTuple):
    kind: str  # overdue / stale / upcoming
    project_id: int
    code: str
    name: str
    unit_id: int | None
    unit: str
    milestone: str | None  # start / production (overdue, upcoming); None for stale
    when: date  # the deadline, or the last update / note for stale
    days: int  # days over / days idle / days left
    promised: bool
    last_note_date: date | None
    last_note: str


@dataclass
class Todo:
    today: date
    items: list[TodoItem] = field(default_factory=list)
    units: list[tuple[int | None, str]] = field(default_factory=list)  # lead units with items, in sort order

    @property
    def count(self) -> int:
        return len(self.items)

    def by_unit(self) -> list[tuple[str, list[TodoItem]]]:
        groups: dict[int | None, list[TodoItem]] = {}
        for item in self.items:
            groups.setdefault(item.unit_id, []).append(item)
        return [(name, groups[uid]) for uid, name in self.units if uid in groups]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(KINDS, 0)
        for item in self.items:
            out[item.kind] += 1
        return out


def compute_todo(source: Ledger | Session, today: date | None = None, days_ahead: int = 30,
                 rules: Rules | None = None) -> Todo:
    today = today or date.today()
    own = not isinstance(source, Session)
    session = source if isinstance(source, Session) else source.session()
    try:
        return _todo(session, today, days_ahead, rules or load_rules(session, today.year))
    finally:
        if own:
            session.close()


def _todo(session: Session, today: date, days_ahead: int, rules: Rules) -> Todo:
    unit_rows = session.execute(select(Unit.id, Unit.name, Unit.sort_order)).all()
    names = {u.id: u.name for u in unit_rows}
    horizon = today + timedelta(days=days_ahead)
    raw: list[tuple[str, int, str, str, int | None, str, str | None, date, int, bool]] = []
    for p in cohort_statuses(session, rules, date(today.year - 1, 1, 1), today, names, with_funds=False):
        for m in (p.start, p.production):
            if m.happened is not None or m.deadline is None:
                continue
            if m.deadline <= today:
                raw.append(("overdue", p.project_id, p.code, p.name, p.unit_id, p.unit, m.name, m.deadline,
                            (today - m.deadline).days, m.promised))
            elif m.deadline <= horizon:
                raw.append(("upcoming", p.project_id, p.code, p.name, p.unit_id, p.unit, m.name, m.deadline,
                            (m.deadline - today).days, m.promised))
    stale = ProjectQuery(stale_only=True, stale_days=rules.stale_days, today=today).ids(session)
    notes = _latest_notes(session, {r[1] for r in raw} | set(stale))
    for start in range(0, len(stale), CHUNK):
        part = stale[start:start + CHUNK]
        for pid, code, name, lead, updated in _fetch(session, select(
                Project.id, Project.code, Project.name, Project.lead_unit_id, Project.updated_at)
                .where(Project.id.in_(part))):
            last = _as_date(updated)
            note = notes.get(pid)
            if note is not None and note[0] > last:
                last = note[0]
            raw.append(("stale", pid, code, name, lead, names.get(lead, NO_UNIT), None, last, (today - last).days,
                        False))
    order = {k: i for i, k in enumerate(KINDS)}
    raw.sort(key=lambda r: (order[r[0]], -r[8] if r[0] != "upcoming" else r[8], r[2]))
    todo = Todo(today)
    for r in raw:
        note = notes.get(r[1])
        todo.items.append(TodoItem(*r, note[0] if note else None, note[1] if note else ""))
    used = {item.unit_id for item in todo.items}
    todo.units = [(u.id, u.name) for u in sorted(unit_rows, key=lambda u: (u.sort_order, u.id)) if u.id in used]
    if None in used:
        todo.units.append((None, NO_UNIT))
    return todo


def _as_date(value: datetime | date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _latest_notes(session: Session, ids: set[int]) -> dict[int, tuple[date, str]]:
    """Each project's latest live note (date, text): the newest date, the last entered on that day.

    One ordered pass over the index ``(project_id, date, deleted_at)`` (rowid included) picks each
    project's latest note without reading the table; then the texts of those notes alone, by id. A to-do
    list at municipal scale asks for tens of thousands of projects, more than IN lists of projects serve."""
    if not ids:
        return {}
    latest: dict[int, tuple[int, date]] = {}
    for pid, on, note_id in _fetch(session, select(ProjectProgress.project_id, ProjectProgress.date,
                                                   ProjectProgress.id)
                                   .where(ProjectProgress.deleted_at.is_(None))
                                   .order_by(ProjectProgress.project_id, ProjectProgress.date, ProjectProgress.id)):
        if pid in ids:
            latest[pid] = (note_id, on)  # later rows overwrite earlier ones; dates parsed below, kept ones only
    by_note = {note_id: (pid, on if isinstance(on, date) else date.fromisoformat(on))
               for pid, (note_id, on) in latest.items()}
    out: dict[int, tuple[date, str]] = {}
    wanted = sorted(by_note)
    for start in range(0, len(wanted), CHUNK):
        for note_id, text in _fetch(session, select(ProjectProgress.id, ProjectProgress.text)
                                    .where(ProjectProgress.id.in_(wanted[start:start + CHUNK]))):
            pid, on = by_note[note_id]
            out[pid] = (on, text)
    return out
