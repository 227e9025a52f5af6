"""Benchmark: one period's board (all units, persons, extra boards) on a municipal-scale ledger.

Budget (issue #3): under 1 second on this machine for 100,000 projects / 1,000,000 funding entries.

    PYTHONPATH=. python bench/board_bench.py [--db /tmp/zsdesk-bench-100k.sqlite] [--projects 100000]
                                             [--period 2025Q3] [--runs 5] [--growth]

The ledger is built once with ``zsdesk.demo.build_demo`` and reused on later runs. ``--growth`` also
times the board at 1,000 and 10,000 projects (ledgers built beside ``--db``) and prints the ratios.
Other processes may share the machine: the wall-clock median is the verdict, the CPU-time median and
the load average are printed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zsdesk.board import board_to_json, compute_board  # noqa: E402
from zsdesk.demo import build_demo  # noqa: E402
from zsdesk.ledger import Ledger  # noqa: E402
from zsdesk.opening import open_unlocked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/zsdesk-bench-100k.sqlite")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--period", default="2025Q3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--growth", action="store_true", help="also time 1,000 and 10,000 projects")
    parser.add_argument("--proposed-index", action="store_true",
                        help="measure on a copy with the covering index proposed to the lead: "
                             "funding(date, project_id, amount, deleted_at) — not in the schema yet")
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        print(f"building {args.projects} projects in {path} …", flush=True)
        with open_unlocked(path, operator="bench", create=True) as ledger:
            summary = build_demo(ledger, projects=args.projects)
            print(summary, flush=True)
    if args.proposed_index:
        import sqlite3

        copy = path.with_suffix(".indexed.sqlite")
        if not copy.exists():
            with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
                src.backup(dst)  # a plain file copy would miss pages still in the -wal file
            with sqlite3.connect(copy) as con:
                con.execute("CREATE INDEX IF NOT EXISTS ix_funding_date_cover "
                            "ON funding (date, project_id, amount, deleted_at)")
        path = copy
    with open_unlocked(path, operator="bench") as ledger:
        with ledger.reading() as s:
            from sqlalchemy import func, select

            from zsdesk.models import Funding, Project

            print(f"ledger: {s.scalar(select(func.count(Project.id)))} projects, "
                  f"{s.scalar(select(func.count(Funding.id)))} funding entries")
        times, cpu = measure(ledger, args.period, args.runs)
        board = compute_board(ledger, args.period)
        t0 = time.perf_counter()
        board_to_json(board)
        json_time = time.perf_counter() - t0
    median = statistics.median(times)
    print(f"board {args.period}: {len(board.units)} units, {len(board.persons)} persons, "
          f"extra boards {[len(b.projects) for b in board.extra_boards.values()]}")
    print(f"compute_board median {median:.3f} s over {args.runs} runs (min {min(times):.3f}, max {max(times):.3f}; "
          f"CPU median {statistics.median(cpu):.3f} s; load {os.getloadavg()[0]:.2f}); board_to_json {json_time:.3f} s; "
          f"budget 1.000 s: {'OK' if median < 1 else 'OVER'}")
    if args.growth:
        growth(path, args.projects, median, args.period, args.runs)
    return 0 if median < 1 else 1


def measure(ledger: Ledger, period: str, runs: int) -> tuple[list[float], list[float]]:
    compute_board(ledger, period)  # warm-up: rules, statement compilation
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        compute_board(ledger, period)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return times, cpu


def growth(path: Path, projects: int, median: float, period: str, runs: int) -> None:
    rows = []
    for n in (1_000, 10_000):
        small = path.with_name(f"{path.stem}-growth-{n}.sqlite")
        if not small.exists():
            with open_unlocked(small, operator="bench", create=True) as ledger:
                build_demo(ledger, projects=n)
        with open_unlocked(small, operator="bench") as ledger:
            rows.append((n, statistics.median(measure(ledger, period, runs)[0])))
    rows.append((projects, median))
    print(f"{'projects':>10} {'board':>10} {'per 1k projects':>16}")
    for n, t in rows:
        print(f"{n:>10,} {t * 1000:>8.0f} ms {t * 1000 / (n / 1000):>13.2f} ms")
    print(f"growth 10k→{projects // 1000}k: ×{rows[2][1] / rows[1][1]:.1f} for ×{projects / 10_000:.0f} the projects")


if __name__ == "__main__":
    sys.exit(main())
