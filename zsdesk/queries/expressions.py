"""SQL expressions of the vocabulary, defined once: the size class, the first signing, a date's month.

Used by the ledger's queries (``zsdesk.queries.projects``), the board (``zsdesk.board``) and the
life-cycle engine alike, so the table, the 英雄榜 and the deadlines always agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, extract, false, literal, or_

from ..models import Project
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
