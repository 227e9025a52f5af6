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

from sqlalchemy import case, func, literal, not_, or_, select, union_all
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


def _cooperating_count_of(project_id: Any) -> Any:
    """Number of cooperating units of a project (one primary-key index probe)."""
    return (select(func.count()).where(ProjectCooperatingUnit.project_id == project_id)
            .correlate_except(ProjectCooperatingUnit).scalar_subquery())


def _person_count_of(project_id: Any) -> Any:
    """Number of credited persons of a project (one primary-key index probe)."""
    return (select(func.count()).where(ProjectPerson.project_id == project_id)
            .correlate_except(ProjectPerson).scalar_subquery())


def _ints(values: Iterable[Any]) -> list[int]:
    return [int(v or 0) for v in values]


def _add_district(fig: Figures, size: str, values: list[int]) -> None:
    for field_name, value in zip(SIGNING_COLUMNS, values, strict=True):
        setattr(fig, field_name, getattr(fig, field_name) + value)
    setattr(fig, size, getattr(fig, size) + values[3])


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


class _Units:
    """Unit counts (lead only), credits and activity per credit window."""

    def __init__(self, rules: Rules, names: Iterable[str]) -> None:
        self.counts: dict[str, dict[int, list[int]]] = {n: {} for n in names}
        self.credits = {n: Credits(_unit_weight(rules)) for n in self.counts}
        self.active: dict[str, set[int]] = {n: set() for n in self.counts}

    def slot(self, name: str, unit_id: int) -> list[int]:
        slot = self.counts[name].get(unit_id)
        if slot is None:
            slot = self.counts[name][unit_id] = [0] * (len(_COUNTS) + len(_CLASSES))
        return slot

    def figures(self, name: str) -> dict[int, Figures]:
        out = {}
        for unit_id, counts in self.counts[name].items():
            fig = Figures(**dict(zip(_COUNTS + _CLASSES, counts, strict=True)))
            for field_name in (*_AMOUNTS, "arrived_amount"):
                setattr(fig, field_name, self.credits[name].amount(unit_id, field_name))
            out[unit_id] = fig
        return out


def board_aggregates(session: Session, rules: Rules, windows: dict[str, Window],
                     credit_windows: tuple[str, ...]) -> Aggregates:
    """District figures for every window; unit credits for ``credit_windows``; person credits for the
    first of them (the one persons are ranked on). Three statements: signings, credited funds, district
    funds."""
    credit = {n: windows[n] for n in credit_windows}
    units = _Units(rules, credit)
    person_window = credit_windows[0]
    person_credits = Credits(_person_weight(rules))
    district = _signings(session, rules, windows, credit, person_window, units, person_credits)
    for name, amount in district_arrived(session, rules, windows).items():
        district[name].arrived_amount = amount
    _credited_funds(session, rules, credit, person_window, units, person_credits)
    holders = {h for h, _ in person_credits.sums}
    persons = {person_window: {
        p: Figures(agreement_amount=person_credits.amount(p, "agreement_amount"),
                   arrived_amount=person_credits.amount(p, "arrived_amount")) for p in holders}}
    return Aggregates(district=district, units={n: units.figures(n) for n in credit}, unit_active=units.active,
                      persons=persons)


_FLAGS = ("formal", "framework", "first", "started")  # 4 bits per window; framework excludes formal


def _code(windows: list[Window]) -> Any:
    """One integer per project: bit 4·i + j says the project meets ``_FLAGS[j]`` in ``windows[i]``."""
    terms = []
    for i, w in enumerate(windows):
        p = window_predicates(w)
        terms += [case((p[flag], 1 << (4 * i + j)), else_=0) for j, flag in enumerate(_FLAGS)]
    return sum(terms[1:], terms[0])


def _decode(code: int, i: int, count: int, amount: int) -> list[int]:
    """The ``SIGNING_COLUMNS`` of a group of ``count`` projects (total agreement ``amount``) that share
    window-membership ``code``, for window ``i``."""
    bits = code >> (4 * i)
    formal, framework, first, started = (count if bits & (1 << j) else 0 for j in range(4))
    return [formal + framework, formal, framework, first, started, amount if first else 0,
            amount if formal else 0, amount if framework else 0]


