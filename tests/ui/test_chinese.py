"""No English word a user can see (issue 14 item 3): Qt's own dialogs are in Chinese (qtbase_zh_CN.qm
installed by the same function the app uses); a walk over every page, menu, toolbar and each dialog
the app opens fails on any ASCII word outside an allow-list."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from ui.common import errors
from ui.common.context import LedgerContext
from ui.shell.main_window import MainWindow
from ui.strings import NAV
from zsdesk import ops
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger

TODAY = date(2026, 11, 20)
# Words an office user reads as they are: product and file names, keys.
ALLOWED = {"excel", "word", "pdf", "sqlite", "wps", "ctrl", "shift", "alt", "tab", "esc", "enter", "xlsx", "xls", "docx",
           "csv", "sha", "del", "pgup", "pgdn", "home", "end", "ins", "backspace", "space", "zsdesk", "xvfb",
           "usb", "delete", "id"}
_WORD = re.compile(r"[A-Za-z]{2,}")
_TAG = re.compile(r"<[^>]+>|&[a-z]+;")


def english_words(text: str) -> list[str]:
    text = _TAG.sub(" ", text or "").replace("&", "")
    text = re.sub(r"(?:[A-Za-z]:)?[\\/][^\s，。；）)]*", " ", text)  # file paths are the clerk's data
    text = re.sub(r"\{[^{}]*\}", " ", text)  # placeholders are typed as they are
    text = re.sub(r"\*\.[\w.]+", " ", text)  # file-name patterns in a file dialog's filter
    return [w for w in _WORD.findall(text) if w.lower() not in ALLOWED]


def widget_texts(top: QWidget) -> Iterator[tuple[str, str]]:
    """What a user can read in ``top``: titles, labels, buttons, tips, headers, tabs, combo items, actions."""
    for w in [top, *top.findChildren(QWidget)]:
        if w is not top and not w.isVisibleTo(top):
            continue
        name = f"{type(w).__name__}({w.objectName() or ''})"
        if w.isWindow():
            yield name + ".windowTitle", w.windowTitle()
        yield name + ".toolTip", w.toolTip()
        yield name + ".statusTip", w.statusTip()
        if isinstance(w, QLabel):
            yield name, w.text()
        elif isinstance(w, QAbstractButton):
            yield name, w.text()
        elif isinstance(w, QLineEdit):
            yield name + ".placeholder", w.placeholderText()
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            yield name + ".placeholder", w.placeholderText()
        elif isinstance(w, QGroupBox):
            yield name, w.title()
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield f"{name}.tab{i}", w.tabText(i)
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{name}.item{i}", w.itemText(i)
        if isinstance(w, QSpinBox):
            yield name + ".suffix", w.suffix() + w.prefix() + w.specialValueText()
        if isinstance(w, QAbstractSpinBox):
            yield name + ".value", w.text()
        if isinstance(w, QAbstractItemView) and w.model() is not None and not isinstance(w, QListView):
            model = w.model()
            for c in range(model.columnCount()):
                yield f"{name}.header{c}", str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        for action in w.actions():
            yield from action_texts(action, name)


def action_texts(action: Any, where: str) -> Iterator[tuple[str, str]]:
    if action.isSeparator():
        return
    yield f"{where}>{action.text()}", action.text()
    yield f"{where}>{action.text()}.toolTip", action.toolTip()
    yield f"{where}>{action.text()}.statusTip", action.statusTip()
    menu = action.menu()
    if isinstance(menu, QMenu):
        menu.aboutToShow.emit()
        for sub in menu.actions():
            yield from action_texts(sub, f"{where}>{action.text()}")


def offenders(texts: Iterator[tuple[str, str]]) -> list[str]:
    return [f"{where}: {text!r} → {words}" for where, text in texts if (words := english_words(text))]


def capture_modal(trigger: Callable[[], Any], answer: str | None = None) -> list[tuple[str, str]]:
    """Run ``trigger`` (which opens a modal dialog with exec), read the dialog, then close it."""
    got: list[tuple[str, str]] = []

    def grab(tries: list[int] = [0]) -> None:  # noqa: B006 - a counter shared by the retries
        w = QApplication.activeModalWidget()
        if w is None:
            tries[0] += 1
            if tries[0] < 200:
                QTimer.singleShot(25, grab)
            return
        got.extend(widget_texts(w))
        got.append(("modal", "FOUND"))
        if answer and isinstance(w, QMessageBox):
            next(b for b in w.buttons() if b.text() == answer).click()
        elif isinstance(w, QDialog):
            w.reject()
        else:
            w.close()

    QTimer.singleShot(25, grab)
    trigger()
    assert ("modal", "FOUND") in got, "the dialog did not open"
    return [t for t in got if t != ("modal", "FOUND")]


@pytest.fixture
def window(ledger: Ledger, qtbot: Any) -> Iterator[MainWindow]:
    build_demo(ledger, today=TODAY)
    # Audit rows of every kind: new, changed (stage, booleans, dates), deleted, restored, purged, settings.
    unit = ops.create_unit(ledger, {"name": "操作日志测试园区", "kind": "园区"}).ids("unit")[0]
    pid = ops.create_project(ledger, {"name": "操作日志测试项目", "lead_unit_id": unit, "agreement_amount": "3亿",
                                      "industrial": False}).ids("project")[0]
    ops.update_project(ledger, pid, {"formal_date": date(2026, 6, 1), "industrial": True, "origin": "in_district"})
    ops.delete_projects(ledger, [pid])
    ops.undo(ledger)
    ops.set_setting(ledger, "stale_days", 45, "无进展天数：45 天")
    ops.create_project(ledger, {"name": "撤销后彻底删除的项目"})
    ops.undo(ledger)  # an undone create is purged: the audit log's 动作 says so
    context = LedgerContext(ledger)
    context.today = TODAY
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    yield win
    context.runner.wait()


def test_qt_translations_are_installed_for_the_tests_and_the_app() -> None:
    # The same prepare_application the app calls installed qtbase_zh_CN.qm: Qt's words are Chinese.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    # Qt 6.11's file dialog asks for "&Look in:", which the shipped catalogue lacks: filled in, not English.
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "查找范围："


def test_every_page_menu_and_dialog_is_chinese(window: MainWindow, qtbot: Any) -> None:
    texts: list[tuple[str, str]] = []
    title = window.windowTitle()
    texts.append(("title", title.split("—", 1)[1]))
    for key in NAV:
        page = window.show_page(key)
        qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=30000)
        qtbot.wait(50)
        texts += list(widget_texts(page))
        texts.append((f"status:{key}", window.status_counts.text()))
    for action in window.menuBar().actions():
        texts += list(action_texts(action, "menu"))
    for bar in window.findChildren(QWidget, "main_toolbar"):
        texts += list(widget_texts(bar))

    # The 操作日志's 类别 and 动作 columns are words, never codes ("purge").
    audit = window.pages["audit"]
    model = audit.model  # type: ignore[attr-defined]
    actions = {model.index(r, 4).data() for r in range(model.rowCount())}
    assert "彻底删除" in actions
    changes = " ".join(str(model.index(r, 6).data()) for r in range(model.rowCount()))
    assert "阶段：线索 → 正式合同" in changes and "是否工业项目：否 → 是" in changes, changes
    texts += [(f"audit row {r} col {c}", str(model.index(r, c).data() or ""))
              for r in range(model.rowCount()) for c in (2, 3, 4, 6)]

    # Dialogs the window opens without blocking.
    from ui.board.rules_editor import RulesEditor
    from ui.files.backups import RestoreDialog
    from ui.files.transfer import ExportDialog, ImportWizard
    from ui.ledger.project_form import ProjectForm
    from ui.notice.archive_dialog import ArchiveDialog
    from ui.shell.startup import StartDialog

    context = window.context
    ledger_page = window.pages["ledger"]
    first_id = ledger_page.model.ids[0] if hasattr(ledger_page.model, "ids") else None  # type: ignore[attr-defined]
    dialogs: list[QWidget] = [StartDialog(["/台账/黔江.zsdesk.sqlite"]), ProjectForm(context, None, window),
                              RulesEditor(context, 2026, "2026Q3", window), ImportWizard(context, window),
                              ExportDialog(context, None, window), RestoreDialog(context, window),
                              ArchiveDialog(context, window)]
    if first_id is not None:
        dialogs.append(ProjectForm(context, first_id, window))
    for dialog in dialogs:
        dialog.show()
        qtbot.waitUntil(lambda: not context.runner.busy, timeout=30000)
        texts += list(widget_texts(dialog))
        dialog.hide()

    # Modal dialogs and Qt's own: a real QMessageBox, QInputDialog, QFileDialog.
    errors.MODAL = True
    try:
        texts += capture_modal(lambda: errors.confirm(window, "删除项目", "删除选中的 2 个项目吗？",
                                                      yes="删除", no="取消"))
        texts += capture_modal(lambda: errors.confirm(window, "打开", "以只读方式打开吗？"))
        texts += capture_modal(lambda: errors.ask_save(window, "项目表"))
        texts += capture_modal(lambda: errors.inform(window, "完成", "已导出。"))
        texts += capture_modal(window.act_shortcuts.trigger)
        texts += capture_modal(window.act_about.trigger)
        texts += capture_modal(window.set_stale_days)
        texts += capture_modal(ledger_page.choose_columns)  # type: ignore[attr-defined]
        from ui.shell.startup import ask_open_ledger_path

        texts += capture_modal(lambda: ask_open_ledger_path(window))
        notice = window.pages["notice"]
        qtbot.waitUntil(lambda: notice.preview.page_count > 0, timeout=30000)  # type: ignore[attr-defined]
        texts += capture_modal(notice.preview.print_dialog)  # type: ignore[attr-defined]
    finally:
        errors.MODAL = False
    bad = offenders(iter(texts))
    assert not bad, "\n".join(bad)


def test_yes_no_are_chinese_and_irreversible_buttons_carry_the_verb(window: MainWindow, qtbot: Any) -> None:
    errors.MODAL = True
    try:
        seen = capture_modal(lambda: errors.confirm(window, "删除项目", "删除吗？", yes="删除", no="取消"))
        assert {"删除", "取消"} <= {t for _w, t in seen}
        seen = capture_modal(lambda: errors.confirm(window, "打开", "以只读方式打开吗？"))
        assert {"是", "否"} <= {t for _w, t in seen}
    finally:
        errors.MODAL = False
    notice = window.show_page("notice")
    notice.ask_issue()  # type: ignore[attr-defined]
    box = notice.issue_box  # type: ignore[attr-defined]
    assert sorted(b.text() for b in box.buttons()) == sorted(["印发", "取消"])
    box.reject()
