"""Hypothesis properties of the engine, checked against an independent reference computed here."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from zsdesk.board import competition_ranks, compute_board, project_credits
from zsdesk.board.figures import round_half_up
from zsdesk.ledger import Ledger
from zsdesk.models import Funding, Project, ProjectCooperatingUnit, ProjectPerson, Unit
from zsdesk.opening import open_unlocked
from zsdesk.rules import default_document, parse_rules

RULES = parse_rules(default_document())
ORIGINS = ("out_of_city", "in_city", "in_district")
WEIGHT = {"out_of_city": Fraction(1), "in_city": Fraction(1, 5), "in_district": Fraction(0)}
UNITS = 4
AMOUNTS = st.sampled_from([0, 3_000_000, 20_000_000, 123_456_789, 100_000_000, 1_000_000_001, 2_500_000_000])


def month(i: int, day: int = 15) -> date:
    return date(2025 + i // 12, i % 12 + 1, day)


projects_st = st.lists(st.fixed_dictionaries({
    "origin": st.sampled_from(ORIGINS), "amount": AMOUNTS, "output": st.sampled_from([0, 3_000_000_000]),
    "industrial": st.booleans(), "fw": st.one_of(st.none(), st.integers(0, 23)),
    "formal_after": st.one_of(st.none(), st.integers(0, 8)), "started_after": st.one_of(st.none(), st.integers(0, 6)),
    "lead": st.integers(0, UNITS - 1), "coops": st.sets(st.integers(0, UNITS - 1), max_size=3),
    "persons": st.sets(st.integers(0, 2), max_size=3), "withdrawn": st.booleans(), "deleted": st.booleans(),
    "funding": st.lists(st.tuples(st.integers(0, 23), st.integers(-5_000_000, 90_000_000)), max_size=4),
}), max_size=14)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("props") / "template.sqlite"
    with open_unlocked(path, operator="测试员", create=True) as led, led.session() as s:
        s.execute(insert(Unit), [{"id": i + 1, "name": f"单位{i}", "short_name": f"单位{i}", "kind": "department",
                                  "active": True, "sort_order": i} for i in range(UNITS)])
        from zsdesk.models import Person

        s.execute(insert(Person), [{"id": i + 1, "name": f"人员{i}", "unit_id": 1, "active": True} for i in range(3)])
        s.commit()
    yield path


def _load(template: Path, projects: list[dict], workdir: Path) -> Ledger:  # type: ignore[type-arg]
    path = workdir / "p.sqlite"
    shutil.copy(template, path)
    led = open_unlocked(path, operator="测试员")
    now = datetime(2026, 1, 1)
    rows, coops, persons, funding = [], [], [], []
    for i, p in enumerate(projects):
        fw = None if p["fw"] is None else month(p["fw"])
        formal = None if p["formal_after"] is None else month(min(23, (p["fw"] or 0) + p["formal_after"]), 20)
        started = None if formal is None or p["started_after"] is None else month(
            min(23, (p["fw"] or 0) + p["formal_after"] + p["started_after"]), 25)
        p["dates"] = (fw, formal, started)
        rows.append({"id": i + 1, "code": f"T-{i:04d}", "name": f"项目{i}", "origin": p["origin"],
                     "industrial": p["industrial"], "agreement_amount": p["amount"], "expected_output": p["output"],
                     "framework_date": fw, "formal_date": formal, "started_date": started,
                     "signed_date": fw or formal,  # stored first signing, as every write derives it
                     "withdrawn_date": date(2026, 12, 31) if p["withdrawn"] else None,
                     "deleted_at": now if p["deleted"] else None, "lead_unit_id": p["lead"] + 1,
                     "created_at": now, "updated_at": now, "stage": "formal"})
        coops += [{"project_id": i + 1, "unit_id": u + 1} for u in p["coops"] - {p["lead"]}]
        persons += [{"project_id": i + 1, "person_id": q + 1} for q in p["persons"]]
        funding += [{"project_id": i + 1, "date": month(m, 10), "amount": a} for m, a in p["funding"]]
    with led.session() as s:
        for model, values in ((Project, rows), (ProjectCooperatingUnit, coops), (ProjectPerson, persons),
                              (Funding, funding)):
            if values:
                s.execute(insert(model), values)
        s.commit()
    return led


def _counted(p: dict) -> bool:  # type: ignore[type-arg]
    return not p["withdrawn"] and not p["deleted"] and RULES.size_class(p["amount"], p["output"],
                                                                        p["industrial"]) != "none"


def _split(amount: int, p: dict) -> dict[int, int]:  # type: ignore[type-arg]
    """Reference of SPEC §3.1: total = amount × weight half-up; floors; leftover yuan to the largest
    remainders, ties to the lead unit, then cooperating units in sort order (here: unit number)."""
    if amount < 0:
        return {u: -v for u, v in _split(-amount, p).items()}
    coops = sorted(p["coops"] - {p["lead"]})
    holders = [p["lead"], *coops]
    shares = [Fraction(1)] if not coops else [Fraction(4, 5)] + [Fraction(1, 5) / len(coops)] * len(coops)
    exact = [amount * WEIGHT[p["origin"]] * s for s in shares]
    total = round_half_up(amount * WEIGHT[p["origin"]])
    floors = [math.floor(e) for e in exact]
    rank = sorted(range(len(holders)), key=lambda i: (floors[i] - exact[i], i))
    for i in rank[:total - sum(floors)]:
        floors[i] += 1
    return dict(zip(holders, floors, strict=True))


def _person_split(amount: int, p: dict) -> dict[int, int]:  # type: ignore[type-arg]
    """Equal shares in whole yuan; the leftover yuan to the persons first in name order (人员0, 人员1 …)."""
    if amount < 0:
        return {q: -v for q, v in _person_split(-amount, p).items()}
    people = sorted(p["persons"])
    total = round_half_up(amount * WEIGHT[p["origin"]])
    return {q: total // len(people) + (1 if i < total % len(people) else 0) for i, q in enumerate(people)}


PERIODS = ["2026Q3", "2025Q2", "2026M05", "2025"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=projects_st, period=st.sampled_from(PERIODS))
def test_engine_matches_the_reference(template, tmp_path_factory, projects, period):  # type: ignore[no-untyped-def]
    led = _load(template, projects, tmp_path_factory.mktemp("ex"))
    try:
        board = compute_board(led, period)
    finally:
        led.close()
    start, end = board.period.start, board.period.end

    def inside(d: date | None) -> bool:
        return d is not None and start <= d <= end

    live = [p for p in projects if _counted(p)]
    formal = [p for p in live if inside(p["dates"][1])]
    first = [p for p in live if inside(p["dates"][0] or p["dates"][1])]
    arrived = {i: sum(a for m, a in p["funding"] if inside(month(m, 10))) for i, p in enumerate(projects)}
    # district totals are the sums of the raw project amounts
    d = board.district.figures
    assert d.formal_amount == sum(p["amount"] for p in formal)
    assert d.formal_contracts == len(formal)
    assert d.agreement_amount == sum(p["amount"] for p in first)
    assert d.arrived_amount == sum(arrived[i] for i, p in enumerate(projects) if _counted(p))
    # each unit gets the sum of its whole-yuan parts of each project (largest remainder, SPEC §3.1)
    counted = [(i, p) for i, p in enumerate(projects) if _counted(p)]
    for row in board.units:
        u = row.unit_id - 1
        assert row.figures.formal_amount == sum(_split(p["amount"], p).get(u, 0) for p in formal)
        assert row.figures.agreement_amount == sum(_split(p["amount"], p).get(u, 0) for p in first)
        assert row.figures.arrived_amount == sum(_split(arrived[i], p).get(u, 0) for i, p in counted)
        assert row.figures.formal_contracts == sum(1 for p in formal if p["lead"] == u)
    # persons: amount × origin weight split equally in whole yuan
    for row in board.persons:
        q = row.person_id - 1
        assert row.agreement_amount == sum(_person_split(p["amount"], p).get(q, 0) for p in first
                                           if q in p["persons"])
        assert row.arrived_amount == sum(_person_split(arrived[i], p).get(q, 0) for i, p in counted
                                         if q in p["persons"])
    # rankings are permutations of competition ranks
    for rows, key in ((board.units, lambda r: r.score), (board.persons,
                                                          lambda r: (r.agreement_amount, r.arrived_amount))):
        keys = [key(r) for r in rows]
        assert [r.rank for r in rows] == competition_ranks(keys)
        assert [r.rank for r in rows] == sorted(r.rank for r in rows)
        for r in rows:
            assert r.rank == 1 + sum(1 for k in keys if k > key(r))


ADDITIVE = ("formal_contracts", "formal_amount", "first_signed", "agreement_amount", "arrived_amount",
            "started_projects", "major", "large", "key", "general")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=projects_st, quarter=st.integers(2, 4))
def test_quarter_alone_plus_previous_ytd_is_this_ytd(template, tmp_path_factory, projects, quarter):  # type: ignore[no-untyped-def]
    led = _load(template, projects, tmp_path_factory.mktemp("ex"))
    try:
        now = compute_board(led, f"2026Q{quarter}")
        before = compute_board(led, f"2026Q{quarter - 1}")
    finally:
        led.close()
    for field in ADDITIVE:
        assert getattr(now.alone.figures, field) + getattr(before.district.figures, field) == getattr(
            now.district.figures, field), field


@given(amount=st.integers(-10**12, 10**12), origin=st.sampled_from(ORIGINS),
       coops=st.lists(st.integers(2, 50), unique=True, max_size=6))
def test_credited_shares_sum_to_the_weighted_amount(amount, origin, coops):  # type: ignore[no-untyped-def]
    credits = project_credits(RULES, amount, origin, 1, coops)
    assert sum(credits.values()) == round_half_up(amount * RULES.origin_weights[origin])  # whole yuan, adds up
    assert all(isinstance(v, int) for v in credits.values())
    assert set(credits) == {1, *coops}
    for unit, value in credits.items():  # each part is its exact share, rounded down or up
        exact = amount * RULES.origin_weights[origin] * RULES.unit_share("lead" if unit == 1 else "coop", len(coops))
        assert abs(value - exact) < 1
    if coops:
        parts = [credits[c] for c in coops]  # cooperating units share equally, to the yuan
        assert max(parts) - min(parts) <= 1
        assert parts == sorted(parts, reverse=True) or amount < 0  # the extra yuan go first in sort order


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=projects_st, period=st.sampled_from([*PERIODS, "2026M01-08", "2025M07-09"]))
def test_parts_add_up_to_the_projects_credited_totals(template, tmp_path_factory, projects, period):  # type: ignore[no-untyped-def]
    """SPEC §3.1: Σ units' credited = Σ projects' credited totals, and the same for persons, to the yuan."""
    led = _load(template, projects, tmp_path_factory.mktemp("ex"))
    try:
        board = compute_board(led, period)
    finally:
        led.close()
    start, end = board.period.start, board.period.end

    def inside(d: date | None) -> bool:
        return d is not None and start <= d <= end

    live = [(i, p) for i, p in enumerate(projects) if _counted(p)]
    w = {i: WEIGHT[p["origin"]] for i, p in live}
    for field, amounts in (
            ("formal_amount", {i: p["amount"] for i, p in live if inside(p["dates"][1])}),
            ("agreement_amount", {i: p["amount"] for i, p in live if inside(p["dates"][0] or p["dates"][1])}),
            ("arrived_amount", {i: sum(a for m, a in p["funding"] if inside(month(m, 10))) for i, p in live})):
        totals = sum(round_half_up(a * w[i]) for i, a in amounts.items())
        assert sum(getattr(u.figures, field) for u in board.units) == totals, field
        if field != "formal_amount":
            with_persons = sum(round_half_up(a * w[i]) for i, a in amounts.items() if projects[i]["persons"])
            assert sum(getattr(r, field) for r in board.persons) == with_persons, field
