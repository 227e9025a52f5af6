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

from sqlalchemy import BigInteger, ColumnElement, Integer, and_, case, false, literal_column, or_

from ..models import Project
from ..queries.expressions import signed_date_expr as first_signed_expr  # the vocabulary's one definition
from ..queries.expressions import size_class_expr as size_class_expr
from ..queries.expressions import unindexed as unindexed  # re-exported: the board's modules name it here
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


def signing_prefilter(span: Window, scan: bool = False) -> ColumnElement[bool]:
    """A superset of every signing predicate of every window inside ``span``: a framework agreement in a
    window makes it the first signing, so three dates cover them all. Indexable unless ``scan``
    (SQLite: read the table in order, see ``unindexed``)."""
    def col(c: Any) -> Any:
        return unindexed(c) if scan else c

    return or_(_in(col(Project.signed_date), span), _in(col(Project.formal_date), span),
               _in(col(Project.started_date), span))


FLAGS = ("formal", "framework", "first", "started")  # window_code's 4 bits per window; framework excludes formal


def _date_bits(column: Any, windows: list[Window], bit: int, ends_only: bool = False) -> Any:
    """One CASE over ``column``: the ``1 << (4·i + bit)`` of every window ``i`` that holds the date (``ends_only``:
    every window that ends on or after it). The boundary tests run in ascending order, each the same comparison
    as ``BETWEEN`` makes (``< start``, ``<= end``), so a date sees the tests up to its first true one — about two
    for most projects, against two per window for a ``BETWEEN`` each; NULL: 0."""
    tests = sorted({(w[1], 1) for w in windows} | (set() if ends_only else {(w[0], 0) for w in windows}))
    at = {t: k for k, t in enumerate(tests)}

    def mask(k: int) -> int:  # the windows of the dates whose first true test is the k-th
        return sum(1 << (4 * i + bit) for i, (s, e) in enumerate(windows)
                   if (ends_only or at[(s, 0)] < k) and k <= at[(e, 1)])

    whens: list[tuple[Any, int]] = []
    for k, (value, kind) in enumerate(tests):
        test = column < value if kind == 0 else column <= value
        if whens and whens[-1][1] == mask(k):
            whens[-1] = (test, mask(k))  # the same windows as the next region: one test for both
        else:
            whens.append((test, mask(k)))
    zero = literal_column("0", Integer)
    return case((column.is_(None), zero), *((t, literal_column(str(m), Integer)) for t, m in whens), else_=zero)


def window_code(windows: list[Window], scan: bool = False) -> Any:
    """One integer per project: bit 4·i + j says the project meets ``FLAGS[j]`` in ``windows[i]`` (the
    predicates of ``window_predicates``): one ascending CASE per date rather than a ``BETWEEN`` per window.
    ``scan`` (SQLite): the dates as ``+column`` — a DATE column has NUMERIC affinity, so each comparison with a
    text date first tried to read the text as a number (``sqlite3AtoF``, ~2.5% of a board's instructions);
    without affinity the same text comparison is made directly."""
    def col(c: Any) -> Any:
        return unindexed(c) if scan else c

    framework_bits = sum(1 << (4 * i + 1) for i in range(len(windows)))
    formal = col(Project.formal_date)
    # framework: its date in the window, and no formal contract by the window's end
    framework = _date_bits(col(Project.framework_date), windows, 1).op("&")(
        (literal_column(str(framework_bits), Integer) - _date_bits(formal, windows, 1, ends_only=True)).self_group())
    return _date_bits(formal, windows, 0) + framework + _date_bits(col(first_signed_expr()), windows, 2) + \
        _date_bits(col(Project.started_date), windows, 3)


def single_credit_expr(rules: Rules, amount: Any, origin: Any) -> Any | None:
    """SQL twin of ``_Splitter.single``: ``amount × origin weight`` half-up to the yuan (mirrored for a negative
    amount). With weight n/d and amount = q·d + r (both truncate toward zero, so r has the amount's sign) it is
    q·n + (2·r·n + d) div 2d, or q·n − (d − 2·r·n) div 2d for a negative amount: no product exceeds the amount
    (a weight is at most 100%), so no 64-bit overflow. None for a weight above 100% (then worked out in Python)."""
    whens = []
    for code, weight in sorted(rules.origin_weights.items()):
        n, d = weight.numerator, weight.denominator
        if not n:
            continue
        if n > d:
            return None
        if n == d:  # 100%: the amount itself
            whens.append((origin == code, amount))
            continue
        n_, twice_n, d_, twice_d = (literal_column(str(int(v)), BigInteger) for v in (n, 2 * n, d, 2 * d))
        whole = (amount // d_) * n_
        rest = amount % d_
        whens.append((origin == code, case((amount >= 0, whole + (rest * twice_n + d_) // twice_d),
                                           else_=whole - (d_ - rest * twice_n) // twice_d)))
    zero = literal_column("0", BigInteger)
    return case(*whens, else_=zero) if whens else zero


in_window = _in
