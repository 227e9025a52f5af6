"""``compute_lifecycle``: the 四率, deadlines and overdue milestones of one period (SPEC §9).

Two SQL statements: the cohort (counting projects whose formal contract was signed from 1 January of
the previous year through the period end, read through the ``formal_date`` index) and its funds
arrived through the period end, summed per project. Deadlines, milestones and the per-unit counts are
integer work in Python over the cohort's rows.

Which projects count, and their size class, come from the board's expressions (``counted_expr``,
``size_class_expr``) with the period year's rules, as on the 英雄榜; the deadlines come from the same
rules (``start_within_months``, ``production_within_months``). A project withdrawn (退库) at any date
counts nowhere, as on the 英雄榜; a project started or signed only by framework agreement is not in the
cohort (the cohort is defined by the formal contract date).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ..board.figures import counted_expr, size_class_expr
from ..board.ranking import fraction_to_decimal
from ..errors import LedgerError
from ..models import Funding, Project, Unit
from ..periods import Period, parse_period
from ..rules import Rules, load_rules
from .deadlines import Milestone, ProjectDates, milestones

if TYPE_CHECKING:
    from ..ledger import Ledger

NO_UNIT = "（未填牵头单位）"
COUNT_FIELDS = ("cohort", "started", "producing", "due", "on_time")
# Drill-down figures: each count field, and the overdue / late / not-started views of the cohort.
FIGURES = (*COUNT_FIELDS, "overdue", "late", "not_started", "not_producing")


def percent(numerator: int, denominator: int) -> Decimal | None:
    """``numerator ÷ denominator × 100``, half-up to 2 decimals; ``None`` with a zero denominator."""
    if denominator == 0:
        return None
    return fraction_to_decimal(Fraction(numerator * 100, denominator))


@dataclass
class LifecycleFigures:
    """One holder's landing figures (counts of projects; amounts raw int yuan)."""

    cohort: int = 0
    started: int = 0
    producing: int = 0
    due: int = 0
    on_time: int = 0
    overdue_projects: int = 0
    overdue_milestones: int = 0
    agreement_amount: int = 0
    arrived_amount: int = 0

    @property
    def start_rate(self) -> Decimal | None:  # 开工率
        return percent(self.started, self.cohort)

    @property
    def production_rate(self) -> Decimal | None:  # 投产率
        return percent(self.producing, self.started)

    @property
    def arrival_rate(self) -> Decimal | None:  # 资金到位率
        return percent(self.arrived_amount, self.agreement_amount)

    @property
    def fulfilment_rate(self) -> Decimal | None:  # 履约率
        return percent(self.on_time, self.due)

    def add(self, p: ProjectStatus) -> None:
        self.cohort += 1
        self.started += p.started
        self.producing += p.producing
        self.due += p.due
        self.on_time += p.on_time
        self.overdue_projects += bool(p.overdue)
        self.overdue_milestones += len(p.overdue)
        self.agreement_amount += p.agreement_amount
        self.arrived_amount += p.arrived_amount


class ProjectStatus(NamedTuple):
    """One cohort project as of the period end (a named tuple: tens of thousands are made per call)."""

    project_id: int
    code: str
    name: str
    investor: str
    unit_id: int | None  # lead unit
    unit: str
    size_class: str
    formal_date: date
    agreement_amount: int
    arrived_amount: int  # funds dated on or before the period end
    start: Milestone
    production: Milestone
    started: bool
    producing: bool
    due: bool  # at least one milestone due
    on_time: bool  # due, and every due milestone met on or before its deadline
    overdue: tuple[Milestone, ...]  # due milestones that have not happened

    @property
    def late(self) -> bool:
        return self.due and not self.on_time


class OverdueItem(NamedTuple):
    project_id: int
    code: str
    name: str
    unit_id: int | None
    unit: str
    milestone: str  # start / production
    deadline: date
    days_over: int
    promised: bool


@dataclass
class UnitLifecycle:
    unit_id: int | None
    unit: str
    short_name: str
    figures: LifecycleFigures


@dataclass
class Lifecycle:
    period: Period
    rules: Rules
    cohort_start: date
    end: date
    district: LifecycleFigures
    units: list[UnitLifecycle]
    overdue: list[OverdueItem]  # one per overdue milestone, most days over first
    projects: list[ProjectStatus] = field(default_factory=list)  # the cohort, by code

    def drill(self, figure: str, unit_id: int | None = None, *, all_units: bool = False) -> list[ProjectStatus]:
        """The projects behind a figure: ``cohort``, ``started``, ``producing``, ``due``, ``on_time``,
        ``overdue``, ``late`` (due, not on time), ``not_started``, ``not_producing`` (started, not
        producing) — of the district (``all_units=True``) or of one lead unit (``unit_id``; ``None`` is
        the projects without a lead unit). ``len(drill(f, u))`` equals the figure ``f`` of that unit."""
        if figure not in FIGURES:
            raise LedgerError(f"未知的指标“{figure}”")
        test = {
            "cohort": lambda p: True, "started": lambda p: p.started, "producing": lambda p: p.producing,
            "due": lambda p: p.due, "on_time": lambda p: p.on_time, "overdue": lambda p: bool(p.overdue),
            "late": lambda p: p.late, "not_started": lambda p: not p.started,
            "not_producing": lambda p: p.started and not p.producing,
        }[figure]
        return [p for p in self.projects if (all_units or p.unit_id == unit_id) and test(p)]


def cohort_start(period: Period) -> date:
    """1 January of the year before the period's year (近两年签约)."""
    return date(period.year - 1, 1, 1)


