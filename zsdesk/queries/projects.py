"""Finding projects: one filter + sort description → one SQL query of ids; rows fetched by page.

The window's ledger table, the xlsx export of a filtered view and the benchmarks all use
``ProjectQuery`` so a filter means the same thing everywhere. Nothing here formats for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from ..models import (
    DictionaryEntry,
    Funding,
    Person,
    Project,
    ProjectCooperatingUnit,
    ProjectPerson,
    ProjectProgress,
    ProjectTag,
    Unit,
)
from ..rules import SIZE_CLASS_LABELS, SIZE_CLASSES, Rules, Threshold, default_document, load_rules, parse_rules
from .expressions import signed_date_expr as signed_date_expr  # re-exported: defined once there
from .expressions import size_class_expr, unit_projects
from .text_search import candidates as text_candidates

# What the text index says (text_search.candidates): ids on SQLite, a condition on the row on PostgreSQL.
Narrowing = Select[Any] | ColumnElement[bool]

__all__ = ["SIZE_CLASS_LABELS", "ProjectQuery", "ProjectRow", "SizeThresholds", "fetch_rows"]

# Which date a year/quarter filter looks at.
PERIOD_FIELDS = ("signed", "first_contact_date", "formal_date", "started_date")
# Stages whose projects still need monthly progress (a withdrawn or fully producing one does not).
STALE_STAGES_EXEMPT = ("withdrawn", "full_production")
DEFAULT_STALE_DAYS = 30


@lru_cache(maxsize=1)
def _shipped() -> Rules:
    return parse_rules(default_document())


@dataclass(frozen=True)
class SizeThresholds:
    """The size-class part of a year's rules, hashable (the page query is built once per thresholds).

    The defaults are the shipped rules (SPEC §3); build them from the year's rules with
    :meth:`from_rules` so the table agrees with the board. The SQL is ``size_class_expr``.
    """

    major: Threshold = field(default_factory=lambda: _shipped().major)
    large: Threshold = field(default_factory=lambda: _shipped().large)
    key: Threshold = field(default_factory=lambda: _shipped().key)
    general_industrial: int = field(default_factory=lambda: _shipped().general_industrial)
    general_non_industrial: int = field(default_factory=lambda: _shipped().general_non_industrial)

    @classmethod
    def from_rules(cls, rules: Rules) -> SizeThresholds:
        return cls(rules.major, rules.large, rules.key, rules.general_industrial, rules.general_non_industrial)

    @classmethod
    def for_year(cls, session: Session, year: int) -> SizeThresholds:
        return cls.from_rules(load_rules(session, year))




_LeadUnit = aliased(Unit, name="lead_unit")
_Park = aliased(Unit, name="park")
_Chain = aliased(DictionaryEntry, name="chain")

# Sort keys: plain columns sort without joins; the rest say which join they need.
_SORT_COLUMNS: dict[str, Any] = {
    "code": Project.code, "name": Project.name, "investor": Project.investor, "stage": Project.stage,
    "verification": Project.verification,
    "origin": Project.origin, "industrial": Project.industrial,
    "planned_investment": Project.planned_investment, "agreement_amount": Project.agreement_amount,
    "expected_output": Project.expected_output, "first_contact_date": Project.first_contact_date,
    "framework_date": Project.framework_date, "formal_date": Project.formal_date,
    "started_date": Project.started_date, "production_date": Project.production_date,
    "full_production_date": Project.full_production_date, "withdrawn_date": Project.withdrawn_date,
    "leader": Project.leader, "notes": Project.notes, "updated_at": Project.updated_at,
    "created_at": Project.created_at, "origin_place": Project.origin_province,
}
SORT_KEYS = (*_SORT_COLUMNS, "lead_unit", "landing_park", "chain", "size_class", "arrived_amount", "stale")


def stale_condition(cutoff: Any) -> ColumnElement[bool]:
    """无进展: not updated since ``cutoff`` (a datetime or a bind parameter), no progress note (项目进展)
    dated on or after it, and still in progress. The note check is one probe of
    ``ix_project_progress_project_date`` per project."""
    noted = exists().where(ProjectProgress.project_id == Project.id, ProjectProgress.deleted_at.is_(None),
                           ProjectProgress.date >= func.date(cutoff))  # a note on the cut-off day counts
    return and_(Project.updated_at < cutoff, Project.stage.not_in(STALE_STAGES_EXEMPT), ~noted)


@dataclass(frozen=True)
class ProjectQuery:
    """A filtered, sorted view of the live projects. Every filter is optional."""

    text: str = ""  # in name, investor, notes or code
    stages: tuple[str, ...] = ()
    unit_id: int | None = None  # lead or cooperating unit
    landing_park_id: int | None = None
    chain_id: int | None = None
    origin: str | None = None
    size_class: str | None = None
    year: int | None = None
    quarter: int | None = None  # 1..4, with year
    period_field: str = "signed"
    stale_only: bool = False
    stale_days: int = DEFAULT_STALE_DAYS
    include_withdrawn: bool = True
    sort: str = "code"
    descending: bool = False
    today: date | None = None
    thresholds: SizeThresholds = field(default_factory=SizeThresholds)

    # --- pieces -------------------------------------------------------------------------
    def stale_cutoff(self) -> datetime:
        today = self.today or date.today()
        return datetime.combine(today - timedelta(days=self.stale_days), datetime.min.time())

    def stale_expr(self) -> ColumnElement[bool]:
        return stale_condition(self.stale_cutoff())

    def period_range(self) -> tuple[date, date] | None:
        if self.year is None:
            return None
        if self.quarter:
            start = date(self.year, 3 * self.quarter - 2, 1)
            end = date(self.year + (self.quarter == 4), (3 * self.quarter) % 12 + 1, 1) - timedelta(days=1)
            return start, end
        return date(self.year, 1, 1), date(self.year, 12, 31)

    def conditions(self, narrowed: Narrowing | None = None, dialect: str = "") -> list[ColumnElement[bool]]:
        """``narrowed``: ids that may contain the text (the text index, :meth:`narrowed`); the LIKE
        conditions still decide, so the rows are the same with or without it. ``dialect``: the database's
        name, where it answers a condition best in its own words (the same rows either way)."""
        text = self.text.strip()
        # A text search without the index reads every row anyway: said so (the same test, wrapped), SQLite
        # scans the table in storage order instead of walking a live index and looking up each row (see
        # ``select``). With the index, the few ids it names are looked up directly.
        scan = bool(text) and narrowed is None
        live = case((Project.deleted_at.is_(None), 1), else_=0) == 1 if scan else Project.deleted_at.is_(None)
        conds: list[ColumnElement[bool]] = [live]
        if text:
            like = f"%{_escape_like(text)}%"
            if isinstance(narrowed, Select):
                conds.append(Project.id.in_(narrowed))
            elif narrowed is not None:  # PostgreSQL: a condition on the row, from the gram index
                conds.append(narrowed)
            conds.append(or_(Project.name.like(like, escape="\\"), Project.investor.like(like, escape="\\"),
                             Project.notes.like(like, escape="\\"), Project.code.like(like, escape="\\")))
        if self.stages:
            conds.append(Project.stage.in_(self.stages))
        elif not self.include_withdrawn:
            conds.append(Project.stage != "withdrawn")
        if self.unit_id is not None:
            conds.append(unit_projects(self.unit_id, dialect))
        if self.landing_park_id is not None:
            conds.append(Project.landing_park_id == self.landing_park_id)
        if self.chain_id is not None:
            conds.append(Project.chain_id == self.chain_id)
        if self.origin:
            conds.append(Project.origin == self.origin)
        if self.size_class:
            conds.append(size_class_expr(self.thresholds) == self.size_class)
        span = self.period_range()
        if span is not None:
            column = signed_date_expr() if self.period_field == "signed" else getattr(Project, self.period_field)
            conds.append(column.between(*span))
        if self.stale_only:
            conds.append(self.stale_expr())
        return conds

    def narrowed(self, session: Session) -> Narrowing | None:
        """The text index's candidates for this query's text on ``session``'s ledger, if it has one."""
        text = self.text.strip()
        return text_candidates(session, text) if text else None

    def select(self, narrowed: Narrowing | None = None, dialect: str = "") -> Select[int]:
        """``SELECT projects.id … WHERE … ORDER BY …`` — one query, ids only."""
        stmt = select(Project.id).where(*self.conditions(narrowed, dialect))
        key = self.sort if self.sort in SORT_KEYS else "code"
        if key in _SORT_COLUMNS:
            order: Any = _SORT_COLUMNS[key]
        elif key == "lead_unit":
            stmt = stmt.outerjoin(_LeadUnit, _LeadUnit.id == Project.lead_unit_id)
            order = _LeadUnit.name
        elif key == "landing_park":
            stmt = stmt.outerjoin(_Park, _Park.id == Project.landing_park_id)
            order = _Park.name
        elif key == "chain":
            stmt = stmt.outerjoin(_Chain, _Chain.id == Project.chain_id)
            order = _Chain.sort_order
        elif key == "size_class":
            order = case({c: i for i, c in enumerate(SIZE_CLASSES)}, value=size_class_expr(self.thresholds))
        elif key == "stale":
            order = case((self.stale_expr(), 0), else_=1)
        else:  # arrived_amount: the maintained 累计到位 (zsdesk/ops/totals.py), read from its live index
            order = Project.arrived_total
        if self.text.strip() and (key in _SORT_COLUMNS or key == "arrived_amount"):
            # The same value, not a column: SQLite would otherwise walk the sort column's index over all
            # 100k projects, looking each row up for the LIKEs, rather than scan the table and sort the few
            # matches (100k projects, filter by text: ~100 → ~46 ms).
            order = func.coalesce(order, order)
        direction = order.desc() if self.descending else order.asc()
        tie = Project.id.desc() if self.descending else Project.id.asc()
        return stmt.order_by(direction, tie)

    def ids(self, session: Session) -> list[int]:
        key = self.sort if self.sort in SORT_KEYS else "code"
        narrowed = self.narrowed(session)
        if key in _BY_UNIT_NAME:
            return self._ids_by_unit_name(session, _BY_UNIT_NAME[key], narrowed)
        return fetch_ids(session, self.select(narrowed, _dialect(session)))

    def _ids_by_unit_name(self, session: Session, column: Any, narrowed: Narrowing | None = None) -> list[int]:
        """The order of :meth:`select` for a sort by a unit's name, without sorting 100,000 joined rows in
        SQL (223 ms): the few hundred units ranked by the database (its collation, its NULL placement), each
        unit's ids grouped by the database (:func:`ids_by_unit`), and each unit's run of ids placed by its
        unit's rank; reversed for descending."""
        names = session.execute(select(Unit.id, Unit.name).order_by(Unit.name, Unit.id)).all()
        by_unit = ids_by_unit(session, column, self.conditions(narrowed, _dialect(session)))
        nulls = by_unit.pop(None, [])  # ids without a unit: NULL names sort first on SQLite, last on PostgreSQL
        runs: list[list[int]] = []  # one run of ids per distinct unit name, in name order
        previous: object = object()
        for unit_id, name in names:
            ids = by_unit.pop(unit_id, None)
            if name != previous or not runs:
                runs.append([])
                previous = name
            if ids:  # two units with one name: their projects interleave by id, as in SQL
                runs[-1] = sorted(runs[-1] + ids) if runs[-1] else ids
        if by_unit:  # a unit id with no unit row: a NULL name in SQL
            nulls = sorted(nulls + [pid for ids in by_unit.values() for pid in ids])
        ordered = [nulls] + runs if session.get_bind().dialect.name == "sqlite" else runs + [nulls]
        out: list[int] = []
        for run in ordered:
            out.extend(run)
        if self.descending:
            out.reverse()
        return out

    def count(self, session: Session) -> int:
        return session.scalar(select(func.count()).select_from(Project).where(
            *self.conditions(self.narrowed(session), _dialect(session)))) or 0


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# Sorts by a unit's name that ``ProjectQuery.ids`` answers by rank (the unit column of the project).
_BY_UNIT_NAME: dict[str, Any] = {"lead_unit": Project.lead_unit_id, "landing_park": Project.landing_park_id}


