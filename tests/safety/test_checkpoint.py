"""The WAL checkpoint runs on the ledger's own thread after each operation, not inside its commit."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlalchemy import text

from zsdesk import ops
from zsdesk.checkpoint import DEFERRED_PAGES
from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked


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
