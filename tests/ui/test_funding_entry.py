"""到位资金 entry like an Excel row: Tab, Enter saves and starts the next row, the view follows the month,
Ctrl+Z undoes the entry just saved, amounts read right, the toolbar does not shift, Ctrl+V pastes rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from ui.common.context import LedgerContext
from ui.records.funding_page import FundingPage
from ui.shell.main_window import MainWindow
from zsdesk.models import Funding, Project


def _code(context: LedgerContext, name: str) -> str:
    with context.ledger.reading() as s:
        return str(s.scalar(select(Project.code).where(Project.name == name)))


def _amounts(context: LedgerContext) -> list[int]:
    with context.ledger.reading() as s:
        return sorted(s.scalars(select(Funding.amount).where(Funding.deleted_at.is_(None))))


def _window(context: LedgerContext, qtbot: Any) -> tuple[MainWindow, FundingPage]:
    context.today = date(2026, 11, 20)  # a November view
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.show_page("funding")
    assert isinstance(page, FundingPage)
    page.month.setDate(page.month.date().fromString("2026-11-01", "yyyy-MM-dd"))
    page.project.setFocus()
    qtbot.waitUntil(page.project.hasFocus)
    return window, page


def _type_row(qtbot: Any, type_text: Any, cells: list[str]) -> None:
    """Type each cell, Tab between them, as a clerk would; the last cell ends with Enter."""
    for i, text in enumerate(cells):
        widget = QApplication.focusWidget()
        assert widget is not None
        if text:
            widget.selectAll()  # type: ignore[attr-defined]
            type_text(qtbot, widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Return if i == len(cells) - 1 else Qt.Key.Key_Tab)


def test_tab_enter_saves_and_starts_the_next_row(context: LedgerContext, qtbot: Any, type_text: Any) -> None:
    window, page = _window(context, qtbot)
    code = _code(context, "玻纤新材料生产线")
    _type_row(qtbot, type_text, [code, "2026-04-05", "0.8亿", "首笔"])
    assert _amounts(context) == [80_000_000]
    message = page.entry_message.text()
    assert message == f"已保存：{code} 玻纤新材料生产线　8,000.00万元（2026-04-05）", message
    assert "亿 万元" not in message
    # the view follows the month entered: April, not the November it showed
    assert (page.month.date().year(), page.month.date().month()) == (2026, 4)
    assert page.entries.rowCount() == 1 and page.entries.rows[0][4] == "8,000.00"
    # the saved row stays above; the entry row is empty again (the date kept) and has the focus
    assert page.saved_rows == [(f"{code} 玻纤新材料生产线", "2026-04-05", "8,000.00万元", "首笔")]
    assert page.project.text() == "" and page.amount.text() == "" and page.date.text() == "2026-04-05"
    assert QApplication.focusWidget() is page.project
    # the undo label names the project and the amount
    assert "玻纤新材料生产线" in window.act_undo.text() and "8,000.00万元" in window.act_undo.text()
    # next row: Enter on an incomplete row goes to what is missing, then saves
    type_text(qtbot, page.project, code)
    qtbot.keyClick(page.project, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.amount
    type_text(qtbot, page.amount, "1,200")
    qtbot.keyClick(page.amount, Qt.Key.Key_Return)
    assert _amounts(context) == [12_000_000, 80_000_000]
    assert len(page.saved_rows) == 2


def test_ctrl_z_after_saving_undoes_the_entry_not_the_text(context: LedgerContext, qtbot: Any,
                                                           type_text: Any) -> None:
    _window_, page = _window(context, qtbot)
    code = _code(context, "濯水古镇文旅综合体")
    _type_row(qtbot, type_text, [code, "2026-11-02", "500", ""])
    assert _amounts(context) == [5_000_000]
    qtbot.keyClick(page.project, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _amounts(context) == []
    assert page.project.text() == ""  # not the text field's undo bringing the project back
    assert page.entry_message.text().startswith("已撤销：") and "濯水古镇文旅综合体" in page.entry_message.text()
    assert page.saved_rows == [] and page.entries.rowCount() == 0
    # while typing, Ctrl+Z is the field's own undo
    type_text(qtbot, page.note, "abc")
    qtbot.keyClick(page.note, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.note.text() != "abc"
    assert _amounts(context) == []


def test_toolbar_does_not_shift_as_the_undo_label_grows(context: LedgerContext, qtbot: Any,
                                                       type_text: Any) -> None:
    window, page = _window(context, qtbot)
    bar = window.findChild(type(window.addToolBar("x")), "main_toolbar")
    assert bar is not None
    later = bar.widgetForAction(window.act_import)
    before = later.geometry().x()
    _type_row(qtbot, type_text, [_code(context, "濯水古镇文旅综合体"), "2026-11-02", "123.4567", "一个很长的备注"])
    assert "濯水古镇文旅综合体" in window.act_undo.text()
    QApplication.processEvents()
    assert later.geometry().x() == before
    assert "濯水古镇文旅综合体" in window.act_undo.toolTip()


def test_ctrl_v_of_excel_rows_goes_through_the_import_checks(context: LedgerContext, qtbot: Any) -> None:
    _window_, page = _window(context, qtbot)
    code = _code(context, "玻纤新材料生产线")
    QGuiApplication.clipboard().setText(f"{code}\t2026-10-01\t100\t\r\n不存在的项目\t2026-10-02\t200\t\r\n")
    qtbot.keyClick(page.project, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = page.paste_dialog
    assert dialog is not None and dialog.isVisible()
    assert page.project.text() == ""  # the block went to the paste grid, not into the field
    assert [(p[0], p[1]) for p in dialog.problems.rows] == [(2, "项目")]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert _amounts(context) == []  # all or nothing
    dialog.grid.item(1, 0).setText(code)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert _amounts(context) == [1_000_000, 2_000_000]
    assert "已导入 2 行" in dialog.message.text()
    assert page.entries.rowCount() == 0 or page.month.date().month() == 11  # list refreshed without error
