"""Saved mappings (issue 22): stored in the ledger through the audited settings op, chosen again for a sheet
with the same headers, exchanged as JSON, and the CLI's ``--mapping`` path run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from zsdesk.errors import LedgerError
from zsdesk.ledger import Ledger
from zsdesk.models import AuditEntry, Project
from zsdesk.xlsx.mapping import SheetMapping
from zsdesk.xlsx.mapping_apply import import_mapped
from zsdesk.xlsx.mapping_sheet import read_samples, suggest_for, vocabulary
from zsdesk.xlsx.mapping_store import (
    SETTING_KEY,
    delete_mapping,
    find_saved,
    fitted,
    read_mapping_file,
    save_mapping,
    saved_mappings,
    write_mapping_file,
)

from . import mapping_books as books


@pytest.fixture
def units_ledger(ledger: Ledger) -> Ledger:
    books.fill_units(ledger)
    return ledger


def _count(ledger: Ledger) -> int:
    with ledger.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Project)) or 0)


def test_saved_mapping_is_audited_and_chosen_again_for_the_same_headers(units_ledger: Ledger,
                                                                         tmp_path: Path) -> None:
    path = books.layout_b(tmp_path / "b.xlsx")
    (sample,) = read_samples(path, full=True)
    with units_ledger.reading() as session:
        mapping = suggest_for(sample, vocabulary(session))
    mapping.columns[6].field = ""  # the clerk ignores 产业
    mapping.columns[2].unit = "万元"  # and says 协议资金 is in 万元 after all
    mapping.name = "园区推进表"
    save_mapping(units_ledger, mapping)
    with units_ledger.reading() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "setting")).all()
    assert any(json.loads(a.after or "{}").get("key") == SETTING_KEY for a in audit)
    # next month's sheet: same columns in another order, new rows
    rows = [["所属园区", "进展情况", "项目名称", "企业名称", "开工时间", "协议资金", "产业"],
            ["经开区", "已投产", "智能终端", "某电子公司", None, 3000, "数字经济"]]
    later = books.write_book(tmp_path / "b2.xlsx", [("9月", rows, [])])
    (again,) = read_samples(later, full=True)
    found = find_saved(saved_mappings(units_ledger), again.headers)
    assert found is not None and found.name == "园区推进表"
    used = fitted(found, again.headers)
    assert [c.field for c in used.columns] == ["landing_park_id", "stage", "name", "investor", "started_date",
                                               "agreement_amount", ""]
    report = import_mapped(units_ledger, later, [(again, used)], dry_run=False)
    assert report.ok, report.all_problems()
    with units_ledger.reading() as session:
        project = session.scalar(select(Project).where(Project.name == "智能终端"))
        assert project is not None
        assert project.agreement_amount == 30_000_000 and project.chain_id is None  # 万元, 产业 ignored
        assert project.notes == "进展情况：已投产" and project.production_date is None
    # a sheet with other headers finds nothing
    assert find_saved(saved_mappings(units_ledger), ["项目名称", "金额"]) is None
    delete_mapping(units_ledger, "园区推进表")
    assert saved_mappings(units_ledger) == []


def test_saving_under_the_same_name_replaces(units_ledger: Ledger) -> None:
    one = SheetMapping.from_json({"name": "甲", "columns": [{"header": "项目", "field": "name"}]})
    save_mapping(units_ledger, one)
    two = SheetMapping.from_json({"name": "甲", "columns": [{"header": "名称", "field": "name"}]})
    save_mapping(units_ledger, two)
    (kept,) = saved_mappings(units_ledger)
    assert kept.headers == ["名称"]
    with pytest.raises(LedgerError, match="起一个名字"):
        save_mapping(units_ledger, SheetMapping.from_json({"columns": []}))


def test_json_file_round_trip_and_bad_files(tmp_path: Path) -> None:
    mapping = SheetMapping.from_json({"name": "年度台账", "columns": [
        {"header": "项目", "field": "name"}, {"header": "金额（亿元）", "field": "agreement_amount", "unit": "亿元"},
        {"header": "进展", "field": "stage"}, {"header": "日期", "field": ""}],
        "values": {"stage": {"已开工": "开工"}}, "stage_rule": "date", "stage_date_column": "日期"})
    out = write_mapping_file([mapping], tmp_path / "m.json")
    (back,) = read_mapping_file(out)
    assert back.to_json() == mapping.to_json()
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "zsdesk-import-mapping"
    bad = tmp_path / "bad.json"
    bad.write_text('{"columns": [{"header": "项目", "field": "火星"}]}', encoding="utf-8")
    with pytest.raises(LedgerError, match="字段“火星”不认识"):
        read_mapping_file(bad)
    bad.write_text("不是 JSON", encoding="utf-8")
    with pytest.raises(LedgerError, match="不是有效的导入对照文件"):
        read_mapping_file(bad)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], capture_output=True, text=True, check=False,
                          timeout=120)


def test_cli_mapping_path(units_ledger: Ledger, tmp_path: Path) -> None:
    units_ledger.close()
    db = str(units_ledger.path)
    book = books.layout_c(tmp_path / "c.xlsx")
    out = tmp_path / "对照.json"
    done = cli("import", "projects", str(book), "--db", db, "--mapping", "auto", "--dry-run",
               "--export-mapping", str(out))
    assert done.returncode == 0, done.stderr
    assert "将新增 4 条" in done.stdout and out.exists()
    (written,) = read_mapping_file(out)  # two sheets with the same headers: one mapping, both sheets' words
    assert written.values["origin"] == {"省外": "市外", "区外": "区外市内", "本区": "区内"}
    # a script edits the file: 来源 is ignored from now on
    data = json.loads(out.read_text(encoding="utf-8"))
    for col in data["mappings"][0]["columns"]:
        if col["header"] == "来源":
            col["field"] = ""
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = cli("import", "projects", str(book), "--db", db, "--mapping", str(out), "--save-mapping", "年度台账")
    assert done.returncode == 0, done.stderr
    assert "已新增 4 条" in done.stdout and "已保存导入对照“年度台账”" in done.stdout
    done = cli("import", "projects", str(book), "--db", db, "--mapping", "auto", "--dry-run")
    assert done.returncode == 0 and "使用已保存的对照“年度台账”" in done.stdout and "更新 2 条" in done.stdout
    listed = cli("mapping", "list", "--db", db)
    assert "年度台账：项目→项目名称" in listed.stdout and "来源" not in listed.stdout
    assert cli("check", "--db", db).returncode == 0
    # bad input: exit 2, one Chinese line on stderr, nothing written
    wrong = books.write_book(tmp_path / "错.xlsx", [("2026年", [books.LAYOUT_C_HEADER,
                                                              ["新项目", "某公司", "很多", "2026-01-01", "经开区", "省外"]],
                                                    [])])
    done = cli("import", "projects", str(wrong), "--db", db, "--mapping", "auto")
    assert done.returncode == 2
    assert "2026年  2   金额(万元)" in done.stdout and "不是有效的金额" in done.stdout
    assert done.stderr.strip().splitlines()[-1].startswith("zsdesk: 错.xlsx：1 个工作表共 1 行，发现 1 个问题")
    done = cli("import", "funding", str(wrong), "--db", db, "--mapping", "auto")
    assert done.returncode == 2 and "只用于导入项目" in done.stderr
    done = cli("import", "projects", str(book), "--db", db, "--mapping", str(tmp_path / "无.json"))
    assert done.returncode == 2 and "找不到导入对照文件" in done.stderr
    exported = tmp_path / "导出.json"
    assert cli("mapping", "export", "年度台账", "-o", str(exported), "--db", db).returncode == 0
    assert read_mapping_file(exported)[0].name == "年度台账"
    assert cli("mapping", "delete", "年度台账", "--db", db).returncode == 0
    assert cli("mapping", "import", str(exported), "--db", db).returncode == 0
    assert "年度台账" in cli("mapping", "list", "--db", db).stdout


def test_sheets_with_the_same_columns_share_one_mapping_then_the_saved_one(units_ledger: Ledger,
                                                                          tmp_path: Path) -> None:
    from zsdesk.xlsx.mapping_store import plan_workbook

    path = books.layout_c(tmp_path / "c.xlsx")
    plans, _vocab = plan_workbook(units_ledger, path)
    assert [p.sample.sheet for p in plans] == ["2024年", "2025年"]
    assert plans[0].mapping is plans[1].mapping and plans[0].saved_name == ""
    assert plans[0].mapping.values["origin"] == {"省外": "市外", "区外": "区外市内", "本区": "区内"}
    plans[0].mapping.columns[5].field = ""  # a choice made on one sheet holds for the other
    plans[0].mapping.name = "年度台账"
    save_mapping(units_ledger, plans[0].mapping)
    again, _ = plan_workbook(units_ledger, path)
    assert [p.saved_name for p in again] == ["年度台账", "年度台账"]
    assert again[1].mapping.columns[5].field == ""
    report = import_mapped(units_ledger, path, [(p.sample, p.mapping) for p in again], dry_run=False)
    assert report.written and _count(units_ledger) == 4


PG_SERVER = os.environ.get("ZSDESK_TEST_PG_URL")


@pytest.mark.skipif(not PG_SERVER, reason="no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")
def test_on_a_shared_postgresql_ledger(tmp_path: Path) -> None:
    """A mapping saved by one clerk is found by the next; the two-sheet import is one transaction there too."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    from zsdesk.check import check_ledger
    from zsdesk.opening import open_unlocked
    from zsdesk.xlsx.mapping_store import plan_workbook

    assert PG_SERVER is not None
    name = f"zsdesk_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        path = books.layout_c(tmp_path / "c.xlsx")
        with open_unlocked(url, operator="甲", create=True) as ledger:
            books.fill_units(ledger)
            plans, _ = plan_workbook(ledger, path)
            plans[0].mapping.name = "年度台账"
            save_mapping(ledger, plans[0].mapping)
        with open_unlocked(url, operator="乙") as ledger:
            plans, _ = plan_workbook(ledger, path)
            assert [p.saved_name for p in plans] == ["年度台账", "年度台账"]
            bad = [(p.sample, p.mapping) for p in plans]
            assert bad[1][0].rows is not None
            bad[1][0].rows[0][1][2] = "很多"
            assert not import_mapped(ledger, path, bad, dry_run=False).written and _count(ledger) == 0
            plans, _ = plan_workbook(ledger, path)
            report = import_mapped(ledger, path, [(p.sample, p.mapping) for p in plans], dry_run=False)
            assert report.written and _count(ledger) == 4
        assert check_ledger(url).healthy
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
