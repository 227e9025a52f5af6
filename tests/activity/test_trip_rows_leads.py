"""The trips table's 产生线索数 (``TripRow.leads``) and the 带队领导 type-ahead (``trip_leaders``)."""

from __future__ import annotations

from zsdesk.ops import leads as lead_ops
from zsdesk.ops import trips as trip_ops
from zsdesk.queries.trips import fetch_trip_rows, trip_leaders, trip_visits

from .conftest import Worked


def test_leads_count_visits_with_a_live_lead(worked: Worked) -> None:
    led, tid = worked.ledger, worked.trips["T4"]
    with led.reading() as s:
        assert fetch_trip_rows(s, [tid])[tid].leads == 0
        visits = trip_visits(s, tid)
    lead_ids = [trip_ops.lead_from_visit(led, v.id).ids("lead", "insert")[0] for v in visits[:2]]
    with led.reading() as s:
        assert fetch_trip_rows(s, [tid])[tid].leads == 2
    lead_ops.delete_leads(led, lead_ids[:1])  # a deleted lead no longer counts
    with led.reading() as s:
        assert fetch_trip_rows(s, [tid])[tid].leads == 1
        assert fetch_trip_rows(s, [worked.trips["T1"]])[worked.trips["T1"]].leads == 0


def test_trip_leaders_most_trips_first(worked: Worked) -> None:
    led = worked.ledger
    for day in ("2026-05-01", "2026-06-01"):
        trip_ops.create_trip(led, {"departure_date": day, "leader": "李局长", "unit_ids": "乙局"})
    with led.reading() as s:
        assert trip_leaders(s) == ["李局长", "王区长"]
