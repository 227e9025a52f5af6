"""Screenshots of the 外出招商 page, the trip form and the 英雄榜's 招商活动 tab on the demo district:
docs/screenshots/trips-*.png and board-activity-*.png, at an office PC's 1366×768. Run under a real X server::

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_trips.py
"""

from __future__ import annotations

import sys
from datetime import date

from PySide6.QtWidgets import QWidget
from shot_kit import OUT, ROOT, demo_context, save_shot, settle, start_app

from ui.common import errors
from ui.shell.main_window import MainWindow

TODAY = date(2026, 11, 30)


def shot(widget: QWidget, name: str) -> None:
    path = save_shot(widget, OUT / f"{name}.png", True)
    print(path.relative_to(ROOT), widget.width(), "×", widget.height())


def main() -> int:
    app = start_app()
    with demo_context("录入员", TODAY) as context:
        window = MainWindow(context)
        window.resize(1366, 728)
        window.show()
        settle(app)
        page = window.show_page("trips")
        settle(app)
        table = page.table  # type: ignore[attr-defined]
        model = page.model  # type: ignore[attr-defined]
        under = next((r for r in range(model.rowCount()) if model.trip_row(r).under_quota), 0)
        table.setCurrentIndex(model.index(under, 0))
        table.selectRow(under)
        settle(app)
        print(window.status_counts.text())
        shot(window, "trips-page")
        page.filters.under.setChecked(True)  # type: ignore[attr-defined]
        settle(app)
        shot(window, "trips-under-quota")
        page.filters.reset()  # type: ignore[attr-defined]
        settle(app)

        with_leads = next((r for r in range(model.rowCount()) if model.trip_row(r).leads), 0)
        table.setCurrentIndex(model.index(with_leads, 0))
        form = page.edit_current()  # type: ignore[attr-defined]
        assert form is not None
        settle(app)
        shot(form, "trips-form")
        form.reject()

        form = page.new_trip()  # type: ignore[attr-defined]
        assert form is not None
        form.departure.setText("3.5")
        form.departure.editingFinished.emit()
        form.return_date.setText("3.7")
        form.return_date.editingFinished.emit()
        form.province.setText("广东省")
        form.city.setText("深圳市")
        form.leader.setText("王区长")
        form.level.setCurrentIndex(form.level.findData("district_leader"))
        form.units.setText("正阳工业园区")
        m = form.visit_model
        for n, (company, day, outcome) in enumerate((("深圳甲科技有限公司", "3.5", "1"), ("深圳乙电子有限公司", "3.5", "2"))):
            if n >= m.rowCount():
                m.append_row()
            m.setData(m.index(n, 0), company)
            m.setData(m.index(n, 1), day)
            m.setData(m.index(n, 2), outcome)
        m.append_row()
        form.grid.setCurrentIndex(m.index(2, 0))
        settle(app)
        shot(form, "trips-form-new")
        errors.answers.append(errors.DISCARD)
        form.reject()

        board = window.show_page("board")
        settle(app, lambda: board.board is not None and not context.runner.busy)  # type: ignore[attr-defined]
        board.tabs.setCurrentWidget(board.activity)  # type: ignore[attr-defined]
        settle(app, lambda: board.activity.activity is not None and not context.runner.busy)  # type: ignore[attr-defined]
        shot(window, "board-activity")
        context.runner.wait()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
