"""Screenshots of the column-mapping import (issue 22, 第一天：导入现有台账) at 1366×768:
docs/screenshots/dayone-*.png. A bureau's own workbook (two years, 亿元, stage words, short unit names)
goes through every step of the wizard on the demo district. Run under a real X server::

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_dayone.py
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from shot_kit import settle  # noqa: E402 - waits for the window as every screenshot script does

import ui  # noqa: E402,F401 - the None guard first
from ui.common import errors  # noqa: E402
from ui.common.context import LedgerContext  # noqa: E402
from ui.files import mapping_wizard as mw  # noqa: E402
from ui.files.transfer import ImportWizard  # noqa: E402
from ui.shell.app import SMALL_SCREEN, fit_on_screen, make_application  # noqa: E402
from zsdesk.demo import build_demo  # noqa: E402
from zsdesk.opening import open_unlocked  # noqa: E402
from zsdesk.xlsx.mapping import STAGE_DATE  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
TODAY = date(2026, 11, 30)
HEADERS = ["序号", "项目名", "投资企业", "签约金额（亿元）", "签约时间", "进展情况", "开工时间", "责任单位", "所属园区",
           "客商来源", "产业", "情况说明"]


def bureau_book(path: Path) -> Path:
    rnd = random.Random(22)
    units = ["高新区", "正阳园区", "舟白园区", "商务委", "经信委", "城南", "濯水", "招商局", "区商务局"]
    parks = ["高新区", "正阳园区", "舟白园区", "农业园区"]
    words = ["已开工", "在谈", "已签约", "已投产", "签约未开工"]
    chains = ["新材料", "生物医药", "食品加工", "数字经济", "文旅", "现代物流", "中医药"]
    wb = Workbook()
    for n, year in enumerate((2024, 2025)):
        ws = wb.active if n == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = f"{year}年"
        ws.append([f"黔江区{year}年招商引资项目台账"] + [None] * (len(HEADERS) - 1))
        ws.merge_cells(f"A1:{chr(64 + len(HEADERS))}1")
        ws.append(["单位：亿元"] + [None] * (len(HEADERS) - 1))
        ws.append(HEADERS)
        for i in range(60):
            word = rnd.choice(words)
            signed = datetime(year, rnd.randint(1, 12), rnd.randint(1, 28))
            started = datetime(year + 1, rnd.randint(1, 6), rnd.randint(1, 28)) \
                if word in ("已开工", "已投产") and rnd.random() < 0.7 else None
            ws.append([i + 1, f"{rnd.choice(chains)}项目{year}-{i + 1:02d}", f"某某{rnd.choice('甲乙丙丁戊')}公司{i + 1}",
                       round(rnd.uniform(0.1, 25), 2) if rnd.random() < 0.8 else f"{rnd.randint(500, 9000)}万",
                       signed, word, started, rnd.choice(units), rnd.choice(parks),
                       rnd.choice(["省外", "市外", "区外", "本区", "外省"]), rnd.choice(chains),
                       rnd.choice([None, "续建", "重点跟踪", None])])
    wb.save(path)
    return path


def shot(app: QApplication, widget: QWidget, name: str) -> None:
    fit_on_screen(widget, SMALL_SCREEN)
    settle(app)
    path = OUT / f"dayone-{name}.png"
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    app = make_application(sys.argv[:1])
    errors.MODAL = False
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_unlocked(Path(tmp) / "demo.sqlite", operator="录入员", create=True)
        build_demo(ledger, today=TODAY)
        context = LedgerContext(ledger)
        context.today = TODAY
        book = bureau_book(Path(tmp) / "黔江区招商项目台账（2024—2025）.xlsx")
        first = ImportWizard(context)
        first.path.setText(str(book))
        first.show()
        shot(app, first, "1-choose")
        wizard = first.open_mapping()
        settle(app, lambda: bool(wizard.plans) and not context.runner.busy)
        wizard.field_combo(6).setCurrentIndex(0)  # 开工时间 feeds the stage rule
        wizard.stage_rule.setCurrentIndex(wizard.stage_rule.findData(STAGE_DATE))
        wizard.stage_date.setCurrentIndex(wizard.stage_date.findData("开工时间"))
        shot(app, wizard, "2-columns")
        wizard.next()
        combo = wizard.value_combo("区商务局")
        if combo is not None and not combo.currentData():
            combo.setCurrentIndex(combo.findData("区商务委"))
        shot(app, wizard, "3-values")
        wizard.next()
        wizard.mapping_name.setText("黔江区年度台账")
        shot(app, wizard, "4-preview")
        wizard.save_mapping()
        wizard.sheet.setCurrentIndex(1)
        settle(app)
        wizard.next()
        settle(app, lambda: wizard.pages.currentIndex() == mw.PAGE_REPORT and not context.runner.busy)
        shot(app, wizard, "5-report")
        if wizard.report is not None and wizard.report.ok:
            wizard.confirm()
            settle(app, lambda: wizard.pages.currentIndex() == mw.PAGE_DONE and not context.runner.busy)
            shot(app, wizard, "6-done")
        else:
            print("check not clean:", wizard.report.summary() if wizard.report else None)
        context.runner.wait()
        ledger.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
