"""项目落地情况表 (xlsx): the figures are the engine's; the overdue sheet lists every overdue milestone."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from zsdesk.cli import main
from zsdesk.lifecycle import compute_lifecycle
from zsdesk.xlsx.lifecycle_export import export_lifecycle


def test_export_lifecycle_equals_the_engine(build, tmp_path, capsys):  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    build.unit("部门乙")
    build.project("逾期", lead_unit_id="园区甲", agreement_amount="5000", formal_date="2026-03-10")
    build.project("按期", lead_unit_id="园区甲", agreement_amount="20000", formal_date="2026-01-31",
                  started_date="2026-07-31")
    build.project("约定", lead_unit_id="部门乙", agreement_amount="5000", formal_date="2026-01-05",
                  promised_start_date="2026-08-01")
    lc = compute_lifecycle(build.ledger, "2026Q3")
    out = tmp_path / "落地.xlsx"
    export_lifecycle(build.ledger, out, lc)
    wb = load_workbook(out)
    ws = wb["项目落地"]
    assert ws["A1"].value.endswith("2026年1—9月项目落地情况表")
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 14)] for r in range(5, 8)}
    assert rows["全区"][:6] == [3, 1, 0, 3, 1, 2]
    assert rows["全区"][6] == 3.0 and rows["全区"][8] == float(lc.district.start_rate) / 100
    assert rows["园区甲"][11] == 0.5 and ws.cell(5, 10).number_format == "0.00%"
    od = wb["逾期项目"]
    assert [od.cell(r, 3).value for r in (4, 5)] == ["逾期", "约定"]
    assert od.cell(4, 6).value.date() == date(2026, 6, 10) and od.cell(4, 8).value == 112
    assert [od.cell(r, 7).value for r in (4, 5)] == ["规则期限", "合同约定"]
    db = build.ledger.path.as_posix()
    assert main(["export", "lifecycle", "--db", db, "-o", str(tmp_path / "c.xlsx"), "--period", "2026Q3"]) == 0
    assert main(["export", "lifecycle", "--db", db, "-o", str(tmp_path / "d.xlsx"), "--period", "2026Q7"]) == 2
    assert "无法识别的期间" in capsys.readouterr().err and not (tmp_path / "d.xlsx").exists()
