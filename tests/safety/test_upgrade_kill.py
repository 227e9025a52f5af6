"""A schema upgrade is all-or-nothing: killed at any statement (a real SIGKILL of a real
``zsdesk`` process), the ledger keeps its old version and data; the next open upgrades it; and
retries reuse the one 升级前备份 instead of writing a new copy per attempt."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from zsdesk.migrate import alembic_config, head_revision, transactional_sqlite_engine

from .conftest import small_ledger

CHILD = Path(__file__).with_name("upgrade_child.py")
OLD = "0002"


def env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}


def make_old(path: Path) -> Path:
    """A ledger with data, taken back to an earlier schema version."""
    small_ledger(path)
    engine = transactional_sqlite_engine(path)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, OLD)
    engine.dispose()
    return path


def state(path: Path) -> tuple[str, bool, int, int]:
    con = sqlite3.connect(path)  # a normal opener: rolls back what a killed process left
    try:
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        columns = {r[1] for r in con.execute("PRAGMA table_info(projects)")}
        projects = con.execute("SELECT count(*) FROM projects").fetchone()[0]
        funding = con.execute("SELECT count(*) FROM funding").fetchone()[0]
    finally:
        con.close()
    return version, "signed_date" in columns, projects, funding


def upgrade_copies(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if "升级前备份" in p.name and not p.name.endswith(".partial"))


def run_child(path: Path, stop_at: int) -> str:
    proc = subprocess.Popen([sys.executable, str(CHILD), str(path), str(stop_at)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env())
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.startswith("PAUSED"):
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        return line
    out = proc.stdout.read()  # not communicate(): it would skip what readline() buffered
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert proc.wait(120) == 0, err
    return line + out


def test_kill_at_every_statement_of_an_upgrade_leaves_the_old_version(tmp_path: Path) -> None:
    # How many writing statements the upgrade runs, measured on a copy of the same ledger.
    probe = make_old(tmp_path / "probe" / "台账.sqlite")
    out = run_child(probe, 0)
    assert "WRITES " in out, out
    writes = int(out.split("WRITES ")[1].split()[0])
    assert writes >= 3, out
    assert state(probe)[:2] == (head_revision(), True)

    path = make_old(tmp_path / "ledger" / "台账.sqlite")
    before = state(path)
    assert before == (OLD, False, 3, 3)
    for n in range(1, writes + 1):
        line = run_child(path, n)
        assert line.startswith("PAUSED"), line
        assert state(path) == before, f"killed after statement {n} ({line.strip()}): half an upgrade was kept"
        assert len(upgrade_copies(path)) == 1, f"attempt {n} wrote another 升级前备份: {upgrade_copies(path)}"
    out = run_child(path, 0)  # nobody kills it now
    assert state(path) == (head_revision(), True, 3, 3)
    assert len(upgrade_copies(path)) == 1
    copy = upgrade_copies(path)[0]
    assert f"升级前备份-{OLD}-" in copy.name
    assert state(copy) == before  # the copy is the old ledger, readable


def test_a_changed_ledger_gets_a_new_copy_but_a_retry_does_not(tmp_path: Path) -> None:
    path = make_old(tmp_path / "台账.sqlite")
    assert run_child(path, 1).startswith("PAUSED")
    assert len(upgrade_copies(path)) == 1
    con = sqlite3.connect(path)  # the old app writes something meanwhile
    con.execute("INSERT INTO settings (key, value) VALUES ('x', '1')")
    con.commit()
    con.close()
    assert run_child(path, 1).startswith("PAUSED")
    assert len(upgrade_copies(path)) == 2, "a copy of different content is a new copy"
    assert run_child(path, 1).startswith("PAUSED")
    assert len(upgrade_copies(path)) == 2


@pytest.mark.parametrize("tool", ["check", "board"])
def test_check_compares_the_schema_with_the_recorded_version(tmp_path: Path, tool: str) -> None:
    path = small_ledger(tmp_path / "台账.sqlite")
    con = sqlite3.connect(path)
    con.execute("DROP TABLE targets")
    con.commit()
    con.close()
    args = {"check": ["check", "--db", str(path)],
            "board": ["board", "--db", str(path), "--period", "2026Q1"]}[tool]
    before = path.read_bytes()
    result = subprocess.run([sys.executable, "-m", "zsdesk", *args], capture_output=True, text=True, env=env())
    assert result.returncode == 2, result
    assert "targets" in result.stdout + result.stderr
    assert path.read_bytes() == before


def test_check_finds_a_half_applied_upgrade(tmp_path: Path) -> None:
    """What a killed upgrade left before upgrades were one transaction: the new column, the old version."""
    path = make_old(tmp_path / "台账.sqlite")
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE projects ADD COLUMN signed_date DATE")
    con.commit()
    con.close()
    result = subprocess.run([sys.executable, "-m", "zsdesk", "check", "--db", str(path)], capture_output=True,
                            text=True, env=env())
    assert result.returncode == 2, result.stdout + result.stderr
    assert "signed_date" in result.stdout and OLD in result.stdout
