"""A board on both cores (issue 20, zsdesk/board/beside.py): the helper process computes the funds half while
this process computes the signings; the board is the one process's, figure for figure. Nobody commits to the
ledger file meanwhile; whenever the helper cannot take the half (a writer holds the lock, a read-only opening,
a helper not ready, a helper that dies) the board is computed here alone, the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from helper_process import Spy
from import_twins import worker_fixture  # noqa: F401 - the ``worker`` fixture, shared
from sqlalchemy.orm import Session

from zsdesk.board import board_to_json, compute_board
from zsdesk.board.beside import FundsHalf, FundsJob
from zsdesk.demo import build_demo
from zsdesk.opening import open_unlocked
from zsdesk.sqlite_file import read_only_engine
from zsdesk.xlsx.check_worker import WORKER, CheckWorker

PERIODS = ("2026Q3", "2026Q1", "2025Q4", "2026M08", "2025")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("beside") / "区台账.sqlite"
    with open_unlocked(path, create=True) as ledger:
        build_demo(ledger, projects=1_500, seed=11)
    return path


def _boards(source: Any, period: str, spy: Spy) -> tuple[dict[str, Any], dict[str, Any]]:
    return board_to_json(compute_board(source, period)), board_to_json(compute_board(source, period, beside=spy))


def test_the_board_beside_is_the_board_of_one_process(demo, worker):
    with open_unlocked(demo) as ledger:
        for period in PERIODS:
            spy = Spy()
            alone, beside = _boards(ledger, period, spy)
            assert len(spy.halves) == 1 and isinstance(spy.halves[0], FundsHalf), period  # the helper did it
            assert spy.halves[0].arrived, period
            assert beside == alone, period
        assert any(u["arrived_amount"] for u in alone["units"])  # funds credited: the half is not empty


def test_nobody_commits_while_the_board_is_computed(demo, worker):
    refused: list[str] = []

    def write_meanwhile() -> None:
        other = sqlite3.connect(demo, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        except sqlite3.OperationalError as err:
            refused.append(str(err))
        finally:
            other.close()

    spy = Spy(before=write_meanwhile)
    with open_unlocked(demo) as ledger:
        alone, beside = _boards(ledger, "2026Q3", spy)
    assert refused and "locked" in refused[0]
    assert beside == alone
    write_meanwhile()  # and the lock is gone with the board
    assert len(refused) == 1


def test_a_writer_holding_the_lock_leaves_the_board_to_this_process(demo, worker):
    writer = sqlite3.connect(demo, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        spy = Spy()
        with open_unlocked(demo) as ledger:
            alone, beside = _boards(ledger, "2026Q3", spy)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert spy.jobs == []  # not asked: the board did not wait for the writer
    assert beside == alone


def test_a_read_only_opening_computes_the_board_here(demo, worker):
    engine = read_only_engine(demo)
    try:
        with Session(engine) as session:
            spy = Spy()
            alone, beside = _boards(session, "2026Q3", spy)
    finally:
        engine.dispose()
    assert spy.jobs == []
    assert beside == alone


def test_a_helper_that_dies_leaves_the_same_board_and_a_new_helper(demo, worker):
    def kill() -> None:
        proc = WORKER._proc  # noqa: SLF001 - the helper process itself
        assert proc is not None
        proc.kill()
        proc.wait()

    spy = Spy(before=kill)
    with open_unlocked(demo) as ledger:
        alone, beside = _boards(ledger, "2026Q3", spy)
        assert spy.halves == [] and len(spy.jobs) == 1  # asked, then gone: computed here
        assert beside == alone
        WORKER.wait_ready()  # a new one was started; it takes the next board
        again = Spy()
        assert board_to_json(compute_board(ledger, "2026Q3", beside=again)) == alone
        assert isinstance(again.halves[0], FundsHalf)


def test_a_helper_not_ready_is_not_waited_for(demo):
    fresh = CheckWorker()
    try:
        with fresh.board_funds(FundsJob(str(demo), None, None, {}, (), "", {})) as receive:  # type: ignore[arg-type]
            assert receive is None  # not started: started now, for the next board
        assert fresh.started
    finally:
        fresh.stop()


@pytest.mark.parametrize("helped", [False, True])
def test_last_years_figures_are_last_years_board(demo, worker, helped):
    """Last year's windows (同比) are counted apart — one GROUP BY, in the helper when there is one
    (``aggregates.district_signings``); the figures are those of last year's own board, where the same windows
    are counted project by project with their credits."""
    with open_unlocked(demo) as ledger:
        for period, before in (("2026Q3", "2025Q3"), ("2026M08", "2025M08"), ("2026", "2025")):
            spy = Spy()
            now = compute_board(ledger, period, beside=spy if helped else None)
            then = compute_board(ledger, before)
            assert now.district.last_year == then.district.figures, period
            assert now.alone.last_year == then.alone.figures, period
            assert then.district.figures.signed_projects > 0
            assert (len(spy.halves) == 1 and isinstance(spy.halves[0], FundsHalf)) if helped else not spy.jobs


def test_a_board_killed_while_it_holds_the_lock_leaves_the_ledger_writable(demo, tmp_path):
    """The window killed half-way through a board (the writer lock held, nothing written): the lock goes with the
    process, the next writer gets it at once, and the ledger is as it was."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from zsdesk.check import check_ledger

    child = tmp_path / "hold.py"
    child.write_text(
        "import sys, time\n"
        "from zsdesk.board.beside import hold_writers\n"
        "from zsdesk.opening import open_unlocked\n"
        f"with open_unlocked({str(demo)!r}) as ledger, ledger.reading() as s, hold_writers(s) as held:\n"
        "    print('held' if held else 'not held', flush=True)\n"
        "    time.sleep(60)\n", encoding="utf-8")
    with open_unlocked(demo) as ledger:
        before = board_to_json(compute_board(ledger, "2026Q3"))
    proc = subprocess.Popen([sys.executable, str(child)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        other = sqlite3.connect(demo, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # held by the board
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while True:
            try:
                other.execute("BEGIN IMMEDIATE")  # the next writer gets it
                other.execute("ROLLBACK")
                break
            except sqlite3.OperationalError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        other.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with open_unlocked(demo) as ledger:
        assert board_to_json(compute_board(ledger, "2026Q3")) == before
    assert check_ledger(demo).healthy
