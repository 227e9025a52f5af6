"""Worked examples of SPEC §9, computed by hand (period 2026Q3: cohort 2025-01-01 … 2026-09-30)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zsdesk.lifecycle import add_months, compute_lifecycle, lifecycle_to_json
from zsdesk.rules import default_document, save_rules


def test_calendar_months_and_month_end_clamping():
    assert add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 31), 24) == date(2028, 3, 31)


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    build.unit("部门乙", "部门")
    build.unit("部门丙", "部门")  # leads nothing: a row of zeros and nulls
    p = {}
    # 一般 (5000万, industrial): start within 3 months; 重点 (2亿): within 6.
    p["late"] = build.project("迟开工", lead_unit_id="园区甲", agreement_amount="5000", formal_date="2026-01-15",
                              started_date="2026-05-01")  # deadline 04-15: due, late, not overdue
    p["on_time"] = build.project("按期开工", lead_unit_id="园区甲", agreement_amount="20000",
                                 formal_date="2026-01-31", started_date="2026-07-31")  # deadline 07-31 exactly
    p["not_due"] = build.project("未到期", lead_unit_id="园区甲", agreement_amount="5000",
                                 formal_date="2026-08-01")  # deadline 11-01 after the end: not due
    p["overdue"] = build.project("逾期未开工", lead_unit_id="部门乙", agreement_amount="5000",
                                 formal_date="2026-03-10")  # deadline 06-10: 112 days over
    build.project("框架即开工", lead_unit_id="部门乙", agreement_amount="5000", framework_date="2026-01-01",
                  started_date="2026-02-01")  # no formal contract: not in the cohort
    build.project("已退库", lead_unit_id="部门乙", agreement_amount="5000", formal_date="2026-01-10",
                  withdrawn_date="2026-06-01")
    build.project("不计项目", lead_unit_id="部门乙", agreement_amount="1000", formal_date="2026-01-05")
    build.project("前年签约", lead_unit_id="部门乙", agreement_amount="5000", formal_date="2024-12-31")
    p["promised"] = build.project("约定开工", lead_unit_id="部门乙", agreement_amount="5000",
                                  formal_date="2026-01-05", promised_start_date="2026-09-01",
                                  started_date="2026-08-20")  # the rule says 04-05; the promise 09-01: on time
    p["production"] = build.project("投产逾期", lead_unit_id="部门乙", agreement_amount="20000",
                                    formal_date="2025-02-01", started_date="2025-06-01",
                                    promised_production_date="2026-06-30")  # production 92 days over
    p["after_end"] = build.project("期后开工", lead_unit_id="部门乙", agreement_amount="5000",
                                   formal_date="2026-05-01", started_date="2026-10-15")  # not started by 09-30
    build.funding(p["late"], "2026-06-01", "500")
    build.funding(p["late"], "2026-10-01", "100")  # after the end: not counted
    return p


def test_district_figures_and_rates(district, ledger):  # type: ignore[no-untyped-def]
    lc = compute_lifecycle(ledger, "2026Q3")
    d = lc.district
    assert (lc.cohort_start, lc.end) == (date(2025, 1, 1), date(2026, 9, 30))
    assert (d.cohort, d.started, d.producing, d.due, d.on_time) == (7, 4, 0, 6, 2)
    assert d.agreement_amount == 650_000_000 and d.arrived_amount == 5_000_000
    assert d.start_rate == Decimal("57.14") and d.production_rate == Decimal("0.00")
    assert d.fulfilment_rate == Decimal("33.33") and d.arrival_rate == Decimal("0.77")
    assert [(o.name, o.milestone, o.deadline, o.days_over) for o in lc.overdue] == [
        ("逾期未开工", "start", date(2026, 6, 10), 112),
        ("投产逾期", "production", date(2026, 6, 30), 92),
        ("期后开工", "start", date(2026, 8, 1), 60)]


def _status(lc, pid):  # type: ignore[no-untyped-def]
    return next(s for s in lc.projects if s.project_id == pid)


def test_each_project_as_defined(district, ledger):  # type: ignore[no-untyped-def]
    lc = compute_lifecycle(ledger, "2026Q3")
    late = _status(lc, district["late"])
    assert late.start.deadline == date(2026, 4, 15) and late.due and not late.on_time and not late.overdue
    assert late.production.deadline == date(2028, 5, 1)  # 24 months from the actual start: not due
    assert late.arrived_amount == 5_000_000
    on_time = _status(lc, district["on_time"])
    assert on_time.start.deadline == date(2026, 7, 31) and on_time.due and on_time.on_time
    not_due = _status(lc, district["not_due"])
    assert not_due.start.deadline == date(2026, 11, 1) and not not_due.due and not not_due.overdue
    promised = _status(lc, district["promised"])
    assert promised.start.deadline == date(2026, 9, 1) and promised.start.promised and promised.on_time
    after_end = _status(lc, district["after_end"])
    assert not after_end.started and after_end.production.deadline is None
    assert {s.name for s in lc.projects} == {"迟开工", "按期开工", "未到期", "逾期未开工", "约定开工", "投产逾期",
                                            "期后开工"}


def test_units_and_drill_down(district, ledger):  # type: ignore[no-untyped-def]
    lc = compute_lifecycle(ledger, "2026Q3")
    units = {u.unit: u.figures for u in lc.units}
    assert list(units) == ["园区甲", "部门乙", "部门丙"]
    a, b, c = units["园区甲"], units["部门乙"], units["部门丙"]
    assert (a.cohort, a.started, a.due, a.on_time) == (3, 2, 2, 1)
    assert (b.cohort, b.started, b.due, b.on_time) == (4, 2, 4, 1)
    assert c.cohort == 0 and c.start_rate is None and c.fulfilment_rate is None and c.arrival_rate is None
    unit_b = next(u for u in lc.units if u.unit == "部门乙")
    assert sorted(p.name for p in lc.drill("overdue", unit_b.unit_id)) == ["投产逾期", "期后开工", "逾期未开工"]
    assert sorted(p.name for p in lc.drill("late", all_units=True)) == ["投产逾期", "期后开工", "迟开工", "逾期未开工"]
    for u in lc.units:
        for figure in ("cohort", "started", "producing", "due", "on_time"):
            assert len(lc.drill(figure, u.unit_id)) == getattr(u.figures, figure)
    j = lifecycle_to_json(lc)
    assert j["units"][0]["unit"] == "园区甲" and j["units"][0]["fulfilment_rate"] == 50.0


def test_a_milestone_met_early_is_not_due_and_a_year_earlier_sees_less(district, ledger):  # type: ignore[no-untyped-def]
    # At 2026M03 (end 03-31): 迟开工's deadline 04-15 is ahead; 逾期未开工 (03-10) is in the cohort, not due.
    lc = compute_lifecycle(ledger, "2026M03")
    names = {s.name: s for s in lc.projects}
    assert set(names) == {"迟开工", "按期开工", "逾期未开工", "约定开工", "投产逾期"}
    assert not names["迟开工"].started and not names["迟开工"].due
    # 投产逾期 started 2025-06-01 before its 2025-08-01 deadline: due and on time; production not yet due.
    assert names["投产逾期"].due and names["投产逾期"].on_time
    assert lc.district.due == 1 and lc.district.fulfilment_rate == Decimal("100.00")
    assert lc.overdue == []


def test_deadlines_come_from_the_years_rules(district, ledger):  # type: ignore[no-untyped-def]
    doc = default_document()
    doc["lifecycle"] = {"start_within_months": {"general": 4}}  # 迟开工: 01-15 + 4 = 05-15, started 05-01
    save_rules(ledger, 2026, doc)
    lc = compute_lifecycle(ledger, "2026Q3")
    late = _status(lc, district["late"])
    assert late.start.deadline == date(2026, 5, 15) and late.on_time
    assert lc.rules.start_within_months == {"major": 6, "large": 6, "key": 6, "general": 4}


def test_old_rules_documents_without_deadlines_get_the_defaults(ledger):  # type: ignore[no-untyped-def]
    doc = default_document()
    del doc["lifecycle"]
    save_rules(ledger, 2025, doc)
    from zsdesk.rules import load_rules

    rules = load_rules(ledger, 2025)
    assert rules.start_within_months == {"major": 6, "large": 6, "key": 6, "general": 3}
    assert rules.production_within_months == 24


def test_bad_deadlines_are_refused_in_chinese(ledger):  # type: ignore[no-untyped-def]
    from zsdesk.errors import ValidationError

    doc = default_document()
    doc["lifecycle"] = {"start_within_months": {"general": 0, "huge": 3}, "production_within_months": "两年"}
    with pytest.raises(ValidationError) as err:
        save_rules(ledger, 2026, doc)
    text = str(err.value)
    assert "一般项目签约后开工期限" in text and "开工后投产期限" in text and "未知的项目规模“huge”" in text


def test_promised_production_before_promised_start_is_refused(build):  # type: ignore[no-untyped-def]
    from zsdesk.errors import ValidationError

    build.unit("园区甲", "园区")
    with pytest.raises(ValidationError, match="约定投产日期"):
        build.project("倒挂", lead_unit_id="园区甲", formal_date="2026-01-01", promised_start_date="2026-06-01",
                      promised_production_date="2026-05-01")
