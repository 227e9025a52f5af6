"""Golden round trips: what the app exports, the app imports back to the same ledger."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from zsdesk.ledger import Ledger
from zsdesk.models import AuditEntry, Funding, Project, Target
from zsdesk.opening import open_unlocked
from zsdesk.ops.records import snapshot
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.ledger_export import export_ledger

from .conftest import fill_units_and_persons

COMPARED = ("name", "investor", "origin", "origin_province", "origin_city", "chain_id", "industrial",
            "planned_investment", "agreement_amount", "expected_output", "first_contact_date", "framework_date",
            "formal_date", "started_date", "production_date", "full_production_date", "withdrawn_date", "stage",
            "lead_unit_id", "landing_park_id", "leader", "notes", "cooperating_unit_ids", "person_ids", "tag_ids")


def projects_by_name(ledger: Ledger) -> dict[str, dict]:
    with ledger.reading() as s:
        return {p.name: {k: v for k, v in snapshot(s, "project", p).items() if k in COMPARED}
                for p in s.scalars(select(Project).where(Project.deleted_at.is_(None)))}


def test_export_then_import_into_a_fresh_ledger_gives_the_same_projects(small_ledger, tmp_path):
    out = tmp_path / "台账.xlsx"
    export_ledger(small_ledger, out)
    fresh = open_unlocked(tmp_path / "fresh.sqlite", operator="测试员", create=True)
    fill_units_and_persons(fresh)
    report = import_file(fresh, "projects", out, dry_run=False)
    assert report.ok, report.problem_table()
    assert report.written and report.would_create == 4 and report.would_update == 0
    assert projects_by_name(fresh) == projects_by_name(small_ledger)
    fresh.close()


def test_reimporting_an_export_updates_the_same_projects_and_changes_nothing(small_ledger, tmp_path):
    out = tmp_path / "台账.xlsx"
    export_ledger(small_ledger, out)
    before = projects_by_name(small_ledger)
    with small_ledger.reading() as s:
        audit_rows = len(s.scalars(select(AuditEntry.id)).all())
    report = import_file(small_ledger, "projects", out, dry_run=False)
    assert report.ok and report.would_update == 4 and report.would_create == 0
    assert not report.duplicates
    assert report.change is not None and report.change.empty
    assert projects_by_name(small_ledger) == before
    with small_ledger.reading() as s:
        assert len(s.scalars(select(AuditEntry.id)).all()) == audit_rows


def test_an_edited_export_updates_by_code_even_when_the_name_changed(small_ledger, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "台账.xlsx"
    export_ledger(small_ledger, out)
    wb = load_workbook(out)
    ws = wb.active
    assert ws["B4"].value == "新型建材生产线项目"
    ws["B4"] = "新型建材生产线项目（更名）"
    ws["K4"] = 40000  # 协议资金（万元）
    wb.save(out)
    report = import_file(small_ledger, "projects", out, dry_run=False)
    assert report.ok and report.would_update == 4
    with small_ledger.reading() as s:
        project = s.scalar(select(Project).where(Project.code == "2025-0001"))
        assert project.name == "新型建材生产线项目（更名）"
        assert project.agreement_amount == 400_000_000
        audit = s.scalars(select(AuditEntry).where(AuditEntry.op_id == report.change.op_id)).all()
    assert [a.entity_id for a in audit] == [project.id]


def test_funding_and_targets_round_trip_through_their_templates(small_ledger, tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["到位资金导入表"])
    ws.append(["项目名称", "投资方", "到位日期", "到位金额（万元）", "备注"])
    ws.append(["新型建材生产线项目", "重庆某某建材有限公司", "2026-06-30", "2,000.5", "六月"])
    ws.append(["+冷链物流园", "-某物流公司", "2026年7月1日", "-100", "冲减"])
    wb.save(tmp_path / "funding.xlsx")
    report = import_file(small_ledger, "funding", tmp_path / "funding.xlsx", dry_run=False)
    assert report.ok, report.problem_table()
    with small_ledger.reading() as s:
        amounts = sorted(s.scalars(select(Funding.amount)))
    assert amounts == sorted([50_000_000, 12_345_678, 3_000_000, 20_005_000, -1_000_000])

    wb = Workbook()
    ws = wb.active
    ws.append(["年度", "单位", "重大项目(个)", "较大项目(个)", "重点项目(个)", "协议资金(亿元)", "正式合同额(万元)",
               "到位资金(万元)"])
    ws.append([2026, "全区", 4, 0, 0, 60, "300000", "100000"])  # updates the district target
    ws.append([2026, "正阳园区", 0, 1, 1, 2.5, "20000", "5000"])  # a new one, by short name
    wb.save(tmp_path / "targets.xlsx")
    report = import_file(small_ledger, "targets", tmp_path / "targets.xlsx", dry_run=False)
    assert report.ok, report.problem_table()
    assert (report.would_create, report.would_update) == (1, 1)
    with small_ledger.reading() as s:
        district = s.scalar(select(Target).where(Target.unit_id.is_(None), Target.year == 2026))
        assert district.major_count == 4 and district.agreement_amount == 6_000_000_000
        park = s.scalar(select(Target).where(Target.unit_id == 2))
        assert park.agreement_amount == 250_000_000 and park.arrived_amount == 50_000_000
