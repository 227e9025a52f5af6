"""Hypothesis properties of the landing engine, against a reference computed here from the definitions."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from zsdesk.ledger import Ledger
from zsdesk.lifecycle import add_months, compute_lifecycle
from zsdesk.models import Funding, Project, Unit
from zsdesk.opening import open_unlocked

UNITS = 3
BASE = date(2024, 10, 1)
AMOUNTS = st.sampled_from([0, 10_000_000, 50_000_000, 200_000_000, 1_500_000_000])
DAY = st.integers(0, 800)  # days after BASE
OPTIONAL_GAP = st.one_of(st.none(), st.integers(0, 400))

projects_st = st.lists(st.fixed_dictionaries({
    "amount": AMOUNTS, "formal": st.one_of(st.none(), DAY), "start_gap": OPTIONAL_GAP, "prod_gap": OPTIONAL_GAP,
    "promised_start": OPTIONAL_GAP, "promised_prod": OPTIONAL_GAP, "lead": st.integers(0, UNITS - 1),
    "withdrawn": st.booleans(), "deleted": st.booleans(),
    "funding": st.lists(st.tuples(DAY, st.integers(1, 90_000_000)), max_size=3),
}), max_size=16)
PERIODS = st.sampled_from(["2025Q1", "2025Q4", "2026M02", "2026Q2", "2026Q3", "2026"])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("lcprops") / "template.sqlite"
    with open_unlocked(path, operator="测试员", create=True) as led, led.session() as s:
        s.execute(insert(Unit), [{"id": i + 1, "name": f"单位{i}", "short_name": f"单位{i}", "kind": "department",
                                  "active": True, "sort_order": i} for i in range(UNITS)])
        s.commit()
    yield path


def _day(n: int | None) -> date | None:
    return None if n is None else BASE + timedelta(days=n)


def _load(template: Path, projects: list[dict], workdir: Path) -> Ledger:  # type: ignore[type-arg]
    path = workdir / "p.sqlite"
    shutil.copy(template, path)
    led = open_unlocked(path, operator="测试员")
    now = datetime(2026, 1, 1)
    rows, funding = [], []
    for i, p in enumerate(projects):
        formal = _day(p["formal"])
        started = None if formal is None or p["start_gap"] is None else formal + timedelta(days=p["start_gap"])
        production = None if started is None or p["prod_gap"] is None else started + timedelta(days=p["prod_gap"])
        p_start = None if formal is None or p["promised_start"] is None else formal + timedelta(days=p["promised_start"])
        p_prod = None if p_start is None or p["promised_prod"] is None else p_start + timedelta(days=p["promised_prod"])
        p["dates"] = (formal, started, production, p_start, p_prod)
        rows.append({"id": i + 1, "code": f"T-{i:04d}", "name": f"项目{i}", "industrial": True,
                     "agreement_amount": p["amount"], "expected_output": 0, "formal_date": formal,
                     "started_date": started, "production_date": production, "promised_start_date": p_start,
                     "promised_production_date": p_prod, "signed_date": formal,
                     "withdrawn_date": date(2026, 12, 31) if p["withdrawn"] else None,
                     "deleted_at": now if p["deleted"] else None, "lead_unit_id": p["lead"] + 1,
                     "created_at": now, "updated_at": now, "stage": "formal"})
        funding += [{"project_id": i + 1, "date": _day(d), "amount": a} for d, a in p["funding"]]
    with led.session() as s:
        for model, values in ((Project, rows), (Funding, funding)):
            if values:
                s.execute(insert(model), values)
        s.commit()
    return led


def _klass(amount: int) -> str | None:
    # default rules, industrial, no output: 重大 ≥ 20亿, 较大 ≥ 10亿, 重点 ≥ 1亿, 一般 ≥ 2000万, else 不计
    if amount >= 1_000_000_000:
        return "large"
    if amount >= 100_000_000:
        return "key"
    return "general" if amount >= 20_000_000 else None


def _reference(projects: list[dict], end: date) -> dict[str, int]:  # type: ignore[type-arg]
    """The §9 definitions, written out again independently of the engine."""
    ref = dict.fromkeys(("cohort", "started", "producing", "due", "on_time", "overdue", "agreement", "arrived"), 0)
    for p in projects:
        formal, started, production, p_start, p_prod = p["dates"]
        klass = _klass(p["amount"])
        if formal is None or p["withdrawn"] or p["deleted"] or klass is None:
            continue
        if not date(end.year - 1, 1, 1) <= formal <= end:
            continue
        started = started if started and started <= end else None
        production = production if production and production <= end else None
        start_deadline = p_start or add_months(formal, 3 if klass == "general" else 6)
        prod_deadline = p_prod or (add_months(started, 24) if started else None)
        due = [(d, h) for d, h in ((start_deadline, started), (prod_deadline, production)) if d and d <= end]
        ref["cohort"] += 1
        ref["started"] += started is not None
        ref["producing"] += production is not None
        ref["due"] += bool(due)
        ref["on_time"] += bool(due) and all(h is not None and h <= d for d, h in due)
        ref["overdue"] += sum(h is None for _, h in due)
        ref["agreement"] += p["amount"]
        ref["arrived"] += sum(a for d, a in p["funding"] if _day(d) <= end)  # type: ignore[operator]
    return ref


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=projects_st, period=PERIODS)
def test_engine_matches_the_definitions(template: Path, tmp_path_factory: pytest.TempPathFactory,
                                        projects: list[dict], period: str) -> None:  # type: ignore[type-arg]
    led = _load(template, projects, tmp_path_factory.mktemp("lc"))
    try:
        lc = compute_lifecycle(led, period)
    finally:
        led.close()
    d = lc.district
    ref = _reference(projects, lc.end)
    assert (d.cohort, d.started, d.producing, d.due, d.on_time, len(lc.overdue), d.agreement_amount,
            d.arrived_amount) == tuple(ref.values())
    # rates bounded where the definitions bound them; null exactly when the denominator is zero
    for rate, denominator in ((d.start_rate, d.cohort), (d.production_rate, d.started),
                              (d.fulfilment_rate, d.due)):
        assert (rate is None) == (denominator == 0)
        assert rate is None or Decimal(0) <= rate <= Decimal(100)
    assert (d.arrival_rate is None) == (d.agreement_amount == 0)
    # the district is the sum of its units, for every count and amount
    for name in ("cohort", "started", "producing", "due", "on_time", "overdue_milestones", "agreement_amount",
                 "arrived_amount"):
        assert getattr(d, name) == sum(getattr(u.figures, name) for u in lc.units)
    for item in lc.overdue:
        assert item.deadline <= lc.end and item.days_over == (lc.end - item.deadline).days >= 0
    assert [o.days_over for o in lc.overdue] == sorted((o.days_over for o in lc.overdue), reverse=True)


@given(start=st.dates(date(2000, 1, 1), date(2090, 12, 31)), months=st.integers(0, 120))
def test_add_months_is_calendar_months(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == start.day or (result.day < start.day and (result + timedelta(days=1)).day == 1)
