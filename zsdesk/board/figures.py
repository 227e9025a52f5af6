"""Figures and the SQL expressions behind every board figure (SPEC §3); the aggregate queries that use
them are in ``aggregates.py``.

Definitions, for a window ``[s, e]`` (both inclusive):

- a project *counts* when it is not soft-deleted, not withdrawn (退库 at any date: "counted nowhere"),
  and its size class is not 不计;
- *formal*: formal contract signed in the window; *framework*: framework agreement signed in the
  window and no formal contract by ``e``; *signed*: formal or framework, each project once;
- *first signed* (协议资金, size-class counts): the project's first signing date (framework date,
  else formal date; stored and indexed as ``projects.signed_date``) is in the window;
- *arrived*: funding entries dated in the window (live entries of counting projects);
- *started*: 开工 date in the window.

Units are credited ``amount × origin weight × joint share`` (lead unit alone 100%, else lead 80% and
the cooperating units 20% equally — values from the rules); counts go to the lead unit only.
Persons get ``amount × origin weight ÷ number of credited persons``. District amounts are raw.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from ..models import Project
from ..queries.expressions import signed_date_expr as first_signed_expr  # the vocabulary's one definition
from ..queries.expressions import size_class_expr as size_class_expr
from ..queries.expressions import verified_expr
from ..rules import Rules

Window = tuple[date, date]
COUNT_FIELDS = ("signed_projects", "formal_contracts", "framework_agreements", "first_signed", "major", "large",
                "key", "general", "started_projects", "converted_contracts")
AMOUNT_FIELDS = ("agreement_amount", "formal_amount", "framework_amount", "arrived_amount")


@dataclass
class Figures:
    """One holder's figures for one window. Amounts are int yuan (credited for units and persons)."""

    signed_projects: int = 0
    formal_contracts: int = 0
    framework_agreements: int = 0
    first_signed: int = 0  # projects first signed in the window (their agreement amount is agreement_amount)
    major: int = 0
    large: int = 0
    key: int = 0
    general: int = 0
    started_projects: int = 0
    # 其中：往期框架协议转正式合同 — formal contracts of the window whose first signing (a framework agreement)
    # was in an earlier period: they count as signed projects but bring no agreement amount and no size class
    converted_contracts: int = 0
    agreement_amount: int = 0
    formal_amount: int = 0
    framework_amount: int = 0
    arrived_amount: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __sub__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def round_half_up(value: Fraction) -> int:
    """Nearest integer, halves away from zero (ROUND_HALF_UP)."""
    return round_ratio_half_up(value.numerator, value.denominator)


def round_ratio_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (denominator > 0, need not be reduced) to the nearest integer, halves
    away from zero — the same as ``round_half_up(Fraction(numerator, denominator))`` without the gcd."""
    magnitude = (abs(numerator) * 2 + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


# ---- expressions built from the rules ------------------------------------------------------------

def _meets(column: Any, threshold: int | None) -> ColumnElement[bool]:
    return column >= threshold if threshold is not None else false()


def live_expr(rules: Rules | None = None, scan: bool = False) -> ColumnElement[bool]:
    """Not soft-deleted, not withdrawn, and 已认定 when the rules require it (the size class decides the rest).
    ``scan``: no (partial) index on ``deleted_at`` (SQLite, see ``unindexed``)."""
    live = and_((unindexed(Project.deleted_at) if scan else Project.deleted_at).is_(None),
                Project.withdrawn_date.is_(None))
    return and_(live, verified_expr()) if rules is not None and rules.require_verification else live


def counted_expr(rules: Rules, scan: bool = False) -> ColumnElement[bool]:
    """Live, not withdrawn, and not 不计 (``scan``: see ``live_expr``)."""
    a, o = Project.agreement_amount, Project.expected_output
    reaches = or_(*(_meets(a, t.agreement_amount) for t in (rules.major, rules.large, rules.key)),
                  *(_meets(o, t.expected_output) for t in (rules.major, rules.large, rules.key)),
                  and_(Project.industrial.is_(True), a >= rules.general_industrial),
                  and_(Project.industrial.is_(False), a >= rules.general_non_industrial))
    return and_(live_expr(rules, scan), reaches)


def _in(column: Any, w: Window) -> ColumnElement[bool]:
    return column.between(w[0], w[1])


def window_predicates(w: Window, scan: bool = False) -> dict[str, ColumnElement[bool]]:
    """The signing predicates of one window (``scan``: on unindexed dates, see ``unindexed``)."""
    def col(c: Any) -> Any:
        return unindexed(c) if scan else c

    formal_date = col(Project.formal_date)
    formal = _in(formal_date, w)
    framework = and_(_in(col(Project.framework_date), w), or_(formal_date.is_(None), formal_date > w[1]))
    return {"formal": formal, "framework": framework, "signed": or_(formal, framework),
            "first": _in(col(first_signed_expr()), w), "started": _in(col(Project.started_date), w)}


def unindexed(column: Any) -> Any:
    """``column`` as SQLite's unary ``+`` (same value, no index): SQLite then reads the table in order
    instead of looking rows up one by one from a date index — 2–3× faster when a board's windows hold
    tens of thousands of projects. SQLite only (PostgreSQL has no unary ``+`` on dates and its planner
    weighs a sequential scan itself)."""
    return UnaryExpression(column.expression, operator=custom_op("+"), type_=column.type)


def signing_prefilter(span: Window, scan: bool = False) -> ColumnElement[bool]:
    """A superset of every signing predicate of every window inside ``span``: a framework agreement in a
    window makes it the first signing, so three dates cover them all. Indexable unless ``scan``
    (SQLite: read the table in order, see ``unindexed``)."""
    def col(c: Any) -> Any:
        return unindexed(c) if scan else c

    return or_(_in(col(Project.signed_date), span), _in(col(Project.formal_date), span),
               _in(col(Project.started_date), span))


in_window = _in
