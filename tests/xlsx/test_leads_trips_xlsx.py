"""线索 and 外出招商 spreadsheets (SPEC §10): templates, checked all-or-nothing imports, masked exports,
the LibreOffice round trip, and the CLI by subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from zsdesk import ops
from zsdesk.activity import compute_activity
from zsdesk.check import check_ledger
from zsdesk.ledger import Ledger
from zsdesk.models import AuditEntry, DictionaryEntry, Lead, Trip, TripVisit, Unit
from zsdesk.ops import leads as lead_ops
from zsdesk.periods import parse_period
from zsdesk.xlsx.activity_import import import_activity_file
from zsdesk.xlsx.activity_io import export_leads, export_trips, make_activity_template

LEAD_HEADERS = ["收到日期", "线索来源", "企业名称", "联系人", "联系电话", "产业链", "意向投资（万元）", "负责单位", "负责人",
                "状态", "备注"]
TRIP_HEADERS = ["出发日期", "返回日期", "目的地", "带队领导", "带队级别", "参加单位", "拜访企业", "拜访日期", "洽谈结果", "备注"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def units(ledger: Ledger) -> Ledger:
    for name, kind in (("经开区", "园区"), ("区商务委", "部门"), ("城南街道", "乡镇街道")):
        ops.create_unit(ledger, {"name": name, "short_name": name, "kind": kind})
    ops.create_person(ledger, {"name": "张三", "unit_id": "经开区"})
    return ledger


def _write(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _count(ledger: Ledger, model: Any) -> int:
    with ledger.reading() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(("kind", "sheet", "headers"), [("leads", "线索", LEAD_HEADERS), ("trips", "外出招商", TRIP_HEADERS)])
def test_templates_have_exactly_the_spec_headers(units: Ledger, tmp_path: Path, kind: str, sheet: str,
                                                 headers: list[str]) -> None:
    path = make_activity_template(kind, units, tmp_path / f"{kind}.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == sheet
    assert [c.value for c in wb[sheet][1]] == headers
    lists = " ".join(str(dv.formula1) for dv in wb[sheet].data_validations.dataValidation)
    if kind == "leads":
        assert "以商招商" in lists and "新线索" in lists and "已转项目" not in lists
    else:
        assert "区领导带队" in lists and "有合作意向" in lists


LEAD_ROWS = [
    ["2026-03-01", "以商招商", "深圳某科技公司", "李经理", "13812345678", "数字经济", 5000, "经开区", "张三", "跟进中", "老乡推荐"],
    ["2026/3/5", "产业赋能大使", "成都某食品公司", None, None, "食品加工", "1.2亿", "区商务委", None, None, None],
    ["2026年3月9日", "网络推介", "杭州某物流公司", None, "023-12345678", None, None, "城南街道", None, "无效：已在外地落户", None],
]


def test_a_good_leads_file_imports_in_one_undoable_operation(units: Ledger, tmp_path: Path) -> None:
    path = _write(tmp_path / "线索.xlsx", LEAD_HEADERS, LEAD_ROWS)
    dry = import_activity_file(units, "leads", path, dry_run=True)
    assert dry.ok and dry.would_create == 3 and _count(units, Lead) == 0
    report = import_activity_file(units, "leads", path, dry_run=False)
    assert report.ok and report.written, report.problem_table()
    with units.reading() as s:
        leads = {lead.company: lead for lead in s.scalars(select(Lead))}
        assert leads["成都某食品公司"].intended_investment == 120_000_000 and leads["成都某食品公司"].status == "new"
        assert (leads["杭州某物流公司"].status, leads["杭州某物流公司"].status_reason) == ("invalid", "已在外地落户")
        assert leads["深圳某科技公司"].status == "following" and leads["深圳某科技公司"].person_id is not None
    ops.undo(units)
    assert _count(units, Lead) == 0
    assert check_ledger(units.path).healthy  # type: ignore[arg-type]


def test_bad_rows_are_all_reported_and_nothing_is_written(units: Ledger, tmp_path: Path) -> None:
    rows = [*LEAD_ROWS,
            ["2026-13-01", "朋友介绍", "", None, "不是电话", None, "很多", "没有的单位", None, "已转项目", None],
            ["2026-03-01", "以商招商", "深圳某科技公司", None, None, None, None, None, None, "无效", None]]
    path = _write(tmp_path / "坏.xlsx", LEAD_HEADERS, rows)
    report = import_activity_file(units, "leads", path, dry_run=False)
    assert not report.ok and not report.written and _count(units, Lead) == 0
    found = {(p.row, p.column) for p in report.problems}
    assert {(5, "收到日期"), (5, "线索来源"), (5, "企业名称"), (5, "联系电话"), (5, "意向投资（万元）"), (5, "负责单位"),
            (5, "状态"), (6, "企业名称"), (6, "状态")} <= found
    reasons = " ".join(p.reason for p in report.problems)
    assert "转为项目" in reasons and "写明原因" in reasons and "同一企业" in reasons
    assert "没有这个单位：没有的单位" in reasons and "朋友介绍" in " ".join(report.notes)


def test_add_missing_creates_units_chains_and_sources_in_the_same_operation(units: Ledger, tmp_path: Path) -> None:
    path = _write(tmp_path / "新.xlsx", LEAD_HEADERS,
                  [["2026-04-01", "商会推荐", "新公司", None, None, "低空经济", None, "区发展改革委", None, None, None]])
    report = import_activity_file(units, "leads", path, dry_run=False, add_missing=True)
    assert report.ok and report.written, report.problem_table()
    assert set(report.created) == {"单位“区发展改革委”", "产业链“低空经济”", "线索来源“商会推荐”"}
    with units.reading() as s:
        assert s.scalar(select(DictionaryEntry.id).where(DictionaryEntry.kind == "lead_source",
                                                         DictionaryEntry.name == "商会推荐")) is not None
    ops.undo(units)
    assert _count(units, Unit) == 3 and _count(units, Lead) == 0


TRIP_ROWS = [
    ["2026-05-10", "2026-05-13", "广东省深圳市", "王副区长", "区领导带队", "经开区、区商务委", "甲科技", "2026-05-11", "有合作意向", None],
    ["2026-05-10", None, "广东省深圳市", "王副区长", None, None, "乙电子", "2026-05-11", "有合作意向", "再约"],
    ["2026-05-10", None, "广东省深圳市", "王副区长", None, None, "丙材料", "2026-05-12", "一般", None],
    ["2026-06-02", "2026-06-03", "四川省成都市", "李局长", "部门带队", "城南街道", "丁食品", "2026-06-02", "无意向", None],
    ["2026-06-20", "2026-06-21", "湖北省武汉市", None, None, "城南街道", None, None, None, "未拜访成企业"],
]


def test_trip_rows_group_into_trips(units: Ledger, tmp_path: Path) -> None:
    path = _write(tmp_path / "外出.xlsx", TRIP_HEADERS, TRIP_ROWS)
    report = import_activity_file(units, "trips", path, dry_run=False)
    assert report.ok and report.would_create == 3, report.problem_table()
    assert _count(units, Trip) == 3 and _count(units, TripVisit) == 4
    with units.reading() as s:
        figures = compute_activity(s, parse_period("2026Q2")).district
    assert (figures.trips, figures.leader_led_trips, figures.companies_visited, figures.intentions,
            figures.trips_under_quota) == (3, 1, 4, 2, 3)
    again = import_activity_file(units, "trips", path, dry_run=False)  # the same file again updates, adds nothing
    assert again.ok and again.would_update == 3 and _count(units, TripVisit) == 4
    assert check_ledger(units.path).healthy  # type: ignore[arg-type]


def test_rows_of_one_trip_must_agree(units: Ledger, tmp_path: Path) -> None:
    rows = [TRIP_ROWS[0], ["2026-05-10", "2026-05-20", "广东省深圳市", "王副区长", None, "城南街道", "乙电子", "2026-05-25",
                           "很好", None]]
    report = import_activity_file(units, "trips", _write(tmp_path / "x.xlsx", TRIP_HEADERS, rows), dry_run=False)
    assert not report.ok and _count(units, Trip) == 0
    reasons = {(p.row, p.column): p.reason for p in report.problems}
    assert "同属一次外出招商" in reasons[(3, "返回日期")] and "同属一次外出招商" in reasons[(3, "参加单位")]
    assert "不是可选值" in reasons[(3, "洽谈结果")] and "晚于返回日期" in reasons[(3, "拜访日期")]


def _lead_with_phone(ledger: Ledger) -> None:
    lead_ops.create_lead(ledger, {"received_date": "2026-02-01", "source_id": "以商招商", "company": "有电话公司",
                                  "phone": "13812345678", "unit_id": "经开区"})


def test_exports_mask_phones_unless_asked_and_the_choice_is_audited(units: Ledger, tmp_path: Path) -> None:
    _lead_with_phone(units)
    masked = export_leads(units, tmp_path / "m.xlsx")
    full = export_leads(units, tmp_path / "f.xlsx", with_contacts=True)
    cells = [str(v) for row in load_workbook(masked.path).active.iter_rows(values_only=True) for v in row]
    assert "138****5678" in cells and "13812345678" not in cells
    cells = [str(v) for row in load_workbook(full.path).active.iter_rows(values_only=True) for v in row]
    assert "13812345678" in cells
    with units.reading() as s:
        logged = [json.loads(a) for a in s.scalars(select(AuditEntry.after).where(AuditEntry.entity == "export"))]
    assert [(x["what"], x["with_contacts"], x["file"]) for x in logged] == [("招商线索", False, "m.xlsx"),
                                                                           ("招商线索", True, "f.xlsx")]
    assert check_ledger(units.path).healthy  # type: ignore[arg-type]


def _libreoffice_copy(src: Path, tmp_path: Path) -> Path:
    out = tmp_path / "lo-out"
    done = subprocess.run([str(SOFFICE), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                           "xlsx", "--outdir", str(out), str(src)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return out / src.name


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_round_trip_through_libreoffice(units: Ledger, tmp_path: Path) -> None:
    """Filled templates saved by LibreOffice import; our exports saved by LibreOffice import back as no change."""
    template = make_activity_template("leads", units, tmp_path / "lt.xlsx")
    wb = load_workbook(template)
    for row in LEAD_ROWS:
        wb["线索"].append(row)
    wb.save(template)
    trips = _write(tmp_path / "tt.xlsx", TRIP_HEADERS, TRIP_ROWS)
    for kind, src in (("leads", template), ("trips", trips)):
        report = import_activity_file(units, kind, _libreoffice_copy(src, tmp_path), dry_run=False)
        assert report.ok and report.written, report.problem_table()
    audit_rows = _count(units, AuditEntry)
    exported = {"leads": export_leads(units, tmp_path / "el.xlsx", with_contacts=True).path,
                "trips": export_trips(units, tmp_path / "et.xlsx").path}
    audit_rows += 1  # the export with contacts is logged
    for kind, path in exported.items():
        report = import_activity_file(units, kind, _libreoffice_copy(path, tmp_path), dry_run=False)
        assert report.ok and report.would_create == 0, report.problem_table()
    assert _count(units, AuditEntry) == audit_rows  # nothing changed: no audit row written
    assert _count(units, Lead) == 3 and _count(units, TripVisit) == 4


def test_cli_import_export_template_by_subprocess(units: Ledger, tmp_path: Path) -> None:
    db = units.path
    assert db is not None
    _lead_with_phone(units)
    units.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zsdesk", *args, "--db", str(db)], capture_output=True,
                              text=True, timeout=120)

    bad = _write(tmp_path / "bad.xlsx", LEAD_HEADERS, [["2026-03-01", "以商招商", "", None, None, None, None, None,
                                                        None, None, None]])
    done = run("leads", "import", str(bad))
    assert done.returncode == 2 and "企业名称" in done.stdout and len(done.stderr.strip().splitlines()) == 1
    good = _write(tmp_path / "good.xlsx", TRIP_HEADERS, TRIP_ROWS)
    assert run("trips", "import", str(good), "--dry-run").returncode == 0
    assert run("trips", "import", str(good)).returncode == 0
    out = tmp_path / "out.xlsx"
    done = run("leads", "export", "-o", str(out), "--period", "2026Q1")
    assert done.returncode == 0, done.stderr
    assert "138****5678" in [str(c) for r in load_workbook(out).active.iter_rows(values_only=True) for c in r]
    done = run("leads", "export", "-o", str(out), "--with-contacts")
    assert done.returncode == 0 and "含联系方式" in done.stdout
    assert run("trips", "export", "-o", str(tmp_path / "t.xlsx"), "--period", "2026Q2").returncode == 0
    assert run("trips", "template", "-o", str(tmp_path / "tt.xlsx")).returncode == 0
    refused = run("leads", "export", "-o", str(db))
    assert refused.returncode == 2 and "台账" in refused.stderr