def compute_lifecycle(source: Ledger | Session, period: Period | str, rules: Rules | None = None) -> Lifecycle:
    if isinstance(period, str):
        period = parse_period(period)
    own = not isinstance(source, Session)
    session = source if isinstance(source, Session) else source.session()
    try:
        rules = rules or load_rules(session, period.year)
        return _compute(session, rules, period)
    finally:
        if own:
            session.close()


def _cohort_conditions(rules: Rules, start: date, end: date) -> list[ColumnElement[bool]]:
    return [Project.formal_date.between(start, end), counted_expr(rules)]


def _fetch(session: Session, stmt: Any, date_columns: tuple[int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Rows of ``stmt`` as plain tuples. On SQLite the compiled statement runs on the DBAPI cursor (as
    ``queries.fetch_ids`` does) and the date columns are parsed here: SQLAlchemy's per-row processing is
    most of the time for a 20,000-project cohort."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield from (tuple(row) for row in session.execute(stmt))
        return
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    values = [v.isoformat() if isinstance(v, date) else v for v in (params[k] for k in compiled.positiontup or [])]
    cursor: Any = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # None only after close; this connection is open
    try:
        cursor.execute(compiled.string, values)
        parse = date.fromisoformat
        if not date_columns:
            yield from cursor
            return
        for row in cursor:
            row = list(row)
            for i in date_columns:
                if row[i] is not None:
                    row[i] = parse(row[i])
            yield tuple(row)
    finally:
        cursor.close()


def cohort_statuses(session: Session, rules: Rules, start: date, end: date, names: dict[int, str],
                    with_funds: bool = True) -> list[ProjectStatus]:
    """Every counting project whose formal contract is dated ``start``…``end``, as of ``end``, by code.
    ``names`` maps lead unit ids to names; ``with_funds=False`` leaves ``arrived_amount`` 0 (the to-do
    list needs no money and saves the funds statement)."""
    conds = _cohort_conditions(rules, start, end)
    arrived: dict[int, int] = {} if not with_funds else {pid: int(total or 0) for pid, total in _fetch(session, (
        select(Funding.project_id, func.sum(Funding.amount))
        .join(Project, Project.id == Funding.project_id)
        .where(*conds, Funding.deleted_at.is_(None), Funding.date <= end)
        .group_by(Funding.project_id)))}
    stmt = (select(Project.id, Project.code, Project.name, Project.investor, Project.lead_unit_id,
                   size_class_expr(rules), Project.formal_date, Project.started_date, Project.production_date,
                   Project.full_production_date, Project.promised_start_date, Project.promised_production_date,
                   Project.agreement_amount)
            .where(*conds))  # sorted by code below: cheaper than SQLite's temporary B-tree
    projects: list[ProjectStatus] = []
    for (pid, code, name, investor, lead, klass, formal, started, production, full, p_start, p_prod,
         amount) in _fetch(session, stmt, (6, 7, 8, 9, 10, 11)):
        start_m, prod_m = milestones(ProjectDates(formal, started, production, full, p_start, p_prod, klass),
                                     rules, end)
        start_due = start_m.deadline is not None and start_m.deadline <= end
        prod_due = prod_m.deadline is not None and prod_m.deadline <= end
        overdue = tuple(m for m, due in ((start_m, start_due), (prod_m, prod_due)) if due and m.happened is None)
        due = start_due or prod_due
        on_time = due and not overdue and (not start_due or start_m.happened <= start_m.deadline) and (  # type: ignore[operator]  # not overdue: a due milestone has happened
            not prod_due or prod_m.happened <= prod_m.deadline)  # type: ignore[operator]  # not overdue: a due milestone has happened
        projects.append(ProjectStatus(
            pid, code, name, investor, lead, names.get(lead, NO_UNIT), klass, formal, int(amount or 0),
            arrived.get(pid, 0), start_m, prod_m, start_m.happened is not None, prod_m.happened is not None,
            due, on_time, overdue))
    projects.sort(key=lambda p: p.code)
    return projects


def _compute(session: Session, rules: Rules, period: Period) -> Lifecycle:
    start, end = cohort_start(period), period.end
    unit_rows = session.execute(select(Unit.id, Unit.name, Unit.short_name, Unit.active, Unit.sort_order,
                                       Unit.deleted_at)).all()
    names = {u.id: u.name for u in unit_rows}
    projects = cohort_statuses(session, rules, start, end, names)
    district = LifecycleFigures()
    by_unit: dict[int | None, LifecycleFigures] = {}
    overdue_items: list[OverdueItem] = []
    for p in projects:
        district.add(p)
        figs = by_unit.get(p.unit_id)
        if figs is None:
            figs = by_unit[p.unit_id] = LifecycleFigures()
        figs.add(p)
        for m in p.overdue:
            deadline: date = m.deadline  # type: ignore[assignment]  # an overdue milestone has one
            overdue_items.append(OverdueItem(p.project_id, p.code, p.name, p.unit_id, p.unit, m.name, deadline,
                                             (end - deadline).days, m.promised))
    overdue_items.sort(key=lambda o: (-o.days_over, o.code, o.milestone != "start"))
    units = [UnitLifecycle(u.id, u.name, u.short_name or u.name, by_unit.get(u.id, LifecycleFigures()))
             for u in sorted(unit_rows, key=lambda u: (u.sort_order, u.id))
             if (u.active and u.deleted_at is None) or u.id in by_unit]
    # Projects without a lead unit (older files): still a row, so the district is Σ units.
    if None in by_unit:
        units.append(UnitLifecycle(None, NO_UNIT, NO_UNIT, by_unit[None]))
    return Lifecycle(period, rules, start, end, district, units, overdue_items, projects)
