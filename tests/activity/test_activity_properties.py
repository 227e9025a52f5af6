"""Properties of the 招商活动 figures on random districts: a trip counts once per unit taking part, the
district counts distinct trips, a lead counts for its one unit, and a reference model agrees (SPEC §10)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zsdesk import ops
from zsdesk.activity import compute_activity
from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.ops import leads as lead_ops
from zsdesk.ops import trips as trip_ops
from zsdesk.periods import parse_period

UNITS = ("甲园区", "乙局", "丙镇", "丁街道")
START = date(2026, 1, 1)

trip_st = st.fixed_dictionaries({
    "day": st.integers(0, 364), "units": st.sets(st.sampled_from(range(len(UNITS))), min_size=1),
    "leader": st.booleans(), "deleted": st.booleans(),
    "visits": st.lists(st.sampled_from(("intention", "general", "none")), max_size=5)})
lead_st = st.fixed_dictionaries({
    "day": st.integers(0, 364), "unit": st.one_of(st.none(), st.sampled_from(range(len(UNITS)))),
    "convert": st.booleans(), "deleted": st.booleans()})


def _ledger(template: Path, folder: Path) -> Ledger:
    path = folder / "p.sqlite"
    shutil.copy(template, path)
    return open_unlocked(path, operator="测试员")


def _load(led: Ledger, trips: list[dict[str, Any]], leads: list[dict[str, Any]]) -> None:
    for name in UNITS:
        ops.create_unit(led, {"name": name, "short_name": name, "kind": "部门"})
    for t in trips:
        day = START + timedelta(days=t["day"])
        change = trip_ops.create_trip(led, {
            "departure_date": day, "province": "广东省", "city": "深圳市",
            "level": "district_leader" if t["leader"] else "department",
            "unit_ids": [UNITS[u] for u in sorted(t["units"])]},
            [{"company": f"企业{i}", "date": day, "outcome": o} for i, o in enumerate(t["visits"])])
        if t["deleted"]:
            trip_ops.delete_trips(led, change.ids("trip", "insert"))
    for i, lead in enumerate(leads):
        lid = lead_ops.create_lead(led, {"received_date": START + timedelta(days=lead["day"]), "source_id": "其他",
                                         "company": f"公司{i}",
                                         "unit_id": None if lead["unit"] is None else UNITS[lead["unit"]]}
                                   ).ids("lead", "insert")[0]
        if lead["convert"]:
            lead_ops.convert_lead(led, lid)
        if lead["deleted"]:
            lead_ops.delete_leads(led, [lid])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trips=st.lists(trip_st, max_size=8), leads=st.lists(lead_st, max_size=8),
       period=st.sampled_from(["2026Q2", "2026M03", "2026", "2026M07-09"]))
def test_figures_match_a_reference_model(template_path, tmp_path_factory, trips, leads, period):  # type: ignore[no-untyped-def]
    led = _ledger(template_path, tmp_path_factory.mktemp("act"))
    try:
        _load(led, trips, leads)
        p = parse_period(period)
        with led.reading() as s:
            out = compute_activity(s, p)
    finally:
        led.close()

    def inside(day: int) -> bool:
        return p.start <= START + timedelta(days=day) <= p.end

    live = [t for t in trips if not t["deleted"] and inside(t["day"])]
    counted_leads = [x for x in leads if not x["deleted"] and inside(x["day"])]

    def under(t: dict[str, Any]) -> bool:
        return len(t["visits"]) < 3 or t["visits"].count("intention") < 3

    d = out.district
    assert d.trips == len(live)  # distinct trips, however many units took part
    assert d.leader_led_trips == sum(t["leader"] for t in live)
    assert d.companies_visited == sum(len(t["visits"]) for t in live)
    assert d.intentions == sum(t["visits"].count("intention") for t in live)
    assert d.trips_under_quota == sum(under(t) for t in live)
    assert d.new_leads == len(counted_leads)
    assert d.converted_leads == sum(x["convert"] for x in counted_leads)
    # the only projects are the conversions; deleting a lead later leaves its project in 在谈
    assert d.new_negotiations == sum(x["convert"] for x in leads if inside(x["day"]))
    by_name = {u.unit: u.figures for u in out.units}
    for i, name in enumerate(UNITS):
        mine = [t for t in live if i in t["units"]]
        f = by_name[name]
        assert f.trips == len(mine)  # once per unit taking part
        assert f.companies_visited == sum(len(t["visits"]) for t in mine)
        assert f.trips_under_quota == sum(under(t) for t in mine)
        assert f.new_leads == sum(1 for x in counted_leads if x["unit"] == i)
        assert f.converted_leads <= f.new_leads
    assert sum(f.trips for f in by_name.values()) == sum(len(t["units"]) for t in live)
    assert sum(f.new_leads for f in by_name.values()) == sum(1 for x in counted_leads if x["unit"] is not None)
    assert max((f.trips for f in by_name.values()), default=0) <= d.trips
