"""Every window and dialog fits and is usable at 1366×768 (issue 14 item 6): its minimum size fits in
1366×728 (the screen less a taskbar), and shown on such a screen it is no larger than the screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from ui.common.context import LedgerContext
from ui.shell.app import SMALL_SCREEN, fit_on_screen
from ui.shell.main_window import MainWindow
from ui.strings import NAV
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger

TODAY = date(2026, 11, 20)
W, H = SMALL_SCREEN.width(), SMALL_SCREEN.height()  # 1366 × 728


@pytest.fixture
def window(ledger: Ledger, qtbot: Any) -> Iterator[MainWindow]:
    build_demo(ledger, today=TODAY)
    context = LedgerContext(ledger)
    context.today = TODAY
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    yield win
    context.runner.wait()


def _fits(widget: QWidget) -> str | None:
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if hint.width() > W or hint.height() > H:
        return f"{type(widget).__name__}: 最小 {hint.width()}×{hint.height()} 超出 {W}×{H}"
    fit_on_screen(widget, QRect(SMALL_SCREEN))
    frame = widget.frameGeometry()
    if frame.width() > W or frame.height() > H or frame.x() < 0 or frame.y() < 0 or frame.right() >= W \
            or frame.bottom() >= H:
        return f"{type(widget).__name__}: 放上屏幕后为 {frame.getRect()}"
    return None


def test_main_window_fits_1366_on_every_page(window: MainWindow, qtbot: Any) -> None:
    problems = []
    for key in NAV:
        window.show_page(key)
        qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=30000)
        problem = _fits(window)
        if problem:
            problems.append(f"{NAV[key]}：{problem}")
    assert not problems, "\n".join(problems)


def test_every_dialog_fits_1366(window: MainWindow, qtbot: Any) -> None:
    from ui.board.rules_editor import RulesEditor
    from ui.files.backups import RestoreDialog
    from ui.files.transfer import ExportDialog, ImportWizard
    from ui.ledger.project_form import ProjectForm
    from ui.notice.archive_dialog import ArchiveDialog
    from ui.shell.startup import StartDialog

    context = window.context
    dialogs = [StartDialog([]), StartDialog([f"/共享/台账{i}.zsdesk.sqlite" for i in range(8)]),
               ProjectForm(context, None, window), ProjectForm(context, 1, window),
               RulesEditor(context, 2026, "2026Q3", window), ImportWizard(context, window),
               ExportDialog(context, None, window), RestoreDialog(context, window), ArchiveDialog(context, window)]
    problems = []
    for dialog in dialogs:
        dialog.show()
        qtbot.waitUntil(lambda: not context.runner.busy, timeout=30000)
        problem = _fits(dialog)
        if problem:
            problems.append(problem)
        dialog.hide()
    assert not problems, "\n".join(problems)


def test_fit_on_show_shrinks_what_is_larger_than_the_screen(qtbot: Any) -> None:
    from PySide6.QtWidgets import QDialog

    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.resize(5000, 5000)
    dialog.show()  # the application's filter fits every dialog to the screen it opens on
    screen = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().width() <= screen.width() and dialog.frameGeometry().height() <= screen.height()
