"""Shared ledgers on PostgreSQL run through the same code as SQLite files (SPEC §7).

Needs a server: CI starts one (``ZSDESK_TEST_PG=1 bash scripts/test.sh`` → scripts/pg_test_server.sh)
and passes ``ZSDESK_TEST_PG_URL``; without it these tests skip with that reason.
"""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from zsdesk import ops
from zsdesk.board import board_to_json, compute_board
from zsdesk.check import check_ledger
from zsdesk.demo import build_demo
from zsdesk.errors import ConflictError
from zsdesk.models import Project
from zsdesk.opening import open_unlocked

SERVER = os.environ.get("ZSDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not SERVER, reason="no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")
TODAY = date(2026, 11, 1)




def test_demo_board_is_identical_to_sqlite(pg_url: str, tmp_path) -> None:
    boards = []
    for target in (pg_url, tmp_path / "same.sqlite"):
        with open_unlocked(target, create=True) as ledger:
            build_demo(ledger, today=TODAY)
            boards.append(json.dumps(board_to_json(compute_board(ledger, "2025Q3")), sort_keys=True))
    assert boards[0] == boards[1]
    assert check_ledger(pg_url).healthy


def test_operations_undo_and_a_second_clerks_stale_edit(pg_url: str) -> None:
    with open_unlocked(pg_url, operator="甲", create=True) as ledger:
        build_demo(ledger, today=TODAY)
        ops.create_unit(ledger, {"name": "新建园区", "kind": "园区"})  # ids continue after the demo's
        pid = ops.create_project(ledger, {"name": "共享台账项目", "investor": "某公司", "formal_date": "2026-03-01",
                                          "lead_unit_id": "新建园区", "agreement_amount": "2亿"}).ids("project")[0]
        ops.update_project(ledger, pid, {"notes": "第一次"})
        ops.undo(ledger)
        ops.redo(ledger)
        with ledger.reading() as s:
            seen = s.get(Project, pid).version
        # Two clerks opened the same project; the first saves, the second must not overwrite silently.
        ops.update_project(ledger, pid, {"notes": "甲的修改"}, expected_version=seen)
        with pytest.raises(ConflictError, match="其他人修改"):
            ops.update_project(ledger, pid, {"notes": "乙的修改"}, expected_version=seen)
        with ledger.reading() as s:
            assert s.get(Project, pid).notes == "甲的修改"
    assert check_ledger(pg_url).healthy  # audit hash chain included
