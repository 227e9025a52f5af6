"""The landing engine, progress notes and the 无进展 flag give the same answers on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

from pg_databases import needs_pg  # the pg_url fixture is in tests/conftest.py
from sqlalchemy import select

from zsdesk import ops
from zsdesk.demo import build_demo
from zsdesk.lifecycle import compute_lifecycle, lifecycle_to_json
from zsdesk.models import Project
from zsdesk.opening import open_unlocked
from zsdesk.queries import ProjectQuery, fetch_rows

pytestmark = needs_pg
TODAY = date(2026, 11, 1)


def test_lifecycle_and_stale_flags_equal_sqlite(pg_url: str, tmp_path) -> None:
    results = []
    for target in (pg_url, tmp_path / "same.sqlite"):
        with open_unlocked(target, create=True) as ledger:
            build_demo(ledger, today=TODAY)
            with ledger.reading() as s:
                pid = s.scalar(select(Project.id).where(Project.stage == "formal").order_by(Project.id).limit(1))
            ops.add_progress(ledger, pid, date.today() - timedelta(days=1), "已完成场平")
            with ledger.reading() as s:
                stale = ProjectQuery(stale_only=True, today=TODAY).ids(s)
                row_flags = {k: v.stale for k, v in fetch_rows(s, stale[:50] + [pid], today=TODAY).items()}
            results.append((json.dumps(lifecycle_to_json(compute_lifecycle(ledger, "2026Q3")), sort_keys=True),
                            stale, row_flags))
    assert results[0] == results[1]
