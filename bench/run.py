"""Municipal-scale benchmark: every speed budget of issue 9, measured, with PASS/FAIL.

    python bench/run.py                    # build a 100k ledger in bench/out/, measure everything
    python bench/run.py --reuse            # reuse bench/out/municipal.sqlite if it is there
    python bench/run.py --growth           # also board and filter at 1k / 10k / 100k projects
    python bench/run.py --only board,filter_text

Prints a table of medians with the budget beside each and writes bench/out/results.json.
Timings are wall-clock medians of several runs on this machine; the window steps run in a
separate process (offscreen Qt) so their memory and start-up are measured as a user sees them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zsdesk.periods import parse_period

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DOCS = ROOT / "docs" / "benchmarks.md"
PERIOD = "2026Q3"


@dataclass
class Step:
    key: str
    title: str
    budget: float  # seconds, or MB for memory, or a ratio
    unit: str = "s"
    samples: list[float] = field(default_factory=list)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def verdict(self) -> str:
        if self.median is None:
            return "N/A"
        return "PASS" if self.median <= self.budget else "FAIL"


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)


def build_ledger(path: Path, projects: int) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    run_cli("demo", "--db", str(path), "--projects", str(projects))
    return time.perf_counter() - t0


def probe(mode: str, db: Path, timeout: int = 300) -> dict[str, Any]:
    """Run bench/window_probe.py in its own process; it prints one JSON object."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "window_probe.py"), mode, str(db)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "probe failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the steps ------------------------------------------------------------------------------

def measure_queries(db: Path, steps: dict[str, Step], repeat: int) -> None:
    from zsdesk.opening import open_unlocked
    from zsdesk.queries import ProjectQuery

    with open_unlocked(db) as ledger, ledger.reading() as s:
        unit_id = s.execute(ProjectQuery(sort="code").select().limit(1)).scalar()
        from zsdesk.models import Project
        unit_id = s.get(Project, unit_id).lead_unit_id
        cases = {
            "filter_text": ProjectQuery(text="玻纤"),
            "filter_stage": ProjectQuery(stages=("started",)),
            "filter_unit": ProjectQuery(unit_id=unit_id),
            "sort_amount": ProjectQuery(sort="agreement_amount", descending=True),
        }
        for key, query in cases.items():
            steps[key].samples = timed(lambda q=query: q.ids(s), repeat)
            steps[key].extra["rows"] = len(query.ids(s))


def measure_board(db: Path, step: Step, repeat: int) -> None:
    from zsdesk.board import compute_board
    from zsdesk.opening import open_unlocked

    with open_unlocked(db) as ledger:
        step.samples = timed(lambda: compute_board(ledger, PERIOD), repeat)
        board = compute_board(ledger, PERIOD)
        step.extra = {"units": len(board.units), "persons": len(board.persons)}


def measure_notice(step: Step, repeat: int) -> None:
    """The budget's notice: 300 units and about 1,000 projects signed in the quarter (a 12k-project ledger)."""
    from zsdesk.board import compute_board
    from zsdesk.notice.quarterly import render_quarterly_notice
    from zsdesk.opening import open_unlocked

    db = OUT / "notice-12k.sqlite"
    if not db.exists():
        build_ledger(db, 12_000)
    with open_unlocked(db) as ledger:
        step.samples = timed(lambda: render_quarterly_notice(ledger, parse_period(PERIOD)), repeat)
        board = compute_board(ledger, PERIOD)
        step.extra = {"units": len(board.units), "signed_in_quarter": board.alone.figures.signed_projects,
                      "bytes": len(render_quarterly_notice(ledger, parse_period(PERIOD)))}


def measure_export(db: Path, steps: dict[str, Step], repeat: int) -> None:
    try:
        from bench.xlsx_bench import export_vs_raw  # type: ignore[import-not-found]
    except ImportError as err:
        steps["export"].note = steps["export_ratio"].note = f"not yet available: {err}"
        return
    ours, raw = export_vs_raw(db, repeat)
    steps["export"].samples = ours
    steps["export_ratio"].samples = [statistics.median(ours) / statistics.median(raw)]
    steps["export_ratio"].extra["raw_openpyxl_s"] = round(statistics.median(raw), 2)


def measure_import(db: Path, step: Step, repeat: int) -> None:
    try:
        from bench.xlsx_bench import import_dry_run_10k  # type: ignore[import-not-found]
    except ImportError as err:
        step.note = f"not yet available: {err}"
        return
    step.samples = import_dry_run_10k(db, repeat)


