"""A text filter keeps every sort's order (issue 20): with the text, SQLite scans the table and sorts the
matches by the same value instead of walking the sort column's index — the rows and their order must be
exactly the unfiltered sort's, restricted to the matches, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.models import Project
from zsdesk.opening import open_unlocked
from zsdesk.queries import ProjectQuery
from zsdesk.queries.projects import SORT_KEYS

TODAY = date(2026, 11, 20)


def _matches(ledger: Ledger, needle: str) -> set[int]:
    """Plain Python: the live projects whose name, investor, notes or code hold the text (ASCII case folded)."""
    with ledger.reading() as s:
        rows = s.execute(select(Project.id, Project.name, Project.investor, Project.notes, Project.code)
                         .where(Project.deleted_at.is_(None))).all()
    fold = needle.lower()
    return {r[0] for r in rows if any(fold in (v or "").lower() for v in r[1:])}


def _assert_orders(ledger: Ledger, needles: list[str]) -> None:
    with ledger.reading() as s:
        for needle in needles:
            wanted = _matches(ledger, needle)
            assert wanted, needle
            for sort in SORT_KEYS:
                for descending in (False, True):
                    full = ProjectQuery(sort=sort, descending=descending, today=TODAY).ids(s)
                    ours = ProjectQuery(text=needle, sort=sort, descending=descending, today=TODAY).ids(s)
                    assert ours == [i for i in full if i in wanted], (needle, sort, descending)


@pytest.mark.parametrize("needles", [["园", "公司", "2026-00"]])
def test_text_filter_keeps_every_sort_order_on_sqlite(ledger: Ledger, needles: list[str]) -> None:
    build_demo(ledger, projects=400, today=TODAY)
    _assert_orders(ledger, needles)


def test_text_filter_keeps_every_sort_order_on_postgresql(pg_url: str) -> None:
    with open_unlocked(pg_url, create=True) as ledger:
        build_demo(ledger, projects=150, today=TODAY)
        _assert_orders(ledger, ["园", "公司", "2026-00"])
