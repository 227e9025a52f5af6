"""Deadlines and milestones of one project (SPEC §9 "Precisely"), in plain Python.

- Deadlines are calendar months: 2026-01-15 + 3 months = 2026-04-15; a day the target month lacks
  clamps to its last day (2026-01-31 + 1 month = 2026-02-28, 2028-01-31 + 1 month = 2028-02-29).
- Start (开工): the promised start date, else the formal contract date + ``start_within_months`` of the
  project's size class.
- Production (投产): the promised production date, else the actual start + ``production_within_months``;
  a project not started by the period end has no default production deadline yet (its start is what is
  overdue).
- A date after the period end has not happened by it. A milestone is *due* when its deadline ≤ the
  period end, *on time* when it happened on or before its deadline, *overdue* when it is due and has
  not happened by the period end (``days_over`` = period end − deadline, 0 on the deadline day itself).
- A later milestone implies the earlier one: a project with a 投产 date has started by then even when
  its 开工 date was left blank (so 投产率 ≤ 100%).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import NamedTuple

from ..rules import Rules

MILESTONES = ("start", "production")
MILESTONE_LABELS = {"start": "开工", "production": "投产"}


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, the day clamped to the end of the target month."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    month += 1
    day = start.day
    if day > 28:
        day = min(day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def happened(on: date | None, end: date) -> date | None:
    """``on`` if it is on or before the period end, else ``None`` (it has not happened by then)."""
    return on if on is not None and on <= end else None


class ProjectDates(NamedTuple):
    """What the deadlines of one cohort project depend on."""

    formal_date: date
    started_date: date | None
    production_date: date | None
    full_production_date: date | None
    promised_start_date: date | None
    promised_production_date: date | None
    size_class: str


class Milestone(NamedTuple):
    name: str  # start / production
    deadline: date | None  # None: no deadline yet (production of a project not started by the end)
    happened: date | None  # on or before the period end, else None
    promised: bool  # the deadline is a promised date, not the rules'

    def due(self, end: date) -> bool:
        return self.deadline is not None and self.deadline <= end

    def on_time(self, end: date) -> bool:
        return self.due(end) and self.happened is not None and self.deadline is not None \
            and self.happened <= self.deadline

    def overdue(self, end: date) -> bool:
        return self.due(end) and self.happened is None

    def days_over(self, end: date) -> int:
        assert self.deadline is not None
        return (end - self.deadline).days


def milestones(p: ProjectDates, rules: Rules, end: date) -> tuple[Milestone, Milestone]:
    """The start and production milestones of one project as of the period end ``end``."""
    producing = p.production_date
    if p.full_production_date is not None and (producing is None or p.full_production_date < producing):
        producing = p.full_production_date
    started = p.started_date
    if producing is not None and (started is None or producing < started):
        started = producing
    if producing is not None and producing > end:
        producing = None
    if started is not None and started > end:
        started = None
    if p.promised_start_date is not None:
        start = Milestone("start", p.promised_start_date, started, True)
    else:
        months = rules.start_within_months.get(p.size_class)
        start = Milestone("start", None if months is None else add_months(p.formal_date, months), started, False)
    if p.promised_production_date is not None:
        production = Milestone("production", p.promised_production_date, producing, True)
    else:
        production = Milestone("production", None if started is None else
                               add_months(started, rules.production_within_months), producing, False)
    return start, production
