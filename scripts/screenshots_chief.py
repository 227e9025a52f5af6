"""Screenshots of the section chief's views on the demo district, saved under docs/screenshots/chief_*.png.

Run under a real X server so fonts and styles are the ones users see::

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots_chief.py
    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_chief.py --1366   # chief_*_1366.png
"""

from __future__ import annotations

import sys
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from shot_kit import OUT, demo_context, save_shot, settle, start_app

from ui.board.board_page import BoardPage
from ui.board.rules_editor import RulesEditor
from ui.common import errors
from ui.notice.notice_page import NoticePage

TODAY = date(2026, 11, 20)
SUFFIX = "_1366" if "--1366" in sys.argv[1:] else ""


def shot(widget: QWidget, name: str) -> None:
    path = save_shot(widget, OUT / f"chief_{name}{SUFFIX}.png", bool(SUFFIX))
    print(path)


def main() -> int:
    app = start_app()
    with demo_context("科长", TODAY) as context:

        board = BoardPage(context)
        board.resize(1500, 900)
        board.show()
        board.activated()
        settle(app, lambda: board.board is not None)
        print(f"board computed in {board.seconds * 1000:.0f} ms")
        shot(board, "board_units")
        board.tabs.setCurrentIndex(1)
        shot(board, "board_persons")
        board.tabs.setCurrentIndex(3)
        settle(app)
        shot(board, "board_new")
        board.tabs.setCurrentIndex(board.tabs.count() - 1)
        settle(app)
        shot(board, "board_chart")
        board.tabs.setCurrentIndex(0)
        row = next(i for i, u in enumerate(board.unit_model.rows) if u.figures.agreement_amount > 0)
        board.drill_index(board.unit_table.model().index(row, board.unit_model.column_of("agreement")))
        settle(app)
        shot(board.drill_dialog, "drill")
        board.drill_dialog.close()

        editor = RulesEditor(context, 2026, "2026Q3")
        editor.show()
        settle(app, lambda: editor.preview is not None)
        for item in ("major", "large", "key"):
            editor.items[item][0].setChecked(False)
        for item, weight in (("agreement", "30"), ("formal", "30"), ("arrived", "40")):
            editor.items[item][1].setText(weight)
        editor.edited()
        settle(app, lambda: not editor.task.pending and editor.preview is not None and editor.preview.moved > 0)
        shot(editor, "rules_editor")
        # 关闭 with edits: the real question (保存 / 不保存 / 取消), taken, then 不保存.
        errors.MODAL = True

        def answer() -> None:
            box = QApplication.activeModalWidget()
            if box is None:
                QTimer.singleShot(50, answer)
                return
            shot(box, "ask_save")
            next(b for b in box.findChildren(QPushButton) if b.text() == "不保存").click()

        QTimer.singleShot(50, answer)
        editor.reject()
        errors.MODAL = False

        board.hide()  # in the window only the current page is visible
        notice = NoticePage(context)
        notice.resize(1500, 950)
        notice.show()
        notice.activated()
        settle(app, lambda: notice.draft is not None)
        shot(notice, "notice_editor")
        edit = notice.sections["problems"]
        notice.section_tabs.setCurrentIndex(1)
        edit.moveCursor(edit.textCursor().MoveOperation.End)
        edit.insertPlainText("\n四是要素保障有短板。部分园区标准厂房不足，")
        settle(app, lambda: not notice.unsaved(), seconds=10)
        shot(notice, "notice_draft")  # 草稿已自动保存 … below the editor
        notice.section_tabs.setCurrentIndex(0)
        notice.preview.fit_page()
        settle(app)
        notice.preview.go_to(7)  # the first landscape attachment page
        settle(app)
        shot(notice.preview, "notice_preview")
        notice.tabs.setCurrentIndex(1)
        settle(app)
        shot(notice, "notice_settings")
        settle(app, lambda: not context.runner.busy)
        notice.issue()
        settle(app, lambda: notice.last_issued is not None and hasattr(notice, "archive"))
        if notice.last_issued is None:
            print("issue failed:", errors.shown)
            return 1
        notice.archive.resize(1300, 720)
        settle(app)
        shot(notice.archive, "archive")
        context.runner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
