"""Nothing typed is lost (issue 14 item 1): the notice narrative is an autosaved draft per period that
survives a period switch, a window close and a kill -9; every editor asks 保存 / 不保存 / 取消."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from ui.board.rules_editor import RulesEditor
from ui.common import errors
from ui.common.context import LedgerContext
from ui.common.period_picker import latest_closed_quarter
from ui.notice.notice_page import AUTOSAVE_MS, NoticePage
from ui.shell.main_window import MainWindow
from ui.strings import NAV
from zsdesk.ledger import Ledger
from zsdesk.notice.narrative import load_draft, load_narrative
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period

TODAY = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def notice(ledger: Ledger, qtbot: Any) -> Iterator[NoticePage]:
    context = LedgerContext(ledger)
    context.today = TODAY
    page = NoticePage(context)
    qtbot.addWidget(page)
    page.show()
    yield page
    context.runner.wait()


def _pick_quarter(page: NoticePage, quarter: int) -> None:
    """What the chief does: choose another quarter in the period picker's combo box."""
    combo = page.picker.number
    combo.setCurrentIndex(combo.findData(quarter))


def test_typing_survives_switching_the_period_away_and_back(qtbot: Any, notice: NoticePage, type_text: Any) -> None:
    assert notice.picker.code() == "2026Q3"
    edit = notice.sections["problems"]
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    type_text(qtbot, edit, "四是园区配套滞后ABC")
    assert notice.unsaved()
    _pick_quarter(notice, 2)  # 三季度 → 二季度: today the edit was gone
    assert notice.picker.code() == "2026Q2"
    assert "四是园区配套滞后ABC" not in notice.sections["problems"].toPlainText()
    _pick_quarter(notice, 3)  # → 三季度 again
    assert notice.sections["problems"].toPlainText().endswith("四是园区配套滞后ABC")
    # It is a draft in the ledger, not the saved text; 保存正文与设置 makes it the text and drops the draft.
    ledger = notice.context.ledger
    assert load_draft(ledger, parse_period("2026Q3")).narrative.problems.endswith("四是园区配套滞后ABC")  # type: ignore[union-attr]
    assert "四是" not in load_narrative(ledger, parse_period("2026Q3")).problems
    assert notice.save_text()
    assert load_draft(ledger, parse_period("2026Q3")) is None
    assert load_narrative(ledger, parse_period("2026Q3")).problems.endswith("四是园区配套滞后ABC")


def test_draft_is_autosaved_after_a_pause_and_restored_by_a_new_page(qtbot: Any, notice: NoticePage,
                                                                      type_text: Any) -> None:
    edit = notice.sections["highlights"]
    type_text(qtbot, edit, "草稿XYZ")
    qtbot.waitUntil(lambda: not notice.unsaved(), timeout=AUTOSAVE_MS + 3000)
    assert "草稿已自动保存" in notice.draft_label.text()
    again = NoticePage(notice.context)
    qtbot.addWidget(again)
    assert "草稿XYZ" in again.sections["highlights"].toPlainText()
    assert again.has_draft


def test_title_says_saved_only_when_it_is_true_and_closing_keeps_the_typing(qtbot: Any, ledger: Ledger,
                                                                            type_text: Any) -> None:
    context = LedgerContext(ledger)
    context.today = TODAY
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("notice")
    assert isinstance(page, NoticePage)
    assert window.windowTitle().endswith("[已保存]")
    type_text(qtbot, page.sections["next_steps"], "关窗前最后一句")
    assert window.windowTitle().endswith("[未保存]")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(page.sections["next_steps"], Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Q
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)  # today the typing was gone
    context.runner.wait()
    assert not window.isVisible()
    draft = load_draft(ledger, parse_period("2026Q3"))
    assert draft is not None and "关窗前最后一句" in draft.narrative.next_steps


def _answer_when_asked(qtbot: Any, button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the modal question once it appears (a real QMessageBox)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        seen.extend(b.text() for b in box.findChildren(QPushButton))
        next(b for b in box.findChildren(QPushButton) if b.text() == button_text).click()

    QTimer.singleShot(20, click)


def test_closing_the_rules_editor_with_edits_asks_save_discard_cancel(qtbot: Any, context: LedgerContext) -> None:
    editor = RulesEditor(context, 2026, "2026Q3")
    qtbot.addWidget(editor)
    editor.show()
    editor.lead_edit.setText("0.7")
    editor.coop_edit.setText("0.3")
    errors.MODAL = True
    try:
        seen: list[str] = []
        _answer_when_asked(qtbot, "取消", seen)
        close = next(b for b in editor.findChildren(QPushButton) if b.text() == "关闭")
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)  # 关闭: today it discarded the edits without a word
        assert "计数规则有未保存的修改" in seen[0]
        assert {"保存", "不保存", "取消"} <= set(seen[1:])
        assert editor.isVisible() and editor.lead_edit.text() == "0.7"
        seen.clear()
        _answer_when_asked(qtbot, "不保存", seen)
        editor.close()  # the window's X
        assert seen and not editor.isVisible()
    finally:
        errors.MODAL = False


