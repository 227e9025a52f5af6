"""Update imports never erase: a blank cell keeps the stored value, （清空） clears it, updates
match only on an exact key, and the dry run lists every field that will change, before → after."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from zsdesk import ops
from zsdesk.models import Person, Project, Target, Unit
from zsdesk.xlsx.importer import import_file

FIRST = ("新型建材生产线项目", "重庆某某建材有限公司")  # small_ledger's 2025-0001


def book(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def project(ledger, name: str, investor: str) -> Project:  # type: ignore[no-untyped-def]
    with ledger.reading() as s:
        p = s.scalar(select(Project).where(Project.name == name, Project.investor == investor))
        if p is not None:
            s.expunge(p)
        return p


def links(ledger, project_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    from zsdesk.models import ProjectPerson

    with ledger.reading() as s:
        return sorted(s.scalars(select(Person.name).join(ProjectPerson, ProjectPerson.person_id == Person.id).where(
            ProjectPerson.project_id == project_id)))


def test_blank_cells_never_erase_an_updated_project(small_ledger, tmp_path):
    before = project(small_ledger, *FIRST)
    assert before.agreement_amount == 300_001_234 and before.formal_date == date(2026, 3, 1)
    assert links(small_ledger, before.id) == ["张三", "王五"]
    # A unit's sheet that fills only the planned investment: the other columns are blank.
    path = book(tmp_path / "部分列.xlsx", [
        ["项目名称", "投资方", "协议资金（万元）", "正式合同签订日期", "引荐人", "计划总投资（万元）", "来源地", "备注"],
        [*FIRST, None, None, None, 40000, None, None],
    ])
    dry = import_file(small_ledger, "projects", path, dry_run=True)
    assert dry.ok and (dry.would_create, dry.would_update) == (0, 1)
    assert [(c.row, c.record, c.column, c.before, c.after) for c in dry.changes] == [
        (2, "2025-0001 新型建材生产线项目", "计划总投资（万元）", "32000万元", "40000万元")]
    assert dry.change_lines() == ["将修改：第 2 行 2025-0001 新型建材生产线项目：计划总投资（万元） 32000万元 → 40000万元"]
    report = import_file(small_ledger, "projects", path, dry_run=False)
    assert report.written and len(report.changes) == 1
    after = project(small_ledger, *FIRST)
    assert after.agreement_amount == 300_001_234 and after.formal_date == date(2026, 3, 1)
    assert after.planned_investment == 400_000_000
    assert (after.origin_province, after.origin_city, after.notes) == ("重庆", "两江新区", "第一期")
    assert links(small_ledger, after.id) == ["张三", "王五"]


def test_clearing_takes_an_explicit_word_and_is_listed(small_ledger, tmp_path):
    path = book(tmp_path / "清空.xlsx", [
        ["项目名称", "投资方", "引荐人", "达产年产值（万元）", "备注", "落地园区"],
        [*FIRST, "（清空）", "(清空)", " （ 清空 ） ", None],
    ])
    dry = import_file(small_ledger, "projects", path)
    assert dry.ok
    got = {c.column: (c.before, c.after) for c in dry.changes}
    assert got == {"引荐人": ("张三、王五", "（空）"), "达产年产值（万元）": ("1200万元", "0万元"),
                   "备注": ("第一期", "（空）")}  # 落地园区 blank: unchanged
    import_file(small_ledger, "projects", path, dry_run=False)
    after = project(small_ledger, *FIRST)
    assert links(small_ledger, after.id) == [] and after.expected_output == 0 and after.notes == ""
    assert after.landing_park_id is not None


def test_required_columns_cannot_be_cleared(small_ledger, tmp_path):
    path = book(tmp_path / "清空必填.xlsx", [["项目名称", "投资方", "投资方来源"], [*FIRST, "（清空）"]])
    report = import_file(small_ledger, "projects", path)
    assert [(p.row, p.column) for p in report.problems] == [(2, "投资方来源")]
    assert "清空" in report.problems[0].reason


def test_a_near_identical_name_is_a_new_project_not_a_rename(small_ledger, tmp_path):
    ops.create_project(small_ledger, {"name": "正常项目-A", "investor": "甲公司"})
    original = project(small_ledger, "正常项目-A", "甲公司")
    path = book(tmp_path / "相近.xlsx", [["项目名称", "投资方", "协议资金（万元）"], ["正常 项目-A", "甲公司", 10]])
    dry = import_file(small_ledger, "projects", path)
    assert (dry.would_create, dry.would_update) == (1, 0) and dry.changes == []
    assert [(d.row, d.where, d.matches) for d in dry.duplicates] == [(2, "ledger", (f"{original.code} 正常项目-A",))]
    import_file(small_ledger, "projects", path, dry_run=False)
    again = project(small_ledger, "正常项目-A", "甲公司")
    assert again.id == original.id and again.agreement_amount == 0  # untouched
    assert project(small_ledger, "正常 项目-A", "甲公司").agreement_amount == 100_000


def test_white_space_only_is_normalised_for_the_key(small_ledger, tmp_path):
    path = book(tmp_path / "空白.xlsx", [["项目名称", "投资方", "挂帅领导"],
                                       ["  新型建材生产线项目 ", "重庆某某建材有限公司\u3000", "王副区长"]])
    report = import_file(small_ledger, "projects", path)
    assert (report.would_create, report.would_update) == (0, 1)
    assert [(c.before, c.after) for c in report.changes] == [("李副区长", "王副区长")]


def test_with_a_code_column_the_code_is_the_only_key(small_ledger, tmp_path):
    path = book(tmp_path / "编号.xlsx", [
        ["项目编号", "项目名称", "投资方"],
        ["2025-0001", "新型建材生产线项目（更名）", None],  # renames by code; blank investor unchanged
        ["2099-0001", "+冷链物流园", "-某物流公司"],  # a wrong code for a stored project: an error
        [None, "线索项目", ""],  # no code, but the exact key exists: say to fill the code
        ["2098-0007", "别处台账的项目", "某公司"],  # an unknown code, no such project: new, with a note
        [None, "全新项目", "某公司"],  # no code: a new project
        ["2026-0002", "+冷链物流园", "-某物流公司"],  # renaming 线索项目 onto another project's key
    ])
    report = import_file(small_ledger, "projects", path)
    assert [(p.row, p.column) for p in report.problems] == [(3, "项目编号"), (4, "项目编号"), (7, "项目名称")]
    assert "2025-0002" in report.problems[2].reason
    assert "2099-0001" in report.problems[0].reason and "2025-0002" in report.problems[0].reason
    assert "2026-0002" in report.problems[1].reason
    assert any("2098-0007" in n and "新项目" in n for n in report.notes)
    assert [(c.row, c.column, c.before, c.after) for c in report.changes] == [
        (2, "项目名称", "新型建材生产线项目", "新型建材生产线项目（更名）")]
    assert (report.would_create, report.would_update) == (2, 1)


def test_cli_dry_run_prints_every_change(small_ledger, tmp_path):
    path = book(tmp_path / "cli.xlsx", [["项目名称", "投资方", "协议资金（万元）", "引荐人"], [*FIRST, 31000, None]])
    env_db = str(small_ledger.path)
    run = subprocess.run([sys.executable, "-m", "zsdesk", "import", "projects", str(path), "--db", env_db,
                          "--dry-run"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "将修改：第 2 行 2025-0001 新型建材生产线项目：协议资金（万元） 30000.1234万元 → 31000万元" in run.stdout
    assert "引荐人" not in run.stdout
    assert project(small_ledger, *FIRST).agreement_amount == 300_001_234


def test_targets_update_keeps_blank_cells(small_ledger, tmp_path):
    path = book(tmp_path / "目标.xlsx", [["年度", "单位", "重大项目（个）", "协议资金（万元）", "到位资金（万元）"],
                                       [2026, "全区", 4, None, None]])
    report = import_file(small_ledger, "targets", path, dry_run=False)
    assert report.written and [(c.column, c.before, c.after) for c in report.changes] == [("重大项目（个）", "3", "4")]
    with small_ledger.reading() as s:
        t = s.scalar(select(Target).where(Target.unit_id.is_(None), Target.year == 2026))
        assert (t.major_count, t.agreement_amount, t.arrived_amount) == (4, 5_000_000_000, 1_000_000_000)


def test_a_blank_short_name_keeps_the_stored_one(small_ledger, tmp_path):
    path = book(tmp_path / "单位.xlsx", [["单位名称", "简称", "类别"], ["重庆黔江经济开发区", None, "园区"]])
    report = import_file(small_ledger, "units", path, dry_run=False)
    assert report.written and report.changes == []
    with small_ledger.reading() as s:
        assert s.scalar(select(Unit.short_name).where(Unit.name == "重庆黔江经济开发区")) == "经开区"