def _signings(session: Session, rules: Rules, windows: dict[str, Window], credit: dict[str, Window],
              person_window: str, units: _Units, persons: Credits) -> dict[str, Figures]:
    """Every signing figure in one statement. The live projects signed or started in any window are read
    once (indexed prefilter) into a materialized CTE holding each project's size class, sharer counts and
    window membership as a bit code (all windows; credit windows); that CTE is grouped by size class and
    code for the district, by (unit, origin, cooperating count, size class, credit code) for lead and
    cooperating units, and by (person, origin, person count) for persons — each group only counts its
    projects and sums their agreement amounts."""
    names, credit_names = list(windows), list(credit)
    person_first = window_predicates(credit[person_window])["first"]
    ps = (select(Project.id, Project.lead_unit_id, Project.origin, size_class_expr(rules).label("klass"),
                 _cooperating_count_of(Project.id).label("n"),
                 case((person_first, _person_count_of(Project.id)), else_=0).label("np"),
                 Project.agreement_amount.label("amount"),
                 _code([windows[n] for n in names]).label("code"),
                 _code([credit[n] for n in credit_names]).label("ccode"))
          .where(live_expr(), or_(*(signing_prefilter(span) for span, _ in clusters(windows))))
          .cte("ps").prefix_with("MATERIALIZED"))
    counted = ps.c.klass != "none"
    tally = (func.count(), func.sum(ps.c.amount))
    total = (select(literal("district").label("role"), literal(None).label("holder"), literal(None).label("origin"),
                    literal(0).label("n"), ps.c.klass, ps.c.code, *tally)
             .where(counted).group_by(ps.c.klass, ps.c.code))
    lead = (select(literal("lead"), ps.c.lead_unit_id, ps.c.origin, ps.c.n, ps.c.klass, ps.c.ccode, *tally)
            .where(counted, ps.c.ccode != 0, ps.c.lead_unit_id.is_not(None))
            .group_by(ps.c.lead_unit_id, ps.c.origin, ps.c.n, ps.c.klass, ps.c.ccode))
    coop = (select(literal("coop"), ProjectCooperatingUnit.unit_id, ps.c.origin, ps.c.n, ps.c.klass, ps.c.ccode,
                   *tally)
            .join(ProjectCooperatingUnit, ProjectCooperatingUnit.project_id == ps.c.id)
            .where(counted, ps.c.ccode != 0, ps.c.n > 0)
            .group_by(ProjectCooperatingUnit.unit_id, ps.c.origin, ps.c.n, ps.c.klass, ps.c.ccode))
    person = (select(literal("person"), ProjectPerson.person_id, ps.c.origin, ps.c.np, literal("").label("klass"),
                     literal(0).label("code"), *tally)
              .join(ProjectPerson, ProjectPerson.project_id == ps.c.id)
              .where(counted, ps.c.np > 0)
              .group_by(ProjectPerson.person_id, ps.c.origin, ps.c.np))
    district = {name: Figures() for name in names}
    rows = session.execute(union_all(total, lead, coop, person)).all()
    for role, holder, origin, n, size, code, count, amount in rows:
        code, count, amount = int(code), int(count), int(amount or 0)
        if role == "district":
            for i, name in enumerate(names):
                if (code >> (4 * i)) & 15:
                    _add_district(district[name], size, _decode(code, i, count, amount))
        elif role == "person":
            persons.add(holder, "agreement_amount", (origin, int(n)), amount)
        else:
            key = (origin, role, int(n))
            for i, name in enumerate(credit_names):
                if not (code >> (4 * i)) & 15:
                    continue
                vals = _decode(code, i, count, amount)
                slot = units.slot(name, holder)
                if vals[0]:
                    units.active[name].add(holder)
                if role == "lead":
                    for j in range(len(_COUNTS)):
                        slot[j] += vals[j]
                    slot[len(_COUNTS) + _CLASSES.index(size)] += vals[3]
                for field_name, value in zip(_AMOUNTS, vals[len(_COUNTS):], strict=True):
                    units.credits[name].add(holder, field_name, key, value)
    return district