def test_rules_editor_save_answer_saves_a_version(qtbot: Any, context: LedgerContext) -> None:
    from zsdesk.rules import rules_versions

    editor = RulesEditor(context, 2026, "2026Q3")
    qtbot.addWidget(editor)
    editor.show()
    before = len(rules_versions(context.ledger, 2026))
    editor.stale.setValue(editor.stale.value() + 7)
    errors.answers[:] = [errors.SAVE]
    editor.reject()
    assert not editor.isVisible()
    assert len(rules_versions(context.ledger, 2026)) == before + 1


def test_window_close_with_an_open_project_form_asks_and_cancel_keeps_everything(qtbot: Any, context: LedgerContext,
                                                                                type_text: Any) -> None:
    from ui.ledger.project_form import ProjectForm

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    form = ProjectForm(context, None, window)
    form.show()
    type_text(qtbot, form.widgets["name"], "未保存的项目")
    errors.answers[:] = [errors.CANCEL]
    window.close()
    assert window.isVisible() and form.isVisible()
    assert errors.shown[-1][1] == "项目表有未保存的修改。要保存吗？"
    errors.answers[:] = [errors.DISCARD]
    window.close()
    assert not window.isVisible()


DRIVER = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QInputMethodEvent
    from ui.shell.app import Controller, make_application

    app = make_application()
    controller = Controller()
    window = controller.open_ledger(sys.argv[1])
    page = window.show_page("notice")
    edit = page.sections["highlights"]
    edit.setFocus()

    def type_it():
        for ch in "被杀前输入的文字":
            event = QInputMethodEvent()
            event.setCommitString(ch)
            app.sendEvent(edit, event)
        print("TYPED", flush=True)

    QTimer.singleShot(200, type_it)
    app.exec()
""")


def test_kill_9_while_typing_loses_at_most_the_last_seconds(tmp_path: Path, ledger: Ledger) -> None:
    path = ledger.path
    ledger.close()
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(driver), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == "TYPED", proc.stderr.read() if proc.poll() is not None else line  # type: ignore[union-attr]
        time.sleep(AUTOSAVE_MS / 1000 + 2.0)  # "wait for the autosave": a couple of seconds after typing stops
        assert proc.poll() is None, "the window exited by itself"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    with open_unlocked(path) as reopened:
        draft = load_draft(reopened, parse_period(latest_closed_quarter(date.today())))  # the period the window opened on
        assert draft is not None and "被杀前输入的文字" in draft.narrative.highlights


def test_opening_another_ledger_asks_first_and_cancel_keeps_the_window(qtbot: Any, tmp_path: Path,
                                                                       type_text: Any) -> None:
    from ui.ledger.project_form import ProjectForm
    from ui.shell.app import Controller

    controller = Controller()
    first = controller.open_ledger(str(tmp_path / "一.zsdesk.sqlite"), create=True)
    assert first is not None
    qtbot.addWidget(first)
    form = ProjectForm(first.context, None, first)
    form.show()
    type_text(qtbot, form.widgets["name"], "还没保存")
    errors.answers[:] = [errors.CANCEL]
    first.open_requested.emit(str(tmp_path / "二.zsdesk.sqlite"), True, False)  # 文件 → 打开台账 / 最近打开
    assert controller.window is first and form.isVisible()
    assert not (tmp_path / "二.zsdesk.sqlite").exists()
    errors.answers[:] = [errors.SAVE]  # 保存: the project is in the first ledger, then the second opens
    first.open_requested.emit(str(tmp_path / "二.zsdesk.sqlite"), True, False)
    second = controller.window
    assert second is not None and second is not first
    qtbot.addWidget(second)
    controller._close_current()
    with open_unlocked(tmp_path / "一.zsdesk.sqlite") as again:
        from zsdesk.queries import ProjectQuery

        with again.reading() as s:
            assert len(ProjectQuery(text="还没保存").ids(s)) == 1


def test_switching_page_keeps_the_notice_typing(qtbot: Any, ledger: Ledger, type_text: Any) -> None:
    context = LedgerContext(ledger)
    context.today = TODAY
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("notice")
    type_text(qtbot, page.sections["highlights"], "换页前")  # type: ignore[attr-defined]
    window.nav.setCurrentRow(list(NAV).index("ledger"))  # click 项目台账 in the navigation (待办 is first since issue 18)
    assert window.current_page() is window.pages["ledger"]
    assert not window.windowTitle().endswith("[未保存]")
    assert "换页前" in load_draft(ledger, parse_period("2026Q3")).narrative.highlights  # type: ignore[union-attr]
    window.nav.setCurrentRow(list(NAV).index("notice"))
    assert "换页前" in page.sections["highlights"].toPlainText()  # type: ignore[attr-defined]
    context.runner.wait()


def test_notice_settings_typing_is_kept_too(qtbot: Any, notice: NoticePage, type_text: Any) -> None:
    cc = notice.setting_edits["cc"]
    cc.clear()
    type_text(qtbot, cc, "区委办公室。")
    _pick_quarter(notice, 2)
    _pick_quarter(notice, 3)
    assert cc.text() == "区委办公室。"
    qtbot.waitUntil(lambda: not notice.unsaved(), timeout=AUTOSAVE_MS + 3000)
    again = NoticePage(notice.context)  # the app opened again
    qtbot.addWidget(again)
    assert again.setting_edits["cc"].text() == "区委办公室。"
    assert again.issue_day() == TODAY  # an untouched issue date is not frozen into the draft
