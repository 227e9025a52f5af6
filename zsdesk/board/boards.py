"""``compute_board``: every figure of one period's 英雄榜, as plain dataclasses.

Last year's figures (同比) are counted with the period's own rules, so the two sides compare like
with like. Completion rates are against the period year's targets (annual targets, whatever the
period's length).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import and_, case, exists, false, or_, select
from sqlalchemy.orm import Session, aliased

from ..gc_pause import collector_paused
from ..labels import EXTRA_BOARD_LABELS, NO_LEAD_UNIT, RATE_FIGURES
from ..models import DictionaryEntry, Person, Project, ProjectTag, Target, Unit
from ..periods import Period, parse_period
from ..rules import Rules, load_rules
from .aggregates import ExtraSpec, board_aggregates, driver_rows, scans_projects
from .aggregates import id_list as _id_list
from .beside import Beside
from .figures import Figures, Window, counted_expr, size_class_expr, window_predicates
from .ranking import competition_ranks, fraction_to_decimal, rate, scores

if TYPE_CHECKING:
    from ..ledger import Ledger

RATE_ITEMS = RATE_FIGURES
_TARGET_OF = {f: (f.board_field, f.target_field) for f in RATE_FIGURES}


@dataclass(frozen=True)
class TargetFigures:
    major_count: int = 0
    large_count: int = 0
    key_count: int = 0
    agreement_amount: int = 0
    formal_amount: int = 0
    arrived_amount: int = 0


@dataclass
class DistrictFigures:
    """Raw (unweighted) district figures for one range, with rates and 同比."""

    period: Period
    figures: Figures
    last_year: Figures
    target: TargetFigures | None
    rates: dict[str, Decimal | None]  # RATE_ITEMS → percent, None without a target
    yoy: dict[str, Decimal | None]  # every Figures field → growth percent, None without a base


@dataclass
class UnitRow:
    unit_id: int
    unit: str
    short_name: str
    kind: str
    rank: int
    score: Decimal
    figures: Figures  # credited amounts; counts of projects it leads
    target: TargetFigures | None
    rates: dict[str, Decimal | None]
    quiet: bool  # nothing signed, nothing arrived in the year so far


@dataclass
class PersonRow:
    person_id: int
    person: str
    unit: str | None
    rank: int
    agreement_amount: int
    arrived_amount: int


@dataclass
class ProjectLine:
    project_id: int
    code: str
    name: str
    investor: str
    unit: str | None  # lead unit
    size_class: str
    agreement_amount: int
    expected_output: int
    date: date  # first signing, or 开工 on the started board


@dataclass
class ExtraBoard:
    key: str  # big / new / major_started
    title: str
    projects: list[ProjectLine]
    by_unit: list[tuple[str, int, int]]  # (lead unit, projects, agreement amount), most projects first


@dataclass
class Board:
    period: Period
    rules: Rules
    district: DistrictFigures  # the period's range (year to date for a quarter)
    alone: DistrictFigures  # the quarter (or month, or year) alone
    units: list[UnitRow]  # in rank order
    persons: list[PersonRow]  # in rank order
    extra_boards: dict[str, ExtraBoard]
    quiet_units: list[str]  # names of units with nothing signed and nothing arrived in the year so far
    extras: dict[str, Any] = field(default_factory=dict)


def growth(current: int, base: int) -> Decimal | None:
    """同比 percent, half-up to 2 decimals; ``None`` when last year had nothing (no base)."""
    if base <= 0:
        return None
    return fraction_to_decimal(Fraction((current - base) * 100, base))


def _rate(value: int, target: int | None) -> Decimal | None:
    exact = rate(value, target)
    return None if exact is None else fraction_to_decimal(exact)


def _rates(figures: Figures, target: TargetFigures | None) -> dict[str, Fraction | None]:
    if target is None:
        return dict.fromkeys(RATE_ITEMS)
    return {item: rate(getattr(figures, f), getattr(target, t)) for item, (f, t) in _TARGET_OF.items()}


def _rounded(rates: dict[str, Fraction | None]) -> dict[str, Decimal | None]:
    return {k: None if v is None else fraction_to_decimal(v) for k, v in rates.items()}


def _yoy(now: Figures, before: Figures) -> dict[str, Decimal | None]:
    return {k: growth(v, getattr(before, k)) for k, v in now.as_dict().items()}


def _flagged_ids(session: Session, kind: str, flags: tuple[str, ...]) -> list[int]:
    wanted = set(flags)
    rows = session.execute(select(DictionaryEntry.id, DictionaryEntry.flags)
                           .where(DictionaryEntry.kind == kind, DictionaryEntry.deleted_at.is_(None)))
    return [i for i, f in rows if wanted & set(re.split(r"[\s,，、;；]+", f or ""))]


def _targets(session: Session, year: int) -> tuple[TargetFigures | None, dict[int, TargetFigures]]:
    district, units = None, {}
    for t in session.scalars(select(Target).where(Target.year == year, Target.deleted_at.is_(None))):
        tf = TargetFigures(t.major_count, t.large_count, t.key_count, t.agreement_amount, t.formal_amount,
                           t.arrived_amount)
        if t.unit_id is None:
            district = tf
        else:
            units[t.unit_id] = tf
    return district, units


def extra_board_flags(session: Session, rules: Rules, window: Window) -> tuple[Any, ...]:
    """招大引强 / 招新引优 (first signed in the window) and 重大项目开工 (started in it): one 0/1 expression each
    over a counting project, read in the board's signings scan (``board_aggregates(flags=...)``)."""
    klass = size_class_expr(rules)
    preds = window_predicates(window, scans_projects(session))

    def tagged(ids: list[int]) -> Any:
        return exists().where(ProjectTag.project_id == Project.id, ProjectTag.tag_id.in_(ids)) if ids else false()

    def flag(cond: Any) -> Any:
        return case((cond, 1), else_=0)

    big_tags = _flagged_ids(session, "investor_tag", rules.big_tag_flags)
    new_tags = _flagged_ids(session, "investor_tag", rules.new_tag_flags)
    new_chains = _flagged_ids(session, "chain", rules.new_chain_flags)
    big = and_(preds["first"], or_(klass.in_(rules.big_classes) if rules.big_classes else false(),
                                   tagged(big_tags)))
    new = and_(preds["first"], or_(tagged(new_tags), Project.chain_id.in_(new_chains) if new_chains else false()))
    started = and_(preds["started"], klass.in_(rules.started_classes) if rules.started_classes else false())
    return flag(big), flag(new), flag(started)


