"""Municipal-scale benchmark: every speed budget of issue 9, measured, with PASS/FAIL.

    python bench/run.py                    # build a 100k ledger in bench/out/, measure everything
    python bench/run.py --reuse            # reuse bench/out/municipal.sqlite if it is there
    python bench/run.py --growth           # also board and filter at 1k / 10k / 100k projects
    python bench/run.py --only board,filter_text
    python bench/run.py --reuse --only import_real,import_dry,board_ratio,sort_arrived,sort_lead_unit,filter_text
    python bench/run.py --reuse --pg postgresql+psycopg://user:pw@127.0.0.1:5432/postgres   # + PostgreSQL lines

Prints a table of medians with the budget beside each and writes bench/out/results.json. Issue 20's
lines are ratios to a raw baseline measured in the same run (raw openpyxl read of the same file, a raw
join + GROUP BY, the same line on SQLite): each prints median, baseline, ratio, budget and PASS/FAIL.
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
    # A ratio line (issue 20): ``samples`` are ours in seconds, ``baseline`` the raw samples of the same run;
    # the budget is on median(ours) / median(baseline).
    baseline: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline) if self.baseline else None

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.baseline_median:
            return None
        return self.median / self.baseline_median

    @property
    def verdict(self) -> str:
        value = self.ratio if self.unit == "×" and self.baseline else self.median
        if value is None:
            return "N/A"
        return "PASS" if value <= self.budget else "FAIL"

    def shown(self) -> tuple[str, str, str, str]:
        """(median, baseline, ratio, budget) as printed."""
        own = "s" if self.baseline else self.unit
        return (fmt(self.median, own), fmt(self.baseline_median, "s"), fmt(self.ratio, "×"),
                fmt(self.budget, self.unit))


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
        steps["filter_text_screen"].samples = timed(lambda: text_screen(s), repeat)


def text_screen(session: Any) -> None:
    """The ledger table's text filter (玻纤) as the window runs it: the count and the first block of 100 ids."""
    from zsdesk.queries import ProjectQuery
    from zsdesk.queries.first_screen import first_screen

    if first_screen(session, ProjectQuery(text="玻纤"), 100) is None:
        raise RuntimeError("the text filter took no first screen")


def measure_board(db: Path, steps: dict[str, Step], repeat: int) -> None:
    """The board as the window computes it (its funds half in the helper process), in one process (the command
    line), and the raw join + GROUP BY it is measured against, in turn."""
    from bench import speed_bench
    from zsdesk.board import compute_board
    from zsdesk.opening import open_unlocked

    boards = speed_bench.board_vs_raw(db, PERIOD, max(5, repeat))
    steps["board"].samples = list(boards["helper"])
    steps["board_one"].samples, steps["board_one"].baseline = list(boards["one"]), boards["raw"]
    steps["board_ratio"].samples, steps["board_ratio"].baseline = list(boards["helper"]), boards["raw"]
    with open_unlocked(db) as ledger:
        board = compute_board(ledger, PERIOD)
        steps["board"].extra = {"units": len(board.units), "persons": len(board.persons)}


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


def measure_speed(db: Path, steps: dict[str, Step], repeat: int, wanted: Callable[..., bool]) -> None:
    """Issue 20's lines on SQLite (the real import works on a copy of the ledger)."""
    from bench import speed_bench  # type: ignore[import-not-found]

    if wanted("import_real"):
        copy = speed_bench.copy_sqlite(db, OUT / "import-scratch.sqlite")
        background: list[float] = []
        one_process: list[float] = []
        steps["import_real"].samples, steps["import_real"].baseline = speed_bench.import_real(
            copy, 5_000, repeat, background, one_process)
        steps["import_real"].extra["background_checkpoint_s"] = round(statistics.median(background), 3)
        steps["import_real_one"].samples, steps["import_real_one"].baseline = one_process, steps["import_real"].baseline
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if wanted("import_dry"):
        steps["import_dry"].samples, steps["import_dry"].baseline = speed_bench.import_dry(db, 10_000, repeat)
    if wanted("sort_arrived", "sort_lead_unit", "sort_arrived_screen", "filter_text", "filter_text_screen",
              "filter_unit"):
        for key, samples in speed_bench.table_queries(db, repeat).items():
            steps[key].samples = samples


