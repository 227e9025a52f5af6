"""Templates exactly as SPEC §5 lists them, filled in and imported; the CLI's import/export/template."""

from __future__ import annotations

from openpyxl import load_workbook

from zsdesk.cli import main
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.template import make_template

SPEC_HEADERS = {
    "projects": "项目名称 | 投资方 | 投资方标签 | 投资方来源 | 来源地 | 产业链 | 是否工业项目 | 计划总投资（万元） | "
                "协议资金（万元） | 达产年产值（万元） | 首次接洽日期 | 框架协议签订日期 | 正式合同签订日期 | 开工日期 | "
                "投产日期 | 达产日期 | 退库日期 | 牵头单位 | 配合单位 | 落地园区 | 挂帅领导 | 引荐人 | 备注",
    "funding": "项目名称 | 投资方 | 到位日期 | 到位金额（万元） | 备注",
    "targets": "年度 | 单位 | 重大项目（个） | 较大项目（个） | 重点项目（个） | 协议资金（万元） | 正式合同额（万元） | "
               "到位资金（万元）",
    "units": "单位名称 | 简称 | 类别",
    "persons": "姓名 | 所属单位",
}


def test_templates_have_the_spec_headers_a_help_sheet_and_drop_downs(small_ledger, tmp_path):
    for kind, spec in SPEC_HEADERS.items():
        path = make_template(kind, small_ledger, tmp_path / f"{kind}.xlsx")
        wb = load_workbook(path)
        ws = wb.worksheets[0]
        headers = [c.value for c in ws[1] if c.value]
        # Projects and funding also carry an optional 项目编号 first (used when re-importing an export).
        # … and the optional 约定开工日期 | 约定投产日期 after 达产日期 (SPEC §5, §9; issue 18).
        assert [h for h in headers if h not in ("项目编号", "约定开工日期", "约定投产日期")] == spec.split(" | "), kind
        help_sheet = wb["填写说明"]
        described = [r[0] for r in help_sheet.iter_rows(min_row=3, values_only=True) if r[0]]
        assert set(headers) <= set(described), kind
    wb = load_workbook(tmp_path / "projects.xlsx")
    ws = wb.worksheets[0]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    col = {c.value: c.column_letter for c in ws[1]}
    assert lists[f"{col['投资方来源']}2"] == '"市外,区外市内,区内"'
    assert lists[f"{col['是否工业项目']}2"] == '"是,否"'
    assert "新材料" in lists[f"{col['产业链']}2"] or "选项" in lists[f"{col['产业链']}2"]
    assert "重庆黔江经济开发区" in lists[f"{col['牵头单位']}2"] or "选项" in lists[f"{col['牵头单位']}2"]
    assert sorted(lists[f"{col['落地园区']}2"].strip('"').split(",")) == ["正阳工业园区", "重庆黔江经济开发区"]


def test_a_filled_template_imports(small_ledger, tmp_path):
    path = make_template("projects", small_ledger, tmp_path / "p.xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    values = {"项目名称": "模板项目", "投资方": "模板公司", "投资方来源": "市外", "是否工业项目": "是",
              "协议资金（万元）": 5000, "首次接洽日期": "2026-01-02", "框架协议签订日期": "2026年2月3日",
              "牵头单位": "区商务委", "产业链": "新材料", "投资方标签": "专精特新"}
    for header, value in values.items():
        ws.cell(row=2, column=col[header], value=value)
    wb.save(path)
    report = import_file(small_ledger, "projects", path, dry_run=False)
    assert report.ok and report.written and report.would_create == 1, report.problem_table()


def test_template_without_a_ledger_has_the_fixed_lists_only(tmp_path):
    path = make_template("units", None, tmp_path / "u.xlsx")
    ws = load_workbook(path).worksheets[0]
    assert [dv.formula1 for dv in ws.data_validations.dataValidation] == ['"园区,部门,乡镇街道,其他"']


def test_cli_import_errors_print_a_table_and_exit_2(small_ledger, tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["项目名称", "投资方", "牵头单位"])
    wb.active.append(["甲", "甲公司", "没有的单位"])
    wb.save(tmp_path / "bad.xlsx")
    db = str(small_ledger.path)
    assert main(["import", "projects", str(tmp_path / "bad.xlsx"), "--db", db]) == 2
    captured = capsys.readouterr()
    assert "没有这个单位：没有的单位" in captured.out and "工作表" in captured.out
    assert "未写入" in captured.err
    assert main(["import", "projects", str(tmp_path / "nothing.xlsx"), "--db", db]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_cli_export_and_template(small_ledger, tmp_path, capsys):
    db = str(small_ledger.path)
    for kind in ("ledger", "targets", "board", "funding"):
        assert main(["export", kind, "-o", str(tmp_path / f"{kind}.xlsx"), "--db", db, "--period", "2026Q3"]) == 0
        assert load_workbook(tmp_path / f"{kind}.xlsx").worksheets[0]["A1"].value
    assert main(["export", "board", "-o", str(tmp_path / "x.xlsx"), "--db", db, "--period", "2026Q9"]) == 2
    assert main(["template", "funding", "-o", str(tmp_path / "t.xlsx"), "--db", db]) == 0
    assert main(["import", "projects", str(tmp_path / "ledger.xlsx"), "--db", db, "--dry-run"]) == 0
    assert "更新 4 条" in capsys.readouterr().out
