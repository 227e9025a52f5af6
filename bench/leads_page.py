"""The 招商线索 page at municipal scale (issue 19): the window's first screen and its filters over 100,000 leads.

    QT_QPA_PLATFORM=offscreen python bench/leads_page.py            # build bench/out/leads_page.sqlite, measure
    QT_QPA_PLATFORM=offscreen python bench/leads_page.py --reuse    # reuse it

Budgets are the ledger table's: the page built and painted (first screen) ≤ 1.5 s, a filter (one ids query,
the model reset and the visible rows painted) ≤ 150 ms. Medians of several runs; the real widgets, offscreen.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
TODAY = date(2026, 11, 20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = OUT / "leads_page.sqlite"
    OUT.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and path.exists()):
        from bench.activity import build

        print(f"building {args.leads:,} leads beside {args.projects:,} projects: {build(path, args.projects, args.leads, 2000):.1f} s")

    from PySide6.QtWidgets import QApplication

    from ui.activity.leads_page import LeadsPage
    from ui.common.context import LedgerContext
    from zsdesk.opening import open_unlocked

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with open_unlocked(path) as ledger:
        context = LedgerContext(ledger)
        context.today = TODAY

        def first_screen() -> float:
            t0 = time.perf_counter()
            page = LeadsPage(context)
            page.resize(1230, 560)
            page.show()
            app.processEvents()
            page.table.viewport().repaint()
            took = time.perf_counter() - t0
            page.close()
            page.deleteLater()
            app.processEvents()
            return took

        first = [first_screen() for _ in range(args.repeat)]
        page = LeadsPage(context)
        page.resize(1230, 560)
        page.show()
        app.processEvents()
        print(f"{len(page.model.ids):,} leads")
        bar = page.filters

        def timed(change: object) -> float:
            t0 = time.perf_counter()
            change()  # type: ignore[operator]
            page.table.viewport().repaint()
            took = time.perf_counter() - t0
            bar.reset()
            app.processEvents()
            return took

        cases = {
            "filter 状态 跟进中": lambda: bar.status.setCurrentIndex(bar.status.findText("跟进中")),
            "filter 负责单位": lambda: bar.unit.setCurrentIndex(1),
            "filter 线索来源": lambda: bar.source.setCurrentIndex(1),
            "filter 产业链": lambda: bar.chain.setCurrentIndex(1),
            "filter 近90天": lambda: bar.age.setCurrentIndex(bar.age.findText("近90天")),
            "filter 仅看久未跟进": lambda: bar.stale.setChecked(True),
            "filter text 智能装备 (Enter)": lambda: (bar.text.setText("智能装备"), bar.text.returnPressed.emit()),
            "sort by 最后跟进": lambda: page.table.sortByColumn(10, page.table.horizontalHeader().sortIndicatorOrder()),
        }
        print(f"{'first screen (page built, shown, painted)':44s} {statistics.median(first) * 1000:8.0f} ms  budget 1500 ms")
        for title, change in cases.items():
            samples = [timed(change) for _ in range(args.repeat)]
            print(f"{title:44s} {statistics.median(samples) * 1000:8.0f} ms  budget  150 ms")
        page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
