"""SQL expressions of the vocabulary, defined once: the size class, the first signing, a date's month.

Used by the ledger's queries (``zsdesk.queries.projects``), the board (``zsdesk.board``) and the
life-cycle engine alike, so the table, the 英雄榜 and the deadlines always agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Integer,
    SQLColumnExpression,
    and_,
    any_,
    case,
    cast,
    extract,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from ..models import Project, ProjectCooperatingUnit
from ..rules import SizeClass, Threshold


class SizeLimits(Protocol):
    """What decides a size class: ``Rules`` has it, and so does the hashable ``SizeThresholds``."""

    @property
    def major(self) -> Threshold: ...
    @property
    def large(self) -> Threshold: ...
    @property
    def key(self) -> Threshold: ...
    @property
    def general_industrial(self) -> int: ...
    @property
    def general_non_industrial(self) -> int: ...


def _meets(column: Any, threshold: int | None) -> ColumnElement[bool]:
    return column >= threshold if threshold is not None else false()


def size_class_expr(limits: SizeLimits) -> ColumnElement[str]:
    """SQL twin of ``Rules.size_class``: the highest class that applies."""
    a, o = Project.agreement_amount, Project.expected_output
    return case(
        (or_(_meets(a, limits.major.agreement_amount), _meets(o, limits.major.expected_output)), literal(SizeClass.MAJOR.value)),
        (or_(_meets(a, limits.large.agreement_amount), _meets(o, limits.large.expected_output)), literal(SizeClass.LARGE.value)),
        (or_(_meets(a, limits.key.agreement_amount), _meets(o, limits.key.expected_output)), literal(SizeClass.KEY.value)),
        (or_(and_(Project.industrial.is_(True), a >= limits.general_industrial),
             and_(Project.industrial.is_(False), a >= limits.general_non_industrial)), literal(SizeClass.GENERAL.value)),
        else_=literal(SizeClass.NONE.value))


def signed_date_expr() -> SQLColumnExpression[date | None]:
    """The first signing (framework date, else formal date): stored on every write and indexed
    (``projects.signed_date``, kept equal to zsdesk.stage.first_signed)."""
    return Project.signed_date


def month_of(column: Any) -> ColumnElement[int]:
    """The month (1–12) of a date column, on SQLite and PostgreSQL alike (funds by month, the trend)."""
    return extract("month", column)


def verified_expr() -> ColumnElement[bool]:
    """已认定 (SPEC §11): ``verification`` NULL — every project before 认定 existed, and each one 认定 since."""
    return Project.verification.is_(None)


def unit_projects(unit_id: int, dialect: str = "") -> ColumnElement[bool]:
    """“The project is the unit's”: it leads it, or cooperates in it — as each database answers it from its
    indexes, never by reading every project (100k projects: SQLite ~200 → ~4 ms, PostgreSQL ~300 → ~5 ms).

    - SQLite (and any other): ``projects.id IN (the lead unit's ids UNION ALL the cooperating pairs' ids)``:
      two index searches, the few hundred rows looked up. (An OR with a correlated EXISTS walked all 100k
      projects.)
    - ``dialect`` ``postgresql``: ``lead_unit_id = u OR id = ANY(CAST((SELECT array_agg(…)) AS INTEGER[]))``:
      one bitmap OR of two index scans, the array worked out once. (Its planner joined the ``IN (… UNION
      ALL …)`` back to every id found, ~9 ms, and scanned the table for a plain ``OR … IN``.)"""
    if dialect == "postgresql":
        paired = select(func.array_agg(ProjectCooperatingUnit.project_id)).where(
            ProjectCooperatingUnit.unit_id == unit_id).scalar_subquery()
        return or_(Project.lead_unit_id == unit_id, Project.id == any_(cast(paired, ARRAY(Integer))))
    return Project.id.in_(union_all(
        select(Project.id).where(Project.lead_unit_id == unit_id, Project.deleted_at.is_(None)),
        select(ProjectCooperatingUnit.project_id).where(ProjectCooperatingUnit.unit_id == unit_id)))


def unindexed(column: Any) -> Any:
    """``column`` as SQLite's unary ``+`` (same value, no index): SQLite then reads the table in order
    instead of looking rows up one by one from a date index — 2–3× faster when a board's windows hold
    tens of thousands of projects — or walks the index of the ORDER BY (the text filter's first screen,
    zsdesk/queries/first_screen.py). SQLite only (PostgreSQL has no unary ``+`` on dates and its planner
    weighs a sequential scan itself)."""
    return UnaryExpression(column.expression, operator=custom_op("+"), type_=column.type)
