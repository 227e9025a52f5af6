"""Screenshots of the 招商线索 page (issue 19) on the demo district: docs/screenshots/leads-*.png.

The page with the demo year's leads (stale ones coloured), a lead's follow-ups under the table, the
仅看久未跟进 filter, the lead form, and a converted lead. Run under a real X server at the small screen::

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_leads.py
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


def settle(app: QApplication, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def shot(widget: QWidget, name: str) -> None:
    if widget.isWindow():
        fit_on_screen(widget, SMALL_SCREEN)
        for _ in range(10):
            QApplication.processEvents()
    path = OUT / f"leads-{name}.png"
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    app = make_application(sys.argv[:1])
    errors.MODAL = False
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_unlocked(Path(tmp) / "demo.sqlite", operator="招商科", create=True)
        build_demo(ledger, today=TODAY)
        context = LedgerContext(ledger)
        context.today = TODAY
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
        ledger.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
