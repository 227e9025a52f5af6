"""Benchmark: ``zsdesk lifecycle`` (SPEC §9) for a quarter at 100,000 projects / 1,000,000 funding entries.

Budget (issue 18 item 9): ≤ 1 s on this machine. Measured in the same run, so a loaded machine shows in
both: the raw SQL baseline — the two statements the figures need at the least (the cohort's rows and
its funds through the period end, summed per project), run with the sqlite3 module and fetched, with
no deadline work at all.

    PYTHONPATH=. python bench/lifecycle_bench.py [--db /tmp/zsdesk-lifecycle-100k.sqlite]
                                                 [--projects 100000] [--period 2026Q3] [--runs 5]

The ledger is built once with ``zsdesk demo --projects N`` and reused. Lines printed: the engine
(``compute_lifecycle`` + ``lifecycle_to_json`` in a warm process: what the window and the notice pay),
the command (``zsdesk lifecycle --json`` as a subprocess, Python start-up included), the baseline, the
to-do list's engine (``compute_todo``), and the load average. Medians of ``--runs`` (≥ 5) runs; exit 1 when the engine's median is over budget.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zsdesk.lifecycle import compute_lifecycle, lifecycle_to_json  # noqa: E402
from zsdesk.opening import open_unlocked  # noqa: E402
from zsdesk.periods import parse_period  # noqa: E402
from zsdesk.rules import load_rules  # noqa: E402

BUDGET = 1.0


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)


def raw_baseline(db: Path, period: str, runs: int) -> tuple[list[float], list[float], int]:
    """The cohort's rows and its funds per project, by hand-written SQL on the sqlite3 module."""
    p = parse_period(period)
    with open_unlocked(db) as ledger:
        rules = load_rules(ledger, p.year)
    floor_ind, floor_non = rules.general_industrial, rules.general_non_industrial
    cohort = ("p.formal_date BETWEEN :start AND :end AND p.deleted_at IS NULL AND p.withdrawn_date IS NULL "
              "AND ((p.industrial = 1 AND p.agreement_amount >= :ind) OR (p.industrial = 0 AND "
              "p.agreement_amount >= :non) OR p.agreement_amount >= :key OR p.expected_output >= :out)")
    params = {"start": f"{p.year - 1}-01-01", "end": p.end.isoformat(), "ind": floor_ind, "non": floor_non,
              "key": rules.key.agreement_amount or 0, "out": rules.large.expected_output or 0}
    projects = (f"SELECT p.id, p.code, p.name, p.investor, p.lead_unit_id, p.agreement_amount, p.formal_date, "
                f"p.started_date, p.production_date, p.full_production_date, p.promised_start_date, "
                f"p.promised_production_date FROM projects p WHERE {cohort}")
    funds = (f"SELECT f.project_id, SUM(f.amount) FROM funding f JOIN projects p ON p.id = f.project_id "
             f"WHERE {cohort} AND f.deleted_at IS NULL AND f.date <= :end GROUP BY f.project_id")
    con = sqlite3.connect(db)
    try:
        count = len(con.execute(projects, params).fetchall())  # warm-up
        con.execute(funds, params).fetchall()
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            con.execute(projects, params).fetchall()
            con.execute(funds, params).fetchall()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    finally:
        con.close()
    return times, cpu, count


def engine(db: Path, period: str, runs: int) -> tuple[list[float], list[float], dict]:  # type: ignore[type-arg]
    with open_unlocked(db) as ledger:
        data = lifecycle_to_json(compute_lifecycle(ledger, period))  # warm-up: rules, statement compilation
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            lifecycle_to_json(compute_lifecycle(ledger, period))
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return times, cpu, data


def todo(db: Path, runs: int) -> tuple[list[float], list[float], dict[str, int]]:
    """The to-do list's engine (``compute_todo`` as of today): what the 待办 page will pay before drawing."""
    from zsdesk.lifecycle.todo import compute_todo

    with open_unlocked(db) as ledger:
        counts = compute_todo(ledger).counts()
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            compute_todo(ledger)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return times, cpu, counts


def command(db: Path, period: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _cli("lifecycle", "--db", str(db), "--period", period, "--json")
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/zsdesk-lifecycle-100k.sqlite")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--period", default="2026Q3")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(5, args.runs)
    db = Path(args.db)
    if not db.exists():
        print(f"building {args.projects} projects in {db} (zsdesk demo --projects {args.projects}) …", flush=True)
        print(_cli("demo", "--db", str(db), "--projects", str(args.projects)).stdout.strip(), flush=True)
    with sqlite3.connect(db) as con:
        n_projects = con.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
        n_funding = con.execute("SELECT COUNT(*) FROM funding").fetchone()[0]
    print(f"ledger: {n_projects} projects, {n_funding} funding entries")
    ours, ours_cpu, data = engine(db, args.period, runs)
    raw, raw_cpu, cohort_rows = raw_baseline(db, args.period, runs)
    cli = command(db, args.period, runs)
    todo_times, todo_cpu, todo_counts = todo(db, runs)
    d = data["district"]
    assert d["cohort"] == cohort_rows, (d["cohort"], cohort_rows)  # the baseline reads the same cohort
    m_ours, m_raw, m_cli = (statistics.median(t) for t in (ours, raw, cli))
    print(f"lifecycle {args.period}: cohort {d['cohort']} projects, {len(data['units'])} units, "
          f"{len(data['overdue'])} overdue milestones; JSON {len(json.dumps(data, ensure_ascii=False)) // 1024} KiB")
    print(f"engine (compute_lifecycle + lifecycle_to_json) median {m_ours:.3f} s over {runs} runs "
          f"(min {min(ours):.3f}, max {max(ours):.3f}; CPU median {statistics.median(ours_cpu):.3f} s); "
          f"budget {BUDGET:.3f} s: {'OK' if m_ours <= BUDGET else 'OVER'}")
    print(f"raw SQL baseline (sqlite3, same two statements' rows, no deadlines) median {m_raw:.3f} s "
          f"(CPU median {statistics.median(raw_cpu):.3f} s); engine ÷ baseline ×{m_ours / m_raw:.1f}")
    print(f"command (zsdesk lifecycle --json, subprocess, start-up included) median {m_cli:.3f} s")
    print(f"to-do engine (compute_todo, today; {todo_counts}) median {statistics.median(todo_times):.3f} s "
          f"(CPU median {statistics.median(todo_cpu):.3f} s); budget {BUDGET:.3f} s: "
          f"{'OK' if statistics.median(todo_times) <= BUDGET else 'OVER'}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0 if m_ours <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
