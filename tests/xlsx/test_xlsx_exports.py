"""Exports read back with openpyxl: layout, print setup, real numbers and dates, text stays text,
figures equal the board engine's; and the LibreOffice check."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from zsdesk.board import compute_board
from zsdesk.models import Project
from zsdesk.money import to_yi
from zsdesk.xlsx.board_export import export_board, export_targets
from zsdesk.xlsx.funding_export import export_funding
from zsdesk.xlsx.ledger_export import export_ledger
from zsdesk.xlsx.workbook import ExportCancelled


def test_ledger_export_layout_and_print_setup(small_ledger, tmp_path):
    out = tmp_path / "台账.xlsx"
    result = export_ledger(small_ledger, out, title="测试台账")
    assert result.rows == 4
    wb = load_workbook(out)
    ws = wb.active
    assert ws["A1"].value == "测试台账" and "A1:Z1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "单位：万元"
    assert ws["A3"].value == "项目编号" and ws["K3"].value == "协议资金（万元）"
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["B"].width >= 20
    assert wb.properties.creator == "招商桌面" and wb.properties.title == "测试台账"
    first = [c for c in ws[4]]
    assert first[10].value == pytest.approx(30000.1234) and first[10].number_format == "#,##0.00##"  # grouped (issue 14)
    assert isinstance(first[15].value, datetime) and first[15].number_format == "yyyy-mm-dd"
    total = [c.value for c in ws[8]]
    assert total[0] == "合计" and total[10] == pytest.approx(30000.1234 + 800 + 12000)


def test_text_that_looks_like_a_formula_stays_text(small_ledger, tmp_path):
    out = tmp_path / "台账.xlsx"
    export_ledger(small_ledger, out)
    ws = load_workbook(out).active
    cells = {c.value: c for row in ws.iter_rows(min_row=4) for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://x","点我")', "@SUM(A1)", "+冷链物流园", "-某物流公司", "-2+3 不是公式\n第二行"):
        cell = cells[text]
        assert cell.data_type == "s", text
        assert cell.quotePrefix, text
    # Nothing anywhere was stored as a formula.
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_filtered_export_keeps_the_given_order(small_ledger, tmp_path):
    with small_ledger.reading() as s:
        ids = list(s.scalars(select(Project.id).order_by(Project.id.desc())))
    export_ledger(small_ledger, tmp_path / "a.xlsx", selection=ids[:2])
    ws = load_workbook(tmp_path / "a.xlsx").active
    names = [ws.cell(row=r, column=2).value for r in (4, 5)]
    assert names == ["线索项目", "+冷链物流园"] and ws.cell(row=6, column=1).value == "合计"
    export_ledger(small_ledger, tmp_path / "b.xlsx", selection=Project.stage == "withdrawn")
    ws = load_workbook(tmp_path / "b.xlsx").active
    assert ws.cell(row=4, column=2).value == "+冷链物流园" and ws.cell(row=5, column=1).value == "合计"


def test_cancelled_export_writes_no_file(small_ledger, tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(ExportCancelled):
        export_ledger(small_ledger, out, cancel=lambda: True)
    assert not out.exists() and not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".zsdesk-*"))


def test_target_table_figures_come_from_the_board(small_ledger, tmp_path):
    out = tmp_path / "目标.xlsx"
    export_targets(small_ledger, out, "2026Q3")
    board = compute_board(small_ledger, "2026Q3")
    ws = load_workbook(out).active
    assert ws["A1"].value == "2026年1—9月各单位招商引资目标任务完成情况表"
    assert ws["A2"].value == "单位：亿元、个"
    assert ws["C3"].value == "重大项目（个）" and ws["L4"].value == "目标" and ws["M4"].value == "完成"
    assert ws.print_title_rows == "$3:$4" and ws.freeze_panes == "C5"
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}
    for unit in board.units:
        row = rows[unit.unit]
        assert row[0] == unit.rank
        assert row[12] == float(to_yi(unit.figures.agreement_amount))
    district = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "全区")
    assert district[11] == 50.0  # the district's 协议资金 target, 亿元
    assert district[13] == pytest.approx(float(board.district.rates["agreement"]) / 100)
    rate_cell = ws.cell(row=5, column=14)
    assert rate_cell.number_format == "0.00%"


def test_board_and_funding_exports(small_ledger, tmp_path):
    export_board(small_ledger, tmp_path / "榜.xlsx", "2026")
    wb = load_workbook(tmp_path / "榜.xlsx")
    # issue 15: a 全区 sheet with 同比 ("—" without a positive base) comes last
    assert wb.sheetnames[:2] == ["单位榜", "个人榜"] and len(wb.sheetnames) == 6 and wb.sheetnames[-1] == "全区"
    persons = [r for r in wb["个人榜"].iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert {r[1] for r in persons[:2]} == {"张三", "王五"}  # the two credited on a signed project lead
    export_funding(small_ledger, tmp_path / "到位.xlsx", 2026)
    ws = load_workbook(tmp_path / "到位.xlsx").active
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "重庆黔江经济开发区")
    assert row[3] == 5000.0 and row[5] == 1234.57 and row[13] == 6234.57  # 3月, 5月, 合计 (万元)


EXPORTS = {
    "ledger": lambda led, p: export_ledger(led, p),
    "targets": lambda led, p: export_targets(led, p, "2026Q3"),
    "board": lambda led, p: export_board(led, p, "2026Q3"),
    "funding": lambda led, p: export_funding(led, p, 2026),
}


def _shown(cell) -> str:  # type: ignore[no-untyped-def]
    """The text LibreOffice shows for a cell with our number formats."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    fmt = cell.number_format
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt == "0.00%":
            return f"{value * 100:.2f}%"
        if fmt in ("0.00##", "#,##0.00##"):
            text = f"{value:,.4f}" if fmt.startswith("#,##") else f"{value:.4f}"
            text = text.rstrip("0")
            return text + "0" * max(0, 2 - len(text.split(".")[1]))
        if fmt in ("0.00", "#,##0.00"):
            return f"{value:,.2f}" if fmt.startswith("#,##") else f"{value:.2f}"
        return str(value)
    return str(value)


@pytest.mark.skipif(shutil.which("libreoffice") is None,
                    reason="libreoffice 未安装：apt-get install --no-install-recommends libreoffice-calc 后运行")
@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_libreoffice_opens_each_export_with_the_same_values(small_ledger, tmp_path: Path, kind: str):
    out = tmp_path / f"{kind}.xlsx"
    EXPORTS[kind](small_ledger, out)
    done = subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "--outdir", str(tmp_path / "csv"), str(out)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "csv" / f"{kind}.csv", encoding="utf-8", newline="") as fh:
        lo_rows = [row for row in csv.reader(fh)]
    ws = load_workbook(out).worksheets[0]
    ours = [[_shown(c) for c in row] for row in ws.iter_rows()]
    width = max(len(r) for r in ours)
    lo_rows = [(r + [""] * width)[:width] for r in lo_rows]
    assert lo_rows[:len(ours)] == ours
