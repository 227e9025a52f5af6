"""SQL aggregates behind every board figure (SPEC §3). No Python loops over projects: each query
groups by (holder, role, origin, number of sharers) and Python applies the rules' weights to those
few groups exactly (``Fraction``), rounding half-up to the yuan only at the end.

Definitions, for a window ``[s, e]`` (both inclusive):

- a project *counts* when it is not soft-deleted, not withdrawn (退库 at any date: "counted nowhere"),
  and its size class is not 不计;
- *formal*: formal contract signed in the window; *framework*: framework agreement signed in the
  window and no formal contract by ``e``; *signed*: formal or framework, each project once;
- *first signed* (协议资金, size-class counts): the project's first signing date (framework date,
  else formal date) is in the window;
- *arrived*: funding entries dated in the window (live entries of counting projects);
- *started*: 开工 date in the window.

Units are credited ``amount × origin weight × joint share`` (lead unit alone 100%, else lead 80% and
the cooperating units 20% equally — values from the rules); counts go to the lead unit only.
Persons get ``amount × origin weight ÷ number of credited persons``. District amounts are raw.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, literal, not_, or_, select, union_all
from sqlalchemy.orm import Session

from ..models import Funding, Project, ProjectCooperatingUnit, ProjectPerson
from ..rules import Rules

Window = tuple[date, date]
COUNT_FIELDS = ("signed_projects", "formal_contracts", "framework_agreements", "first_signed", "major", "large",
                "key", "general", "started_projects")
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
    magnitude = (abs(value.numerator) * 2 + value.denominator) // (2 * value.denominator)
    return magnitude if value >= 0 else -magnitude


@dataclass
class _Acc:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    amounts: dict[str, Fraction] = field(default_factory=lambda: defaultdict(Fraction))
    active: bool = False  # anything signed or arrived, in any role, before weights

    def figures(self) -> Figures:
        f = Figures()
        for name in COUNT_FIELDS:
            setattr(f, name, self.counts.get(name, 0))
        for name in AMOUNT_FIELDS:
            setattr(f, name, round_half_up(self.amounts.get(name, Fraction(0))))
        return f


# ---- expressions built from the rules ------------------------------------------------------------

def _meets(column: Any, threshold: int | None) -> ColumnElement[bool]:
    return column >= threshold if threshold is not None else false()


def size_class_expr(rules: Rules) -> ColumnElement[str]:
    """SQL twin of ``Rules.size_class``."""
    a, o = Project.agreement_amount, Project.expected_output
    return case(
        (or_(_meets(a, rules.major.agreement_amount), _meets(o, rules.major.expected_output)), literal("major")),
        (or_(_meets(a, rules.large.agreement_amount), _meets(o, rules.large.expected_output)), literal("large")),
        (or_(_meets(a, rules.key.agreement_amount), _meets(o, rules.key.expected_output)), literal("key")),
        (or_(and_(Project.industrial.is_(True), a >= rules.general_industrial),
             and_(Project.industrial.is_(False), a >= rules.general_non_industrial)), literal("general")),
        else_=literal("none"))


def counted_expr(rules: Rules) -> ColumnElement[bool]:
    """Live, not withdrawn, and not 不计."""
    a, o = Project.agreement_amount, Project.expected_output
    reaches = or_(*(_meets(a, t.agreement_amount) for t in (rules.major, rules.large, rules.key)),
                  *(_meets(o, t.expected_output) for t in (rules.major, rules.large, rules.key)),
                  and_(Project.industrial.is_(True), a >= rules.general_industrial),
                  and_(Project.industrial.is_(False), a >= rules.general_non_industrial))
    return and_(Project.deleted_at.is_(None), Project.withdrawn_date.is_(None), reaches)


def first_signed_expr() -> ColumnElement[date]:
    # Date order is validated on every write, so the framework date never follows the formal one.
    return func.coalesce(Project.framework_date, Project.formal_date)


def _in(column: Any, w: Window) -> ColumnElement[bool]:
    return column.between(w[0], w[1])


def window_predicates(w: Window) -> dict[str, ColumnElement[bool]]:
    formal = _in(Project.formal_date, w)
    framework = and_(_in(Project.framework_date, w),
                     or_(Project.formal_date.is_(None), Project.formal_date > w[1]))
    return {"formal": formal, "framework": framework, "signed": or_(formal, framework),
            "first": _in(first_signed_expr(), w), "started": _in(Project.started_date, w)}


def _signing_columns(rules: Rules, windows: dict[str, Window]) -> list[Any]:
    klass = size_class_expr(rules)
    cols: list[Any] = []
    amount = Project.agreement_amount
    for name, w in windows.items():
        p = window_predicates(w)

        def n(cond: ColumnElement[bool], label: str, name: str = name) -> Any:
            return func.sum(case((cond, 1), else_=0)).label(f"{name}__{label}")

        def amt(cond: ColumnElement[bool], label: str, name: str = name) -> Any:
            return func.sum(case((cond, amount), else_=0)).label(f"{name}__{label}")

        cols += [n(p["signed"], "signed_projects"), n(p["formal"], "formal_contracts"),
                 n(p["framework"], "framework_agreements"), n(p["first"], "first_signed"),
                 n(p["started"], "started_projects"),
                 *(n(and_(p["first"], klass == c), c) for c in ("major", "large", "key", "general")),
                 amt(p["first"], "agreement_amount"), amt(p["formal"], "formal_amount"),
                 amt(p["framework"], "framework_amount")]
    return cols


def _any_signing(windows: dict[str, Window]) -> ColumnElement[bool]:
    conds = []
    for w in windows.values():
        conds += [_in(Project.formal_date, w), _in(Project.framework_date, w), _in(Project.started_date, w)]
    return or_(*conds)


def _coop_count() -> Any:
    return (select(func.count()).where(ProjectCooperatingUnit.project_id == Project.id)
            .correlate(Project).scalar_subquery())


def _person_count() -> Any:
    return (select(func.count()).where(ProjectPerson.project_id == Project.id)
            .correlate(Project).scalar_subquery())


def _funding_cte(windows: dict[str, Window]) -> Any:
    cols = [func.sum(case((_in(Funding.date, w), Funding.amount), else_=0)).label(f"{name}__arrived_amount")
            for name, w in windows.items()]
    return (select(Funding.project_id, *cols)
            .where(Funding.deleted_at.is_(None), or_(*(_in(Funding.date, w) for w in windows.values())))
            .group_by(Funding.project_id).cte("pf"))


# ---- holders ----------------------------------------------------------------------------------------

@dataclass
class Aggregates:
    """Per window: district (raw) and per-unit / per-person (credited) figures, plus activity flags."""

    district: dict[str, Figures]
    units: dict[str, dict[int, Figures]]
    unit_active: dict[str, set[int]]
    persons: dict[str, dict[int, Figures]]


def _apply(accs: dict[str, dict[Any, _Acc]], row: Any, windows: dict[str, Window], weight: Fraction,
           counts: bool, holder: Any) -> None:
    m = row._mapping
    for name in windows:
        acc = accs[name][holder]
        for key in COUNT_FIELDS:
            value = m.get(f"{name}__{key}")
            if value:
                acc.active = acc.active or key in ("signed_projects",)
                if counts:
                    acc.counts[key] += int(value)
        for key in AMOUNT_FIELDS:
            value = m.get(f"{name}__{key}")
            if value:
                if key == "arrived_amount":
                    acc.active = True
                acc.amounts[key] += Fraction(int(value)) * weight


def _first_prefilter(windows: dict[str, Window]) -> ColumnElement[bool]:
    """An indexable superset of "first signed in a window", to keep the scans short."""
    return or_(*(or_(_in(Project.framework_date, w), _in(Project.formal_date, w)) for w in windows.values()))


def board_aggregates(session: Session, rules: Rules, windows: dict[str, Window],
                     credit_windows: tuple[str, ...]) -> Aggregates:
    """District figures for every window; unit and person credits for ``credit_windows``.

    Signings: one GROUP BY statement (lead rows give the district and the counts). District funds
    arrived: one pass summing every window, minus the few projects that do not count. Credited funds:
    one statement over a materialized per-project CTE, grouped for lead units, cooperating units and
    persons at once.
    """
    counted = counted_expr(rules)
    ncoop = _coop_count().label("n")
    signing_cols = _signing_columns(rules, windows)
    lead_sign = (select(Project.lead_unit_id.label("unit_id"), literal("lead").label("role"), Project.origin,
                        ncoop, *signing_cols)
                 .where(counted, _any_signing(windows)).group_by(Project.lead_unit_id, Project.origin, ncoop))
    coop_sign = (select(ProjectCooperatingUnit.unit_id, literal("coop").label("role"), Project.origin, ncoop,
                        *signing_cols)
                 .join(Project, Project.id == ProjectCooperatingUnit.project_id)
                 .where(counted, _any_signing(windows))
                 .group_by(ProjectCooperatingUnit.unit_id, Project.origin, ncoop))
    district: dict[str, dict[Any, _Acc]] = {n: defaultdict(_Acc) for n in windows}
    units: dict[str, dict[Any, _Acc]] = {n: defaultdict(_Acc) for n in windows}
    persons: dict[str, dict[Any, _Acc]] = {n: defaultdict(_Acc) for n in windows}
    for row in session.execute(union_all(lead_sign, coop_sign)):
        role, n = row.role, int(row.n or 0)
        if role == "lead":
            _apply(district, row, windows, Fraction(1), True, None)
        if row.unit_id is not None:
            weight = rules.origin_weights.get(row.origin, Fraction(0)) * rules.unit_share(role, n)
            _apply(units, row, windows, weight, role == "lead", row.unit_id)

    credit = {n: windows[n] for n in credit_windows}
    npers = _person_count().label("n")
    person_cols = [func.sum(case((window_predicates(w)["first"], Project.agreement_amount), else_=0))
                   .label(f"{name}__agreement_amount") for name, w in credit.items()]
    person_sign = (select(ProjectPerson.person_id, Project.origin, npers, *person_cols)
                   .join(ProjectPerson, ProjectPerson.project_id == Project.id)
                   .where(counted, _first_prefilter(credit))
                   .group_by(ProjectPerson.person_id, Project.origin, npers))
    for row in session.execute(person_sign):
        if row.n:
            _apply(persons, row, credit, rules.origin_weights.get(row.origin, Fraction(0)) / int(row.n), False,
                   row.person_id)

    pf = _funding_cte(credit).prefix_with("MATERIALIZED")
    arr = [func.sum(pf.c[f"{n}__arrived_amount"]).label(f"{n}__arrived_amount") for n in credit]
    lead_fund = (select(literal("lead").label("role"), Project.lead_unit_id.label("holder"), Project.origin,
                        ncoop, *arr)
                 .join(Project, Project.id == pf.c.project_id).where(counted, Project.lead_unit_id.is_not(None))
                 .group_by(Project.lead_unit_id, Project.origin, ncoop))
    coop_fund = (select(literal("coop").label("role"), ProjectCooperatingUnit.unit_id.label("holder"),
                        Project.origin, ncoop, *arr)
                 .join(Project, Project.id == pf.c.project_id)
                 .join(ProjectCooperatingUnit, ProjectCooperatingUnit.project_id == Project.id).where(counted)
                 .group_by(ProjectCooperatingUnit.unit_id, Project.origin, ncoop))
    person_fund = (select(literal("person").label("role"), ProjectPerson.person_id.label("holder"),
                          Project.origin, npers, *arr)
                   .join(Project, Project.id == pf.c.project_id)
                   .join(ProjectPerson, ProjectPerson.project_id == Project.id).where(counted)
                   .group_by(ProjectPerson.person_id, Project.origin, npers))
    for row in session.execute(union_all(lead_fund, coop_fund, person_fund)):
        origin_weight = rules.origin_weights.get(row.origin, Fraction(0))
        n = int(row.n or 0)
        if row.role == "person":
            if n:
                _apply(persons, row, credit, origin_weight / n, False, row.holder)
        else:
            _apply(units, row, credit, origin_weight * rules.unit_share(row.role, n), False, row.holder)

    district_figures = {n: district[n][None].figures() for n in windows}
    for name, amount in _district_arrived(session, counted, windows).items():
        district_figures[name].arrived_amount = amount
    return Aggregates(
        district=district_figures,
        units={n: {u: acc.figures() for u, acc in units[n].items()} for n in windows},
        unit_active={n: {u for u, acc in units[n].items() if acc.active} for n in windows},
        persons={n: {p: acc.figures() for p, acc in persons[n].items()} for n in credit})


def _district_arrived(session: Session, counted: ColumnElement[bool], windows: dict[str, Window]) -> dict[str, int]:
    """Raw funds arrived per window: every live entry, less those of projects that do not count."""
    cols = [func.coalesce(func.sum(case((_in(Funding.date, w), Funding.amount), else_=0)), 0) for w in windows.values()]
    span = Funding.date.between(min(w[0] for w in windows.values()), max(w[1] for w in windows.values()))
    total = session.execute(select(*cols).where(Funding.deleted_at.is_(None), span)).one()
    excluded = session.execute(select(*cols).where(
        Funding.deleted_at.is_(None), span, Funding.project_id.in_(select(Project.id).where(not_(counted))))).one()
    return {name: int(t) - int(x) for name, t, x in zip(windows, total, excluded, strict=True)}
