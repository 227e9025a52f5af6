"""Leads and trips on a shared PostgreSQL ledger: the same figures as SQLite, ids continue after the demo's
bulk rows, a stale version is refused, the audit replay is clean (SPEC §7, §10)."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from zsdesk.activity import activity_to_json, compute_activity
from zsdesk.check import check_ledger
from zsdesk.demo import build_demo
from zsdesk.errors import ConflictError
from zsdesk.opening import open_unlocked
from zsdesk.ops import leads as lead_ops
from zsdesk.ops import trips as trip_ops
from zsdesk.periods import parse_period

SERVER = os.environ.get("ZSDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not SERVER, reason="no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")
TODAY = date(2026, 11, 1)




def test_same_figures_and_operations_on_postgresql(pg_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    results = []
    for target in (pg_url, tmp_path / "same.sqlite"):
        with open_unlocked(target, operator="甲", create=True) as led:
            build_demo(led, today=TODAY)
            with led.reading() as s:
                results.append(json.dumps(activity_to_json(compute_activity(s, parse_period("2026Q3"))),
                                          sort_keys=True))
    assert results[0] == results[1]
    with open_unlocked(pg_url, operator="甲") as led:
        lid = lead_ops.create_lead(led, {"received_date": "2026-10-01", "source_id": "驻外招商",
                                         "company": "共享台账公司", "unit_id": "区商务委"}).ids("lead", "insert")[0]
        lead_ops.add_followup(led, lid, "2026-10-02", "电话联系")
        lead_ops.convert_lead(led, lid)
        tid = trip_ops.create_trip(led, {"departure_date": "2026-10-10", "province": "广东省", "city": "深圳市",
                                         "unit_ids": "区商务委"}, [{"company": "甲公司", "outcome": "有合作意向"}]
                                   ).ids("trip", "insert")[0]
        from zsdesk.queries.trips import fetch_trip_rows

        with led.reading() as s:
            seen = fetch_trip_rows(s, [tid])[tid].version
        trip_ops.update_trip(led, tid, {"notes": "甲的修改"}, expected_version=seen)
        with pytest.raises(ConflictError, match="其他人修改"):
            trip_ops.update_trip(led, tid, {"notes": "乙的修改"}, expected_version=seen)
    assert check_ledger(pg_url).healthy
