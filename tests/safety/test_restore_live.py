"""Restore never under a live writer, never deleting a live -wal/-shm, and never re-issuing a
document number: real subprocess CLI runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from zsdesk.backup import create_backup, restore_backup
from zsdesk.check import check_ledger
from zsdesk.lock import lock_path
from zsdesk.opening import open_unlocked

from .conftest import remount, small_ledger
from .test_crash import build_import_ledger, write_projects_xlsx

CRASH_CHILD = Path(__file__).with_name("crash_child.py")


def env(tmp: Path) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "ZSDESK_DATA_DIR": str(tmp / "data")}


def zsdesk(tmp: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], capture_output=True, text=True,
                          env=env(tmp), timeout=timeout)


def names(path: Path) -> set[str]:
    con = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT name FROM projects")}
    finally:
        con.close()


def test_restore_during_a_running_import_never_loses_the_import(tmp_path: Path) -> None:
    ledger = build_import_ledger(tmp_path / "台账.sqlite")
    backup = create_backup(ledger, tmp_path / "b")
    # Long enough that the restore's own start (a new Python process, ~1 s on a loaded host) comes while the
    # import still writes: 2,000 rows imported faster than that once batch inserts got quicker (all three
    # restores then found no writer, and CI failed on "never met").
    rows = 8000
    xlsx = write_projects_xlsx(tmp_path / "导入.xlsx", ledger, rows=rows)
    outcomes = []
    for attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "zsdesk", "import", "projects", str(xlsx), "--db", str(ledger)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(tmp_path))
        deadline = time.monotonic() + 30
        while not lock_path(ledger).exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2 * attempt)
        restore = zsdesk(tmp_path, "restore", str(backup.path), "--db", str(ledger), "--folder", str(tmp_path / "b"))
        out, err = proc.communicate(timeout=300)
        imported = proc.returncode == 0
        outcomes.append((proc.returncode, restore.returncode))
        assert restore.returncode in (0, 2), restore.stderr
        assert proc.returncode in (0, 2), err
        if restore.returncode == 2:
            assert "正由" in restore.stderr or "占用" in restore.stderr, restore.stderr
        if imported:
            # The import's rows are in the ledger, or in the copy the restore kept of it.
            where = [ledger] + sorted((tmp_path / "b").glob("*恢复前*.sqlite"))
            assert any(f"导入项目{rows - 1:05d}" in names(p) for p in where), (outcomes, restore.stderr, err)
        assert check_ledger(ledger).healthy
    print(f"(import, restore) exit codes: {outcomes}")
    assert any(r == 2 for _, r in outcomes), f"restore never met the running import: {outcomes}"


def test_restore_writes_into_the_live_file_and_keeps_its_wal(tmp_path: Path) -> None:
    ledger = small_ledger(tmp_path / "台账.sqlite")
    backup = create_backup(ledger, tmp_path / "b")
    reader = open_unlocked(ledger, read_only=True)  # another program has the file open, reading
    with open_unlocked(ledger) as led:
        from zsdesk import ops

        ops.create_project(led, {"name": "备份之后", "investor": "乙"})
    inode = ledger.stat().st_ino
    result = restore_backup(backup.path, ledger, tmp_path / "b")
    assert ledger.stat().st_ino == inode, "the live file was replaced, not written into"
    assert "备份之后" in names(result.previous_copy)  # type: ignore[arg-type]
    assert "备份之后" not in names(ledger)
    with reader.reading() as s:  # the reader that had the file open reads the restored ledger
        assert s.execute(text("SELECT count(*) FROM projects")).scalar() == 3
    reader.close()
    assert check_ledger(ledger).healthy
    with open_unlocked(ledger) as led:
        from zsdesk import ops

        ops.create_project(led, {"name": "恢复之后", "investor": "丙"})
    assert check_ledger(ledger).healthy
    assert "恢复之后" in names(ledger)


def test_restore_refuses_a_read_only_ledger(tmpfs: Path, tmp_path: Path) -> None:
    ledger = small_ledger(tmpfs / "台账.sqlite")
    backup = create_backup(ledger, tmp_path / "b")
    remount(tmpfs, "ro")
    before = ledger.read_bytes()
    result = zsdesk(tmp_path, "restore", str(backup.path), "--db", str(ledger), "--folder", str(tmp_path / "b"))
    assert result.returncode == 2, result
    assert "只读" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert ledger.read_bytes() == before
    assert not list((tmp_path / "b").glob("*恢复前*"))


def issued(path: Path) -> list[str]:
    con = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT doc_number FROM issued_notices ORDER BY id")]
    finally:
        con.close()


def test_restore_keeps_issued_notices_and_never_reissues_a_number(tmp_path: Path) -> None:
    ledger = small_ledger(tmp_path / "台账.sqlite")
    db = ["--db", str(ledger)]
    first = zsdesk(tmp_path, "notice", *db, "--period", "2026Q1", "-o", str(tmp_path / "1.pdf"), "--issue")
    assert first.returncode == 0, first.stderr
    backup = create_backup(ledger, tmp_path / "b")
    second = zsdesk(tmp_path, "notice", *db, "--period", "2026Q1", "-o", str(tmp_path / "2.pdf"), "--issue")
    assert second.returncode == 0, second.stderr
    assert "〔2026〕2号" in second.stdout
    restore = zsdesk(tmp_path, "restore", str(backup.path), *db, "--folder", str(tmp_path / "b"))
    assert restore.returncode == 0, restore.stderr
    assert "〔2026〕2号" in restore.stdout  # the clerk is told the issued notice was kept
    third = zsdesk(tmp_path, "notice", *db, "--period", "2026Q1", "-o", str(tmp_path / "3.pdf"), "--issue")
    assert third.returncode == 0, third.stderr
    assert "〔2026〕3号" in third.stdout
    numbers = issued(ledger)
    assert len(numbers) == 3 and len(set(numbers)) == 3
    assert sum("〔2026〕2号" in n for n in numbers) == 1
    check = zsdesk(tmp_path, "check", *db)
    assert check.returncode == 0, check.stdout + check.stderr