def measure_window(db: Path, demo_db: Path, steps: dict[str, Step], repeat: int) -> None:
    if not (ROOT / "bench" / "window_probe.py").exists():
        for key in ("first_screen", "scroll", "memory", "startup"):
            steps[key].note = "not yet available: bench/window_probe.py"
        return
    first, scroll, memory, startup = [], [], [], []
    for _ in range(repeat):
        big = probe("ledger", db)
        first.append(big["first_screen_s"])
        scroll.append(big["scroll_s"])
        memory.append(big["peak_rss_mb"])
        startup.append(probe("startup", demo_db)["startup_s"])
    steps["first_screen"].samples = first
    steps["scroll"].samples = scroll
    steps["memory"].samples = memory
    steps["startup"].samples = startup


def measure_lifecycle(db: Path, steps: dict[str, Step], repeat: int) -> None:
    """Issue 18's lines: the engine against hand-written SQL of the same rows, measured in the same run."""
    sys.path.insert(0, str(ROOT / "bench"))
    import lifecycle_bench

    raw, _raw_cpu, cohort = lifecycle_bench.raw_baseline(db, PERIOD, repeat)
    ours, cpu, _data = lifecycle_bench.engine(db, PERIOD, repeat)
    steps["lifecycle"].samples = ours
    steps["lifecycle"].extra.update(cohort=cohort, cpu_median_s=round(statistics.median(cpu), 3))
    steps["lifecycle_ratio"].samples = [statistics.median(ours) / statistics.median(raw)]
    steps["lifecycle_ratio"].extra["raw_sql_s"] = round(statistics.median(raw), 3)
    todo_times, todo_cpu, counts = lifecycle_bench.todo(db, repeat)
    steps["todo"].samples = todo_times
    steps["todo"].extra.update(counts, cpu_median_s=round(statistics.median(todo_cpu), 3))


def make_steps() -> dict[str, Step]:
    steps = [
        Step("build", "build the 100k ledger (zsdesk demo --projects 100000)", 60),
        Step("first_screen", "open the ledger, first screen of the table (offscreen window)", 1.5),
        Step("filter_text", "filter the table by text", 0.150),
        Step("filter_stage", "filter the table by stage", 0.150),
        Step("filter_unit", "filter the table by unit", 0.150),
        Step("sort_amount", "sort by agreement amount", 0.150),
        Step("scroll", "scroll the whole table (data() of every visible cell, 100 pages)", 1.0),
        Step("board", f"one period's leaderboard ({PERIOD}: all units, persons, extra boards)", 1.0),
        Step("notice", "quarterly notice PDF (300 units, ~1,000 signed projects listed)", 3.0),
        Step("export", "export the ledger to xlsx", 15.0),
        Step("export_ratio", "… ÷ raw openpyxl write-only of the same cells", 1.3, unit="×"),
        Step("import", "import 10,000 project rows with full checking (dry run)", 5.0),
        Step("memory", "peak memory of the window with the 100k ledger open", 600, unit="MB"),
        Step("startup", "start-up to a usable window on the demo district", 1.5),
        Step("lifecycle", f"项目落地 figures ({PERIOD}: cohort, 四率, overdue list; the engine)", 1.0),
        Step("lifecycle_ratio", "… ÷ raw SQL of the cohort and its funds in the same run", 4.0, unit="×"),
        Step("todo", "the 待办 list (overdue, stale, due within 30 days, by unit)", 1.0),
    ]
    return {s.key: s for s in steps}


def growth(repeat: int) -> list[dict[str, Any]]:
    from zsdesk.board import compute_board
    from zsdesk.opening import open_unlocked
    from zsdesk.queries import ProjectQuery

    rows = []
    for n in (1_000, 10_000, 100_000):
        db = OUT / f"growth-{n}.sqlite"
        if not db.exists():
            build_ledger(db, n)
        with open_unlocked(db) as ledger, ledger.reading() as s:
            board = statistics.median(timed(lambda: compute_board(ledger, PERIOD), repeat))
            text = statistics.median(timed(lambda: ProjectQuery(text="玻纤").ids(s), repeat))
            sort = statistics.median(timed(lambda: ProjectQuery(sort="agreement_amount").ids(s), repeat))
        rows.append({"projects": n, "board_s": round(board, 4), "filter_text_s": round(text, 4),
                     "sort_amount_s": round(sort, 4)})
    return rows


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:.0f} {unit}"


