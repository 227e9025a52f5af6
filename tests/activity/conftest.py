"""A hand-built district for the activity worked examples (SPEC §10)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from zsdesk import ops
from zsdesk.ledger import Ledger
from zsdesk.ops import leads as lead_ops
from zsdesk.ops import trips as trip_ops


def visits(n: int, intentions: int, day: str) -> list[dict[str, str]]:
    return [{"company": f"企业{day}-{i}", "date": day, "outcome": "有合作意向" if i < intentions else "一般"}
            for i in range(n)]


def new_lead(ledger: Ledger, day: str, company: str, unit: str | None, **more: object) -> int:
    fields = {"received_date": day, "source_id": "以商招商", "company": company, "unit_id": unit, **more}
    return lead_ops.create_lead(ledger, fields).ids("lead", "insert")[0]


@dataclass
class Worked:
    ledger: Ledger
    trips: dict[str, int]
    leads: dict[str, int]


@pytest.fixture
def worked(ledger: Ledger) -> Worked:
    """Units 甲园区, 乙局, 丙镇; five trips and seven leads around 2026 Q1 (see test_activity_worked)."""
    for name, kind in (("甲园区", "园区"), ("乙局", "部门"), ("丙镇", "乡镇街道")):
        ops.create_unit(ledger, {"name": name, "short_name": name, "kind": kind})
    t: dict[str, int] = {}
    t["T1"] = trip_ops.create_trip(ledger, {"departure_date": "2026-01-10", "return_date": "2026-01-12",
                                            "province": "广东省", "city": "深圳市", "leader": "王区长",
                                            "level": "区领导带队", "unit_ids": "甲园区、乙局"},
                                   visits(5, 3, "2026-01-11")).ids("trip", "insert")[0]
    # one visit of T1 removed again: 4 live visits, 3 intentions
    with ledger.reading() as s:
        from zsdesk.queries.trips import trip_visits

        rows = trip_visits(s, t["T1"])
    kept = [{"id": v.id, "company": v.company, "date": v.date, "outcome": v.outcome} for v in rows if v.outcome == "intention"]
    kept.append({"id": next(v.id for v in rows if v.outcome == "general"), "company": "企业保留", "outcome": "一般"})
    trip_ops.update_trip(ledger, t["T1"], {}, kept)
    t["T2"] = trip_ops.create_trip(ledger, {"departure_date": "2026-02-05", "province": "浙江省", "city": "杭州市",
                                            "unit_ids": "甲园区"}, visits(2, 1, "2026-02-06")).ids("trip", "insert")[0]
    t["T3"] = trip_ops.create_trip(ledger, {"departure_date": "2026-03-31", "province": "四川省", "city": "成都市",
                                            "unit_ids": ["乙局", "丙镇"]}, visits(3, 0, "2026-03-31")).ids("trip", "insert")[0]
    t["T4"] = trip_ops.create_trip(ledger, {"departure_date": "2026-04-01", "province": "上海市",
                                            "unit_ids": "甲园区"}, visits(5, 5, "2026-04-01")).ids("trip", "insert")[0]
    t["T5"] = trip_ops.create_trip(ledger, {"departure_date": "2026-02-10", "province": "湖北省",
                                            "unit_ids": "丙镇"}, visits(3, 3, "2026-02-10")).ids("trip", "insert")[0]
    trip_ops.delete_trips(ledger, [t["T5"]])
    leads = {
        "L1": new_lead(ledger, "2026-01-05", "一号公司", "甲园区"),
        "L2": new_lead(ledger, "2026-02-01", "二号公司", "甲园区"),
        "L3": new_lead(ledger, "2026-03-01", "三号公司", "甲园区", status="无效", status_reason="已在外地落户"),
        "L4": new_lead(ledger, "2026-03-15", "四号公司", "乙局"),
        "L5": new_lead(ledger, "2026-01-20", "五号公司", None),
        "L6": new_lead(ledger, "2025-12-30", "六号公司", "甲园区"),
        "L7": new_lead(ledger, "2026-02-02", "七号公司", "丙镇"),
    }
    lead_ops.add_followup(ledger, leads["L2"], "2026-02-10", "电话沟通，对方有兴趣")
    for key in ("L1", "L4", "L6"):
        lead_ops.convert_lead(ledger, leads[key])
    lead_ops.delete_leads(ledger, [leads["L7"]])
    ops.create_project(ledger, {"name": "丙镇康养项目", "first_contact_date": "2026-02-20", "lead_unit_id": "丙镇"})
    ops.create_project(ledger, {"name": "甲园区退库项目", "first_contact_date": "2026-03-01",
                                "withdrawn_date": "2026-03-20", "lead_unit_id": "甲园区"})
    ops.create_project(ledger, {"name": "无单位项目", "first_contact_date": "2026-01-15"})
    return Worked(ledger, t, leads)


@pytest.fixture(scope="session")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty ledger file made once, copied per hypothesis example."""
    from zsdesk.opening import open_unlocked

    path = tmp_path_factory.mktemp("activity-template") / "template.sqlite"
    open_unlocked(path, operator="测试员", create=True).close()
    return path
