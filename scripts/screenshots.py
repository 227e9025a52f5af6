"""Screenshots of the clerk's window on the demo district, saved under docs/screenshots/clerk_*.png.

Run under a real X server (re-executes itself under xvfb-run when there is no display):

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots.py
    python scripts/screenshots.py --1366     # an office PC's 1366×768 screen: docs/screenshots/clerk_*_1366.png
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SMALL = "--1366" in sys.argv[1:]
SCREEN = "1366x768" if SMALL else "1600x1000"
SUFFIX = "_1366" if SMALL else ""


def main() -> int:
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        if shutil.which("xvfb-run") is None:
            print("需要 xvfb-run（apt-get install xvfb xauth）或设置 QT_QPA_PLATFORM=offscreen", file=sys.stderr)
            return 1
        return subprocess.call(["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}x24", sys.executable, __file__,
                                *sys.argv[1:]])
    sys.path.insert(0, str(ROOT))
    os.environ["ZSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="zsdesk-shots-")
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.common import errors
    from ui.files.transfer import ImportWizard
    from ui.ledger.project_form import ProjectForm
    from ui.shell.app import SMALL_SCREEN, Controller, fit_on_screen, make_application
    from ui.shell.startup import StartDialog

    errors.MODAL = False
    app = make_application()
    OUT.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(widget: QWidget, name: str) -> None:
        settle()
        if widget.isWindow():
            # what the screen allows, as the clerk sees it; at 1366×768 less a 40-pixel taskbar
            fit_on_screen(widget, SMALL_SCREEN if SMALL else None)
            settle()
        path = OUT / f"clerk_{name}{SUFFIX}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT))

    start = StartDialog(["D:/招商/台账.zsdesk.sqlite", "D:/招商/2025年台账.zsdesk.sqlite"])
    start.show()
    shot(start, "start")
    start.close()

    controller = Controller()
    window = controller.open_ledger("", create=True, demo=True)
    assert window is not None
    window.resize(1560, 940)
    window.move(10, 10)
    settle()
    ledger = window.show_page("ledger")
    shot(window, "ledger")
    if not SMALL:
        shutil.copy(OUT / "clerk_ledger.png", OUT / "ledger.png")  # the README's first picture
    ledger.filters.stale.setChecked(True)  # type: ignore[attr-defined]
    ledger.filters.stage.setCurrentIndex(1)  # type: ignore[attr-defined]
    shot(window, "ledger_stale")
    ledger.filters.reset()  # type: ignore[attr-defined]
    settle()
    pid = ledger.model.ids[3]  # type: ignore[attr-defined]
    form = ProjectForm(window.context, pid, window)
    form.show()
    shot(form, "project_form")
    form.tabs.setCurrentIndex(2)
    shot(form, "project_history")
    form.close()
    new = ProjectForm(window.context, None, window)
    new.show()
    new.widgets["name"].setText("年产5万吨高性能玻纤制品项目")  # type: ignore[attr-defined]
    new.widgets["investor"].setText("浙江丽水玻纤有限公司")  # type: ignore[attr-defined]
    new.widgets["agreement_amount"].setText("3.2亿")  # type: ignore[attr-defined]
    new.widgets["framework_date"].setText("2026-05-01")  # type: ignore[attr-defined]
    new.widgets["formal_date"].setText("2026-04-01")  # type: ignore[attr-defined]
    new.save()
    shot(new, "project_form_errors")
    new.done(0)
    funding = window.show_page("funding")
    today = window.context.today
    funding.month.setDate(QDate(today.year, max(1, today.month - 1), 1))  # type: ignore[attr-defined]
    shot(window, "funding")
    # a few everyday operations, so the operation log shows what a clerk's day leaves behind
    from zsdesk import ops

    ops.update_project(window.context.ledger, pid, {"notes": "已完成环评批复", "agreement_amount": "3.5亿"})
    ops.add_funding(window.context.ledger, {"project_id": pid, "date": today.isoformat(), "amount": "1,200"})
    window.context.announce(None)
    for key in ("units", "targets", "audit"):
        window.show_page(key)
        shot(window, key)
    from ui.files.backups import RestoreDialog, backup_now
    from ui.files.transfer import ExportDialog

    backup_now(window.context, window)
    window.context.runner.wait()
    settle()
    restore = RestoreDialog(window.context, window)
    restore.show()
    settle()
    shot(restore, "restore")
    restore.done(0)
    export = ExportDialog(window.context, None, window)
    export.show()
    shot(export, "export")
    export.done(0)
    wizard = ImportWizard(window.context, window)
    wizard.resize(1100, 640)
    wizard.show()
    shot(wizard, "import")
    # The report a clerk sees for a unit's file with mistakes: rows, columns and reasons, nothing written.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet.append(["2026年一季度招商项目报送表（城东街道）"])
    sheet.append(["项目名称", "投资方", "投资方来源", "产业链", "是否工业项目", "协议资金（万元）", "框架协议签订日期",
                  "正式合同签订日期", "牵头单位", "配合单位"])
    sheet.append(["数字乡村服务平台项目", "贵州贵阳数字科技有限公司", "市外", "数字经济", "否", "6,000万元", "2026/2/1",
                  "", "城东街道", ""])
    sheet.append(["电机生产线项目", "江苏苏州电机有限公司", "外省", "先进制造", "是", "1.2亿", "2026-05-01", "2026年3月1日",
                  "正阳工业园区", "区经信委"])
    sheet.append(["", "无名公司", "市外", "", "是", "约五千万", "", "", "", ""])
    sheet.append(["武陵山大数据中心项目", "山东临沂中盛数字科技有限公司", "市外", "数字经济", "否", "75160", "2026-03-08",
                  "", "区住房城乡建委", ""])
    bad = Path(os.environ["ZSDESK_DATA_DIR"]) / "城东街道报送.xlsx"
    book.save(bad)
    wizard.path.setText(str(bad))
    wizard.check()
    for _ in range(200):
        settle()
        if wizard.pages.currentIndex() == 1:
            break
        time.sleep(0.05)
    shot(wizard, "import_report")
    wizard.close()
    window.close()
    controller._close_current()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