def extra_board_spec(session: Session, rules: Rules, window: str) -> ExtraSpec:
    """``extra_board_flags`` as sets, for the signings scan to decide in Python (no per-row tag probes; the tags of
    the projects first signed in the window are read after the scan)."""
    return ExtraSpec(window, frozenset(rules.big_classes), frozenset(rules.started_classes),
                     frozenset(_flagged_ids(session, "investor_tag", rules.big_tag_flags)),
                     frozenset(_flagged_ids(session, "investor_tag", rules.new_tag_flags)),
                     frozenset(_flagged_ids(session, "chain", rules.new_chain_flags)))


def extra_boards(session: Session, rules: Rules, window: Window,
                 flagged: dict[int, tuple[int, ...]] | None = None) -> dict[str, ExtraBoard]:
    """The extra boards of ``window``. ``flagged``: the counting projects on any of them with their
    ``extra_board_flags`` (from the board's signings scan); without it they are read here."""
    if flagged is None:
        flags = extra_board_flags(session, rules, window)
        scan = scans_projects(session)
        preds = window_predicates(window, scan)
        flagged = {int(pid): tuple(rest) for pid, *rest in session.execute(
            select(Project.id, *flags).where(counted_expr(rules, scan), or_(preds["first"], preds["started"]),
                                             or_(*(f == 1 for f in flags))))}
    klass = size_class_expr(rules)
    lead = aliased(Unit)
    # The driver's rows (numbers, text; dates as SQLite stores them, turned into dates below once per distinct
    # day): SQLAlchemy's rows and date parsing cost ~25 ms for the ~6,600 projects of a 100k ledger's quarter.
    rows = driver_rows(session,
        select(Project.id, Project.code, Project.name, Project.investor, lead.name, klass.label("klass"),
               Project.agreement_amount, Project.expected_output, Project.signed_date, Project.started_date)
        .outerjoin(lead, lead.id == Project.lead_unit_id)
        .where(Project.id.op("IN")(_id_list(flagged)))
        .order_by(Project.agreement_amount.desc(), Project.code)) if flagged else []
    days: dict[Any, date] = {}

    def day(value: Any) -> date:  # the flag implies the date
        if isinstance(value, date):
            return value
        done = days.get(value)
        if done is None:
            done = days[value] = date.fromisoformat(cast(str, value))
        return done

    titles = EXTRA_BOARD_LABELS
    lines: dict[str, list[ProjectLine]] = {key: [] for key in titles}
    for pid, code, name, investor, unit, klass_name, amount, output, signed, started_on in rows:
        big, new, started = flagged[pid]
        for key, on, when in (("big", big, signed), ("new", new, signed), ("major_started", started, started_on)):
            if on:
                lines[key].append(ProjectLine(pid, code, name, investor, unit, klass_name, amount, output, day(when)))
    boards: dict[str, ExtraBoard] = {}
    for key, title in titles.items():
        per_unit: dict[str, list[int]] = {}
        for line in lines[key]:
            slot = per_unit.setdefault(line.unit or NO_LEAD_UNIT, [0, 0])
            slot[0] += 1
            slot[1] += line.agreement_amount
        by_unit = sorted(((u, n, a) for u, (n, a) in per_unit.items()), key=lambda r: (-r[1], -r[2], r[0]))
        boards[key] = ExtraBoard(key, title, lines[key], by_unit)
    return boards