def pg_database(url: str, reuse: bool, projects: int, name: str = "") -> str:
    """A bench database on the server at ``url`` (``zsdesk_bench_<n>k`` unless named), built with the demo
    unless reused. A reused one is opened first, which upgrades it to this code's schema (a database left at
    an older migration, e.g. 0009 before this session's 0010–0012, gets their indexes); the default-named one
    is rebuilt when it cannot be upgraded or holds another number of projects than ``projects`` (the old
    ``zsdesk_bench_100k`` was stamped 0009 without 0007's tables, and held 150,000 projects). A database named
    with ``--pg-name`` is never dropped for that: the run stops with the reason."""
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url

    from zsdesk.demo import build_demo
    from zsdesk.models import Project
    from zsdesk.opening import open_unlocked

    named = bool(name)
    name = name or f"zsdesk_bench_{projects // 1000}k"
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = bool(conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}))
    build = not exists or not reuse
    if exists and reuse:
        try:
            with open_unlocked(target, operator="bench") as ledger, ledger.reading() as s:
                count = s.scalar(select(func.count()).select_from(Project))
            reason = "" if count == projects else f"holds {count:,} projects, not {projects:,}"
        except Exception as err:  # noqa: BLE001 - any failure to upgrade or read: rebuilt (or said)
            reason = f"cannot be upgraded ({str(err).splitlines()[0][:120]})"
        if reason and named:
            admin.dispose()
            raise RuntimeError(f"PostgreSQL bench database {name} {reason}; not dropped (named with --pg-name)")
        if reason:
            print(f"PostgreSQL bench database {name} {reason}: rebuilding it", file=sys.stderr)
            build = True
    if build:
        with admin.connect() as conn:
            if exists:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    if build:
        with open_unlocked(target, operator="bench", create=True) as ledger:
            build_demo(ledger, projects=projects)
    # Vacuumed before any line reads it or is copied from it: a reused database kept what earlier runs and
    # experiments left. On 2026-12-02 zsdesk_speed2_real held 95,000 dead audit rows (rolled-back imports) at the end
    # of audit_log, which every fresh copy inherited: the import's read of the audit chain's head walked them
    # (84 ms against 2 ms), and the server's CPU in an import of 5,000 rows was 0.86–0.87 s against 0.73–0.76 s vacuumed.
    vacuumed = create_engine(target, isolation_level="AUTOCOMMIT")
    try:
        with vacuumed.connect() as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    finally:
        vacuumed.dispose()
    return target


