"""Crash safety: SIGKILL a 5,000-project import at random moments; the ledger is sound and holds all or none."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from zsdesk.check import check_ledger
from zsdesk.ledger import Ledger

from .conftest import small_ledger

CHILD = Path(__file__).with_name("crash_child.py")
ROWS = 5000


def run_child(ledger: Path, kill_after: float | None, at_commit: bool) -> tuple[str, float]:
    """Start the import; kill it ``kill_after`` seconds after it starts writing (or after COMMITTING)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(ledger)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    last = ""
    try:
        wanted = "COMMITTING" if at_commit else "WRITING"
        while last != wanted:
            last = proc.stdout.readline().strip()
            if last == "" and proc.poll() is not None:
                break
        if kill_after is not None:
            time.sleep(kill_after)
            proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    return last, kill_after or 0.0


def imported(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM projects WHERE name LIKE '导入项目%'").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_killed_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(os.environ.get("ZSDESK_CRASH_SEED", "8"))
    template = small_ledger(tmp_path / "模板.sqlite", projects=1)
    # Kills while rows are built and flushed, kills spread over the audit writing and the commit,
    # and one run left alone to prove the import completes.
    plan: list[tuple[float | None, bool]] = [(rng.uniform(0.0, 1.5), False) for _ in range(2)]
    plan += [(rng.uniform(0.0, 3.0), True) for _ in range(3)] + [(None, True)]
    rng.shuffle(plan)
    outcomes = []
    for i, (delay, at_commit) in enumerate(plan):
        path = tmp_path / f"台账{i}.sqlite"
        shutil.copy(template, path)
        run_child(path, delay, at_commit)
        count = imported(path)  # read before anything else opens it: what the crash left
        assert count in (0, ROWS), f"kill {i} after {delay}s (commit={at_commit}) left {count} rows"
        if delay is None:
            assert count == ROWS
        report = check_ledger(path)  # integrity, foreign keys, stages, audit chain
        assert report.healthy, report.lines()
        with Ledger.open(path) as led, led.reading() as s:
            audit = s.execute(text("SELECT count(*) FROM audit_log WHERE op_label LIKE '导入%'")).scalar()
        assert audit == count, "audit rows and data are committed together"
        outcomes.append((None if delay is None else round(delay, 2), at_commit, count))
    print(f"(kill delay s, aimed at commit, rows kept): {outcomes}")
