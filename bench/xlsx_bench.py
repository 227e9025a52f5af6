"""xlsx speed budgets (issue #5): run ``PYTHONPATH=. python bench/xlsx_bench.py``.

- export of a 100,000-project ledger < 15 s, and within 1.3× of raw openpyxl write-only writing
  the same cells (plain values, no styles) — both medians of three runs;
- dry-run import of 10,000 project rows with full checking < 5 s (median of three).

The 100k demo ledger is cached at $ZSDESK_BENCH_DB (default /tmp/zsdesk-bench-100k.sqlite).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.columns import PROJECT_COLUMNS
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.ledger_export import LEDGER_COLUMNS, export_ledger, ledger_rows

PROJECTS = int(os.environ.get("ZSDESK_BENCH_PROJECTS", "100000"))
IMPORT_ROWS = 10_000
RUNS = 3


def bench_ledger() -> Ledger:
    path = Path(os.environ.get("ZSDESK_BENCH_DB", f"/tmp/zsdesk-bench-{PROJECTS // 1000}k.sqlite"))
    if path.exists():
        return open_unlocked(path, operator="bench")
    from zsdesk.demo import build_demo

    ledger = open_unlocked(path, operator="bench", create=True)
    started = time.perf_counter()
    build_demo(ledger, projects=PROJECTS)
    print(f"built demo ledger of {PROJECTS:,} projects in {time.perf_counter() - started:.1f} s → {path}")
    return ledger


def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of this process): the machine is shared, CPU time is the steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def raw_openpyxl(rows: list[list[object]], path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("raw")
    ws.append([c.header for c in LEDGER_COLUMNS])
    for row in rows:
        ws.append(row)
    wb.save(path)


def import_file_of(ledger: Ledger, path: Path) -> None:
    """10,000 new project rows in the template's layout, names close to existing ones (worst case)."""
    with ledger.reading() as s:
        _, rows = ledger_rows(s)
        sample = [r for _, r in zip(range(IMPORT_ROWS), rows, strict=False)]
    index = {c.header: i for i, c in enumerate(LEDGER_COLUMNS)}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目")
    ws.append(["各单位招商引资项目导入表"])
    headers = [c.header for c in PROJECT_COLUMNS if c.field != "code"]
    ws.append(headers)
    for n, row in enumerate(sample):
        values = [row[index[h]] if h in index else None for h in headers]  # promised dates: not exported
        values[0] = f"{values[0]}（二期{n}）"
        ws.append(values)
    wb.save(path)


def export_vs_raw(db: Path, repeat: int = RUNS) -> tuple[list[float], list[float]]:
    """Wall seconds of our ledger export and of raw openpyxl writing the same cells, interleaved."""
    with open_unlocked(db, operator="bench") as ledger, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with ledger.reading() as s:
            _, rows = ledger_rows(s)
            materialised = list(rows)
        ours, raw = [], []
        for _ in range(repeat):
            ours.append(timed(lambda: export_ledger(ledger, out / "ledger.xlsx"))[0])
            raw.append(timed(lambda: raw_openpyxl(materialised, out / "raw.xlsx"))[0])
    return ours, raw


def import_dry_run_10k(db: Path, repeat: int = RUNS) -> list[float]:
    """Wall seconds of a dry-run import of 10,000 project rows with full checking."""
    with open_unlocked(db, operator="bench") as ledger, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.xlsx"
        import_file_of(ledger, path)
        return [timed(lambda: import_file(ledger, "projects", path))[0] for _ in range(repeat)]


def main() -> int:
    ledger = bench_ledger()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with ledger.reading() as s:
            total, rows = ledger_rows(s)
            materialised = list(rows)
        export_runs, raw_runs = [], []
        for _ in range(RUNS):  # interleaved, so a busy moment on the shared machine hits both alike
            export_runs.append(timed(lambda: export_ledger(ledger, out / "ledger.xlsx")))
            raw_runs.append(timed(lambda: raw_openpyxl(materialised, out / "raw.xlsx")))
        (export_wall, export_cpu), (raw_wall, raw_cpu) = medians(export_runs), medians(raw_runs)
        print(f"export ledger ({total:,} projects × {len(LEDGER_COLUMNS)} columns): median {export_wall:.2f} s wall, "
              f"{export_cpu:.2f} s CPU (wall runs {', '.join(f'{w:.2f}' for w, _ in export_runs)}); budget 15 s")
        print(f"raw openpyxl write-only, same cells: median {raw_wall:.2f} s wall, {raw_cpu:.2f} s CPU; "
              f"ratio {export_wall / raw_wall:.2f} wall, {export_cpu / raw_cpu:.2f} CPU (budget 1.3)")
        if export_wall >= 15:
            failures.append("export over 15 s")
        if export_wall / raw_wall > 1.3:
            failures.append("export slower than 1.3× raw openpyxl")
        import_file_of(ledger, out / "import.xlsx")
        reports: list = []
        import_runs = [timed(lambda: reports.append(import_file(ledger, "projects", out / "import.xlsx")))
                       for _ in range(RUNS)]
        report = reports[-1]
        import_median, import_cpu = medians(import_runs)
        print(f"dry-run import of {report.rows_read:,} project rows: median {import_median:.2f} s wall, "
              f"{import_cpu:.2f} s CPU (wall runs {', '.join(f'{w:.2f}' for w, _ in import_runs)}); budget 5 s; "
              f"{len(report.problems)} problems, {len(report.duplicates)} possible duplicates, "
              f"{report.would_create} to create")
        if import_median >= 5:
            failures.append("import over 5 s")
    ledger.close()
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
