"""招商活动 figures on a hand-built district, every number computed by hand (SPEC §10).

Q1 2026 (2026Q1 = 1—3月): T1 (01-10, 区领导带队, 甲园区+乙局, 4 visits / 3 intentions — one of its five
visits was removed), T2 (02-05, 甲园区, 2 / 1), T3 (03-31, 乙局+丙镇, 3 / 0); T4 departs 04-01 (outside),
T5 is deleted. Quota 3 companies / 3 intentions: T2 and T3 are under quota.
Leads received in Q1: L1 甲 (converted), L2 甲, L3 甲 (无效), L4 乙 (converted), L5 no unit; L6 (2025-12-30,
converted) is outside, L7 is deleted. 在谈 from 01-01 to 03-31: L1's project (甲), L4's (乙), 丙镇康养 (丙),
无单位项目 (district only); 甲园区退库项目 counts nowhere.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zsdesk.activity import activity_to_json, compute_activity
from zsdesk.periods import parse_period
from zsdesk.rules import default_document, save_rules

from .conftest import Worked

FIELDS = ("trips", "leader_led_trips", "companies_visited", "intentions", "trips_under_quota", "new_leads",
          "converted_leads", "new_negotiations", "conversion_rate")


def _figures(worked: Worked, period: str) -> dict:
    with worked.ledger.reading() as s:
        return activity_to_json(compute_activity(s, parse_period(period)))


def test_the_first_quarter_by_hand(worked: Worked) -> None:
    out = _figures(worked, "2026Q1")
    assert (out["period"], out["start"], out["end"]) == ("2026Q1", "2026-01-01", "2026-03-31")
    assert out["district"] == {"trips": 3, "leader_led_trips": 1, "companies_visited": 9, "intentions": 4,
                               "trips_under_quota": 2, "new_leads": 5, "converted_leads": 2,
                               "new_negotiations": 4, "conversion_rate": 40.0}
    units = {u["unit"]: u for u in out["units"]}
    assert [u["unit"] for u in out["units"]] == ["甲园区", "乙局", "丙镇"]
    assert units["甲园区"] == {"unit": "甲园区", "trips": 2, "leader_led_trips": 1, "companies_visited": 6,
                             "intentions": 4, "trips_under_quota": 1, "new_leads": 3, "converted_leads": 1,
                             "new_negotiations": 1, "conversion_rate": 33.33}
    assert units["乙局"] == {"unit": "乙局", "trips": 2, "leader_led_trips": 1, "companies_visited": 7,
                           "intentions": 3, "trips_under_quota": 1, "new_leads": 1, "converted_leads": 1,
                           "new_negotiations": 1, "conversion_rate": 100.0}
    assert units["丙镇"] == {"unit": "丙镇", "trips": 1, "leader_led_trips": 0, "companies_visited": 3,
                           "intentions": 0, "trips_under_quota": 1, "new_leads": 0, "converted_leads": 0,
                           "new_negotiations": 1, "conversion_rate": None}
    assert list(out["district"]) == list(FIELDS)


def test_a_month_alone_and_the_quarter_after(worked: Worked) -> None:
    feb = _figures(worked, "2026M02")["district"]
    assert (feb["trips"], feb["companies_visited"], feb["new_leads"], feb["new_negotiations"]) == (1, 2, 1, 1)
    assert feb["converted_leads"] == 0 and feb["conversion_rate"] == 0.0
    q2 = _figures(worked, "2026M04-06")["district"]
    assert (q2["trips"], q2["intentions"], q2["trips_under_quota"], q2["new_leads"], q2["conversion_rate"]) == \
        (1, 5, 0, 0, None)


def test_the_rules_set_the_quota(worked: Worked) -> None:
    doc = default_document()
    doc["activity"] = {"trip_min_companies": 2, "trip_min_intentions": 1}
    save_rules(worked.ledger, 2026, doc)
    out = _figures(worked, "2026Q1")
    assert out["district"]["trips_under_quota"] == 1  # T3 alone: 3 companies but no intention
    assert {u["unit"]: u["trips_under_quota"] for u in out["units"]} == {"甲园区": 0, "乙局": 1, "丙镇": 1}


def test_a_bad_activity_block_is_refused_in_chinese(worked: Worked) -> None:
    from zsdesk.errors import ValidationError

    doc = default_document()
    doc["activity"] = {"lead_stale_days": 0}
    with pytest.raises(ValidationError, match="线索无跟进天数"):
        save_rules(worked.ledger, 2026, doc)


def test_conversion_rate_rounds_half_up() -> None:
    from zsdesk.activity import ActivityFigures

    assert ActivityFigures(new_leads=3, converted_leads=2).conversion_rate == Decimal("66.67")
    assert ActivityFigures(new_leads=8, converted_leads=1).conversion_rate == Decimal("12.50")
    assert ActivityFigures(new_leads=200, converted_leads=1).conversion_rate == Decimal("0.50")
    assert ActivityFigures(new_leads=0).conversion_rate is None


def test_undoing_a_conversion_takes_the_figures_back(worked: Worked) -> None:
    from zsdesk import ops
    from zsdesk.ops import leads as lead_ops

    before = _figures(worked, "2026Q1")["district"]
    lead_ops.convert_lead(worked.ledger, worked.leads["L2"])
    after = _figures(worked, "2026Q1")["district"]
    assert (after["converted_leads"], after["new_negotiations"]) == (3, 5)
    ops.undo(worked.ledger)
    assert _figures(worked, "2026Q1")["district"] == before
