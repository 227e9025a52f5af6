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

Unit and person credits are whole yuan per project (SPEC §3.1): the projects signed in the credit
windows and the per-project sums of funds are read one row each, with their cooperating units (in sort
order) and credited persons (in name order), and each amount is split by the largest-remainder method
(``split.py``), so every holder's amount is a sum of whole-yuan parts and the parts of a project add up
to its credited total.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import case, func, not_, or_, select
from sqlalchemy.orm import Session

from ..models import Funding, Person, Project, ProjectCooperatingUnit, ProjectPerson, Unit
from ..rules import Rules
from .figures import (
    Figures,
    Window,
    counted_expr,
    in_window,
    live_expr,
    signing_prefilter,
    size_class_expr,
    window_predicates,
)
from .split import equal_split, largest_remainder

# Per window, the signing columns in this order (counts, then raw agreement amounts).
SIGNING_COLUMNS = ("signed_projects", "formal_contracts", "framework_agreements", "first_signed",
                   "started_projects", "converted_contracts", "agreement_amount", "formal_amount",
                   "framework_amount")
_COUNTS = SIGNING_COLUMNS[:6]
_AMOUNTS = SIGNING_COLUMNS[6:]
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
    """Whole-yuan credited amounts per (holder, field): each project's amount is split among its holders
    by the largest-remainder method (``split.largest_remainder``) and the parts are summed."""

    def __init__(self) -> None:
        self.sums: dict[tuple[Hashable, str], int] = {}

    def add(self, holder: Hashable, name: str, value: int) -> None:
        key = (holder, name)
        self.sums[key] = self.sums.get(key, 0) + value

    def amount(self, holder: Hashable, name: str) -> int:
        return self.sums.get((holder, name), 0)


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


def _ints(values: Iterable[Any]) -> list[int]:
    return [int(v or 0) for v in values]


def _add_district(fig: Figures, size: str, values: list[int]) -> None:
    for field_name, value in zip(SIGNING_COLUMNS, values, strict=True):
        setattr(fig, field_name, getattr(fig, field_name) + value)
    setattr(fig, size, getattr(fig, size) + values[3])


class _Holders:
    """Each project's holders in tie order (SPEC §3.1): cooperating units by sort order, persons by name."""

    def __init__(self, session: Session, ids: Any) -> None:
        self.coops: dict[int, list[int]] = {}
        self.persons: dict[int, list[int]] = {}
        for pid, uid in session.execute(
                select(ProjectCooperatingUnit.project_id, ProjectCooperatingUnit.unit_id)
                .join(Unit, Unit.id == ProjectCooperatingUnit.unit_id)
                .where(ProjectCooperatingUnit.project_id.in_(ids))
                .order_by(ProjectCooperatingUnit.project_id, Unit.sort_order, Unit.id)):
            self.coops.setdefault(pid, []).append(uid)
        for pid, qid in session.execute(
                select(ProjectPerson.project_id, ProjectPerson.person_id)
                .join(Person, Person.id == ProjectPerson.person_id)
                .where(ProjectPerson.project_id.in_(ids))
                .order_by(ProjectPerson.project_id, Person.name, Person.id)):
            self.persons.setdefault(pid, []).append(qid)


class _Splitter:
    """One project's unit holders and shares (lead first), split per amount with a small cache."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._cache: dict[tuple[int, str, int], list[int]] = {}

    def units(self, project_id: int, lead: int | None, coops: list[int]) -> list[int]:
        return ([lead] if lead is not None else []) + [u for u in coops if u != lead]

    def unit_parts(self, amount: int, origin: str, has_lead: bool, n_coop: int) -> list[int]:
        key = (amount, origin, n_coop * 2 + has_lead)
        parts = self._cache.get(key)
        if parts is None:
            rules = self.rules
            shares = ([rules.unit_share("lead", n_coop)] if has_lead else []) + \
                [rules.unit_share("coop", n_coop)] * n_coop
            parts = largest_remainder(amount, rules.origin_weights.get(origin, Fraction(0)), shares)
            if len(self._cache) < 100_000:
                self._cache[key] = parts
        return parts

    def person_parts(self, amount: int, origin: str, count: int) -> list[int]:
        return equal_split(amount, self.rules.origin_weights.get(origin, Fraction(0)), count)


class _Units:
    """Unit counts (lead only), credits and activity per credit window."""

    def __init__(self, names: Iterable[str]) -> None:
        self.counts: dict[str, dict[int, list[int]]] = {n: {} for n in names}
        self.credits = {n: Credits() for n in self.counts}
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
    first of them (the one persons are ranked on)."""
    credit = {n: windows[n] for n in credit_windows}
    units = _Units(credit)
    person_window = credit_windows[0]
    person_credits = Credits()
    splitter = _Splitter(rules)
    district = _signings(session, rules, windows, credit, person_window, units, person_credits, splitter)
    for name, amount in district_arrived(session, rules, windows).items():
        district[name].arrived_amount = amount
    _credited_funds(session, rules, credit, person_window, units, person_credits, splitter)
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
    converted = formal if not first else 0  # formal contract now, first signed (framework) in an earlier period
    return [formal + framework, formal, framework, first, started, converted, amount if first else 0,
            amount if formal else 0, amount if framework else 0]


