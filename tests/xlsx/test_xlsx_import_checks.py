"""Import checking: every problem at once with row, column and a Chinese reason; tolerant reading;
duplicates; one transaction with audit rows; units and persons updated in place."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from zsdesk import ops
from zsdesk.models import AuditEntry, Person, Project, Unit
from zsdesk.xlsx.importer import import_file

HEADERS = ["项目名称", "投资方", "投资方来源", "是否工业项目", "协议资金（万元）", "首次接洽日期", "框架协议签订日期",
           "牵头单位", "引荐人", "产业链"]


def sheet(path: Path, rows: list[list[object]], title: str | None = "2026年各单位招商项目表", merge: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    if title:
        ws.append([title])
        if merge:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        ws.append([])
    for row in rows:
        ws.append(row)
    for _ in range(5):
        ws.append([None] * len(rows[0]))  # trailing blank rows a clerk leaves behind
    wb.save(path)
    return path


def count(ledger, model) -> int:  # type: ignore[no-untyped-def]
    with ledger.reading() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_every_problem_is_reported_at_once_with_row_column_and_reason(small_ledger, tmp_path):
    path = sheet(tmp_path / "错误.xlsx", [
        HEADERS,
        ["好项目", "甲公司", "市外", "是", "1,000", "2026-01-05", "2026/2/1", "经开区", "张三", "新材料"],
        [None, "乙公司", "外星", "也许", "十万", "2026-13-01", None, "不存在的单位", "赵六", "不存在的链"],
        ["日期倒置", "丙公司", "市外", "否", "-5", "2026-05-01", "2026-04-01", "区商务委", "王五", None],
    ])
    before = count(small_ledger, Project)
    report = import_file(small_ledger, "projects", path, dry_run=False)
    assert not report.ok and not report.written
    assert count(small_ledger, Project) == before
    got = {(p.row, p.column): p.reason for p in report.problems}
    assert all(p.sheet == "项目" for p in report.problems)
    assert got[(5, "项目名称")] == "必填"
    assert "不是可选值" in got[(5, "投资方来源")]
    assert "是" in got[(5, "是否工业项目")] and "否" in got[(5, "是否工业项目")]
    assert "不是有效的金额" in got[(5, "协议资金（万元）")]
    assert "日期" in got[(5, "首次接洽日期")]
    assert got[(5, "牵头单位")] == "没有这个单位：不存在的单位"
    assert got[(5, "引荐人")] == "没有这个人员：赵六"
    assert "不存在的链" in got[(5, "产业链")]
    assert "负数" in got[(6, "协议资金（万元）")]
    assert "早于" in got[(6, "框架协议签订日期")]
    assert "同名人员" in got[(6, "引荐人")] and "姓名（单位）" in got[(6, "引荐人")]
    assert not any(p.row == 4 for p in report.problems)  # the good row
    assert report.missing_units == ["不存在的单位"] and report.missing_persons == ["赵六"]
    table = report.problem_table()
    assert "工作表" in table and "不存在的单位" in table


def test_tolerant_reading_of_a_units_file(small_ledger, tmp_path):
    headers = ["序号", " 项目名称* ", "投资方", "协议资金(亿元)", "计划总投资【万元】", "首次接洽日期", "框架协议签订日期",
               "牵头单位", "配合单位", "引荐人", "来源地"]
    path = sheet(tmp_path / "单位报送.xlsx", [
        headers,
        [1, "甲项目", "甲公司", 1.5, "3,000万元", "2026年1月5日", 46054, "经开区", "区商务委，城南街道", "王五（城南街道）",
         "广东省深圳市"],
        [2, "乙项目", "乙公司", "0.2亿", 800, "2026/2/1", "2026-03-01", "正阳工业园区", None, None, "北京市"],
    ])
    report = import_file(small_ledger, "projects", path, dry_run=False)
    assert report.ok, report.problem_table()
    assert report.header_row == 3 and report.rows_read == 2 and report.ignored_headers == ["序号"]
    with small_ledger.reading() as s:
        first = s.scalar(select(Project).where(Project.name == "甲项目"))
        second = s.scalar(select(Project).where(Project.name == "乙项目"))
        assert first.agreement_amount == 150_000_000 and first.planned_investment == 30_000_000
        assert str(first.first_contact_date) == "2026-01-05" and str(first.framework_date) == "2026-02-01"
        assert (first.origin_province, first.origin_city) == ("广东省", "深圳市")
        assert second.agreement_amount == 20_000_000 and second.planned_investment == 8_000_000
        assert (second.origin_province, second.origin_city) == ("北京市", "")
        wang = s.scalar(select(Person.id).join(Unit, Person.unit_id == Unit.id).where(Person.name == "王五",
                                                                                      Unit.name == "城南街道"))
        from zsdesk.models import ProjectCooperatingUnit, ProjectPerson
        assert s.scalars(select(ProjectPerson.person_id).where(ProjectPerson.project_id == first.id)).all() == [wang]
        assert len(s.scalars(select(ProjectCooperatingUnit.unit_id).where(
            ProjectCooperatingUnit.project_id == first.id)).all()) == 2


def test_duplicates_inside_the_file_and_against_the_ledger(small_ledger, tmp_path):
    path = sheet(tmp_path / "重复.xlsx", [
        ["项目名称", "投资方"],
        ["新型建材生产线项目二期", "重庆某某建材有限公司"],  # similar to a ledger project
        ["光伏组件项目", "丁公司"],
        ["光伏组件项目", "丁公司"],  # the same as the row above: an error
        ["光伏组件项目（扩建）", "丁公司"],  # similar to a row above: a hint
        ["新型建材生产线项目", "重庆某某建材有限公司"],  # the same as a ledger project: an update
    ], title=None)
    report = import_file(small_ledger, "projects", path)
    assert [(p.row, p.reason) for p in report.problems] == [(4, "与第 3 行是同一投资方的同名项目")]
    hints = {(d.row, d.where): d.matches for d in report.duplicates}
    assert hints[(2, "ledger")] == ("2025-0001 新型建材生产线项目",)
    assert hints[(5, "file")] == ("第 3 行",)  # row 4 is already an error of its own
    assert report.would_update == 1 and report.would_create == 4


def test_a_real_run_is_one_transaction_with_audit_rows_and_undo(small_ledger, tmp_path):
    rows = [["项目名称", "投资方", "牵头单位", "框架协议签订日期"]]
    rows += [[f"项目{i}", f"公司{i}", "经开区", "2026-03-01"] for i in range(20)]
    good = sheet(tmp_path / "好.xlsx", rows)
    bad = sheet(tmp_path / "坏.xlsx", rows[:-1] + [["项目19", "公司19", None, "2026-03-01"]])  # 签约无牵头单位
    before = count(small_ledger, Project)
    report = import_file(small_ledger, "projects", bad, dry_run=False)
    assert [(p.row, p.column) for p in report.problems] == [(23, "牵头单位")]
    assert count(small_ledger, Project) == before
    dry = import_file(small_ledger, "projects", good, dry_run=True)
    assert dry.ok and dry.would_create == 20 and not dry.written and count(small_ledger, Project) == before
    report = import_file(small_ledger, "projects", good, dry_run=False)
    assert report.written and count(small_ledger, Project) == before + 20
    with small_ledger.reading() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.op_id == report.change.op_id)).all()
    assert len(audit) == 20 and {a.action for a in audit} == {"insert"} and audit[0].operator == "测试员"
    assert "导入项目" in audit[0].op_label
    ops.undo(small_ledger)
    with small_ledger.reading() as s:
        assert s.scalar(select(func.count()).select_from(Project).where(Project.deleted_at.is_(None))) == before


def test_cancel_during_the_write_leaves_nothing(small_ledger, tmp_path):
    rows = [["项目名称", "投资方"]] + [[f"项目{i}", "某公司"] for i in range(450)]
    path = sheet(tmp_path / "多.xlsx", rows)
    seen: list[int] = []

    def cancel() -> bool:
        return bool(seen) and seen[-1] >= 70  # reading and checking pass; the write is cancelled part-way

    before = count(small_ledger, Project)
    try:
        import_file(small_ledger, "projects", path, dry_run=False, cancel=cancel,
                    progress=lambda done, total: seen.append(done))
    except Exception as err:  # noqa: BLE001 - asserting the type below
        assert "取消" in str(err)
    else:
        raise AssertionError("the import should have been cancelled")
    assert 70 <= seen[-1] < 100
    assert count(small_ledger, Project) == before


def test_units_and_persons_import_create_and_update(small_ledger, tmp_path):
    wb = Workbook()
    wb.active.append(["单位名称", "简称", "类别"])
    wb.active.append(["区商务委", "商务委", "部门"])  # exists: update the short name
    wb.active.append(["舟白街道", "", "乡镇街道"])  # new
    wb.save(tmp_path / "units.xlsx")
    report = import_file(small_ledger, "units", tmp_path / "units.xlsx", dry_run=False)
    assert report.ok and (report.would_create, report.would_update) == (1, 1)
    wb = Workbook()
    wb.active.append(["姓名", "所属单位"])
    wb.active.append(["李四", "舟白街道"])  # the only 李四 is in 区商务委: this is another 李四 (issue 13)
    wb.active.append(["孙七", "商务委"])  # new, unit by short name
    wb.active.append(["周八", "没有的单位"])
    wb.active.append(["张三", "经开区"])  # exists, same name and unit: matched
    wb.save(tmp_path / "persons.xlsx")
    report = import_file(small_ledger, "persons", tmp_path / "persons.xlsx", dry_run=False)
    assert [(p.row, p.column) for p in report.problems] == [(4, "所属单位")] and report.missing_units == ["没有的单位"]
    wb.active.delete_rows(4)
    wb.save(tmp_path / "persons.xlsx")
    report = import_file(small_ledger, "persons", tmp_path / "persons.xlsx", dry_run=False)
    assert report.ok and (report.would_create, report.would_update) == (2, 1)
    assert any("李四" in n and "区商务委" in n and "舟白街道" in n for n in report.notes)
    with small_ledger.reading() as s:
        assert s.scalar(select(Unit.short_name).where(Unit.name == "区商务委")) == "商务委"
        li = s.scalars(select(Person).where(Person.name == "李四").order_by(Person.id)).all()
        assert [p.unit.name for p in li] == ["区商务委", "舟白街道"]  # the first 李四 was not moved


def test_funding_for_an_unknown_project_is_an_error_with_a_suggestion(small_ledger, tmp_path):
    wb = Workbook()
    wb.active.append(["项目名称", "投资方", "到位日期", "到位金额（万元）"])
    wb.active.append(["新型建材生产线", "重庆某某建材有限公司", "2026-06-01", 100])
    wb.active.append(["新型建材生产线项目", "重庆某某建材有限公司", "2026-03-20", 5000])  # same as a stored entry
    wb.save(tmp_path / "f.xlsx")
    report = import_file(small_ledger, "funding", tmp_path / "f.xlsx")
    assert len(report.problems) == 1 and report.problems[0].row == 2
    assert "相近的项目：2025-0001 新型建材生产线项目" in report.problems[0].reason
    assert [(d.row, d.where) for d in report.duplicates] == [(3, "ledger")]


def test_a_unit_merged_down_several_rows_applies_to_each(small_ledger, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "投资方", "牵头单位", "框架协议签订日期"])
    ws.append(["甲", "甲公司", "区商务委", "2026-03-01"])
    ws.append(["乙", "乙公司", None, "2026-03-02"])
    ws.merge_cells("C2:C3")
    wb.save(tmp_path / "merged.xlsx")
    report = import_file(small_ledger, "projects", tmp_path / "merged.xlsx", dry_run=False)
    assert report.ok, report.problem_table()
    with small_ledger.reading() as s:
        leads = set(s.scalars(select(Project.lead_unit_id).where(Project.name.in_(["甲", "乙"]))))
        assert leads == {s.scalar(select(Unit.id).where(Unit.name == "区商务委"))}
