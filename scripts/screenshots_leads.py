"""Screenshots of the 招商线索 page (issue 19) on the demo district: docs/screenshots/leads-*.png.

The page with the demo year's leads (stale ones coloured), a lead's follow-ups under the table, the
仅看久未跟进 filter, the lead form, and a converted lead. Run under a real X server at the small screen::

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_leads.py
"""

from __future__ import annotations

import sys
from datetime import date

from PySide6.QtWidgets import QWidget
from shot_kit import OUT, demo_context, save_shot, settle, start_app

from ui.shell.main_window import MainWindow

TODAY = date(2026, 11, 30)


def shot(widget: QWidget, name: str) -> None:
    path = save_shot(widget, OUT / f"leads-{name}.png", True)
    print(path)


def main() -> int:
    app = start_app()
    with demo_context("招商科", TODAY) as context:
        window = MainWindow(context)
        window.resize(1366, 768)
        window.show()
        settle(app)
        page = window.show_page("leads")
        settle(app)
        model = page.model  # type: ignore[attr-defined]
        page.filters.status.setCurrentIndex(page.filters.status.findText("跟进中"))  # type: ignore[attr-defined]
        settle(app)
        followed = next(r for r in range(model.rowCount())
                        if (lead := model.lead_row(r)) is not None and lead.last_followup is not None)
        lid = model.ids[followed]
        page.select_ids([lid], lid)  # type: ignore[attr-defined]
        page.followups.text.setText("已约下周三来区考察，带队看厂房")  # type: ignore[attr-defined]
        settle(app)
        shot(window, "page")

        page.followups.text.clear()  # type: ignore[attr-defined]
        page.filters.reset()  # type: ignore[attr-defined]
        page.filters.stale.setChecked(True)  # type: ignore[attr-defined]
        settle(app)
        first = model.ids[0] if model.ids else None
        if first is not None:
            page.select_ids([first], first)  # type: ignore[attr-defined]
        settle(app)
        shot(window, "stale")
        page.filters.reset()  # type: ignore[attr-defined]
        settle(app)

        converted = next(r for r in range(model.rowCount())
                         if (lead := model.lead_row(r)) is not None and lead.status == "converted")
        cid = model.ids[converted]
        page.select_ids([cid], cid)  # type: ignore[attr-defined]
        form = page.edit_current()  # type: ignore[attr-defined]
        settle(app)
        shot(form, "form-converted")
        form.reject()

        page.select_ids([lid], lid)  # type: ignore[attr-defined]
        new = page.new_lead()  # type: ignore[attr-defined]
        new.set_text("company", "重庆智造装备有限公司")
        new.set_text("source_id", "驻外招商")
        new.set_text("intended_investment", "1.2亿")
        new.set_text("chain_id", "")
        settle(app)
        shot(new, "form-new")
        new._left = True  # the shot needs no question
        new.reject()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
