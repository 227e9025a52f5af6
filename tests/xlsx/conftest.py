"""A small ledger with every kind of record the xlsx exchange carries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from zsdesk import ops
from zsdesk.ledger import Ledger

UNITS = [("重庆黔江经济开发区", "经开区", "园区"), ("正阳工业园区", "正阳园区", "园区"),
         ("区商务委", "", "部门"), ("城南街道", "", "乡镇街道")]
PERSONS = [("张三", "重庆黔江经济开发区"), ("李四", "区商务委"), ("王五", "区商务委"), ("王五", "城南街道")]


def write_rows(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    """An import file: ``headers`` then ``rows`` on the first sheet."""
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def fill_units_and_persons(ledger: Ledger) -> None:
    for name, short, kind in UNITS:
        ops.create_unit(ledger, {"name": name, "short_name": short, "kind": kind})
    for name, unit in PERSONS:
        ops.create_person(ledger, {"name": name, "unit_id": unit})


PROJECTS = [
    {"name": "新型建材生产线项目", "investor": "重庆某某建材有限公司", "tag_ids": "上市公司、专精特新",
     "origin": "区外市内", "origin_province": "重庆", "origin_city": "两江新区", "chain_id": "绿色建材",
     "industrial": True, "planned_investment": "3.2亿", "agreement_amount": "30000.1234",
     "expected_output": "1,200万元", "first_contact_date": "2025-11-03", "framework_date": "2026/1/15",
     "formal_date": "2026年3月1日", "lead_unit_id": "重庆黔江经济开发区", "cooperating_unit_ids": "区商务委、城南街道",
     "landing_park_id": "正阳工业园区", "leader": "李副区长", "person_ids": [], "notes": "第一期"},
    {"name": "=HYPERLINK(\"http://x\",\"点我\")", "investor": "@SUM(A1)", "origin": "市外",
     "origin_province": "广东省", "origin_city": "深圳市", "industrial": False, "agreement_amount": "800",
     "first_contact_date": "2026-02-01", "framework_date": "2026-04-02", "lead_unit_id": "区商务委",
     "notes": "-2+3 不是公式\n第二行"},
    {"name": "+冷链物流园", "investor": "-某物流公司", "origin": "区内", "chain_id": "现代物流",
     "agreement_amount": "12000", "first_contact_date": "2025-05-05", "framework_date": "2025-06-01",
     "formal_date": "2025-07-01", "started_date": "2025-09-01", "withdrawn_date": "2026-01-10",
     "lead_unit_id": "城南街道"},
    {"name": "线索项目", "investor": "", "origin": "市外", "origin_province": "北京市"},
]


@pytest.fixture
def small_ledger(ledger: Ledger) -> Ledger:
    fill_units_and_persons(ledger)
    ids = []
    for fields in PROJECTS:
        ids.append(ops.create_project(ledger, fields).records[0].entity_id)
    with ledger.reading() as s:
        from sqlalchemy import select

        from zsdesk.models import Person
        zhang, wang_town = (s.scalar(select(Person.id).where(Person.name == n, Person.unit_id == u))
                            for n, u in (("张三", 1), ("王五", 4)))
    ops.update_project(ledger, ids[0], {"person_ids": [zhang, wang_town]})
    ops.add_funding(ledger, {"project_id": ids[0], "date": date(2026, 3, 20), "amount": "5000"})
    ops.add_funding(ledger, {"project_id": ids[0], "date": date(2026, 5, 2), "amount": "1234.5678"})
    ops.add_funding(ledger, {"project_id": ids[2], "date": date(2025, 10, 1), "amount": "300"})
    ops.set_target(ledger, {"unit_id": "全区", "year": 2026, "major_count": 3, "agreement_amount": "50亿",
                            "formal_amount": "30亿", "arrived_amount": "10亿"})
    ops.set_target(ledger, {"unit_id": "重庆黔江经济开发区", "year": 2026, "key_count": 2,
                            "agreement_amount": "5亿", "formal_amount": "3亿", "arrived_amount": "1亿"})
    return ledger
