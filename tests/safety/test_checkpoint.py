"""The WAL checkpoint runs on the ledger's own thread after each operation, not inside its commit."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.checkpoint import DEFERRED_PAGES
from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.ops.history import operation
from zsdesk.ops.projects import insert_projects_in

from .conftest import small_ledger

CHILD = Path(__file__).with_name("crash_child.py")


def _in_main_file(path: Path, name: str) -> bool:
    """Whether the ledger file itself (not its -wal) holds a project of this name: ``immutable`` reads
    the file's pages only, as they are after the last checkpoint."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM projects WHERE name = ?", (name,)).fetchone()[0] == 1
    finally:
        conn.close()


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "zsdesk-wal-checkpoint"]


def test_a_commit_reaches_the_file_through_the_thread(ledger: Ledger) -> None:
    assert ledger.path is not None and ledger.checkpointer is not None
    with ledger.reading() as s:  # the commit itself checkpoints only past DEFERRED_PAGES
        assert s.execute(text("PRAGMA wal_autocheckpoint")).scalar() == DEFERRED_PAGES
    ops.create_project(ledger, {"name": "落盘测试项目", "investor": "某公司"})
    assert ledger.checkpointer.wait_idle(timeout=30)
    assert ledger.checkpointer.runs >= 1 and ledger.checkpointer.failures == 0
    # A few pages: SQLite's own automatic checkpoint (1,000 pages) would have left them in the WAL.
    assert _in_main_file(ledger.path, "落盘测试项目")
    with ledger.reading() as s:  # and the ledger reads it as always
        assert s.execute(text("SELECT count(*) FROM projects WHERE name = '落盘测试项目'")).scalar() == 1


def test_closing_stops_the_thread_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "台账.sqlite"
    before = len(_checkpoint_threads())
    led = open_unlocked(path, operator="测试员", create=True)
    for n in range(5):
        ops.create_project(led, {"name": f"关闭前项目{n}", "investor": "某公司"})
    assert len(_checkpoint_threads()) == before + 1
    led.close()
    assert len(_checkpoint_threads()) == before
    assert led.checkpointer is None
    for n in range(5):  # SQLite's last-connection checkpoint after ours: the file holds it all, no -wal left
        assert _in_main_file(path, f"关闭前项目{n}")
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_a_reading_opening_has_no_thread(ledger: Ledger) -> None:
    assert ledger.path is not None
    with open_unlocked(ledger.path, read_only=True) as reader:
        assert reader.checkpointer is None


def test_requests_while_a_checkpoint_runs_are_not_lost(ledger: Ledger) -> None:
    """Writes committed while the thread is busy get their own run: the last write reaches the file."""
    assert ledger.path is not None and ledger.checkpointer is not None
    for n in range(20):
        ops.create_project(ledger, {"name": f"连续保存{n}", "investor": "某公司"})
    assert ledger.checkpointer.wait_idle(timeout=30)
    assert _in_main_file(ledger.path, "连续保存19")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_killed_during_the_background_checkpoint_loses_nothing(tmp_path: Path) -> None:
    """A 5,000-project operation commits (~8,000 WAL pages); the process is SIGKILLed at moments spread over
    the checkpoint its thread then runs. Everything committed is there, the file is sound, and another
    writer opens it and writes at once."""
    template = small_ledger(tmp_path / "模板.sqlite", projects=3)
    outcomes = []
    for i, delay in enumerate((0.0, 0.02, 0.06, 0.12, 0.25)):
        path = tmp_path / f"台账{i}.sqlite"
        shutil.copy(template, path)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        proc = subprocess.Popen([sys.executable, str(CHILD), str(path), "--stay"], stdout=subprocess.PIPE,
                                text=True, env=env)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "CHECKPOINTING":
                break
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait(timeout=60)
        outcomes.append((delay, "CHECKPOINTED" in rest))
        # SQLite replays the WAL: the commit is whole. (``with sqlite3.connect()`` alone would leave the
        # connection open, so the ledger's close below would not be the last one and skip SQLite's own
        # last-connection checkpoint: closing() makes it close.)
        with closing(sqlite3.connect(path)) as con:
            assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 3 + 5000
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check_ledger(path).healthy
        with open_unlocked(path, operator="测试员") as led:  # the next writer goes on
            ops.create_project(led, {"name": "杀掉之后", "investor": "某公司"})
        assert _in_main_file(path, "杀掉之后")
    print(f"(kill delay s, checkpoint finished before the kill): {outcomes}")
    assert not all(done for _, done in outcomes), "no kill landed inside the checkpoint"


def test_another_writer_during_the_checkpoint(ledger: Ledger) -> None:
    """Another tool writes through its own connection while our thread checkpoints: both writes stay."""
    assert ledger.path is not None and ledger.checkpointer is not None
    with operation(ledger, "批量") as op:
        insert_projects_in(op, [{"name": f"批量{i}", "investor": "某公司"} for i in range(2000)])
    other = sqlite3.connect(ledger.path, timeout=10)
    try:
        with other:
            other.execute("UPDATE projects SET notes = '另一工具' WHERE name = '批量7'")
    finally:
        other.close()
    ops.create_project(ledger, {"name": "之后再存", "investor": "某公司"})
    assert ledger.checkpointer.wait_idle(timeout=60) and ledger.checkpointer.failures == 0
    with ledger.reading() as s:
        assert s.execute(text("SELECT count(*) FROM projects WHERE name LIKE '批量%'")).scalar() == 2000
        assert s.execute(text("SELECT notes FROM projects WHERE name = '批量7'")).scalar() == "另一工具"
    assert _in_main_file(ledger.path, "之后再存")
