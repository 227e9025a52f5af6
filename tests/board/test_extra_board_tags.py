"""The extra boards' investor tags are read only for the projects first signed in the window, after the signings
scan (brd4): the boards equal the ones worked out by the SQL flags of every counting project (``extra_boards``
without the scan's flags: one ``EXISTS`` per tag), on SQLite and on PostgreSQL — with tagged projects first signed
before the window, started in it only, signed in last year's window, withdrawn, or not signed at all."""
from __future__ import annotations

from typing import Any

from zsdesk import ops
from zsdesk.board import compute_board
from zsdesk.board.boards import extra_boards
from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.rules import load_rules

BIG, NEW = "世界500强", "专精特新"  # default dictionary: flags "big" and "new"


def _fill(ledger: Ledger) -> None:
    for name in ("甲", "乙"):
        ops.create_unit(ledger, {"name": name, "short_name": name, "kind": "部门"})

    def project(name: str, **fields: Any) -> None:
        ops.create_project(ledger, {"name": name, "investor": f"{name}公司", "lead_unit_id": "甲", **fields})

    project("大而新", formal_date="2026-02-05", agreement_amount="2亿", tag_ids=f"{BIG}、{NEW}")
    project("只大", framework_date="2026-03-01", agreement_amount="3000", tag_ids=BIG, lead_unit_id="乙")
    project("只新", formal_date="2026-01-20", agreement_amount="3000", tag_ids=NEW)
    project("不计", formal_date="2026-01-21", agreement_amount="600", tag_ids=f"{BIG}、{NEW}")  # below every size class
    project("去年框架今年正式", framework_date="2025-11-01", formal_date="2026-02-01", agreement_amount="2亿",
            tag_ids=BIG)  # first signed before the window: on no first-signed board
    project("去年同期", formal_date="2025-02-01", agreement_amount="2亿", tag_ids=f"{BIG}、{NEW}")  # last year's window
    project("只开工", framework_date="2024-05-01", started_date="2026-03-10", agreement_amount="25亿", tag_ids=NEW)
    project("未签约", agreement_amount="2亿", tag_ids=BIG)
    project("无标签", formal_date="2026-02-10", agreement_amount="2亿")
    project("窗口后", formal_date="2026-05-10", agreement_amount="2亿", tag_ids=NEW)


def _check(ledger: Ledger) -> None:
    board = compute_board(ledger, "2026Q1")
    with ledger.reading() as session:
        window = (board.period.start, board.period.end)
        expected = extra_boards(session, load_rules(session, 2026), window)
    assert repr(board.extra_boards) == repr(expected)
    names = {k: sorted(p.name for p in b.projects) for k, b in board.extra_boards.items()}
    assert names == {"big": ["只大", "大而新"], "new": ["只新", "大而新"], "major_started": ["只开工"]}


def test_tags_read_after_the_scan(ledger: Ledger) -> None:
    _fill(ledger)
    _check(ledger)


def test_tags_read_after_the_scan_postgres(pg_url: str) -> None:
    with open_unlocked(pg_url, operator="测试员", create=True) as ledger:
        _fill(ledger)
        _check(ledger)
