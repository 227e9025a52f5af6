"""Imports that change the wrong thing (issue 13): merged headers, persons moved, 简称 captured,
Excel floats, .xls; and one-line text cleaned with a note in the report."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from zsdesk import ops
from zsdesk.errors import ValidationError
from zsdesk.models import Person, Project, Unit
from zsdesk.xlsx.importer import import_file


def test_a_two_row_header_with_a_merged_group_keeps_every_column(small_ledger, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "投资方", "金额（亿元）", None, "牵头单位"])
    ws.append([None, None, "协议资金", "计划总投资", None])
    ws.append(["合并表头项目", "合并公司", 1.5, 3, "区商务委"])
    for ref in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        ws.merge_cells(ref)
    wb.save(tmp_path / "两行表头.xlsx")
    report = import_file(small_ledger, "projects", tmp_path / "两行表头.xlsx", dry_run=False)
    assert report.written, report.problem_table()
    assert report.ignored_headers == []
    with small_ledger.reading() as s:
        p = s.scalar(select(Project).where(Project.name == "合并表头项目"))
        assert (p.agreement_amount, p.planned_investment) == (150_000_000, 300_000_000)
        assert p.lead_unit_id is not None


def test_a_header_merged_across_two_columns_reports_data_in_the_second(small_ledger, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "投资方", "协议资金（万元）", None])
    ws.merge_cells("C1:D1")
    ws.append(["甲项目", "甲公司", 100, None])  # under the first column: fine
    ws.append(["乙项目", "乙公司", None, 200])  # under the second: cannot be placed — say so
    wb.save(tmp_path / "横向合并.xlsx")
    report = import_file(small_ledger, "projects", tmp_path / "横向合并.xlsx")
    assert [(p.row, p.column) for p in report.problems] == [(3, "协议资金（万元）")]
    assert "C1:D1" in report.problems[0].reason and "D3" in report.problems[0].reason


def test_persons_import_never_moves_the_only_same_named_person(small_ledger, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["姓名", "所属单位"])
    wb.active.append(["张三", "区商务委"])  # the only 张三 is in 经开区
    wb.save(tmp_path / "persons.xlsx")
    report = import_file(small_ledger, "persons", tmp_path / "persons.xlsx", dry_run=False)
    assert report.written and (report.would_create, report.would_update) == (1, 0)
    assert any("张三" in n and "重庆黔江经济开发区" in n for n in report.notes)
    with small_ledger.reading() as s:
        units = sorted(s.scalar(select(Unit.name).where(Unit.id == p.unit_id))
                       for p in s.scalars(select(Person).where(Person.name == "张三")))
    assert units == ["区商务委", "重庆黔江经济开发区"]


def test_a_new_unit_named_like_another_units_short_name_is_refused(small_ledger, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["单位名称", "简称", "类别"])
    wb.active.append(["经开区", None, "园区"])  # “经开区” is 重庆黔江经济开发区's 简称
    wb.active.append(["新园区", "正阳园区", "园区"])  # a 简称 another unit has
    wb.save(tmp_path / "units.xlsx")
    report = import_file(small_ledger, "units", tmp_path / "units.xlsx", dry_run=False)
    assert not report.written
    got = {(p.row, p.column): p.reason for p in report.problems}
    assert "重庆黔江经济开发区" in got[(2, "单位名称")] and "简称" in got[(2, "单位名称")]
    assert "正阳工业园区" in got[(3, "简称")]
    try:  # the window's entry refuses it too
        ops.create_unit(small_ledger, {"name": "经开区", "kind": "园区"})
    except ValidationError as err:
        assert "简称" in str(err)
    else:
        raise AssertionError("a unit named like another unit's 简称 was created")


def _with_excel_floats(path: Path, floats: dict[str, str]) -> None:
    """openpyxl writes floats rounded to 15 digits; Excel writes 17 (1234.5 → 1234.5000000000002)."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for placeholder, excel in floats.items():
                    data = data.replace(f"<v>{placeholder}</v>".encode(), f"<v>{excel}</v>".encode())
            out.writestr(info, data)


def test_excel_float_noise_in_money_is_accepted(small_ledger, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["项目名称", "投资方", "协议资金（万元）", "计划总投资（亿元）"])
    wb.active.append(["浮点项目", "浮点公司", 1111.25, 2222.25])
    wb.active.append(["真正的分以下", "浮点公司", 1234.56789, None])
    wb.save(tmp_path / "float.xlsx")
    _with_excel_floats(tmp_path / "float.xlsx", {"1111.25": "1234.5000000000002", "2222.25": "0.30000000000000004"})
    report = import_file(small_ledger, "projects", tmp_path / "float.xlsx")
    assert [(p.row, p.column) for p in report.problems] == [(3, "协议资金（万元）")]
    assert "分以下" in report.problems[0].reason
    wb.active.delete_rows(3)
    wb.save(tmp_path / "float.xlsx")
    _with_excel_floats(tmp_path / "float.xlsx", {"1111.25": "1234.5000000000002", "2222.25": "0.30000000000000004"})
    assert import_file(small_ledger, "projects", tmp_path / "float.xlsx", dry_run=False).written
    with small_ledger.reading() as s:
        p = s.scalar(select(Project).where(Project.name == "浮点项目"))
        assert (p.agreement_amount, p.planned_investment) == (12_345_000, 30_000_000)


def test_one_line_fields_lose_control_and_bidi_characters_with_a_note(small_ledger, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["项目名称", "投资方", "挂帅领导", "备注"])
    wb.active.append(["A\u202eTXT.EXE", "某\u2066公司\n分部", "王\u200f区长", "备注\u202e保留"])
    wb.save(tmp_path / "bidi.xlsx")
    report = import_file(small_ledger, "projects", tmp_path / "bidi.xlsx", dry_run=False)
    assert report.written
    noted = [n for n in report.notes if n.startswith("第 2 行")]
    assert len(noted) == 3 and any("项目名称" in n for n in noted) and any("挂帅领导" in n for n in noted)
    with small_ledger.reading() as s:
        p = s.scalar(select(Project).where(Project.name == "ATXT.EXE"))
        assert (p.investor, p.leader, p.notes) == ("某公司 分部", "王区长", "备注\u202e保留")


def test_an_older_ledgers_short_name_clash_does_not_block_other_edits(ledger) -> None:
    from sqlalchemy import update

    a = ops.create_unit(ledger, {"name": "甲街道", "short_name": "甲", "kind": "乡镇街道"}).ids("unit")[0]
    b = ops.create_unit(ledger, {"name": "甲镇", "kind": "乡镇街道"}).ids("unit")[0]
    with ledger.session() as s:  # written before the rule existed
        s.execute(update(Unit).where(Unit.id == b).values(short_name="甲"))
        s.commit()
    ops.update_unit(ledger, b, {"kind": "部门"})  # an unrelated edit still saves
    try:
        ops.update_unit(ledger, a, {"short_name": "甲镇"})  # a new clash is refused
    except ValidationError as err:
        assert "甲镇" in str(err)
    else:
        raise AssertionError("a 简称 equal to another unit's name was accepted")
