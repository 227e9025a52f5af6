"""``zsdesk init`` on a PostgreSQL database that already holds a ledger refuses (exit 2), changing nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def _zsdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)


def test_init_refuses_a_populated_server_database(pg_url: str) -> None:
    first = _zsdesk("init", "--db", pg_url)
    assert first.returncode == 0, first.stderr
    assert "已新建台账" in first.stdout
    _zsdesk("demo", "--db", pg_url, "--projects", "30")
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        before = conn.scalar(text("SELECT count(*) FROM audit_log"))
    again = _zsdesk("init", "--db", pg_url)
    assert again.returncode == 2
    assert "已新建台账" not in again.stdout
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "已有台账" in lines[0] and "未做任何修改" in lines[0], again.stderr
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM audit_log")) == before
    engine.dispose()
