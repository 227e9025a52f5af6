"""Benchmark: the quarterly notice for 300 units and ~1,000 projects signed in the quarter.

Budget (issue #4): the whole notice — board, content and PDF — renders in under 3 seconds on this machine.

    PYTHONPATH=. python bench/notice_bench.py [--db /tmp/zsdesk-notice-bench.sqlite] [--projects 12000]
                                              [--period 2026Q3] [--runs 5] [-o notice.pdf]

The ledger is built once with ``zsdesk.demo.build_demo`` (above 5,000 projects the demo has 300 units and
2,000 persons; 12,000 projects over 2024—2026 put about 1,000 signings in 2026Q3) and reused on later runs.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402

from zsdesk.board import compute_board  # noqa: E402
from zsdesk.demo import build_demo  # noqa: E402
from zsdesk.notice import default_fontset, render_notice  # noqa: E402
from zsdesk.notice.quarterly import build_quarterly_notice  # noqa: E402
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period

BUDGET = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/zsdesk-notice-bench.sqlite")
    parser.add_argument("--projects", type=int, default=12_000)
    parser.add_argument("--period", default="2026Q3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-o", "--output", help="also write the notice here, to look at it")
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        print(f"building {args.projects} projects in {path} …", flush=True)
        with open_unlocked(path, operator="bench", create=True) as ledger:
            print(build_demo(ledger, projects=args.projects, today=date(2026, 11, 1)), flush=True)
    fonts = default_fontset()
    issue_date = date(2026, 10, 8)
    # Not read-only: a ledger built by an older zsdesk is upgraded (migrated) on opening. Nothing else is written.
    with open_unlocked(path, operator="bench") as ledger:
        board = compute_board(ledger, args.period)
        print(f"{args.period}: {len(board.units)} units, {len(board.persons)} persons, "
              f"{board.alone.figures.signed_projects} projects signed in {board.alone.period.label}")
        build_times, render_times, totals = [], [], []
        pdf = b""
        for _ in range(args.runs):
            t0 = time.perf_counter()
            doc, _figures = build_quarterly_notice(ledger, parse_period(args.period), issue_date=issue_date, fonts=fonts)
            t1 = time.perf_counter()
            pdf = render_notice(doc, fonts)
            t2 = time.perf_counter()
            build_times.append(t1 - t0)
            render_times.append(t2 - t1)
            totals.append(t2 - t0)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if args.output:
        Path(args.output).write_bytes(pdf)
    total = statistics.median(totals)
    print(f"content (board + tables), median of {args.runs}: {statistics.median(build_times):.2f} s")
    print(f"PDF composition and rendering, median:        {statistics.median(render_times):.2f} s")
    print(f"whole notice, median:                          {total:.2f} s  ({pages} pages, {len(pdf):,} bytes)")
    verdict = "PASS" if total < BUDGET else "FAIL"
    print(f"{verdict}: budget {BUDGET:.1f} s")
    return 0 if total < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
