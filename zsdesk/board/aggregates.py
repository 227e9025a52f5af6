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
- **District funds**: for the windows inside a credit span, the sums of the credited-funds rows (the
  same pass); for the others (last year's), plain sums over the covering index for disjoint date pieces
  (no per-row ``CASE``), less the entries of projects that do not count.

On SQLite the projects table is read in order (``figures.unindexed``) rather than row by row from a date
index: a board's windows hold a large share of the projects.

Unit and person credits are whole yuan per project (SPEC §3.1): the projects signed in the credit
windows and the per-project sums of funds are read one row each, with their cooperating units (in sort
order) and credited persons (in name order), and each amount is split by the largest-remainder method
(``split.py``), so every holder's amount is a sum of whole-yuan parts and the parts of a project add up
to its credited total. Most projects have one holder: their credit (``amount × origin weight`` half-up,
``single_credit_expr``) is a column of each statement, and the signings of the projects a lead unit holds
alone are summed per (size class, window code, lead unit) in the scan's one pass; only the projects with
cooperating units are split one by one, and a project's persons share its one-holder credit equally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from operator import itemgetter
from typing import Any

from sqlalchemy import BigInteger, case, cast, func, literal_column, not_, or_, select
from sqlalchemy.orm import Session

from ..beside_reading import helper_session
from ..gc_pause import collector_paused
from ..models import (
    MONTH_COLUMNS,
    Funding,
    FundingMonth,
    Person,
    Project,
    ProjectCooperatingUnit,
    ProjectPerson,
    ProjectTag,
    Unit,
)
from ..rules import Rules
from .beside import Beside, FundsHalf, FundsJob, funds_beside, received
from .figures import (
    Figures,
    Window,
    counted_expr,
    in_window,
    live_expr,
    signing_prefilter,
    single_credit_expr,
    size_class_expr,
    unindexed,
    window_code,
)
from .split import SplitPlan, equal_split

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
    flagged: dict[int, tuple[int, ...]]  # project id → (big, new, major started) 0/1, any 1: its extra boards
    meanwhile: Any = None  # what ``board_aggregates(meanwhile=…)`` made of the flagged projects


@dataclass(frozen=True)
class ExtraSpec:
    """What puts a counting project on an extra board of ``window`` (SPEC §3): 招大引强 — first signed in it, and a
    big size class or a big investor tag; 招新引优 — first signed in it, and a new investor tag or a new chain;
    重大项目开工 — started in it, with a started size class. Decided in the signings scan from its window bits."""

    window: str
    big_classes: frozenset[str]
    started_classes: frozenset[str]
    big_tags: frozenset[int]  # big investor tags (dictionary entry ids)
    new_tags: frozenset[int]  # new investor tags
    new_chains: frozenset[int]


class Credits:
    """Whole-yuan credited amounts per (holder, field): each project's amount is split among its holders
    by the largest-remainder method (``split.largest_remainder``) and the parts are summed."""

    def __init__(self) -> None:
        self.sums: dict[tuple[int, str], int] = {}

    def add(self, holder: int, name: str, value: int) -> None:
        key = (holder, name)
        self.sums[key] = self.sums.get(key, 0) + value

    def amount(self, holder: int, name: str) -> int:
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


def driver_rows(session: Session, stmt: Any) -> list[Any]:
    """The rows of ``stmt`` as the driver's tuples: SQLAlchemy's result rows cost ~1 µs each, and a board reads
    ~100k of them. For statements whose columns need no conversion (numbers, text); a ``date`` parameter is
    passed as SQLite stores it (``YYYY-MM-DD``). Parameters of any other kind take the ordinary path."""
    connection = session.connection()
    raw = connection.connection.dbapi_connection  # None only once the connection is closed
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    values: Any
    if connection.dialect.name == "sqlite":
        values = [params[k] for k in compiled.positiontup or []]
        values = [v.isoformat() if isinstance(v, date) and not isinstance(v, datetime) else v for v in values]
        plain = all(v is None or isinstance(v, (int, float, str)) for v in values)
    else:  # psycopg adapts dates itself
        values = params
        plain = all(v is None or isinstance(v, (int, float, str, date)) for v in values.values())
    if raw is None or not plain:
        return list(connection.execute(stmt).all())
    cursor: Any = raw.cursor()  # the driver's cursor; the DBAPI protocol does not declare fetchall's rows
    try:
        cursor.execute(compiled.string, values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def id_list(ids: Iterable[int]) -> Any:
    """``(3,7,12)`` as literal SQL for an ``IN``: written at once rather than one literal bind per id (SQLAlchemy
    renders ~6,600 ids in ~10 ms). The ids are ``int``; nothing else is written into the statement."""
    return literal_column("(" + ",".join(str(int(i)) for i in sorted(ids)) + ")")


def _tagged(session: Session, projects: Iterable[int], spec: ExtraSpec) -> tuple[set[int], set[int]]:
    """Which of ``projects`` have a big and which a new investor tag: their tag rows only, by the primary key
    (project, tag) — not every tagged project of the ledger (100k ledger, 2026Q3: ~3,600 rows for ~11,800
    projects first signed in the window, against ~30,000 rows of the two tag lists, ~20 → ~8 ms)."""
    tags = spec.big_tags | spec.new_tags
    ids = set(projects)
    big: set[int] = set()
    new: set[int] = set()
    if not tags or not ids:
        return big, new
    tag = ProjectTag.tag_id
    for pid, tag_id in driver_rows(session, select(ProjectTag.project_id, tag)
                                   .where(ProjectTag.project_id.op("IN")(id_list(ids)),
                                          # SQLite: probe the primary key by project only (a tag term would be
                                          # probed for every (project, tag) pair)
                                          (unindexed(tag) if scans_projects(session) else tag).in_(sorted(tags)))):
        if tag_id in spec.big_tags:
            big.add(pid)
        if tag_id in spec.new_tags:
            new.add(pid)
    return big, new


def _id_lists(session: Session, column: Any, owner: Any) -> dict[int, tuple[int, ...]]:
    """Each project's ids in ``column`` of ``owner`` as a tuple, read once per board (the plain pairs: faster to
    read and group here than ``group_concat`` text to read and split, 100k ledger: ~56 → ~45 ms for both lists)
    rather than one correlated probe per project. The order within a tuple is fixed by the callers."""
    out: dict[int, tuple[int, ...]] = {}
    had = out.get
    for project_id, holder in driver_rows(session, select(owner.project_id, column)):
        ids = had(project_id)
        out[project_id] = (holder,) if ids is None else (*ids, holder)
    return out


class _Splitter:
    """Each project's holders in tie order (SPEC §3.1: the lead unit, then cooperating units by sort order;
    persons by name) and the whole-yuan split of its amounts among them."""

    def __init__(self, session: Session, rules: Rules) -> None:
        self.rules = rules
        self._plans: dict[tuple[str, bool, int], SplitPlan] = {}
        self._parts: dict[tuple[str, bool, int, int], list[int]] = {}
        self._weights: dict[str, tuple[int, int]] = {}
        self._unit_order: dict[int, tuple[int, int]] | None = None
        self._person_order: dict[int, tuple[str, int]] | None = None
        self.session = session
        self._coops: dict[int, tuple[int, ...]] | None = None
        self._people: dict[int, tuple[int, ...]] | None = None

    def coops_of(self) -> dict[int, tuple[int, ...]]:
        """Project id → its cooperating units' ids, for the projects that have any."""
        if self._coops is None:
            self._coops = _id_lists(self.session, ProjectCooperatingUnit.unit_id, ProjectCooperatingUnit)
        return self._coops

    def people_of(self) -> dict[int, tuple[int, ...]]:
        """Project id → its credited persons' ids, for the projects that have any."""
        if self._people is None:
            self._people = _id_lists(self.session, ProjectPerson.person_id, ProjectPerson)
        return self._people

    def units(self, lead: int | None, coops: tuple[int, ...] | None) -> list[int]:
        if not coops:
            return [] if lead is None else [lead]
        if len(coops) == 1:  # the common joint project: nothing to sort
            coop = coops[0]
            return [coop] if lead is None else [lead] if coop == lead else [lead, coop]
        if self._unit_order is None:
            self._unit_order = {uid: (order or 0, uid) for uid, order in
                                self.session.execute(select(Unit.id, Unit.sort_order))}
        key = self._unit_order
        ids = sorted(set(coops) - {lead}, key=lambda u: key.get(u, (0, u)))
        return ([] if lead is None else [lead]) + ids

    def persons(self, ids: tuple[int, ...] | None) -> list[int]:
        if not ids:
            return []
        if len(ids) == 1:
            return [ids[0]]
        people = set(ids)
        if len(people) == 1:
            return list(people)
        if self._person_order is None:
            self._person_order = {pid: (name, pid) for pid, name in
                                  self.session.execute(select(Person.id, Person.name))}
        key = self._person_order
        if len(people) == 2:  # the common case: one comparison
            a, b = people
            return [a, b] if key.get(a, ("", a)) < key.get(b, ("", b)) else [b, a]
        return sorted(people, key=lambda p: key.get(p, ("", p)))

    def unit_parts(self, amount: int, origin: str, has_lead: bool, n_coop: int) -> list[int]:
        """The parts (in holder order) of ``amount``; kept per amount, as agreement amounts repeat a lot."""
        done = self._parts.get((origin, has_lead, n_coop, amount))
        if done is not None:
            return done
        key = (origin, has_lead, n_coop)
        plan = self._plans.get(key)
        if plan is None:
            rules = self.rules
            shares = ([rules.unit_share("lead", n_coop)] if has_lead else []) + \
                [rules.unit_share("coop", n_coop)] * n_coop
            plan = self._plans[key] = SplitPlan(rules.origin_weights.get(origin, Fraction(0)), shares)
        parts = self._parts[(origin, has_lead, n_coop, amount)] = plan.split(amount)
        return parts

    def single(self, amount: int, origin: str) -> int:
        """The whole-yuan credit of a project with one holder: ``amount × origin weight`` half-up (mirrored
        for a negative amount) — what ``SplitPlan.split`` and ``equal_split`` give for one share of 100%."""
        w = self._weights.get(origin)
        if w is None:
            f = self.rules.origin_weights.get(origin, Fraction(0))
            w = self._weights[origin] = (f.numerator, f.denominator)
        if amount >= 0:
            return (2 * amount * w[0] + w[1]) // (2 * w[1])
        return -((-2 * amount * w[0] + w[1]) // (2 * w[1]))

    def person_parts(self, amount: int, origin: str, count: int) -> list[int]:
        if count == 1:
            return [self.single(amount, origin)]
        if amount < 0:
            return equal_split(amount, self.rules.origin_weights.get(origin, Fraction(0)), count)
        w = self._weights.get(origin)
        if w is None:
            f = self.rules.origin_weights.get(origin, Fraction(0))
            w = self._weights[origin] = (f.numerator, f.denominator)
        total = (2 * amount * w[0] + w[1]) // (2 * w[1])  # half-up (amount > 0), then equal whole-yuan parts
        base, rest = divmod(total, count)
        return [base + 1 if i < rest else base for i in range(count)]


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
                     credit_windows: tuple[str, ...], extra: ExtraSpec | None = None,
                     beside: Beside | None = None,
                     meanwhile: Callable[[dict[int, tuple[int, ...]]], Any] | None = None) -> Aggregates:
    """District figures for every window; unit credits for ``credit_windows``; person credits for the
    first of them (the one persons are ranked on). ``extra``: the extra boards' projects are picked in the same
    scan (``Aggregates.flagged``), without a second one; ``meanwhile(flagged)`` (the extra boards) is called as soon
    as they are, while a helper may still be at work (``Aggregates.meanwhile``). ``beside``: a helper process computes the funds half
    meanwhile (``beside.py``); without one, or when it cannot, it is computed here after the signings."""
    credit = {n: windows[n] for n in credit_windows}
    units = _Units(credit)
    person_window = credit_windows[0]
    person_credits = Credits()
    splitter = _Splitter(session, rules)
    flagged: dict[int, tuple[int, ...]] = {}
    apart = district_only(windows, credit)
    own = {name: w for name, w in windows.items() if name not in apart}
    with funds_beside(session, beside, rules, windows, credit_windows, person_window, apart) as receive:
        district = _signings(session, rules, own, credit, person_window, units, person_credits, splitter, extra,
                             flagged)
        done = None if meanwhile is None else meanwhile(flagged)  # while the helper works: what needs the signings
        half = received(receive)
    if half is None:
        half = funds_half(session, rules, windows, credit_windows, person_window, apart, splitter)
    district.update(half.signings)
    _merge(units, person_credits, half)
    for name, amount in half.arrived.items():
        district[name].arrived_amount = amount
    holders = {h for h, _ in person_credits.sums}
    persons = {person_window: {
        p: Figures(agreement_amount=person_credits.amount(p, "agreement_amount"),
                   arrived_amount=person_credits.amount(p, "arrived_amount")) for p in holders}}
    return Aggregates(district=district, units={n: units.figures(n) for n in credit}, unit_active=units.active,
                      persons=persons, flagged=flagged, meanwhile=done)


def funds_half(session: Session, rules: Rules, windows: dict[str, Window], credit_windows: tuple[str, ...],
               person_window: str, apart: dict[str, Window], splitter: _Splitter | None = None) -> FundsHalf:
    """The funds of a board (``_credited_funds`` and ``district_arrived``) and the signings of the windows ``apart``
    (``district_only``: last year's) on their own: in this process, or in the helper (``funds_for``).
    ``splitter``: this board's, with the holder lists the signings read."""
    credit = {n: windows[n] for n in credit_windows}
    units = _Units(credit)
    person_credits = Credits()
    arrived = _credited_funds(session, rules, windows, credit, person_window, units, person_credits,
                              splitter or _Splitter(session, rules))
    rest = {name: w for name, w in windows.items() if name not in arrived}
    if rest:
        arrived.update(district_arrived(session, rules, rest))
    return FundsHalf(arrived, units.counts, {n: c.sums for n, c in units.credits.items()}, units.active,
                     person_credits.sums, district_signings(session, rules, apart) if apart else {})


def district_only(windows: dict[str, Window], credit: dict[str, Window]) -> dict[str, Window]:
    """The windows that overlap no credit window (last year's, for 同比): only the district's signings are counted
    there — no unit or person credits, no extra boards — so they are grouped in SQL (``district_signings``)."""
    return {name: w for name, w in windows.items()
            if not any(w[0] <= c[1] and c[0] <= w[1] for c in credit.values())}


def district_signings(session: Session, rules: Rules, windows: dict[str, Window]) -> dict[str, Figures]:
    """The district's signing figures of ``windows`` from one ``GROUP BY`` (size class, window code): the sums
    ``_signings`` makes of its rows (``by_class``), made by the database."""
    names = list(windows)
    klass = size_class_expr(rules)
    scan = scans_projects(session)
    code = window_code([windows[n] for n in names], scan)
    amount = func.coalesce(Project.agreement_amount, 0)
    rows = driver_rows(session, select(klass, code, func.count(), func.sum(amount))
                       .where(live_expr(rules, scan),
                              or_(*(signing_prefilter(span, scan) for span, _ in clusters(windows))), klass != "none")
                       .group_by(klass, code))
    district = {name: Figures() for name in names}
    for size, bits, count, total in rows:
        for i, name in enumerate(names):
            if (int(bits) >> (4 * i)) & 15:
                _add_district(district[name], size, _decode(int(bits), i, int(count), int(total or 0)))
    return district


def funds_for(job: FundsJob) -> FundsHalf:
    """The helper's side: the funds half of ``job`` read from its ledger (in the caller's state)."""
    with collector_paused(), helper_session(job.ledger, job.server) as session:  # as for a whole board
        return funds_half(session, job.rules, job.windows, job.credit, job.person_window, job.apart)


def _merge(units: _Units, person_credits: Credits, half: FundsHalf) -> None:
    """Add the funds half's sums to the signings' (additions: the same figures in any order)."""
    width = len(_COUNTS) + len(_CLASSES)
    for name, counts in units.counts.items():
        for unit_id in half.counts.get(name, {}):
            if unit_id not in counts:
                counts[unit_id] = [0] * width
        sums = units.credits[name].sums
        for key, value in half.credits.get(name, {}).items():
            sums[key] = sums.get(key, 0) + value
        units.active[name].update(half.active.get(name, ()))
    sums = person_credits.sums
    for key, value in half.persons.items():
        sums[key] = sums.get(key, 0) + value


def _decode(code: int, i: int, count: int, amount: int) -> list[int]:
    """The ``SIGNING_COLUMNS`` of a group of ``count`` projects (total agreement ``amount``) that share
    window-membership ``code``, for window ``i``."""
    bits = code >> (4 * i)
    formal, framework, first, started = (count if bits & (1 << j) else 0 for j in range(4))
    converted = formal if not first else 0  # formal contract now, first signed (framework) in an earlier period
    return [formal + framework, formal, framework, first, started, converted, amount if first else 0,
            amount if formal else 0, amount if framework else 0]


def _credit_plan(code: int, count: int) -> list[tuple[int, list[tuple[int, int]], bool, bool, list[str]]]:
    """What one project with credit-window code ``code`` adds, per credit window it is in: (window index,
    the (column, count) pairs it adds to its lead unit's counts, signed, first signed, the amount fields
    that get its agreement amount) — ``_decode`` of one project, computed once per code."""
    out = []
    for i in range(count):
        if (code >> (4 * i)) & 15:
            vals = _decode(code, i, 1, 1)
            out.append((i, [(j, v) for j, v in enumerate(vals[:len(_COUNTS)]) if v], bool(vals[0]), bool(vals[3]),
                        [f for f, v in zip(_AMOUNTS, vals[len(_COUNTS):], strict=True) if v]))
    return out


def _with_credit(rows: list[Any], splitter: _Splitter, amount_at: int, origin_at: int) -> list[Any]:
    """``rows`` with ``_Splitter.single`` of their amount appended (when SQL could not work it out)."""
    single = splitter.single
    return [(*row, single(int(row[amount_at] or 0), row[origin_at])) for row in rows]


def _split_equally(credit: int, count: int) -> list[int]:
    """``_Splitter.person_parts`` from the project's half-up credit (``single``): equal whole-yuan parts, the
    first ``credit mod count`` one yuan more, mirrored for a negative credit (a negative amount)."""
    if credit >= 0:
        base, rest = divmod(credit, count)
        return [base + 1 if i < rest else base for i in range(count)]
    base, rest = divmod(-credit, count)
    return [-(base + 1) if i < rest else -base for i in range(count)]


def _signings(session: Session, rules: Rules, windows: dict[str, Window], credit: dict[str, Window],
              person_window: str, units: _Units, persons: Credits, splitter: _Splitter, extra: ExtraSpec | None,
              flagged: dict[int, tuple[int, ...]]) -> dict[str, Figures]:
    """Every signing figure in one statement: the live projects signed or started in any window are read
    once (indexed prefilter), one row each, with their size class, window membership as a bit code and the
    half-up credit of their agreement amount for one holder. The district sums them raw. The projects a lead
    unit holds alone are grouped by (size class, code, lead unit) in the one pass and credited per group;
    only the projects with cooperating units and those with credited persons are split one by one."""
    names, credit_names = list(windows), list(credit)
    klass = size_class_expr(rules)
    scan = scans_projects(session)  # SQLite: read the table in order (see figures.unindexed)
    amount_col = func.coalesce(Project.agreement_amount, 0)
    in_sql = single_credit_expr(rules, amount_col, Project.origin)
    rows = driver_rows(session,  # the driver's rows: no row processing
        select(Project.id, Project.lead_unit_id, Project.origin, klass, amount_col,
               window_code([windows[n] for n in names], scan), Project.chain_id,
               *([] if in_sql is None else [in_sql]))
        # The date prefilter before the size class: SQLite tests the terms in this order, and the class's CASE is
        # then worked out only for the projects of the windows (the statement 88 → 82 ms on the 100k ledger).
        .where(live_expr(rules, scan), or_(*(signing_prefilter(span, scan) for span, _ in clusters(windows))),
               klass != "none"))
    if in_sql is None:
        rows = _with_credit(rows, splitter, 4, 2)
    district = {name: Figures() for name in names}
    p_index = credit_names.index(person_window)
    slots = [units.counts[name] for name in credit_names]
    sums = [units.credits[name].sums for name in credit_names]
    actives = [units.active[name] for name in credit_names]
    person_sums = persons.sums
    decoded: dict[int, list[tuple[int, list[tuple[int, int]], bool, bool, list[str]]]] = {}
    n_counts = len(_COUNTS)
    class_slot = {c: n_counts + k for k, c in enumerate(_CLASSES)}
    width = n_counts + len(_CLASSES)
    coops_of, people_of = splitter.coops_of().get, splitter.people_of().get
    e = names.index(extra.window) if extra is not None else 0
    first_bit, started_bit = 1 << (4 * e + 2), 1 << (4 * e + 3)
    on_board = (first_bit | started_bit) if extra is not None else 0
    # The credit windows are among the windows: a project's credit-window code is its code's bits re-packed.
    positions = [names.index(n) for n in credit_names]
    in_credit = sum(15 << (4 * i) for i in positions)
    person_first = 1 << (4 * positions[p_index] + 2)  # first signed in the persons' window: their agreement credit
    recoded: dict[int, int] = {}

    def recode(code: int) -> int:
        done = recoded.get(code, -1)
        if done < 0:
            done = recoded[code] = sum(((code >> (4 * i)) & 15) << (4 * k) for k, i in enumerate(positions))
        return done

    def plan_of(ccode: int) -> list[tuple[int, list[tuple[int, int]], bool, bool, list[str]]]:
        plan = decoded.get(ccode)
        if plan is None:
            plan = decoded[ccode] = _credit_plan(ccode, len(credit_names))
        return plan

    # (size class, code, lead unit holding it alone, else None) → [projects, agreement amount, Σ one-holder credit]
    groups: dict[tuple[str, int, int | None], list[int]] = {}
    shared = []  # the projects of a credit window with cooperating units: split one by one
    candidates = []  # the rows first signed or started in the extra boards' window: flagged after the scan
    for row in rows:
        pid, lead, origin, size, amount, code, chain, single = row
        if code & on_board:
            candidates.append(row)
        holder = None
        if code & in_credit:
            if coops_of(pid) is None:
                holder = lead
            else:
                shared.append(row)
            if code & person_first and amount:
                people = people_of(pid)
                if people:
                    if len(people) == 1:
                        key = (people[0], "agreement_amount")
                        person_sums[key] = person_sums.get(key, 0) + single
                    else:
                        ids = splitter.persons(people)
                        for person_id, part in zip(ids, _split_equally(single, len(ids)), strict=True):
                            key = (person_id, "agreement_amount")
                            person_sums[key] = person_sums.get(key, 0) + part
        group = groups.get((size, code, holder))
        if group is None:
            groups[(size, code, holder)] = [1, amount, single]
        else:
            group[0] += 1
            group[1] += amount
            group[2] += single
    for (size, code, lead), (count, _, credited) in groups.items():
        if lead is None:
            continue
        for i, counts_add, signed, first, amount_fields in plan_of(recode(code)):
            counts = slots[i]
            slot = counts.get(lead)
            if slot is None:
                slot = counts[lead] = [0] * width
            for j, v in counts_add:
                slot[j] += v * count
            if first:
                slot[class_slot[size]] += count
            if signed:
                actives[i].add(lead)
            credit_sums = sums[i]
            for field_name in amount_fields:
                key = (lead, field_name)
                credit_sums[key] = credit_sums.get(key, 0) + credited
    for pid, lead, origin, size, amount, code, _, _ in shared:
        coops = coops_of(pid)
        # Each amount figure of a window is the project's whole agreement amount or nothing, so its
        # whole-yuan parts are computed once (the largest remainder).
        unit_ids = splitter.units(lead, coops)
        parts = splitter.unit_parts(amount, origin, lead is not None, len(unit_ids) - (lead is not None)) \
            if amount else []
        for i, counts_add, signed, first, amount_fields in plan_of(recode(code)):
            counts = slots[i]
            if lead is not None:
                slot = counts.get(lead)
                if slot is None:
                    slot = counts[lead] = [0] * width
                for j, v in counts_add:
                    slot[j] += v
                if first:
                    slot[class_slot[size]] += 1
            for unit_id in unit_ids:
                if unit_id not in counts:
                    counts[unit_id] = [0] * width
            if signed:
                actives[i].update(unit_ids)
            if parts:
                credit_sums = sums[i]
                for field_name in amount_fields:
                    for unit_id, part in zip(unit_ids, parts, strict=True):
                        key = (unit_id, field_name)
                        credit_sums[key] = credit_sums.get(key, 0) + part
    if extra is not None and candidates:
        big_tagged, new_tagged = _tagged(session, (row[0] for row in candidates if row[5] & first_bit), extra)
        for pid, _, _, size, _, code, chain, _ in candidates:
            first = bool(code & first_bit)
            marks = (int(first and (size in extra.big_classes or pid in big_tagged)),
                     int(first and (pid in new_tagged or chain in extra.new_chains)),
                     int(bool(code & started_bit) and size in extra.started_classes))
            if any(marks):
                flagged[pid] = marks
    by_class: dict[tuple[str, int], list[int]] = {}
    for (size, code, _), (count, amount, _) in groups.items():
        total = by_class.get((size, code))
        if total is None:
            by_class[(size, code)] = [count, amount]
        else:
            total[0] += count
            total[1] += amount
    for (size, code), (count, amount) in by_class.items():
        for i, name in enumerate(names):
            if (code >> (4 * i)) & 15:
                _add_district(district[name], size, _decode(code, i, count, amount))
    return district


def scans_projects(session: Session) -> bool:
    """Whether the board reads the projects table in order rather than by date index (SQLite)."""
    return session.get_bind().dialect.name == "sqlite"


def month_range(w: Window) -> tuple[int, int, int] | None:
    """(year, first month, last month) when ``w`` is whole months of one year (every period's window), else None."""
    start, end = w
    nxt = end + timedelta(days=1)
    if start.day != 1 or nxt.day != 1 or start.year != end.year:
        return None
    return start.year, start.month, end.month


def cast_month(r: tuple[int, int, int] | None) -> tuple[int, int, int]:
    if r is None:
        raise ValueError("not whole months of one year")
    return r


def _later_year(span: Window, others: dict[str, Window]) -> dict[str, Window]:
    """``others`` when the span and each of them are whole months, the others all of one earlier year (last
    year's windows of a board), else nothing."""
    whole = month_range(span)
    ranges = [month_range(w) for w in others.values()]
    if whole is None or not ranges or any(r is None for r in ranges):
        return {}
    years = {r[0] for r in ranges if r is not None}
    return others if len(years) == 1 and years.pop() < whole[0] else {}


def _months_sum(first: int, last: int) -> Any:
    cols = [FundingMonth.__table__.c[MONTH_COLUMNS[k - 1]] for k in range(first, last + 1)]
    return sum(cols[1:], cols[0])


def _months_mask(first: int, last: int) -> int:
    return sum(1 << (k - 1) for k in range(first, last + 1))


def _funds_per_project(span: Window, windows: list[Window]) -> Any:
    """A subquery: one row per project with a live funding entry in ``span`` (``project_id``), its sums for
    each of ``windows`` (``a0``, ``a1`` …; each inside ``span``). From ``funding_months`` (one row per funded
    project and year) when the windows are whole months of one year; else grouped from the entries."""
    ranges = [month_range(w) for w in windows]
    whole = month_range(span)
    if whole is not None and all(r is not None and r[0] == whole[0] for r in ranges):
        year, first, last = whole
        return (select(FundingMonth.project_id,
                       *(_months_sum(r[1], r[2]).label(f"a{i}") for i, r in enumerate(ranges) if r is not None))
                .where(FundingMonth.year == year, FundingMonth.entry_months.op("&")(_months_mask(first, last)) != 0)
                .subquery("pf"))
    sums = _window_sums(Funding.amount, Funding.date, windows, span)
    return (select(Funding.project_id, *(s.label(f"a{i}") for i, s in enumerate(sums)))
            .where(Funding.deleted_at.is_(None), in_window(Funding.date, span))
            .group_by(Funding.project_id).subquery("pf"))


def _window_sums(column: Any, date_column: Any, windows: list[Window], span: Window) -> list[Any]:
    return [func.sum(column) if w == span else func.sum(case((in_window(date_column, w), column), else_=0))
            for w in windows]


def _credit_columns(session: Session, rules: Rules, amounts: list[Any]) -> list[Any] | None:
    """``single_credit_expr`` of each of ``amounts`` (sums of funds), as bigint on PostgreSQL (a ``sum`` there is
    numeric, whose ``/`` is not integer division)."""
    pg = not scans_projects(session)
    out = [single_credit_expr(rules, cast(a, BigInteger) if pg else a, Project.origin) for a in amounts]
    return None if any(c is None for c in out) else out


def _credited_funds(session: Session, rules: Rules, windows: dict[str, Window], credit: dict[str, Window],
                    person_window: str, units: _Units, person_credits: Credits,
                    splitter: _Splitter) -> dict[str, int]:
    """Funds per project once per credit span (conditional sums over the covering index), joined to the
    counting projects with their cooperating units and credited persons, each project's sum split among
    them in whole yuan. Returns the district's raw funds of every window inside a credit span (the credit
    windows and, e.g., the quarter alone): the sums of the same rows, so ``district_arrived`` is left with
    the other windows (last year's)."""
    arrived: dict[str, int] = {}
    spans = clusters(credit)
    for span, names in spans:
        inside = [n for n, w in windows.items() if n not in names and span[0] <= w[0] and w[1] <= span[1]]
        summed = names + inside
        merge = len(spans) == 1 and not scans_projects(session)
        later = _later_year(span, {n: w for n, w in windows.items() if n not in summed}) if merge else {}
        with_persons = person_window in names
        if later:
            # PostgreSQL: one pass over the counting projects for last year's windows too (their rows of that
            # year) — it hashes the whole projects table for each join (credited funds 111 + last year 116 ms →
            # 177 ms together). SQLite probes projects by rowid per row: there two statements are cheaper
            # (57 + 36 ms vs 119 ms).
            (year, first, last), (other, _, _) = cast_month(month_range(span)), cast_month(
                month_range(next(iter(later.values()))))
            fm = FundingMonth
            sums_now = [_months_sum(a, b) for _, a, b in (cast_month(month_range(windows[n])) for n in summed)]
            credits = _credit_columns(session, rules, sums_now[:len(names)])
            both = driver_rows(session, select(Project.id, Project.lead_unit_id, Project.origin, *sums_now,
                                               *(credits or []),
                                               *(_months_sum(a, b) for _, a, b in
                                                 (cast_month(month_range(w)) for w in later.values())),
                                               fm.year, fm.entry_months)
                               .select_from(fm).join(Project, Project.id == fm.project_id)
                               .where(fm.year.in_((other, year)), counted_expr(rules)))
            mask = _months_mask(first, last)  # this year's rows: the projects with an entry in the span
            rows = [row for row in both if row[-2] == year and row[-1] & mask]
            last_at = 3 + len(summed) + (len(names) if credits is not None else 0)
            for k, name in enumerate(later):
                arrived[name] = sum(int(row[last_at + k] or 0) for row in both if row[-2] == other)
        else:
            pf = _funds_per_project(span, [windows[n] for n in summed])
            credits = _credit_columns(session, rules, [pf.c[f"a{i}"] for i in range(len(names))])
            rows = driver_rows(session, select(Project.id, Project.lead_unit_id, Project.origin,
                                               *(pf.c[f"a{i}"] for i in range(len(summed))), *(credits or []))
                               .join(pf, pf.c.project_id == Project.id)
                               .where(counted_expr(rules)))
        for k, name in enumerate(summed):
            arrived[name] = sum(map(int, filter(None, map(itemgetter(3 + k), rows))))  # no Python-level loop
        c_at = 3 + len(summed)  # each credit window's one-holder credit (``_Splitter.single``) from here
        if credits is None:
            single = splitter.single
            rows = [(*row[:c_at], *(single(int(row[3 + i] or 0), row[2]) for i in range(len(names))),
                     *row[c_at:]) for row in rows]
        p_index = names.index(person_window) if with_persons else -1
        width = len(_COUNTS) + len(_CLASSES)
        slots = [units.counts[name] for name in names]
        sums = [units.credits[name].sums for name in names]
        actives = [units.active[name] for name in names]
        coops_of = splitter.coops_of().get
        # The projects a lead unit holds alone (most): their one-holder credits summed per lead unit and window
        # here; the others (cooperating units, no lead unit) are split one by one below.
        shared = []
        alone: list[dict[int, int]] = [{} for _ in names]
        idle: list[set[int]] = [set() for _ in names]  # lead units of projects with funds summing to 0 there
        if len(names) == 1:  # one window (a quarter, a year)
            lead_alone, no_funds = alone[0], idle[0]
            plus = lead_alone.get
            for row in rows:
                lead = row[1]
                if lead is None or coops_of(row[0]) is not None:
                    shared.append(row)
                elif row[3]:
                    lead_alone[lead] = plus(lead, 0) + row[c_at]
                else:
                    no_funds.add(lead)
        else:
            windows_at = range(len(names))
            for row in rows:
                lead = row[1]
                if lead is None or coops_of(row[0]) is not None:
                    shared.append(row)
                    continue
                for i in windows_at:
                    if row[3 + i]:
                        lead_alone = alone[i]
                        lead_alone[lead] = lead_alone.get(lead, 0) + row[c_at + i]
                    else:
                        idle[i].add(lead)
        for i, lead_alone in enumerate(alone):
            counts = slots[i]
            for lead in (*lead_alone, *idle[i]):
                if lead not in counts:
                    counts[lead] = [0] * width
            actives[i].update(lead_alone)
            credit_sums = sums[i]
            for lead, amount in lead_alone.items():
                key = (lead, "arrived_amount")
                credit_sums[key] = credit_sums.get(key, 0) + amount
        for row in shared:
            pid, lead, origin = row[:3]
            coops = coops_of(pid)
            if coops:
                unit_ids = splitter.units(lead, coops)
                n_coop = len(unit_ids) - (lead is not None)
            elif lead is not None:
                unit_ids, n_coop = [lead], 0
            else:
                continue
            for i, v in enumerate(row[3:3 + len(names)]):
                value = int(v or 0)
                counts = slots[i]
                for unit_id in unit_ids:
                    if unit_id not in counts:
                        counts[unit_id] = [0] * width
                if not value:
                    continue
                actives[i].update(unit_ids)
                parts = [row[c_at + i]] if n_coop == 0 and lead is not None else \
                    splitter.unit_parts(value, origin, lead is not None, n_coop)
                credit_sums = sums[i]
                for unit_id, part in zip(unit_ids, parts, strict=True):
                    key = (unit_id, "arrived_amount")
                    credit_sums[key] = credit_sums.get(key, 0) + part
        if p_index >= 0:
            people_of = splitter.people_of().get
            person_arrived: dict[int, int] = {}
            plus = person_arrived.get
            at, c_p = 3 + p_index, c_at + p_index
            for row in rows:
                if row[at]:
                    people = people_of(row[0])
                    if people is None:
                        continue
                    if len(people) == 1:  # one credited person: the half-up credit
                        person_id = people[0]
                        person_arrived[person_id] = plus(person_id, 0) + row[c_p]
                        continue
                    ids = splitter.persons(people)
                    for person_id, part in zip(ids, _split_equally(row[c_p], len(ids)), strict=True):
                        person_arrived[person_id] = plus(person_id, 0) + part
            person_sums = person_credits.sums
            for person_id, amount in person_arrived.items():
                key = (person_id, "arrived_amount")
                person_sums[key] = person_sums.get(key, 0) + amount
    return arrived


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
    """Raw funds arrived per window: from ``funding_months`` for the windows of whole months of one year
    (the counting projects' rows of that year), else ``district_arrived_from_entries``."""
    out: dict[str, int] = {}
    by_year: dict[int, list[tuple[str, int, int]]] = {}
    rest: dict[str, Window] = {}
    for name, w in windows.items():
        r = month_range(w)
        if r is None:
            rest[name] = w
        else:
            by_year.setdefault(r[0], []).append((name, r[1], r[2]))
    scan = scans_projects(session)
    for year, named in by_year.items():
        totals = session.execute(
            select(*(func.coalesce(func.sum(_months_sum(a, b)), 0) for _, a, b in named))
            .select_from(FundingMonth).join(Project, Project.id == FundingMonth.project_id)
            .where(FundingMonth.year == year, counted_expr(rules, scan))).one()
        out.update({name: int(v or 0) for (name, _, _), v in zip(named, totals, strict=True)})
    if rest:
        out.update(district_arrived_from_entries(session, rules, rest))
    return out


def district_arrived_from_entries(session: Session, rules: Rules, windows: dict[str, Window]) -> dict[str, int]:
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


__all__ = ["Aggregates", "Credits", "ExtraSpec", "driver_rows", "board_aggregates", "funds_for", "district_only", "district_signings", "funds_half", "clusters", "district_arrived", "scans_projects"]
