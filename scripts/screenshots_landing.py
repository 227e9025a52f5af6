"""Screenshots of the landing views (issue 18) on the demo district: docs/screenshots/landing_*.png.

The window as it opens (the 待办 page first, its count in the status bar), 记进展 (Ctrl+J), the project
form's 进展 tab and the 英雄榜's 项目落地 tab with a drill-down. Run under a real X server::

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots_landing.py
    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_landing.py --1366   # landing_*_1366.png
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

import ui  # noqa: E402,F401 - the None guard first
from ui.common import errors  # noqa: E402
from ui.common.context import LedgerContext  # noqa: E402
from ui.shell.app import SMALL_SCREEN, fit_on_screen, make_application  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from zsdesk.demo import build_demo  # noqa: E402
from zsdesk.opening import open_unlocked  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
TODAY = date(2026, 11, 30)
SUFFIX = "_1366" if "--1366" in sys.argv[1:] else ""


def settle(app: QApplication, until: object = None, seconds: float = 30.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is None or until():  # type: ignore[operator]
            break
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)


def shot(widget: QWidget, name: str) -> None:
    if widget.isWindow():
        fit_on_screen(widget, SMALL_SCREEN if SUFFIX else None)
        for _ in range(10):
            QApplication.processEvents()
    path = OUT / f"landing_{name}{SUFFIX}.png"
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    app = make_application(sys.argv[:1])
    errors.MODAL = False
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_unlocked(Path(tmp) / "demo.sqlite", operator="科长", create=True)
        build_demo(ledger, today=TODAY)
        context = LedgerContext(ledger)
        context.today = TODAY
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
        ledger.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