def pg_scratch(url: str, target: str) -> tuple[str, Any]:
    """A throw-away copy of the bench database (``CREATE DATABASE … TEMPLATE``) and a function dropping it.
    The real import writes 5,000 projects a run: into the bench database itself, a reused one grew by
    25,000 projects a run (150,000 where SQLite had 100,000), skewing every PostgreSQL ÷ SQLite ratio."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    source = make_url(target).database
    name = f"{source}_scratch"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")

    def drop_scratch() -> None:
        # An autovacuum worker analysing the imports' rows cannot be ended by FORCE (it is not this login's): wait
        # for it, as tests/pg_databases.py does for the tests' logins (a run's lines were lost to it once).
        for attempt in range(100):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == 99:
                    raise
                time.sleep(0.2)

    drop_scratch()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))

    def drop() -> None:
        drop_scratch()
        admin.dispose()

    return make_url(target).set(database=name).render_as_string(hide_password=False), drop


PG_LINES = {"pg_board": "board_ratio", "pg_board_one": "board_one", "pg_sort_arrived": "sort_arrived", "pg_sort_lead_unit": "sort_lead_unit",
            "pg_filter_text": "filter_text", "pg_filter_unit": "filter_unit",
            "pg_import_real": "import_real", "pg_import_real_one": "import_real_one"}


def measure_pg(url: str, sqlite_db: Path, steps: dict[str, Step], repeat: int, reuse: bool, projects: int,
               name: str = "", wanted: Callable[..., bool] = lambda *keys: True) -> None:
    """The board, sort, filter and import lines on PostgreSQL; budget: within 1.5× of SQLite's median. The board
    and the table's queries run on ``sqlite_db`` and PostgreSQL in turn, call for call, and the imports import for
    import (on a copy of ``sqlite_db`` and a copy of the bench database): each line's baseline is those SQLite
    samples. With ``--only``, the lines whose SQLite line (or own key) was asked for."""
    from bench import speed_bench

    def asked(key: str) -> bool:  # both imports are measured together, alternated
        return wanted(key, key.removesuffix("_one"), PG_LINES[key], PG_LINES[key].removesuffix("_one"))

    target = pg_database(url, reuse, projects, name)
    paired: dict[str, list[float]] = {}  # SQLite's samples taken call for call with PostgreSQL's: the baselines
    if asked("pg_board"):  # as the window computes it: the funds half in the helper, on both
        paired["pg_board"], steps["pg_board"].samples = speed_bench.boards_alternated([sqlite_db, target], PERIOD,
                                                                                      repeat)
    if asked("pg_board_one"):  # in one process, on both (the command line)
        paired["pg_board_one"], steps["pg_board_one"].samples = speed_bench.boards_alternated(
            [sqlite_db, target], PERIOD, repeat, helper=False)
    if any(asked(k) for k in ("pg_sort_arrived", "pg_sort_lead_unit", "pg_filter_text", "pg_filter_unit")):
        # Calls of a few milliseconds: three times the samples.
        on_sqlite, on_pg = speed_bench.table_queries_alternated([sqlite_db, target], 3 * repeat)
        for key, samples in on_pg.items():
            steps[f"pg_{key}"].samples = samples
            paired[f"pg_{key}"] = on_sqlite[key]
    if asked("pg_import_real") or asked("pg_import_real_one"):
        scratch, drop = pg_scratch(url, target)
        try:
            copy = speed_bench.copy_sqlite(sqlite_db, OUT / "import-scratch.sqlite")
            try:
                on_sqlite, on_pg = speed_bench.imports_alternated([copy, scratch], 5_000, repeat)
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{copy}{suffix}").unlink(missing_ok=True)
            steps["pg_import_real"].samples, paired["pg_import_real"] = on_pg["helper"], on_sqlite["helper"]
            steps["pg_import_real_one"].samples, paired["pg_import_real_one"] = on_pg["one"], on_sqlite["one"]
        finally:
            drop()
    for key, base in PG_LINES.items():
        if not asked(key):
            steps[key].samples = []
            continue
        steps[key].baseline = list(paired.get(key, steps[base].samples))
        if not steps[key].baseline:
            steps[key].note = f"measure {base} on SQLite in the same run for the ratio"


def make_steps() -> dict[str, Step]:
    steps = [
        Step("build", "build the 100k ledger (zsdesk demo --projects 100000)", 60),
        Step("first_screen", "open the ledger, first screen of the table (offscreen window)", 1.5),
        Step("filter_text", "filter the table by text", 0.050),
        Step("filter_text_screen", "… its count and first screen, what the table shows (zsdesk/queries/first_screen.py)",
             0.050),
        Step("filter_stage", "filter the table by stage", 0.150),
        Step("filter_unit", "filter the table by unit", 0.150),
        Step("sort_amount", "sort by agreement amount", 0.150),
        Step("scroll", "scroll the whole table (data() of every visible cell, 100 pages)", 1.0),
        Step("board", f"one period's leaderboard ({PERIOD}: all units, persons, extra boards; as the window: "
             "funds half in the helper)", 0.35),
        # The command line's lines (not issue 20's, whose board and import are the window's): `zsdesk board` and
        # `zsdesk import` work in one process — a helper started by each command made `zsdesk import` of 5,000 rows
        # slower as a whole (2.10–2.31 s against 1.79–2.02 s, 4 alternated runs on 2026-12-02). Their budgets are
        # guards against a regression of that path: the board's ratio to the raw join (as issue 20 gives budgets,
        # its absolute median for the record), and the import's ratio at 2.5× — in one process the file's reading,
        # the check and the write come one after the other (the read alone is 1×; medians 1.98–2.14× so far).
        Step("board_one", "… the same in one process (the command line) ÷ the same raw join", 1.5, unit="×"),
        Step("notice", "quarterly notice PDF (300 units, ~1,000 signed projects listed)", 3.0),
        Step("export", "export the ledger to xlsx", 15.0),
        Step("export_ratio", "… ÷ raw openpyxl write-only of the same cells", 1.3, unit="×"),
        Step("import", "import 10,000 project rows with full checking (dry run)", 5.0),
        Step("memory", "peak memory of the window with the 100k ledger open", 350, unit="MB"),
        Step("startup", "start-up to a usable window on the demo district", 1.5),
        Step("lifecycle", f"项目落地 figures ({PERIOD}: cohort, 四率, overdue list; the engine)", 1.0),
        Step("lifecycle_ratio", "… ÷ raw SQL of the cohort and its funds in the same run", 4.0, unit="×"),
        Step("todo", "the 待办 list (overdue, stale, due within 30 days, by unit)", 1.0),
        # issue 20: ratios to a raw baseline measured in the same run
        Step("import_real", "import 5,000 project rows for real ÷ raw openpyxl read of the file", 1.5, unit="×"),
        Step("import_real_one", "… the same, checked in one process (the command line; a guard, see above)", 2.5,
             unit="×"),
        Step("import_dry", "import 10,000 project rows, dry run ÷ raw openpyxl read of the file", 1.3, unit="×"),
        Step("board_ratio", f"one period's board ({PERIOD}) ÷ raw join + GROUP BY of the year's funding", 1.5,
             unit="×"),
        Step("sort_arrived", "sort the table by 累计到位 (descending)", 0.100),
        Step("sort_lead_unit", "sort the table by 牵头单位", 0.100),
        Step("sort_arrived_screen", "… by 累计到位, the first screen the table shows (the ledger's total known)", 0.100),
        Step("pg_board", "PostgreSQL: the board ÷ the same on SQLite (both as the window: helper)", 1.5, unit="×"),
        Step("pg_board_one", "PostgreSQL: the board ÷ the same on SQLite (both in one process)", 1.5, unit="×"),
        Step("pg_sort_arrived", "PostgreSQL: sort by 累计到位 ÷ SQLite", 1.5, unit="×"),
        Step("pg_sort_lead_unit", "PostgreSQL: sort by 牵头单位 ÷ SQLite", 1.5, unit="×"),
        Step("pg_filter_text", "PostgreSQL: filter by text ÷ SQLite", 1.5, unit="×"),
        Step("pg_filter_unit", "PostgreSQL: filter by unit ÷ SQLite", 1.5, unit="×"),
        Step("pg_import_real", "PostgreSQL: import 5,000 rows for real ÷ SQLite (both as the window: helper)", 1.5,
             unit="×"),
        Step("pg_import_real_one", "PostgreSQL: … ÷ SQLite, both in one process (the command line)", 1.5, unit="×"),
    ]
    return {s.key: s for s in steps}


def growth(repeat: int, sizes: tuple[int, ...], main_db: Path) -> list[dict[str, Any]]:
    """Board, text filter, sort and a 1,000-row dry-run import at each ledger size; ledgers cached in
    bench/out (the 1M one is built once: ``--growth-1m``)."""
    import tempfile

    from bench import speed_bench
    from zsdesk.board import compute_board
    from zsdesk.opening import open_unlocked
    from zsdesk.queries import ProjectQuery
    from zsdesk.queries.first_screen import first_screen
    from zsdesk.xlsx.importer import import_file

    rows = []
    for n in sizes:
        db = main_db if n == 100_000 and main_db.exists() else OUT / f"growth-{n}.sqlite"
        if not db.exists():
            build_ledger(db, n)
        with open_unlocked(db) as ledger, tempfile.TemporaryDirectory() as tmp:
            path = speed_bench.import_workbook(ledger, Path(tmp) / "g.xlsx", 1_000, "增长")
            imported = statistics.median(timed(lambda p=path: import_file(ledger, "projects", p), repeat))
            board = statistics.median(timed(lambda: compute_board(ledger, PERIOD), repeat))
            with ledger.reading() as s:
                text = statistics.median(timed(lambda: ProjectQuery(text="玻纤").ids(s), repeat))
                # As the table does, with the ledger's total it knows: below first_screen's LAZY_FROM projects (the
                # 1k ledger) it reads every id at once; below LAZY_FROM matches (10k) it counts them, then reads them.
                total = ProjectQuery().count(s)
                screen = statistics.median(timed(lambda t=total: first_screen(s, ProjectQuery(text="玻纤"), 100, total=t)
                                                 or ProjectQuery(text="玻纤").ids(s), repeat))
                sort = statistics.median(timed(lambda: ProjectQuery(sort="arrived_amount").ids(s), repeat))
        rows.append({"projects": n, "board_s": round(board, 4), "filter_text_s": round(text, 4),
                     "filter_screen_s": round(screen, 4), "sort_arrived_s": round(sort, 4),
                     "import_1k_dry_s": round(imported, 4)})
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
        f"**Load average at the start of the run: {' '.join(f'{x:.2f}' for x in results['load_average_at_start'])}** "
        "(1, 5, 15 minutes; 2 cores shared with other jobs). Absolute times swing 2–3× with load, so issue 20's "
        "budgets are ratios to a raw baseline measured in the same run: the raw openpyxl read-only iteration of "
        "the same file (imports), a raw join + `GROUP BY` of the year's funding by lead unit (board), the same "
        "line on SQLite (PostgreSQL lines).",
        "",
        "| operation | median | baseline | ratio | budget | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for step in steps.values():
        if not step.samples and not step.note:
            continue
        note = f" ({step.note})" if step.note else ""
        median, baseline, ratio, budget = step.shown()
        lines.append(f"| {step.title}{note} | {median} | {baseline} | {ratio} | {budget} | {step.verdict} |")
    if grown:
        lines += ["", "## Growth (cost per project must not grow)", "",
                  "| projects | board | per 1k projects | filter by text (every id) | per 1k | … first screen | "
                  "sort by 累计到位 | dry-run import of 1,000 rows |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in grown:
            k = row["projects"] / 1000
            lines.append(f"| {row['projects']:,} | {row['board_s'] * 1000:.0f} ms | {row['board_s'] * 1000 / k:.2f} ms "
                         f"| {row['filter_text_s'] * 1000:.0f} ms | {row['filter_text_s'] * 1000 / k:.3f} ms "
                         f"| {row['filter_screen_s'] * 1000:.0f} ms "
                         f"| {row['sort_arrived_s'] * 1000:.0f} ms | {row['import_1k_dry_s'] * 1000:.0f} ms |")
    lines += ["", "## How to run", "", "```bash",
              "python bench/run.py --growth --docs      # builds bench/out/municipal.sqlite, ~5 minutes",
              "python bench/run.py --reuse --only board # one step, reusing the ledger",
              "python bench/run.py --reuse --only import_real,import_dry,board_ratio,sort_arrived,sort_lead_unit,"
              "filter_text --pg postgresql+psycopg://zsdesk_test:zsdesk_test@127.0.0.1:5432/postgres",
              "```", "",
              "Each step prints PASS/FAIL against its budget; `bench/out/results.json` holds every sample. "
              "Budgets are not unit tests: timings on a shared machine vary, so they live here. Other "
              "engineers' scripts give more detail per area: `bench/board_bench.py`, `bench/xlsx_bench.py`, "
              "`bench/notice_bench.py`, `bench/window_ledger_bench.py`.", ""]
    kept = DOCS.read_text(encoding="utf-8").split("\n## 项目落地与待办", 1) if DOCS.exists() else []
    if len(kept) == 2:  # issue 18's measured section, kept as it was written
        lines += ["## 项目落地与待办" + kept[1].rstrip("\n"), ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="reuse bench/out/municipal.sqlite")
    parser.add_argument("--growth", action="store_true", help="also measure at 1k / 10k / 100k projects")
    parser.add_argument("--only", default="", help="comma-separated step keys")
    parser.add_argument("--docs", action="store_true", help="also write docs/benchmarks.md")
    parser.add_argument("--pg", default="", metavar="URL",
                        help="also run the board, sort, filter and import lines on this PostgreSQL server "
                             "(a database zsdesk_bench_<n>k is created there; kept with --reuse, upgraded to this "
                             "code's schema, rebuilt if it cannot be or holds another number of projects)")
    parser.add_argument("--pg-name", default="", metavar="NAME",
                        help="the PostgreSQL bench database's name (default zsdesk_bench_<n>k)")
    parser.add_argument("--growth-1m", action="store_true", help="the growth table also at 1,000,000 projects")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()
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
    if wanted("board", "board_one", "board_ratio"):
        measure_board(db, steps, args.repeat)
    if wanted("notice"):
        measure_notice(steps["notice"], max(3, args.repeat // 2))
    if wanted("export", "export_ratio"):
        measure_export(db, steps, 3)
    if wanted("import"):
        measure_import(db, steps["import"], 3)
    if wanted("lifecycle", "lifecycle_ratio", "todo"):
        measure_lifecycle(db, steps, args.repeat)
    if wanted("import_real", "import_dry", "sort_arrived", "sort_lead_unit", "sort_arrived_screen",
              "filter_text", "filter_text_screen", "filter_unit"):
        measure_speed(db, steps, max(5, args.repeat), wanted)
    if args.pg:
        try:
            measure_pg(args.pg, db, steps, max(5, args.repeat), args.reuse, args.projects, args.pg_name, wanted)
        except Exception as err:  # noqa: BLE001 - a server problem is reported on the lines, the rest still prints
            for key in steps:
                if key.startswith("pg_"):
                    steps[key].samples, steps[key].baseline = [], []  # no verdict from half a measurement
                    steps[key].note = f"PostgreSQL failed: {str(err).splitlines()[0][:120]}"
    if wanted("first_screen", "scroll", "memory", "startup"):
        try:
            measure_window(db, demo_db, steps, 3)
        except (RuntimeError, subprocess.TimeoutExpired) as err:  # a hung window probe must not lose the run
            for key in ("first_screen", "scroll", "memory", "startup"):
                steps[key].note = f"window probe failed: {str(err).splitlines()[0][:100]}"
    sizes = (1_000, 10_000, 100_000) + ((1_000_000,) if args.growth_1m else ())
    grown = growth(3, sizes, db) if args.growth else []

    print(f"\nzsdesk benchmark — {args.projects:,} projects — {platform.node()} ({os.cpu_count()} cores), "
          f"Python {platform.python_version()}, {datetime.now():%Y-%m-%d %H:%M}; load average at the start "
          f"{load_at_start[0]:.2f} {load_at_start[1]:.2f} {load_at_start[2]:.2f}\n")
    print(f"{'operation':<72} {'median':>9} {'baseline':>9} {'ratio':>7} {'budget':>8}  result")
    for step in steps.values():
        if not step.samples and not step.note and step.key != "build":
            continue
        median, baseline, ratio, budget = step.shown()
        line = f"{step.title:<72} {median:>9} {baseline:>9} {ratio:>7} {budget:>8}  {step.verdict}"
        print(line + (f"   ({step.note})" if step.note else ""))
    if grown:
        print(f"\n{'projects':>10} {'board':>10} {'filter text':>12} {'first screen':>13} {'sort 累计到位':>12} "
              f"{'import 1k dry':>14}")
        for row in grown:
            print(f"{row['projects']:>10,} {row['board_s'] * 1000:>8.0f} ms {row['filter_text_s'] * 1000:>10.0f} ms "
                  f"{row['filter_screen_s'] * 1000:>11.0f} ms "
                  f"{row['sort_arrived_s'] * 1000:>10.0f} ms {row['import_1k_dry_s'] * 1000:>12.0f} ms")
    results = {
        "date": date.today().isoformat(), "machine": {"node": platform.node(), "cores": os.cpu_count(),
                                                      "python": platform.python_version()},
        "projects": args.projects, "load_average_at_start": list(load_at_start), "pg": bool(args.pg),
        "steps": [{"key": s.key, "title": s.title, "median": s.median, "unit": s.unit, "budget": s.budget,
                   "result": s.verdict, "samples": s.samples, "baseline": s.baseline, "ratio": s.ratio,
                   "note": s.note, **s.extra} for s in steps.values()],
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
