"""One writer: a second instance is told who holds the ledger and opens it read-only or waits."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from zsdesk import ops
from zsdesk.errors import LedgerError, LedgerLocked
from zsdesk.lock import acquire_writer_lock, lock_path, read_holder
from zsdesk.opening import open_unlocked

HOLDER = """
import sys, time
from zsdesk.lock import acquire_writer_lock
lock = acquire_writer_lock(sys.argv[1])
print("HELD", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
print("RELEASED", flush=True)
"""


def start_holder(ledger: Path, seconds: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(ledger), str(seconds)],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "HELD"
    return proc


def test_second_instance_is_told_who_holds_it_and_can_read(ledger_file: Path) -> None:
    proc = start_holder(ledger_file, 30)
    try:
        with pytest.raises(LedgerLocked) as info:
            acquire_writer_lock(ledger_file)
        message = str(info.value)
        assert f"进程 {proc.pid}" in message and socket.gethostname() in message and "只读" in message
        # What the window does next: open read-only; reading works, writing is refused clearly.
        with open_unlocked(ledger_file, read_only=True) as led:
            with led.reading() as s:
                assert s.execute(text("SELECT count(*) FROM projects")).scalar() == 3
            with pytest.raises(LedgerError, match="只读"):
                ops.create_unit(led, {"name": "抢写", "kind": "部门"})
    finally:
        proc.kill()
        proc.wait()


def test_waiting_gets_the_lock_when_the_holder_closes(ledger_file: Path) -> None:
    proc = start_holder(ledger_file, 0.6)
    try:
        started = time.monotonic()
        with acquire_writer_lock(ledger_file, wait_seconds=10) as lock:
            assert time.monotonic() - started >= 0.3
            assert read_holder(ledger_file) == lock.holder
    finally:
        proc.wait()
    assert not lock_path(ledger_file).exists()


def test_lock_of_a_killed_instance_is_taken_over(ledger_file: Path) -> None:
    proc = start_holder(ledger_file, 30)
    proc.kill()  # crashed: its lock file stays behind
    proc.wait()
    held = read_holder(ledger_file)
    assert held is not None and held.pid == proc.pid
    with acquire_writer_lock(ledger_file) as lock:
        assert lock.holder.pid == os.getpid()


def test_lock_from_another_pc_is_not_taken_over(ledger_file: Path) -> None:
    lock_path(ledger_file).write_text(json.dumps(
        {"host": "KEZHANG-PC", "pid": 4242, "user": "王科长", "since": "2026-03-01T09:30:00"}), encoding="utf-8")
    with pytest.raises(LedgerLocked, match="王科长.*KEZHANG-PC"):
        acquire_writer_lock(ledger_file)


def test_half_written_lock_file_is_stale_only_when_old(ledger_file: Path) -> None:
    file = lock_path(ledger_file)
    file.write_text("", encoding="utf-8")
    with pytest.raises(LedgerLocked, match="未知"):
        acquire_writer_lock(ledger_file)
    old = time.time() - 60
    os.utime(file, (old, old))
    with acquire_writer_lock(ledger_file):
        pass


def test_release_never_removes_someone_elses_lock(ledger_file: Path) -> None:
    lock = acquire_writer_lock(ledger_file)
    # Another instance took it over (e.g. after wrongly judging ours stale).
    lock_path(ledger_file).write_text(json.dumps(
        {"host": "OTHER", "pid": 1, "user": "别人", "since": "2026-01-01T00:00:00"}), encoding="utf-8")
    lock.release()
    assert lock_path(ledger_file).exists()


def test_the_same_process_cannot_take_it_twice(ledger_file: Path) -> None:
    with acquire_writer_lock(ledger_file):
        with pytest.raises(LedgerLocked):
            acquire_writer_lock(ledger_file)
