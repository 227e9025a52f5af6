"""Ledger window at scale: first screen, filter, sort and scrolling on a big ledger (offscreen).

    zsdesk demo --db /tmp/big.sqlite --projects 100000
    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python bench/window_ledger_bench.py /tmp/big.sqlite

Budgets (issue #6): first screen ≤ 1.5 s, filter/sort ≤ 150 ms, scrolling data() cheap.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ZSDESK_DATA_DIR", tempfile.mkdtemp(prefix="zsdesk-bench-"))


def timed(fn: object, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main(db: str) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.common import errors
    from ui.ledger.ledger_model import COLUMN_INDEX
    from ui.shell.app import Controller, make_application
    from zsdesk.models import Unit

    errors.MODAL = False
    work = Path(tempfile.mkdtemp()) / "bench.sqlite"
    shutil.copy(db, work)
    app = make_application()
    t0 = time.perf_counter()
    window = Controller().open_ledger(str(work))
    assert window is not None
    page = window.page("ledger")
    table = page.table  # type: ignore[attr-defined]
    app.processEvents()
    table.viewport().repaint()
    first = time.perf_counter() - t0
    model = page.model  # type: ignore[attr-defined]
    rows = model.rowCount()
    results = {"rows": rows, "first_screen_s": round(first, 3)}
    base = model.query
    with window.context.ledger.reading() as s:
        unit_id = s.query(Unit.id).order_by(Unit.id).first()[0]
    cases = {
        "filter_text": replace(base, text="食品"),
        "filter_stage": replace(base, stages=("formal",)),
        "filter_unit": replace(base, unit_id=unit_id),
        "filter_size_class": replace(base, size_class="major"),
        "filter_year_quarter": replace(base, year=2025, quarter=3),
        "filter_stale": replace(base, stale_only=True),
        "sort_name": replace(base, sort="name"),
        "sort_lead_unit": replace(base, sort="lead_unit"),
        "sort_agreement_desc": replace(base, sort="agreement_amount", descending=True),
        "sort_arrived": replace(base, sort="arrived_amount", descending=True),
    }
    for name, query in cases.items():
        def run(q: object = query) -> None:
            model.set_query(q)
            table.viewport().repaint()
        results[f"{name}_ms"] = round(timed(run, 3) * 1000, 1)
    model.set_query(base)
    name_col = COLUMN_INDEX["name"]
    # Scrolling: jump through the table a screen at a time; each new page costs one fetch.
    def scroll() -> None:
        for row in range(0, min(rows, 20000), 40):
            table.scrollTo(model.index(row, name_col))
            table.viewport().repaint()
    t = time.perf_counter()
    scroll()
    screens = len(range(0, min(rows, 20000), 40))
    results["scroll_per_screen_ms"] = round((time.perf_counter() - t) / screens * 1000, 2)
    index = model.index(100, name_col)
    t = time.perf_counter()
    for _ in range(100_000):
        model.data(index, Qt.ItemDataRole.DisplayRole)
    results["cached_data_call_us"] = round((time.perf_counter() - t) / 100_000 * 1e6, 2)
    for key, value in results.items():
        print(f"{key:28s} {value}")
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
