"""Issue 20's lines: each operation against a raw baseline measured in the same run (ratios, not seconds).

Used by bench/run.py (``--only import_real,import_dry,board_ratio,sort_arrived,sort_lead_unit,filter_text``
and ``--pg URL``). Every function returns (our samples, baseline samples) in seconds, interleaved so a
busy moment on the shared machine hits both alike.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.columns import PROJECT_COLUMNS
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.ledger_export import LEDGER_COLUMNS, ledger_rows

Samples = tuple[list[float], list[float]]


def clock(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def raw_read(path: Path) -> None:
    """The baseline of an import: openpyxl read-only iteration of every row's values."""
    wb = load_workbook(path, read_only=True)
    for _row in wb.worksheets[0].iter_rows(values_only=True):
        pass
    wb.close()


def import_workbook(ledger: Ledger, path: Path, rows: int, tag: str, start: int = 0) -> Path:
    """``rows`` new project rows in the template's layout, copied from the ledger's rows ``start`` onwards
    with a new name each."""
    with ledger.reading() as s:
        _, source = ledger_rows(s)
        sample = [r for _, r in zip(range(start + rows), source, strict=False)][start:]
    index = {c.header: i for i, c in enumerate(LEDGER_COLUMNS)}
    headers = [c.header for c in PROJECT_COLUMNS if c.field != "code"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目")
    ws.append(["各单位招商引资项目导入表"])
    ws.append(headers)
    for n, row in enumerate(sample):
        values = [row[index[h]] if h in index else None for h in headers]
        values[0] = f"{values[0]}（{tag}{n}）"
        ws.append(values)
    wb.save(path)
    return path


def copy_sqlite(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


def import_real(target: str | Path, rows: int, repeat: int, background: list[float] | None = None,
                one_process: list[float] | None = None) -> Samples:
    """A real import (checks + write + audit) of ``rows`` new projects, a new file each run; baseline: the
    raw read of the same file. ``target`` is a scratch ledger (a copy, or a bench database).

    The clerk waits until ``import_file`` returns; the WAL checkpoint that follows on the ledger's own
    thread (zsdesk/checkpoint.py) is waited for untimed before the next file, so that it never overlaps
    a measurement, and its time goes into ``background``.

    Each run copies *other* stored projects (run i: rows i·``rows`` onwards), as a clerk's next file holds
    other projects. Until 2026-12-01 evening every run copied the same first rows with another tag, so run i's
    names were near-twins of the i−1 runs before it (``…（实测123456-1-17）`` against ``…-0-17）``): the ledger
    hints compared ~10,000 such pairs by difflib in the third run against ~100 in the first, and the runs
    measured different work (later runs slower).

    On a ledger file the import is checked by the helper process beside it (zsdesk/xlsx/check_worker.py), as
    in the window, whose import dialog starts the helper when it opens and has it read the ledger's stored
    projects ahead (zsdesk/xlsx/stored_projects.py) while the clerk picks the file: it is started, ready and
    has read ahead before the clock starts (~2–3 s of the other core, untimed). On a shared ledger (PostgreSQL) the
    helper is started and ready, and reads in the import's snapshot when the job comes. With ``one_process`` (a list),
    every other run imports with no helper — as the command line does — into that list instead, alternated
    with the helper's runs (the ledger grows by ``rows`` a run, so neither side gets the smaller ledger)."""
    got = imports_alternated([target], rows, repeat, one_process is not None)[0]
    if background is not None:
        background += got["background"]
    if one_process is not None:
        one_process += got["one"]
    return got["helper"], got["raw"]


def imports_alternated(targets: list[str | Path], rows: int, repeat: int, one_process: bool = True) \
        -> list[dict[str, list[float]]]:
    """``import_real`` on each of ``targets`` (a SQLite scratch ledger and a PostgreSQL one) in turn, run after
    run, so that the PostgreSQL ÷ SQLite lines compare imports made the same minute: per target the samples
    "helper" (the window's import), "one" (in one process, every other round, with ``one_process``), "raw" (the
    raw read of each helper run's file) and "background" (the checkpoint after each import, untimed)."""
    from contextlib import ExitStack

    from zsdesk.xlsx.check_worker import WORKER, read_ahead_source

    outs: list[dict[str, list[float]]] = [{"helper": [], "one": [], "raw": [], "background": []} for _ in targets]
    rounds = repeat * (2 if one_process else 1)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        ledgers = [stack.enter_context(open_unlocked(t, operator="bench")) for t in targets]
        files = [[import_workbook(ledger, Path(tmp) / f"real{n}-{i}.xlsx", rows,
                                  f"实测{time.time_ns() % 10**6}-{i}-", start=i * rows) for i in range(rounds)]
                 for n, ledger in enumerate(ledgers)]
        try:
            for i in range(rounds):
                alone = one_process and i % 2 == 1
                for ledger, paths, out in zip(ledgers, files, outs, strict=True):
                    path = paths[i]
                    if alone:
                        WORKER.stop()
                    else:
                        out["raw"].append(clock(partial(raw_read, path)))
                        if not WORKER.wait_ready(read_ahead_source(ledger)):
                            raise RuntimeError("the import helper did not read the ledger ahead")
                    t0 = time.perf_counter()
                    report = import_file(ledger, "projects", path, dry_run=False)
                    out["one" if alone else "helper"].append(time.perf_counter() - t0)
                    t1 = time.perf_counter()
                    if ledger.checkpointer is not None:
                        ledger.checkpointer.wait_idle()
                    out["background"].append(time.perf_counter() - t1)
                    if not report.written:
                        raise RuntimeError(f"bench import refused: {report.problems[:3]}")
        finally:
            WORKER.stop()
    return outs


def import_dry(target: str | Path, rows: int, repeat: int) -> Samples:
    ours, raw = [], []
    with tempfile.TemporaryDirectory() as tmp, open_unlocked(target, operator="bench") as ledger:
        path = import_workbook(ledger, Path(tmp) / "dry.xlsx", rows, "试运行")
        import_file(ledger, "projects", path)  # warm-up
        for _ in range(repeat):
            raw.append(clock(lambda: raw_read(path)))
            ours.append(clock(lambda: import_file(ledger, "projects", path)))
    return ours, raw


def raw_board_sql(year: int) -> Any:
    """One pass over the year's funding joined to its projects, summed by lead unit."""
    return text("SELECT p.lead_unit_id, SUM(f.amount) FROM funding f JOIN projects p ON p.id = f.project_id "
                "WHERE f.deleted_at IS NULL AND p.deleted_at IS NULL AND f.date BETWEEN :start AND :end "
                "GROUP BY p.lead_unit_id").bindparams(start=date(year, 1, 1), end=date(year, 12, 31))


def boards_alternated(targets: list[str | Path], period: str, repeat: int, helper: bool = True) -> list[list[float]]:
    """One period's board on each of ``targets``, board after board in turn (as ``table_queries_alternated``);
    with ``helper``, as the window computes it: its funds half in the helper process (started and ready)."""
    from contextlib import ExitStack

    from zsdesk.board import compute_board
    from zsdesk.xlsx.check_worker import WORKER

    beside = WORKER.board_funds if helper else None
    if helper:
        WORKER.wait_ready()
    outs: list[list[float]] = [[] for _ in targets]
    with ExitStack() as stack:
        ledgers = [stack.enter_context(open_unlocked(t, operator="bench")) for t in targets]
        for ledger in ledgers:
            compute_board(ledger, period, beside=beside)
        for _ in range(repeat):
            for ledger, out in zip(ledgers, outs, strict=True):
                out.append(clock(partial(compute_board, ledger, period, beside=beside)))
    return outs


def board_vs_raw(target: str | Path, period: str, repeat: int) -> dict[str, list[float]]:
    """One period's board as the window computes it ("helper": its funds half in the helper process) and in one
    process ("one": the command line), and the raw join + GROUP BY ("raw"), in turn."""
    from zsdesk.board import compute_board
    from zsdesk.xlsx.check_worker import WORKER

    WORKER.wait_ready()
    got: dict[str, list[float]] = {"helper": [], "one": [], "raw": []}
    with open_unlocked(target, operator="bench") as ledger:
        compute_board(ledger, period)
        compute_board(ledger, period, beside=WORKER.board_funds)
        statement = raw_board_sql(int(period[:4]))
        with ledger.reading() as s:
            s.execute(statement).all()
        for _ in range(repeat):
            with ledger.reading() as s:
                got["raw"].append(clock(lambda s=s: s.execute(statement).all()))
            got["helper"].append(clock(lambda: compute_board(ledger, period, beside=WORKER.board_funds)))
            got["one"].append(clock(lambda: compute_board(ledger, period)))
    return got


def table_queries(target: str | Path, repeat: int) -> dict[str, list[float]]:
    """The ledger table's sort by 累计到位 and 牵头单位, the text filter and the filter by unit (ids of the whole
    view), and on SQLite the table's first screens."""
    return table_queries_alternated([target], repeat)[0]


def table_queries_alternated(targets: list[str | Path], repeat: int) -> list[dict[str, list[float]]]:
    """``table_queries`` on each of ``targets`` (a SQLite ledger and a PostgreSQL one), call after call in turn, so
    that a busy moment of the shared machine hits both alike: the PostgreSQL ÷ SQLite lines compare calls made
    the same second, not runs made minutes apart (those ratios of a few milliseconds swung 0.9–2.8× between runs).
    The unit: the lead unit of the first project by code (the same demo project on either database)."""
    from contextlib import ExitStack

    from zsdesk.models import Project
    from zsdesk.queries import ProjectQuery
    from zsdesk.queries.first_screen import first_screen

    outs: list[dict[str, list[float]]] = [{} for _ in targets]
    with ExitStack() as stack:
        sessions = []
        for target in targets:
            ledger = stack.enter_context(open_unlocked(target, operator="bench"))
            sessions.append((ledger, stack.enter_context(ledger.reading())))
        cases: list[dict[str, Callable[[], Any]]] = []
        for ledger, s in sessions:
            first = s.get(Project, s.execute(ProjectQuery(sort="code").select().limit(1)).scalar())
            queries = {"sort_arrived": ProjectQuery(sort="arrived_amount", descending=True),
                       "sort_lead_unit": ProjectQuery(sort="lead_unit"),
                       "filter_text": ProjectQuery(text="玻纤"),
                       "filter_unit": ProjectQuery(unit_id=first.lead_unit_id if first else None)}
            calls: dict[str, Callable[[], Any]] = {key: partial(q.ids, s) for key, q in queries.items()}
            if ledger.engine.dialect.name == "sqlite":  # the table's first screens (the text: SQLite's index only)
                total = ProjectQuery().count(s)
                by_arrived = ProjectQuery(sort="arrived_amount", descending=True)
                calls["filter_text_screen"] = partial(first_screen, s, ProjectQuery(text="玻纤"), 100)
                calls["sort_arrived_screen"] = partial(first_screen, s, by_arrived, 100, total=total)
            cases.append(calls)
        for key in cases[0]:
            for calls in cases:
                if key in calls:
                    calls[key]()  # warm
            for _ in range(repeat):
                for calls, out in zip(cases, outs, strict=True):
                    if key in calls:
                        out.setdefault(key, []).append(clock(calls[key]))
    return outs
