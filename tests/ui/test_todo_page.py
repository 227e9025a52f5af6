"""待办 page on the demo district: shown first, grouped by unit, opens the project, exports for a 调度会."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import ui  # noqa: F401 - installs the None guard before any Qt call
from ui.common import errors
from ui.common.context import LedgerContext
from ui.shell.main_window import MainWindow
from zsdesk import ops
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.lifecycle.todo import compute_todo

TODAY = date(2026, 11, 30)


@pytest.fixture
def context(ledger: Ledger, qtbot) -> Iterator[LedgerContext]:  # type: ignore[no-untyped-def]
    build_demo(ledger, today=TODAY)
    errors.MODAL = False
    errors.shown.clear()
    ctx = LedgerContext(ledger)
    ctx.today = TODAY
    yield ctx
    ctx.runner.wait()


def _window(context: LedgerContext, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def test_todo_page_is_shown_first_grouped_by_unit_with_the_count(qtbot, context: LedgerContext) -> None:
    window = _window(context, qtbot)
    page = window.current_page()
    assert page is window.pages["todo"]
    expected = compute_todo(context.ledger, TODAY)
    counts = expected.counts()
    assert counts["overdue"] >= 5 and counts["stale"] > 0
    lines = page.project_lines()  # type: ignore[attr-defined]
    assert len(lines) == expected.count
    tree = page.tree  # type: ignore[attr-defined]
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert groups == [f"{unit}（{len(items)} 项）" for unit, items in expected.by_unit()]
    first = expected.by_unit()[0][1][0]
    line = tree.topLevelItem(0).child(0)
    assert (line.text(1), line.text(2)) == (first.code, first.name)
    overdue = next(i for i in expected.items if i.kind == "overdue" and i.last_note)
    shown = next(x for x in lines if x.text(1) == overdue.code and x.text(0) == "逾期")
    assert shown.text(5) == f"逾期 {overdue.days} 天" and overdue.last_note in shown.text(7)
    status = window.status_counts.text()
    assert status.startswith(f"待办 {expected.count} 项") and f"逾期 {counts['overdue']}" in status


def test_double_click_opens_the_project_form(qtbot, context: LedgerContext) -> None:
    window = _window(context, qtbot)
    page = window.pages["todo"]
    line = page.project_lines()[0]  # type: ignore[attr-defined]
    page.tree.itemDoubleClicked.emit(line, 2)  # type: ignore[attr-defined]
    from ui.ledger.project_form import ProjectForm

    forms = [w for w in QApplication.topLevelWidgets() if isinstance(w, ProjectForm) and w.isVisible()]
    assert forms and forms[0].project_id == line.data(0, Qt.ItemDataRole.UserRole + 1)
    for form in forms:
        form.reject()


def test_a_progress_note_takes_a_project_off_the_stale_list(qtbot, context: LedgerContext) -> None:
    window = _window(context, qtbot)
    page = window.pages["todo"]
    stale = next(x for x in page.project_lines() if x.text(0) == "无进展")  # type: ignore[attr-defined]
    before, code = page.todo.count, stale.text(1)  # type: ignore[attr-defined]
    context.run(None, ops.add_progress, code, TODAY, "已电话联系企业，下周进场")
    assert page.todo.count == before - 1  # type: ignore[attr-defined]
    assert not any(x.text(0) == "无进展" and x.text(1) == code
                   for x in page.project_lines())  # type: ignore[attr-defined]
    assert window.status_counts.text().startswith(f"待办 {before - 1} 项")


def test_export_writes_the_list_for_a_meeting(qtbot, context: LedgerContext, tmp_path: Path) -> None:
    window = _window(context, qtbot)
    page = window.pages["todo"]
    path = tmp_path / "待办.xlsx"
    page.export_to(path)  # type: ignore[attr-defined]
    context.runner.wait()
    qtbot.waitUntil(lambda: not context.runner.busy, timeout=10000)
    ws = load_workbook(path).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    body = [r for r in rows[header + 1:] if isinstance(r[0], int)]
    todo = page.todo  # type: ignore[attr-defined]
    assert len(body) == todo.count
    assert "待办清单" in str(rows[0][0])
    first_unit, first_items = todo.by_unit()[0]
    assert body[0][1] == first_unit and body[0][3] == first_items[0].code
    assert {"逾期", "无进展"} <= {r[2] for r in body} <= {"逾期", "无进展", "即将到期"}


def test_the_list_fills_itself_on_the_runner_once_the_window_is_up(qtbot, context: LedgerContext) -> None:
    window = _window(context, qtbot)
    page = window.pages["todo"]
    assert page.todo is None  # type: ignore[attr-defined]  # opening the window does not wait for the list
    qtbot.waitUntil(lambda: page.todo is not None, timeout=20000)  # type: ignore[attr-defined]
    expected = compute_todo(context.ledger, TODAY)
    tree = page.tree  # type: ignore[attr-defined]
    assert sum(tree.topLevelItem(i).childCount() for i in range(tree.topLevelItemCount())) == expected.count
    assert window.status_counts.text().startswith(f"待办 {expected.count} 项")


def test_switching_to_the_table_at_once_skips_the_hidden_list(qtbot, context: LedgerContext) -> None:
    window = _window(context, qtbot)
    window.show_page("ledger")
    qtbot.wait(200)
    context.runner.wait()
    QApplication.processEvents()
    assert window.pages["todo"].todo is None  # type: ignore[attr-defined]
    window.show_page("todo")
    qtbot.waitUntil(lambda: window.pages["todo"].todo is not None, timeout=20000)  # type: ignore[attr-defined]
