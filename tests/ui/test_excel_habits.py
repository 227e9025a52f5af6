"""Excel habits: Ctrl+C / Ctrl+Shift+C / Ctrl+A in tables, the 粘贴项目 grid, thousands separators, 亿元 summary."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from sqlalchemy import func, select

from ui.board.board_page import BoardPage
from ui.common.context import LedgerContext
from ui.common.paste_dialog import PasteDialog
from ui.common.table_habits import selection_text
from ui.ledger.ledger_model import COLUMN_INDEX
from ui.shell.main_window import MainWindow
from zsdesk import ops
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.models import Project

pytestmark = pytest.mark.usefixtures("ledger_table_reads")  # each test twice (tests/ui/conftest.py)


def _window(context: LedgerContext, qtbot: Any) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _clipboard() -> str:
    return QGuiApplication.clipboard().text()


def test_ctrl_c_copies_selected_rows_as_tab_separated_text(context: LedgerContext, qtbot: Any) -> None:
    window = _window(context, qtbot)
    page = window.page("ledger")
    table = page.table  # type: ignore[attr-defined]
    table.setFocus()
    QGuiApplication.clipboard().setText("")
    table.selectRow(0)
    table.selectionModel().select(table.model().index(1, 0), QItemSelectionModel.SelectionFlag.Select
                                  | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = _clipboard().split("\r\n")
    assert len([x for x in lines if x]) == 2  # two rows, no header
    visible = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    first = lines[0].split("\t")
    assert len(first) == len(visible)
    name = table.model().index(0, COLUMN_INDEX["name"]).data()
    assert name in first
    amount = table.model().index(0, COLUMN_INDEX["agreement_amount"]).data()
    assert amount in first and ("," in amount or len(amount) < 8)
    # with headers: Ctrl+Shift+C
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    header = _clipboard().split("\r\n")[0].split("\t")
    assert "项目名称" in header and len(_clipboard().strip().split("\r\n")) == 3
    # Ctrl+A selects all rows
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(table.selectionModel().selectedRows()) == table.model().rowCount() == 4
    # the status line sums what is selected, with the unit a person reads: 3.2亿 + 8000万 + 12亿 + 500万
    assert "选中项目协议资金合计 16.05亿元" in page.status_text()  # type: ignore[attr-defined]


def test_ctrl_c_copies_a_block_of_cells_in_a_small_table(context: LedgerContext, qtbot: Any) -> None:
    ops.add_funding(context.ledger, {"project_id": 1, "date": context.today.isoformat(), "amount": "1469.5"})
    window = _window(context, qtbot)
    page = window.show_page("funding")
    view = page.entries_view  # type: ignore[attr-defined]
    view.setFocus()
    view.setSelectionBehavior(view.SelectionBehavior.SelectItems)
    model = view.model()
    sel = view.selectionModel()
    sel.select(model.index(0, 2), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    sel.select(model.index(0, 4), QItemSelectionModel.SelectionFlag.Select)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert _clipboard() == "玻纤新材料生产线\t1,469.50\r\n"
    assert page.status_text().endswith("1,469.50万元")  # type: ignore[attr-defined]


def test_copy_with_headers_action_and_excel_quoting(context: LedgerContext, qtbot: Any) -> None:
    window = _window(context, qtbot)
    page = window.page("ledger")
    assert page.act_copy_headers.text() == "复制（含表头）"  # type: ignore[attr-defined]
    table = page.table  # type: ignore[attr-defined]
    table.selectRow(0)
    page.act_copy_headers.trigger()  # type: ignore[attr-defined]
    lines = _clipboard().split("\r\n")
    assert "项目名称" in lines[0].split("\t") and lines[2] == ""
    # a cell with a line break and quotes is quoted the way Excel writes it, so it pastes into one cell
    ops.add_funding(context.ledger, {"project_id": 1, "date": context.today.isoformat(), "amount": "10",
                                     "note": '第一行\n"第二行"'})
    funding = window.show_page("funding")
    view = funding.entries_view  # type: ignore[attr-defined]
    view.selectRow(0)
    assert selection_text(view).rstrip("\r\n").endswith('\t"第一行\n""第二行"""')


def test_paste_projects_from_excel_all_or_nothing(context: LedgerContext, qtbot: Any) -> None:
    window = _window(context, qtbot)
    page = window.page("ledger")
    assert page.act_paste in page.menu_actions()  # type: ignore[attr-defined]
    page.act_paste.trigger()  # type: ignore[attr-defined]
    dialog = page.paste_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, PasteDialog) and dialog.isVisible() and dialog.windowTitle() == "粘贴项目"
    QGuiApplication.clipboard().setText(
        "项目名称\t投资方\t协议资金（万元）\t框架协议签订日期\t牵头单位\r\n"
        "中药贴剂生产线\t重庆太极实业集团\t1,469,500\t2026-06-01\t区商务委\r\n"
        "锂电池回收\t某某新能源公司\t三千万\t2026-06-02\t不存在的单位\r\n")
    dialog.grid.setFocus()
    qtbot.keyClick(dialog.grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.headers[:2] == ["项目名称", "投资方"]
    assert dialog.grid.item(0, 0).text() == "中药贴剂生产线"
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    problems = [(r[0], r[1]) for r in dialog.problems.rows]
    assert set(problems) == {(2, "协议资金（万元）"), (2, "牵头单位")}
    assert "未写入" in dialog.message.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    with context.ledger.reading() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 4  # nothing written
    # fix the cells in the grid, as in Excel, and import
    dialog.grid.item(1, 2).setText("3000")
    dialog.grid.item(1, 4).setText("区商务委")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text().startswith("已导入 2 行"), dialog.message.text()
    with context.ledger.reading() as s:
        amount = s.scalar(select(Project.agreement_amount).where(Project.name == "中药贴剂生产线"))
    assert amount == 14_695_000_000
    assert "粘贴项目" in window.act_undo.text()
    # the ledger shows it with thousands separators
    names = [page.model.index(r, COLUMN_INDEX["name"]).data() for r in range(page.model.rowCount())]  # type: ignore[attr-defined]
    row = names.index("中药贴剂生产线")
    assert page.model.index(row, COLUMN_INDEX["agreement_amount"]).data() == "1,469,500.00"  # type: ignore[attr-defined]


def test_board_summary_reads_large_sums_in_yi(ledger: Ledger, qtbot: Any) -> None:
    build_demo(ledger, today=date(2026, 11, 20))
    context = LedgerContext(ledger)
    context.today = date(2026, 11, 20)
    page = BoardPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    qtbot.waitUntil(lambda: page.board is not None and not context.runner.busy, timeout=15000)
    text = page.summary.text()
    formal = page.board.district.figures.formal_amount
    assert formal >= 100_000_000
    assert "亿元" in text and f"{formal / 1e8:,.2f}亿元" in text, text
    assert "万元" not in text.split("正式合同额")[1].split("，")[0]
    context.runner.wait()