def _session_of(source: Ledger | Session) -> tuple[Session, bool]:
    if isinstance(source, Session):
        return source, False
    return source.session(), True


def compute_board(source: Ledger | Session, period: Period | str, rules: Rules | None = None,
                  beside: Beside | None = None) -> Board:
    """The whole board for ``period`` (a ``Period`` or text such as ``"2026Q3"``). ``beside``: a helper process
    that computes the funds half meanwhile (``beside.py``; the window's ``check_worker.WORKER.board_funds``)."""
    if isinstance(period, str):
        period = parse_period(period)
    session, own = _session_of(source)
    try:
        with collector_paused():
            return _compute(session, period, rules or load_rules(session, period.year), beside)
    finally:
        if own:
            session.close()


def _compute(session: Session, period: Period, rules: Rules, beside: Beside | None = None) -> Board:
    alone, ytd = period.alone(), period.ytd()
    named = {"range": period, "alone": alone, "ly": period.last_year(), "ly_alone": alone.last_year(), "ytd": ytd}
    unique: dict[Window, str] = {}
    windows: dict[str, Window] = {}
    for name, p in named.items():
        key = (p.start, p.end)
        if key not in unique:
            unique[key] = name
            windows[name] = key
    of = {name: unique[(p.start, p.end)] for name, p in named.items()}

    lead = aliased(Unit)

    def meanwhile(flagged: dict[int, tuple[int, ...]]) -> tuple[Any, ...]:
        """What needs only the signings (the extra boards) or nothing of the aggregates: read while a helper works."""
        return (extra_boards(session, rules, windows["range"], flagged), _targets(session, period.year),
                session.execute(select(Unit.id, Unit.name, Unit.short_name, Unit.kind, Unit.active, Unit.sort_order)
                                .where(Unit.deleted_at.is_(None))).all(),
                session.execute(select(Person.id, Person.name, Person.active, lead.name.label("unit"))
                                .outerjoin(lead, lead.id == Person.unit_id)
                                .where(Person.deleted_at.is_(None))).all())

    agg = board_aggregates(session, rules, windows, tuple(dict.fromkeys((of["range"], of["ytd"]))),
                           extra_board_spec(session, rules, "range"), beside, meanwhile)
    extra, (district_target, unit_targets), unit_rows, people = agg.meanwhile
    persons_agg = agg.persons[of["range"]]

    def district(name: str, ly: str, p: Period) -> DistrictFigures:
        now, before = agg.district[of[name]], agg.district[of[ly]]
        return DistrictFigures(p, now, before, district_target, _rounded(_rates(now, district_target)),
                               _yoy(now, before))

    current = agg.units[of["range"]]
    listed = [u for u in unit_rows if u.active or u.id in current]
    active_ytd = agg.unit_active[of["ytd"]]
    exact_rates = {u.id: _rates(current.get(u.id, Figures()), unit_targets.get(u.id)) for u in listed}
    unit_scores = scores(rules, exact_rates)
    ranks = competition_ranks([unit_scores[u.id] for u in listed])
    rows = []
    for u, rank in zip(listed, ranks, strict=True):
        figs = current.get(u.id, Figures())
        rows.append((rank, u.sort_order, u.name, UnitRow(
            u.id, u.name, u.short_name or u.name, u.kind, rank, unit_scores[u.id], figs,
            unit_targets.get(u.id), _rounded(exact_rates[u.id]),
            u.id not in active_ytd)))
    rows.sort(key=lambda r: r[:3])
    units = [r[3] for r in rows]

    people = [p for p in people if p.active or p.id in persons_agg]
    keys = [(persons_agg.get(p.id, Figures()).agreement_amount, persons_agg.get(p.id, Figures()).arrived_amount)
            for p in people]
    p_ranks = competition_ranks(keys)
    persons = sorted((PersonRow(p.id, p.name, p.unit, r, k[0], k[1]) for p, r, k in zip(people, p_ranks, keys,
                                                                                         strict=True)),
                     key=lambda row: (row.rank, row.unit or "", row.person))
    return Board(period=period, rules=rules, district=district("range", "ly", period),
                 alone=district("alone", "ly_alone", alone), units=units, persons=persons,
                 extra_boards=extra,
                 quiet_units=[u.unit for u in units if u.quiet])