def render_docs(results: dict[str, Any], steps: dict[str, Step], grown: list[dict[str, Any]]) -> str:
    machine = results["machine"]
    lines = [
        "# 性能基准 / Benchmarks",
        "",
        f"Measured {results['date']} on `{machine['node']}`: {machine['cores']} cores, Python {machine['python']}, "
        f"Debian 12 — the same 2-core machine kind CI uses. Ledger: `zsdesk demo --projects "
        f"{results['projects']:,}` (300 units, 2,000 persons, ~1,000,000 funding entries). Medians of several runs; "
        "the window steps run in their own process with the offscreen Qt platform.",
        "",
        "| operation | median | budget | result |",
        "|---|---:|---:|---|",
    ]
    for step in steps.values():
        note = f" ({step.note})" if step.note else ""
        lines.append(f"| {step.title}{note} | {fmt(step.median, step.unit)} | {fmt(step.budget, step.unit)} "
                     f"| {step.verdict} |")
    if grown:
        lines += ["", "## Growth", "", "| projects | board | filter by text | sort by amount |", "|---:|---:|---:|---:|"]
        for row in grown:
            lines.append(f"| {row['projects']:,} | {row['board_s'] * 1000:.0f} ms | {row['filter_text_s'] * 1000:.0f} ms "
                         f"| {row['sort_amount_s'] * 1000:.0f} ms |")
    lines += ["", "## How to run", "", "```bash",
              "python bench/run.py --growth --docs      # builds bench/out/municipal.sqlite, ~5 minutes",
              "python bench/run.py --reuse --only board # one step, reusing the ledger",
              "```", "",
              "Each step prints PASS/FAIL against its budget; `bench/out/results.json` holds every sample. "
              "Budgets are not unit tests: timings on a shared machine vary, so they live here. Other "
              "engineers' scripts give more detail per area: `bench/board_bench.py`, `bench/xlsx_bench.py`, "
              "`bench/notice_bench.py`, `bench/window_ledger_bench.py`.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="reuse bench/out/municipal.sqlite")
    parser.add_argument("--growth", action="store_true", help="also measure at 1k / 10k / 100k projects")
    parser.add_argument("--only", default="", help="comma-separated step keys")
    parser.add_argument("--docs", action="store_true", help="also write docs/benchmarks.md")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db, demo_db = OUT / "municipal.sqlite", OUT / "district.sqlite"
    steps = make_steps()
    only = set(filter(None, args.only.split(",")))

    def wanted(*keys: str) -> bool:
        return not only or bool(only & set(keys))

    if args.reuse and db.exists():
        steps["build"].note = "reused an existing ledger (not timed)"
    else:
        steps["build"].samples = [build_ledger(db, args.projects)]
    if not demo_db.exists():
        run_cli("demo", "--db", str(demo_db))
    if wanted("filter_text", "filter_stage", "filter_unit", "sort_amount"):
        measure_queries(db, steps, args.repeat)
    if wanted("board"):
        measure_board(db, steps["board"], args.repeat)
    if wanted("notice"):
        measure_notice(steps["notice"], max(3, args.repeat // 2))
    if wanted("export", "export_ratio"):
        measure_export(db, steps, 3)
    if wanted("import"):
        measure_import(db, steps["import"], 3)
    if wanted("lifecycle", "lifecycle_ratio", "todo"):
        measure_lifecycle(db, steps, args.repeat)
    if wanted("first_screen", "scroll", "memory", "startup"):
        measure_window(db, demo_db, steps, 3)
    grown = growth(3) if args.growth else []

    print(f"\nzsdesk benchmark — {args.projects:,} projects — {platform.node()} ({os.cpu_count()} cores), "
          f"Python {platform.python_version()}, {datetime.now():%Y-%m-%d %H:%M}\n")
    print(f"{'operation':<66} {'median':>10} {'budget':>10}  result")
    for step in steps.values():
        if only and step.key not in only and step.key != "build":
            continue
        line = f"{step.title:<66} {fmt(step.median, step.unit):>10} {fmt(step.budget, step.unit):>10}  {step.verdict}"
        print(line + (f"   ({step.note})" if step.note else ""))
    if grown:
        print(f"\n{'projects':>10} {'board':>10} {'filter text':>12} {'sort amount':>12}")
        for row in grown:
            print(f"{row['projects']:>10,} {row['board_s'] * 1000:>8.0f} ms {row['filter_text_s'] * 1000:>10.0f} ms "
                  f"{row['sort_amount_s'] * 1000:>10.0f} ms")
    results = {
        "date": date.today().isoformat(), "machine": {"node": platform.node(), "cores": os.cpu_count(),
                                                      "python": platform.python_version()},
        "projects": args.projects,
        "steps": [{"key": s.key, "title": s.title, "median": s.median, "unit": s.unit, "budget": s.budget,
                   "result": s.verdict, "samples": s.samples, "note": s.note, **s.extra} for s in steps.values()],
        "growth": grown,
    }
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten: {OUT / 'results.json'}")
    if args.docs:
        DOCS.write_text(render_docs(results, steps, grown), encoding="utf-8")
        print(f"written: {DOCS}")
    return 0 if all(s.verdict != "FAIL" for s in steps.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
