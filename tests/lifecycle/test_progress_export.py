"""每月项目进展表: the month's latest note of each live project, by unit; print-ready xlsx; the CLI."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from zsdesk import ops
from zsdesk.cli import main
from zsdesk.lifecycle.progress_report import monthly_progress
from zsdesk.xlsx.progress_export import export_progress


def _fill(build):  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    build.unit("部门乙")
    a = build.project("甲项目", lead_unit_id="部门乙", first_contact_date="2026-01-05", formal_date="2026-02-01")
    b = build.project("乙项目", lead_unit_id="园区甲", first_contact_date="2026-02-10")
    c = build.project("丙项目", lead_unit_id="园区甲", first_contact_date="2025-05-01", formal_date="2025-06-01",
                      withdrawn_date="2026-02-15")
    build.project("丁项目", lead_unit_id="园区甲", first_contact_date="2026-04-01")  # not known before April
    ops.add_progress(build.ledger, a, "2026-03-02", "土地摘牌")
    ops.add_progress(build.ledger, a, "2026-03-28", "=已进场施工")  # the month's latest; formula-like text
    ops.add_progress(build.ledger, b, "2026-03-10", "客商考察")
    gone = ops.add_progress(build.ledger, b, "2026-03-20", "已删除的进展").ids("progress")
    ops.delete_progress(build.ledger, gone)
    ops.add_progress(build.ledger, c, "2026-01-20", "企业暂缓投资")
    return a, b, c


def test_latest_note_per_month_by_unit(build):  # type: ignore[no-untyped-def]
    _fill(build)
    data = monthly_progress(build.ledger, 2026, [1, 3])
    march = [(x.unit, x.name, x.note, x.stage) for x in data[3]]
    assert march == [("园区甲", "乙项目", "客商考察", "negotiating"),
                     ("部门乙", "甲项目", "=已进场施工", "formal")]  # 丙 withdrawn in Feb, 丁 unknown yet
    january = {x.name: (x.note, x.stage) for x in data[1]}
    assert january == {"丙项目": ("企业暂缓投资", "formal"), "甲项目": ("", "negotiating")}


def test_xlsx_is_print_ready_and_text_stays_text(build, tmp_path):  # type: ignore[no-untyped-def]
    _fill(build)
    out = tmp_path / "进展.xlsx"
    result = export_progress(build.ledger, out, 2026, today=date(2026, 3, 31))
    wb = load_workbook(out)
    assert wb.sheetnames == ["1月", "2月", "3月"] and result.rows == 2 + 3 + 2
    ws = wb["3月"]
    assert ws["A1"].value.endswith("2026年3月项目进展表") and ws["A3"].value == "序号" and ws["G3"].value == "最新进展"
    assert [ws.cell(r, 4).value for r in (4, 5)] == ["乙项目", "甲项目"]
    note = ws["G5"]
    assert note.value == "=已进场施工" and note.data_type == "s" and note.alignment.wrap_text
    assert ws["F5"].value.date() == date(2026, 3, 28) and ws["F5"].number_format == "yyyy-mm-dd"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"
    assert [wb["2月"].cell(r, 7).value for r in (4, 5, 6)] == ["本月未报送进展"] * 3
    assert "未报送 3 个" in wb["2月"].cell(7, 1).value


def test_cli_export_progress(build, tmp_path, capsys):  # type: ignore[no-untyped-def]
    _fill(build)
    out = tmp_path / "p.xlsx"
    db = build.ledger.path.as_posix()
    assert main(["export", "progress", "--db", db, "-o", str(out), "--period", "2026M03"]) == 0
    assert load_workbook(out).sheetnames == ["3月"]
    assert main(["export", "progress", "--db", db, "-o", str(out), "--year", "2025"]) == 0
    assert len(load_workbook(out).sheetnames) == 12
    bad = tmp_path / "bad.xlsx"
    assert main(["export", "progress", "--db", db, "-o", str(bad), "--period", "2026Q1"]) == 2
    assert "应为月份" in capsys.readouterr().err and not bad.exists()
