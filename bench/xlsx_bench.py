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
from zsdesk.xlsx.columns import PROJECT_COLUMNS
from zsdesk.xlsx.export_ledger import LEDGER_COLUMNS, export_ledger, ledger_rows
from zsdesk.xlsx.importer import import_file

PROJECTS = int(os.environ.get("ZSDESK_BENCH_PROJECTS", "100000"))
IMPORT_ROWS = 10_000
RUNS = 3


def bench_ledger() -> Ledger:
    path = Path(os.environ.get("ZSDESK_BENCH_DB", f"/tmp/zsdesk-bench-{PROJECTS // 1000}k.sqlite"))
    if path.exists():
        return Ledger.open(path, operator="bench")
    from zsdesk.demo import build_demo

    ledger = Ledger.open(path, operator="bench", create=True)
    started = time.perf_counter()
    build_demo(ledger, projects=PROJECTS)
    print(f"built demo ledger of {PROJECTS:,} projects in {time.perf_counter() - started:.1f} s → {path}")
    return ledger


def timed(fn, runs: int = RUNS) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


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
        values = [row[index[h]] for h in headers]
        values[0] = f"{values[0]}（二期{n}）"
        ws.append(values)
    wb.save(path)


def main() -> int:
    ledger = bench_ledger()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with ledger.reading() as s:
            total, rows = ledger_rows(s)
            materialised = list(rows)
        export_times = timed(lambda: export_ledger(ledger, out / "ledger.xlsx"))
        raw_times = timed(lambda: raw_openpyxl(materialised, out / "raw.xlsx"))
        export_median, raw_median = statistics.median(export_times), statistics.median(raw_times)
        ratio = export_median / raw_median
        print(f"export ledger ({total:,} projects × {len(LEDGER_COLUMNS)} columns): median {export_median:.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in export_times)}); budget 15 s")
        print(f"raw openpyxl write-only, same cells: median {raw_median:.2f} s; ratio {ratio:.2f} (budget 1.3)")
        if export_median >= 15:
            failures.append("export over 15 s")
        if ratio > 1.3:
            failures.append("export slower than 1.3× raw openpyxl")
        import_file_of(ledger, out / "import.xlsx")
        reports = []
        import_times = timed(lambda: reports.append(import_file(ledger, "projects", out / "import.xlsx")))
        report = reports[-1]
        import_median = statistics.median(import_times)
        print(f"dry-run import of {report.rows_read:,} project rows: median {import_median:.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in import_times)}); budget 5 s; "
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
