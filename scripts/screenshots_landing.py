"""Screenshots of the landing views (issue 18) on the demo district: docs/screenshots/landing_*.png.

The window as it opens (the 待办 page first, its count in the status bar), 记进展 (Ctrl+J), the project
form's 进展 tab and the 英雄榜's 项目落地 tab with a drill-down. Run under a real X server::

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots_landing.py
    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_landing.py --1366   # landing_*_1366.png
"""

from __future__ import annotations

import sys
from datetime import date

from PySide6.QtWidgets import QWidget
from shot_kit import OUT, demo_context, save_shot, settle, start_app

from ui.shell.main_window import MainWindow

TODAY = date(2026, 11, 30)
SUFFIX = "_1366" if "--1366" in sys.argv[1:] else ""


def shot(widget: QWidget, name: str) -> None:
    path = save_shot(widget, OUT / f"landing_{name}{SUFFIX}.png", bool(SUFFIX))
    print(path)


def main() -> int:
    app = start_app()
    with demo_context("科长", TODAY) as context:
        window = MainWindow(context)
        window.resize(1600, 1000)
        window.show()
        settle(app)
        todo = window.pages["todo"]
        print(window.status_counts.text())
        shot(window, "todo")

        ledger_page = window.show_page("ledger")
        settle(app)
        table = ledger_page.table  # type: ignore[attr-defined]
        table.setCurrentIndex(table.model().index(2, 2))
        entry = ledger_page.add_progress_current()  # type: ignore[attr-defined]
        assert entry is not None
        entry.text.setText("已完成土地摘牌，施工单位下月进场")
        settle(app)
        shot(entry, "progress_entry")
        entry.save()
        pid = next(line.data(0, 257) for line in todo.project_lines()  # type: ignore[attr-defined]
                   if line.text(0) == "逾期" and line.text(7))
        from ui.ledger.project_form import ProjectForm

        form = ProjectForm(context, int(pid), window)
        form.show()
        form.tabs.setCurrentWidget(form.progress_tab)  # type: ignore[attr-defined]
        settle(app)
        shot(form, "project_progress")
        form.tabs.setCurrentIndex(0)
        settle(app)
        shot(form, "project_promised")
        form.reject()

        board = window.show_page("board")
        settle(app, lambda: board.board is not None and not context.runner.busy)  # type: ignore[attr-defined]
        board.tabs.setCurrentWidget(board.landing)  # type: ignore[attr-defined]
        settle(app, lambda: board.landing.lifecycle is not None and not context.runner.busy)  # type: ignore[attr-defined]
        shot(window, "board_tab")
        tab = board.landing  # type: ignore[attr-defined]
        row = max(range(1, tab.model.rowCount()), key=lambda r: tab.model.rows[r].figures.overdue_projects)
        dialog = tab.drill_index(tab.model.index(row, tab.model.column_of("overdue")))
        settle(app)
        shot(dialog, "drill")
        dialog.close()
        context.runner.wait()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
