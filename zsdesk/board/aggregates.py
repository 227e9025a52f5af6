"""The aggregate queries of one board: a handful of SQL statements that read the indexes, and a little
integer arithmetic over their grouped rows.

- **Signings** (district, every window): one ``GROUP BY size class`` statement per cluster of
  overlapping windows, prefiltered on the indexed ``signed_date`` / ``formal_date`` / ``started_date``.
- **Unit signings** (credit windows): lead rows and cooperating rows grouped by (unit, origin, number
  of cooperating units, size class); the number of cooperating units comes from a pre-grouped count.
- **Person signings**: grouped by (person, origin, number of credited persons).
- **Credited funds**: funding grouped per project once for the credit windows (conditional sums over
  the covering index ``ix_funding_date_cover``), joined to the counting projects, then grouped for
  lead units, cooperating units and persons in one statement.
- **District funds**: plain sums over the covering index for disjoint date pieces (no per-row
  ``CASE``), less the entries of projects that do not count.

Weights are applied to the grouped integer sums: each holder's amount is the exact sum of
``raw × weight`` over its groups, over a common denominator, rounded half-up to the yuan once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import case, func, literal, not_, select, union_all
from sqlalchemy.orm import Session

from ..models import Funding, Project, ProjectCooperatingUnit, ProjectPerson
from ..rules import Rules
from .figures import (
    Figures,
    Window,
    counted_expr,
    in_window,
    live_expr,
    round_ratio_half_up,
    signing_prefilter,
    size_class_expr,
    window_predicates,
)

# Per window, the signing columns in this order (counts, then raw agreement amounts).
SIGNING_COLUMNS = ("signed_projects", "formal_contracts", "framework_agreements", "first_signed",
                   "started_projects", "agreement_amount", "formal_amount", "framework_amount")
_COUNTS = SIGNING_COLUMNS[:5]
_AMOUNTS = SIGNING_COLUMNS[5:]
_WIDTH = len(SIGNING_COLUMNS)
_CLASSES = ("major", "large", "key", "general")


@dataclass
class Aggregates:
    """Per window: district (raw) figures; per credit window: unit and person (credited) figures and the
    units with any signing or funds in any role."""

    district: dict[str, Figures]
    units: dict[str, dict[int, Figures]]
    unit_active: dict[str, set[int]]
    persons: dict[str, dict[int, Figures]]


class Credits:
    """Exact credited amounts: raw integer sums per (holder, field, weight key), weighted once at the end."""

    def __init__(self, weight: Callable[[Hashable], Fraction]) -> None:
        self._weight = weight
        self._weights: dict[Hashable, Fraction] = {}
        self.sums: dict[tuple[Hashable, str], dict[Hashable, int]] = {}

    def add(self, holder: Hashable, name: str, key: Hashable, value: int) -> None:
        if value:
            parts = self.sums.setdefault((holder, name), {})
            parts[key] = parts.get(key, 0) + value

    def amount(self, holder: Hashable, name: str) -> int:
        parts = self.sums.get((holder, name))
        if not parts:
            return 0
        weights = []
        for key, raw in parts.items():
            w = self._weights.get(key)
            if w is None:
                w = self._weights[key] = self._weight(key)
            weights.append((w, raw))
        denominator = math.lcm(*(w.denominator for w, _ in weights))
        numerator = sum(raw * w.numerator * (denominator // w.denominator) for w, raw in weights)
        return round_ratio_half_up(numerator, denominator)


def clusters(windows: dict[str, Window]) -> list[tuple[Window, list[str]]]:
    """Windows grouped by overlap: each cluster is scanned once over its span."""
    out: list[tuple[Window, list[str]]] = []
    for name, (start, end) in sorted(windows.items(), key=lambda kv: kv[1]):
        if out and start <= out[-1][0][1]:
            (s, e), names = out[-1]
            out[-1] = ((s, max(e, end)), [*names, name])
        else:
            out.append(((start, end), [name]))
    return out


def _signing_columns(windows: Iterable[Window]) -> list[Any]:
    amount = Project.agreement_amount
    cols: list[Any] = []
    for w in windows:
        p = window_predicates(w)
        conds = (p["signed"], p["formal"], p["framework"], p["first"], p["started"])
        cols += [func.sum(case((c, 1), else_=0)) for c in conds]
        cols += [func.sum(case((c, amount), else_=0)) for c in (p["first"], p["formal"], p["framework"])]
    return cols


def _cooperating_count() -> Any:
    return (select(ProjectCooperatingUnit.project_id, func.count().label("n"))
            .group_by(ProjectCooperatingUnit.project_id).subquery("coop_n"))


def _person_count() -> Any:
    return select(ProjectPerson.project_id, func.count().label("n")).group_by(ProjectPerson.project_id).subquery(
        "person_n")


def _ints(values: Iterable[Any]) -> list[int]:
    return [int(v or 0) for v in values]


def district_signings(session: Session, rules: Rules, windows: dict[str, Window]) -> dict[str, Figures]:
    out = {name: Figures() for name in windows}
    klass = size_class_expr(rules).label("klass")
    for span, names in clusters(windows):
        query = (select(klass, *_signing_columns(windows[n] for n in names))
                 .where(live_expr(), signing_prefilter(span)).group_by(klass))
        for row in session.execute(query):
            if row[0] == "none":
                continue
            for i, name in enumerate(names):
                values = _ints(row[1 + i * _WIDTH: 1 + (i + 1) * _WIDTH])
                fig = out[name]
                for field_name, value in zip(SIGNING_COLUMNS, values, strict=True):
                    setattr(fig, field_name, getattr(fig, field_name) + value)
                setattr(fig, row[0], getattr(fig, row[0]) + values[3])
    return out


def _unit_weight(rules: Rules) -> Callable[[Hashable], Fraction]:
    def weight(key: Hashable) -> Fraction:
        origin, role, n = key  # type: ignore[misc]
        return rules.origin_weights.get(origin, Fraction(0)) * rules.unit_share(role, n)
    return weight


def _person_weight(rules: Rules) -> Callable[[Hashable], Fraction]:
    def weight(key: Hashable) -> Fraction:
        origin, n = key  # type: ignore[misc]
        return rules.origin_weights.get(origin, Fraction(0)) / n
    return weight


def board_aggregates(session: Session, rules: Rules, windows: dict[str, Window],
                     credit_windows: tuple[str, ...]) -> Aggregates:
    """District figures for every window; unit and person credits for ``credit_windows`` (the first of
    which is the one persons are ranked on)."""
    district = district_signings(session, rules, windows)
    for name, amount in district_arrived(session, rules, windows).items():
        district[name].arrived_amount = amount

    credit = {n: windows[n] for n in credit_windows}
    unit_counts: dict[str, dict[int, list[int]]] = {n: {} for n in credit}
    unit_credits = {n: Credits(_unit_weight(rules)) for n in credit}
    active: dict[str, set[int]] = {n: set() for n in credit}
    _unit_signings(session, rules, credit, unit_counts, unit_credits, active)
    person_window = credit_windows[0]
    person_credits = Credits(_person_weight(rules))
    _person_signings(session, rules, credit[person_window], person_credits)
    _credited_funds(session, rules, credit, person_window, unit_credits, person_credits, unit_counts, active)

    units: dict[str, dict[int, Figures]] = {}
    for name in credit:
        units[name] = {}
        for unit_id, counts in unit_counts[name].items():
            fig = Figures(**dict(zip(_COUNTS + _CLASSES, counts, strict=True)))
            for field_name in (*_AMOUNTS, "arrived_amount"):
                setattr(fig, field_name, unit_credits[name].amount(unit_id, field_name))
            units[name][unit_id] = fig
    holders = {h for h, _ in person_credits.sums}
    persons = {person_window: {
        p: Figures(agreement_amount=person_credits.amount(p, "agreement_amount"),
                   arrived_amount=person_credits.amount(p, "arrived_amount")) for p in holders}}
    return Aggregates(district=district, units=units, unit_active=active, persons=persons)


def _unit_signings(session: Session, rules: Rules, credit: dict[str, Window],
                   counts: dict[str, dict[int, list[int]]], credits: dict[str, Credits],
                   active: dict[str, set[int]]) -> None:
    klass = size_class_expr(rules).label("klass")
    coop_n = _cooperating_count()
    n = func.coalesce(coop_n.c.n, 0).label("n")
    zero = [0] * (len(_COUNTS) + len(_CLASSES))
    for span, names in clusters(credit):
        cols = _signing_columns(credit[name] for name in names)
        where = (live_expr(), signing_prefilter(span))
        lead = (select(literal("lead").label("role"), Project.lead_unit_id.label("unit_id"), Project.origin, n,
                       klass, *cols)
                .outerjoin(coop_n, coop_n.c.project_id == Project.id)
                .where(*where, Project.lead_unit_id.is_not(None))
                .group_by(Project.lead_unit_id, Project.origin, n, klass))
        coop = (select(literal("coop").label("role"), ProjectCooperatingUnit.unit_id, Project.origin, n, klass,
                       *cols)
                .join(ProjectCooperatingUnit, ProjectCooperatingUnit.project_id == Project.id)
                .outerjoin(coop_n, coop_n.c.project_id == Project.id)
                .where(*where)
                .group_by(ProjectCooperatingUnit.unit_id, Project.origin, n, klass))
        for row in session.execute(union_all(lead, coop)):
            role, unit_id, origin, ncoop, size = row[:5]
            if size == "none":
                continue
            key = (origin, role, int(ncoop))
            for i, name in enumerate(names):
                values = _ints(row[5 + i * _WIDTH: 5 + (i + 1) * _WIDTH])
                slot = counts[name].setdefault(unit_id, list(zero))
                if values[0]:
                    active[name].add(unit_id)
                if role == "lead":
                    for j in range(len(_COUNTS)):
                        slot[j] += values[j]
                    slot[len(_COUNTS) + _CLASSES.index(size)] += values[3]
                for field_name, value in zip(_AMOUNTS, values[len(_COUNTS):], strict=True):
                    credits[name].add(unit_id, field_name, key, value)


def _person_signings(session: Session, rules: Rules, window: Window, credits: Credits) -> None:
    person_n = _person_count()
    query = (select(ProjectPerson.person_id, Project.origin, person_n.c.n, func.sum(Project.agreement_amount))
             .join(ProjectPerson, ProjectPerson.project_id == Project.id)
             .join(person_n, person_n.c.project_id == Project.id)
             .where(counted_expr(rules), window_predicates(window)["first"])
             .group_by(ProjectPerson.person_id, Project.origin, person_n.c.n))
    for person_id, origin, n, amount in session.execute(query):
        credits.add(person_id, "agreement_amount", (origin, int(n)), int(amount or 0))


def _window_sums(column: Any, date_column: Any, windows: list[Window], span: Window) -> list[Any]:
    return [func.sum(column) if w == span else func.sum(case((in_window(date_column, w), column), else_=0))
            for w in windows]


def _credited_funds(session: Session, rules: Rules, credit: dict[str, Window], person_window: str,
                    unit_credits: dict[str, Credits], person_credits: Credits,
                    counts: dict[str, dict[int, list[int]]], active: dict[str, set[int]]) -> None:
    zero = [0] * (len(_COUNTS) + len(_CLASSES))
    for span, names in clusters(credit):
        sums = _window_sums(Funding.amount, Funding.date, [credit[n] for n in names], span)
        pf = (select(Funding.project_id, *(s.label(f"a{i}") for i, s in enumerate(sums)))
              .where(Funding.deleted_at.is_(None), in_window(Funding.date, span))
              .group_by(Funding.project_id).subquery("pf"))
        coop_n = _cooperating_count()
        pc = (select(Project.id, Project.lead_unit_id, Project.origin, func.coalesce(coop_n.c.n, 0).label("n"),
                     *(pf.c[f"a{i}"] for i in range(len(names))))
              .join(pf, pf.c.project_id == Project.id)
              .outerjoin(coop_n, coop_n.c.project_id == Project.id)
              .where(counted_expr(rules))
              .cte("pc").prefix_with("MATERIALIZED"))
        amounts = [func.sum(pc.c[f"a{i}"]) for i in range(len(names))]
        lead = (select(literal("lead").label("role"), pc.c.lead_unit_id.label("holder"), pc.c.origin, pc.c.n,
                       *amounts)
                .where(pc.c.lead_unit_id.is_not(None)).group_by(pc.c.lead_unit_id, pc.c.origin, pc.c.n))
        coop = (select(literal("coop").label("role"), ProjectCooperatingUnit.unit_id, pc.c.origin, pc.c.n,
                       *amounts)
                .join(ProjectCooperatingUnit, ProjectCooperatingUnit.project_id == pc.c.id)
                .group_by(ProjectCooperatingUnit.unit_id, pc.c.origin, pc.c.n))
        statements = [lead, coop]
        if person_window in names:
            person_n = _person_count()
            statements.append(
                select(literal("person").label("role"), ProjectPerson.person_id, pc.c.origin, person_n.c.n,
                       *amounts)
                .join(ProjectPerson, ProjectPerson.project_id == pc.c.id)
                .join(person_n, person_n.c.project_id == pc.c.id)
                .group_by(ProjectPerson.person_id, pc.c.origin, person_n.c.n))
        p_index = names.index(person_window) if person_window in names else -1
        for row in session.execute(union_all(*statements)):
            role, holder, origin, n = row[:4]
            values = _ints(row[4:])
            if role == "person":
                person_credits.add(holder, "arrived_amount", (origin, int(n)), values[p_index])
                continue
            for name, value in zip(names, values, strict=True):
                counts[name].setdefault(holder, list(zero))
                if value:
                    active[name].add(holder)
                unit_credits[name].add(holder, "arrived_amount", (origin, role, int(n)), value)


def _pieces(windows: Iterable[Window]) -> list[Window]:
    """Disjoint date ranges whose unions are the windows."""
    ws = list(windows)
    points = sorted({w[0] for w in ws} | {w[1] + timedelta(days=1) for w in ws})
    out = []
    for a, b in zip(points, points[1:], strict=False):
        piece = (a, b - timedelta(days=1))
        if any(w[0] <= piece[0] and piece[1] <= w[1] for w in ws):
            out.append(piece)
    return out


def district_arrived(session: Session, rules: Rules, windows: dict[str, Window]) -> dict[str, int]:
    """Raw funds arrived per window: plain indexed sums over disjoint date pieces, less the entries of the
    projects that do not count."""
    pieces = _pieces(windows.values())
    live_funding = Funding.deleted_at.is_(None)
    totals = session.execute(select(*(
        select(func.coalesce(func.sum(Funding.amount), 0)).where(live_funding, in_window(Funding.date, p))
        .scalar_subquery() for p in pieces))).one()
    by_piece = dict(zip(pieces, _ints(totals), strict=True))
    not_counted = select(Project.id).where(not_(counted_expr(rules)))
    for span, _names in clusters(windows):
        inside = [p for p in pieces if span[0] <= p[0] and p[1] <= span[1]]
        excluded = session.execute(
            select(*(func.coalesce(func.sum(case((in_window(Funding.date, p), Funding.amount), else_=0)), 0)
                     for p in inside))
            .where(live_funding, in_window(Funding.date, span), Funding.project_id.in_(not_counted))).one()
        for piece, value in zip(inside, _ints(excluded), strict=True):
            by_piece[piece] -= value
    return {name: sum(v for p, v in by_piece.items() if w[0] <= p[0] and p[1] <= w[1])
            for name, w in windows.items()}


__all__ = ["Aggregates", "Credits", "board_aggregates", "clusters", "district_arrived", "district_signings"]