def _signings(session: Session, rules: Rules, windows: dict[str, Window], credit: dict[str, Window],
              person_window: str, units: _Units, persons: Credits, splitter: _Splitter) -> dict[str, Figures]:
    """Every signing figure. The live projects signed or started in any window are read once (indexed
    prefilter) into a materialized CTE holding each project's size class and window membership as a bit
    code (all windows; credit windows); that CTE is grouped by size class and code for the district, and
    its projects in the credit windows are read one row each and split among their units and persons in
    whole yuan (``split``)."""
    names, credit_names = list(windows), list(credit)
    ps = (select(Project.id, Project.lead_unit_id, Project.origin, size_class_expr(rules).label("klass"),
                 Project.agreement_amount.label("amount"),
                 _code([windows[n] for n in names]).label("code"),
                 _code([credit[n] for n in credit_names]).label("ccode"))
          .where(live_expr(), or_(*(signing_prefilter(span) for span, _ in clusters(windows))))
          .cte("ps").prefix_with("MATERIALIZED"))
    counted = ps.c.klass != "none"
    district = {name: Figures() for name in names}
    for size, code, count, amount in session.execute(
            select(ps.c.klass, ps.c.code, func.count(), func.sum(ps.c.amount))
            .where(counted).group_by(ps.c.klass, ps.c.code)).all():
        code, count, amount = int(code), int(count), int(amount or 0)
        for i, name in enumerate(names):
            if (code >> (4 * i)) & 15:
                _add_district(district[name], size, _decode(code, i, count, amount))
    credited = select(ps.c.id).where(counted, ps.c.ccode != 0)
    rows = session.execute(select(ps.c.id, ps.c.lead_unit_id, ps.c.origin, ps.c.klass, ps.c.amount, ps.c.ccode)
                           .where(counted, ps.c.ccode != 0)).all()
    holders = _Holders(session, credited) if rows else None
    p_index = credit_names.index(person_window)
    for pid, lead, origin, size, amount, ccode in rows:
        assert holders is not None
        amount, ccode = int(amount or 0), int(ccode)
        coops = holders.coops.get(pid, [])
        unit_ids = splitter.units(pid, lead, coops)
        n_coop = len(unit_ids) - (lead is not None)
        for i, name in enumerate(credit_names):
            if not (ccode >> (4 * i)) & 15:
                continue
            vals = _decode(ccode, i, 1, amount)
            if lead is not None:
                slot = units.slot(name, lead)
                for j in range(len(_COUNTS)):
                    slot[j] += vals[j]
                slot[len(_COUNTS) + _CLASSES.index(size)] += vals[3]
            for unit_id in unit_ids:
                units.slot(name, unit_id)
                if vals[0]:
                    units.active[name].add(unit_id)
            for field_name, value in zip(_AMOUNTS, vals[len(_COUNTS):], strict=True):
                if value and unit_ids:
                    parts = splitter.unit_parts(value, origin, lead is not None, n_coop)
                    for unit_id, part in zip(unit_ids, parts, strict=True):
                        units.credits[name].add(unit_id, field_name, part)
            if i == p_index and vals[3] and amount:
                people = holders.persons.get(pid, [])
                for person_id, part in zip(people, splitter.person_parts(amount, origin, len(people)), strict=True):
                    persons.add(person_id, "agreement_amount", part)
    return district


def _window_sums(column: Any, date_column: Any, windows: list[Window], span: Window) -> list[Any]:
    return [func.sum(column) if w == span else func.sum(case((in_window(date_column, w), column), else_=0))
            for w in windows]


def _credited_funds(session: Session, rules: Rules, credit: dict[str, Window], person_window: str,
                    units: _Units, person_credits: Credits, splitter: _Splitter) -> None:
    """Funds per project once per credit span (conditional sums over the covering index), joined to the
    counting projects, each project's sum split among its units and persons in whole yuan."""
    for span, names in clusters(credit):
        sums = _window_sums(Funding.amount, Funding.date, [credit[n] for n in names], span)
        pf = (select(Funding.project_id, *(s.label(f"a{i}") for i, s in enumerate(sums)))
              .where(Funding.deleted_at.is_(None), in_window(Funding.date, span))
              .group_by(Funding.project_id).subquery("pf"))
        pc = (select(Project.id, Project.lead_unit_id, Project.origin, *(pf.c[f"a{i}"] for i in range(len(names))))
              .join(pf, pf.c.project_id == Project.id)
              .where(counted_expr(rules))
              .cte("pc").prefix_with("MATERIALIZED"))
        rows = session.execute(select(pc)).all()
        if not rows:
            continue
        holders = _Holders(session, select(pc.c.id))
        p_index = names.index(person_window) if person_window in names else -1
        for row in rows:
            pid, lead, origin = row[:3]
            values = [int(v or 0) for v in row[3:]]
            unit_ids = splitter.units(pid, lead, holders.coops.get(pid, []))
            n_coop = len(unit_ids) - (lead is not None)
            for name, value in zip(names, values, strict=True):
                for unit_id in unit_ids:
                    units.slot(name, unit_id)
                    if value:
                        units.active[name].add(unit_id)
                if value and unit_ids:
                    parts = splitter.unit_parts(value, origin, lead is not None, n_coop)
                    for unit_id, part in zip(unit_ids, parts, strict=True):
                        units.credits[name].add(unit_id, "arrived_amount", part)
            if p_index >= 0 and values[p_index]:
                people = holders.persons.get(pid, [])
                for person_id, part in zip(people, splitter.person_parts(values[p_index], origin, len(people)),
                                           strict=True):
                    person_credits.add(person_id, "arrived_amount", part)


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