def ids_by_unit(session: Session, column: Any, conditions: list[ColumnElement[bool]]) -> dict[Any, list[int]]:
    """The ids of the projects meeting ``conditions`` per value of ``column`` (a unit id, or None), each list in
    id order: one row per unit, its ids aggregated by the database — ``group_concat`` on SQLite, ``array_agg``
    read in binary on PostgreSQL — rather than one (unit, id) row per project (100k projects on SQLite: the
    pairs ~100 ms, the groups ~35 ms). Each list is sorted here: the aggregates' order is not promised."""
    if session.get_bind().dialect.name == "sqlite":
        rows = _fetch(session, select(column, func.group_concat(Project.id)).where(*conditions).group_by(column))
        if rows is not None:
            return {unit: sorted(map(int, ids.split(","))) for unit, ids in rows}
    else:
        rows = _fetch(session, select(column, func.array_agg(Project.id)).where(*conditions).group_by(column),
                      binary=True)
        if rows is not None:
            return {unit: sorted(ids) for unit, ids in rows}
    out: dict[Any, list[int]] = {}
    for unit, pid in session.execute(select(column, Project.id).where(*conditions)):
        out.setdefault(unit, []).append(pid)
    return {unit: sorted(ids) for unit, ids in out.items()}


def _fetch_arrays(session: Session, stmt: Select[Any], width: int) -> list[list[Any]] | None:
    """PostgreSQL: the first ``width`` columns of ``stmt`` as lists, each aggregated on the server into one
    array (``SELECT array_agg(c1), … FROM (stmt) AS s``) and read in binary — one row, not 100,000 (100k ids:
    ~50 → ~31 ms). The aggregate reads its ordered subquery as it comes, with no join or grouping around it
    (PostgreSQL's documented way to aggregate in order; an ``ORDER BY`` inside the aggregate would sort the
    100k rows again instead of reading the index in order: ~105 ms). None where not PostgreSQL or the
    parameters are not plain."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    inner = stmt.subquery()
    outer = select(*(func.array_agg(inner.c[i]) for i in range(width)))
    compiled = outer.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    values = dict(compiled.construct_params())
    raw: Any = connection.connection.dbapi_connection  # psycopg's connection: its cursor takes binary=True
    if raw is None or not all(v is None or isinstance(v, (int, float, str)) for v in values.values()):
        return None
    cursor = raw.cursor(binary=True)
    try:
        cursor.execute(compiled.string, values)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return [list(column or ()) for column in row]


def _fetch(session: Session, stmt: Select[Any], binary: bool = False) -> list[Any] | None:
    """Rows of ``stmt`` straight from the DBAPI cursor (plain tuples), or None where that cannot be done:
    SQLite's (positional parameters) and psycopg's (named), when every parameter is a plain number or text.
    ``binary``: psycopg reads the rows in binary (arrays of numbers)."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return None
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if dialect == "sqlite":
        values: Any = [params[k] for k in compiled.positiontup or []]
        plain = values
    else:
        values = dict(params)
        plain = list(values.values())
    raw = connection.connection.dbapi_connection  # None only once the connection is closed
    if raw is None or not all(v is None or isinstance(v, (int, float, str)) for v in plain):
        return None
    cursor: Any = raw.cursor(binary=True) if binary and dialect == "postgresql" else raw.cursor()
    try:
        cursor.execute(compiled.string, values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def fetch_ids(session: Session, stmt: Select[int]) -> list[int]:
    """The first column of ``stmt`` as a list, fast.

    SQLAlchemy's result rows cost ~1 µs each (≈110 ms for 100,000 ids, most of a filter's budget);
    on SQLite the compiled statement runs on the DBAPI cursor directly (≈20 ms). Statements whose
    parameters need SQLAlchemy's conversion take the ordinary path.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        positions = compiled.positiontup or []
        values = [params[k] for k in positions]
        raw = connection.connection.dbapi_connection  # None only once the connection is closed
        if raw is not None and all(v is None or isinstance(v, (int, float, str)) for v in values):
            cursor: Any = raw.cursor()  # sqlite3's cursor; the DBAPI protocol does not declare iteration
            try:
                cursor.execute(compiled.string, values)
                return [row[0] for row in cursor]
            finally:
                cursor.close()
    elif connection.dialect.name == "postgresql":  # one binary array (100k ids: ~120 → ~50 → ~31 ms)
        columns = _fetch_arrays(session, stmt, 1)
        if columns is not None:
            return columns[0]
    return list(session.scalars(stmt))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class ProjectRow:
    """Everything the ledger table shows for one project, raw (money in yuan, dates as dates)."""

    id: int
    code: str
    name: str
    investor: str
    stage: str
    origin: str
    origin_place: str
    chain: str
    industrial: bool
    planned_investment: int
    agreement_amount: int
    expected_output: int
    first_contact_date: date | None
    framework_date: date | None
    formal_date: date | None
    started_date: date | None
    production_date: date | None
    full_production_date: date | None
    withdrawn_date: date | None
    lead_unit: str
    cooperating_units: str
    landing_park: str
    leader: str
    persons: str
    tags: str
    notes: str
    updated_at: datetime
    size_class: str
    arrived_amount: int
    stale: bool
    verification: str | None = None  # 认定 (SPEC §11): None 已认定, "pending" 待认定, "returned" 退回


# Plain columns, in ProjectRow's order where they map one to one; loading entities would cost an
# identity-map object per row, the largest part of a page fetch.
_ROW_COLUMNS = (Project.id, Project.code, Project.name, Project.investor, Project.stage, Project.origin,
                Project.origin_province, Project.origin_city, Project.industrial, Project.planned_investment,
                Project.agreement_amount, Project.expected_output, Project.first_contact_date,
                Project.framework_date, Project.formal_date, Project.started_date, Project.production_date,
                Project.full_production_date, Project.withdrawn_date, Project.leader, Project.notes,
                Project.updated_at, Project.verification)


# One expanding parameter for a page's ids: the statement's shape (and SQLAlchemy's compiled cache
# entry) stays the same whatever the ids, instead of a bind parameter built per id.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def fetch_rows(session: Session, ids: Sequence[int], thresholds: SizeThresholds | None = None,
               stale_days: int = DEFAULT_STALE_DAYS, today: date | None = None) -> dict[int, ProjectRow]:
    """The rows for a page of ids: three prepared queries (projects, their link lists, their funds)."""
    if not ids:
        return {}
    params = {"ids": list(ids),
              "stale_cutoff": ProjectQuery(stale_days=stale_days, today=today).stale_cutoff()}
    coop, persons, tags = ({}, {}, {})  # type: tuple[dict[int, list[str]], dict[int, list[str]], dict[int, list[str]]]
    links = (coop, persons, tags)
    for kind, pid, name in session.execute(_links_statement(), params):
        links[kind].setdefault(pid, []).append(name)
    arrived: dict[int, int | None] = dict(session.execute(_arrived_statement(), params).all())
    rows = {}
    for (pid, code, name, investor, stage, origin, province, city, industrial, planned, agreement, output,
         first, framework, formal, started, production, full, withdrawn, leader, notes, updated, verification,
         lead, park, chain, size, stale) in session.execute(_rows_statement(thresholds or SizeThresholds()), params):
        rows[pid] = ProjectRow(
            pid, code, name, investor, stage, origin, f"{province or ''}{city or ''}", chain or "", bool(industrial),
            planned, agreement, output, first, framework, formal, started, production, full, withdrawn,
            lead or "", "、".join(coop.get(pid, ())), park or "", leader, "、".join(persons.get(pid, ())),
            "、".join(tags.get(pid, ())), notes, updated, size, int(arrived.get(pid) or 0), bool(stale), verification)
    return rows


# The page queries are built once (per size thresholds) and take the ids and the stale cut-off as
# parameters: building and cache-keying a statement cost more than running it on a page of rows.
@lru_cache(maxsize=8)
def _rows_statement(t: SizeThresholds) -> Select[*tuple[Any, ...]]:
    stale = stale_condition(bindparam("stale_cutoff"))
    return (select(*_ROW_COLUMNS, _LeadUnit.name, _Park.name, _Chain.name, size_class_expr(t), stale)
            .outerjoin(_LeadUnit, _LeadUnit.id == Project.lead_unit_id)
            .outerjoin(_Park, _Park.id == Project.landing_park_id)
            .outerjoin(_Chain, _Chain.id == Project.chain_id)
            .where(Project.id.in_(_IDS)))


@lru_cache(maxsize=1)
def _links_statement() -> Select[Any]:
    """Cooperating units (0), credited persons (1) and investor tags (2) of a page of projects."""
    parts = [
        select(literal(0).label("kind"), ProjectCooperatingUnit.project_id.label("pid"), Unit.name.label("name"))
        .join(Unit, Unit.id == ProjectCooperatingUnit.unit_id).where(ProjectCooperatingUnit.project_id.in_(_IDS)),
        select(literal(1), ProjectPerson.project_id, Person.name)
        .join(Person, Person.id == ProjectPerson.person_id).where(ProjectPerson.project_id.in_(_IDS)),
        select(literal(2), ProjectTag.project_id, DictionaryEntry.name)
        .join(DictionaryEntry, DictionaryEntry.id == ProjectTag.tag_id).where(ProjectTag.project_id.in_(_IDS)),
    ]
    union = parts[0].union_all(*parts[1:]).subquery()
    return select(union.c.kind, union.c.pid, union.c.name).order_by(union.c.kind, union.c.pid, union.c.name)


@lru_cache(maxsize=1)
def _arrived_statement() -> Select[int, int]:
    return (select(Funding.project_id, func.sum(Funding.amount))
            .where(Funding.project_id.in_(_IDS), Funding.deleted_at.is_(None)).group_by(Funding.project_id))
