"""Measures the real window in its own process (offscreen Qt); prints one JSON line.

    python bench/window_probe.py startup DB   # process start → usable main window with the table filled
    python bench/window_probe.py ledger DB    # the same on a big ledger, then scroll 100 pages; peak memory

Used by bench/run.py; timing starts before any import so start-up includes importing Qt and zsdesk.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A fresh settings/data folder: no remembered ledger, no old window geometry.
os.environ.setdefault("ZSDESK_DATA_DIR", tempfile.mkdtemp(prefix="zsdesk-probe-"))


def first_screen(db: str) -> tuple[float, object, object]:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from ui.common import errors
    from ui.shell.app import Controller, make_application

    errors.MODAL = False  # a notice (the ledger was upgraded, another window holds it) must not hang the run

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ["ZSDESK_DATA_DIR"])
    app = make_application([])
    window = Controller().open_ledger(db)
    if window is None:
        raise SystemExit("the window did not open")
    window.resize(1600, 1000)
    page = window.show_page("ledger")
    table = page.table  # type: ignore[attr-defined]
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        QCoreApplication.processEvents()
        model = table.model()
        if model.rowCount() > 0 and model.data(model.index(0, 1)):
            break
    app.processEvents()
    elapsed = time.perf_counter() - T0
    QApplication.instance()
    return elapsed, table, window


def scroll(table: object) -> float:
    from PySide6.QtCore import Qt

    model = table.model()  # type: ignore[attr-defined]
    height = max(1, table.viewport().height() // max(1, table.verticalHeader().defaultSectionSize()))  # type: ignore[attr-defined]
    columns = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)]  # type: ignore[attr-defined]
    rows = model.rowCount()
    pages = 100
    step = max(height, rows // pages)
    t0 = time.perf_counter()
    for page in range(pages):
        top = min(rows - 1, page * step)
        for row in range(top, min(rows, top + height)):
            for col in columns:
                model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)
    return time.perf_counter() - t0


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM, reset by exec). Not getrusage's ru_maxrss: Linux
    carries that over fork and exec, so a probe started by a bench process that had grown to 403 MB
    reported 403 MB whatever the window used (the 433 MB of the earlier docs was bench/run.py's own)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    mode, db = sys.argv[1], sys.argv[2]
    elapsed, table, _window = first_screen(db)
    result: dict[str, float] = {}
    if mode == "startup":
        result["startup_s"] = elapsed
    else:
        result["first_screen_s"] = elapsed
        result["scroll_s"] = scroll(table)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # skip Qt teardown: not part of what is measured


if __name__ == "__main__":
    main()