def _window_sums(column: Any, date_column: Any, windows: list[Window], span: Window) -> list[Any]:
    return [func.sum(column) if w == span else func.sum(case((in_window(date_column, w), column), else_=0))
            for w in windows]


def _credited_funds(session: Session, rules: Rules, credit: dict[str, Window], person_window: str,
                    units: _Units, person_credits: Credits) -> None:
    """Funds per project once per credit span, joined to the counting projects (a materialized CTE with
    the sharer counts), then grouped for lead units, cooperating units and persons in one statement."""
    for span, names in clusters(credit):
        sums = _window_sums(Funding.amount, Funding.date, [credit[n] for n in names], span)
        pf = (select(Funding.project_id, *(s.label(f"a{i}") for i, s in enumerate(sums)))
              .where(Funding.deleted_at.is_(None), in_window(Funding.date, span))
              .group_by(Funding.project_id).subquery("pf"))
        with_persons = person_window in names
        pc = (select(Project.id, Project.lead_unit_id, Project.origin, _cooperating_count_of(Project.id).label("n"),
                     *([_person_count_of(Project.id).label("np")] if with_persons else []),
                     *(pf.c[f"a{i}"] for i in range(len(names))))
              .join(pf, pf.c.project_id == Project.id)
              .where(counted_expr(rules))
              .cte("pc").prefix_with("MATERIALIZED"))
        amounts = [func.sum(pc.c[f"a{i}"]) for i in range(len(names))]
        lead = (select(literal("lead").label("role"), pc.c.lead_unit_id.label("holder"), pc.c.origin, pc.c.n,
                       *amounts)
                .where(pc.c.lead_unit_id.is_not(None)).group_by(pc.c.lead_unit_id, pc.c.origin, pc.c.n))
        coop = (select(literal("coop").label("role"), ProjectCooperatingUnit.unit_id, pc.c.origin, pc.c.n,
                       *amounts)
                .join(ProjectCooperatingUnit, ProjectCooperatingUnit.project_id == pc.c.id)
                .where(pc.c.n > 0)
                .group_by(ProjectCooperatingUnit.unit_id, pc.c.origin, pc.c.n))
        statements = [lead, coop]
        if with_persons:
            statements.append(
                select(literal("person").label("role"), ProjectPerson.person_id, pc.c.origin, pc.c.np, *amounts)
                .join(ProjectPerson, ProjectPerson.project_id == pc.c.id)
                .where(pc.c.np > 0)
                .group_by(ProjectPerson.person_id, pc.c.origin, pc.c.np))
        p_index = names.index(person_window) if with_persons else -1
        for row in session.execute(union_all(*statements)).all():
            role, holder, origin, n = row[:4]
            values = [int(v or 0) for v in row[4:]]
            if role == "person":
                person_credits.add(holder, "arrived_amount", (origin, int(n)), values[p_index])
                continue
            for name, value in zip(names, values, strict=True):
                units.slot(name, holder)
                if value:
                    units.active[name].add(holder)
                units.credits[name].add(holder, "arrived_amount", (origin, role, int(n)), value)


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
    # The projects that do not count are few: start from them (one scan) and read their entries by the
    # (project_id, date) index, one conditional sum per piece.
    span = (pieces[0][0], pieces[-1][1])
    excluded = session.execute(
        select(*(func.coalesce(func.sum(case((in_window(Funding.date, p), Funding.amount), else_=0)), 0)
                 for p in pieces))
        .where(live_funding, in_window(Funding.date, span),
               Funding.project_id.in_(select(Project.id).where(not_(counted_expr(rules)))))).one()
    for piece, value in zip(pieces, _ints(excluded), strict=True):
        by_piece[piece] -= value
    return {name: sum(v for p, v in by_piece.items() if w[0] <= p[0] and p[1] <= w[1])
            for name, w in windows.items()}


__all__ = ["Aggregates", "Credits", "board_aggregates", "clusters", "district_arrived"]
