"""zsdesk/ops/bulk.py: rows sent straight to SQLite's driver, or on PostgreSQL written behind from a thread of their
own, are stored exactly as Core's insert() stores them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_databases import fresh_database
from sqlalchemy import Table, event, insert, text

from zsdesk.ledger import Ledger
from zsdesk.lock import LedgerReadOnly
from zsdesk.models import Project
from zsdesk.opening import open_unlocked
from zsdesk.ops import create_project
from zsdesk.ops.bulk import insert_rows, send_behind
from zsdesk.ops.history import operation
from zsdesk.ops.projects import insert_projects_in

TABLE = cast(Table, Project.__table__)

FIELDS = {
    "name": st.text(min_size=1, max_size=12),
    "investor": st.text(max_size=8),
    "industrial": st.booleans(),
    "agreement_amount": st.integers(0, 10**13),
    "framework_date": st.none() | st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    "created_at": st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)),
    "updated_at": st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)),
    "notes": st.text(max_size=20),
    "stage": st.sampled_from(["lead", "signed"]),
}
ROW = st.fixed_dictionaries(FIELDS)


def _stored(ledger: Ledger, first: int, count: int) -> list[tuple[Any, ...]]:
    with ledger.reading() as s:
        rows = s.execute(text("SELECT * FROM projects WHERE id BETWEEN :a AND :b ORDER BY id"),
                         {"a": first, "b": first + count - 1}).all()
    return [tuple(v for k, v in row._mapping.items() if k not in ("id", "code")) for row in rows]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=5))
def test_the_same_stored_values_as_core(ledger: Ledger, rows: list[dict[str, Any]]) -> None:
    """Every column, with the ones the rows leave out filled by their defaults (version, origin, money …)."""
    with ledger.reading() as s:
        base = int(s.execute(text("SELECT coalesce(max(id), 0) FROM projects")).scalar() or 0) + 1
    core = [{**r, "id": base + i, "code": f"C{base + i}"} for i, r in enumerate(rows)]
    direct = [{**r, "id": base + 100 + i, "code": f"D{base + 100 + i}"} for i, r in enumerate(rows)]
    through_session: list[object] = []

    def seen(state: object) -> None:
        through_session.append(state)

    with operation(ledger, "测试") as op:
        op.session.execute(insert(TABLE), core)
        event.listen(op.session, "do_orm_execute", seen)
        insert_rows(op.session, TABLE, direct)
        event.remove(op.session, "do_orm_execute", seen)
    assert through_session == []  # the driver path, not Core's insert through the session
    assert _stored(ledger, base + 100, len(rows)) == _stored(ledger, base, len(rows))


def test_a_reading_opening_refuses_a_batch_in_chinese(ledger: Ledger) -> None:
    create_project(ledger, {"name": "已有项目", "investor": "某公司"})
    assert ledger.path is not None
    with open_unlocked(ledger.path, read_only=True) as reader:
        assert reader.read_only_reason is not None
        with pytest.raises(LedgerReadOnly, match="本次修改未保存"), operation(reader, "批量") as op:
            insert_projects_in(op, [{"name": "新项目", "investor": "某公司"}])


PG_TEXT = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))  # PostgreSQL's text holds no NUL
PG_ROW = st.fixed_dictionaries({
    **FIELDS,
    "name": st.text(PG_TEXT, min_size=1, max_size=12),
    "investor": st.text(PG_TEXT, max_size=8),
    "notes": st.text(PG_TEXT, max_size=20),
})


@pytest.fixture(scope="module")
def shared_ledger() -> Iterator[Ledger]:
    with fresh_database("zsdesk_bulk") as (url, _), open_unlocked(url, create=True) as ledger:
        yield ledger


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(PG_ROW, min_size=1, max_size=5))
def test_written_behind_on_postgresql_the_same_stored_values_as_core(shared_ledger: Ledger,
                                                                      rows: list[dict[str, Any]]) -> None:
    """A shared ledger's batch sent from the write-behind thread (``behind=True``) stores what Core's insert
    stores, and a statement after it sees its rows (it waits for the batch first)."""
    ledger = shared_ledger
    with ledger.reading() as s:
        base = int(s.execute(text("SELECT coalesce(max(id), 0) FROM projects")).scalar() or 0) + 1
    core = [{**r, "id": base + i, "code": f"C{base + i}"} for i, r in enumerate(rows)]
    behind = [{**r, "id": base + 100 + i, "code": f"D{base + 100 + i}"} for i, r in enumerate(rows)]
    with operation(ledger, "测试") as op:
        op.session.execute(insert(TABLE), core)
        insert_rows(op.session, TABLE, behind, behind=True)
        send_behind(op.session)
        seen = op.session.execute(text("SELECT count(*) FROM projects WHERE id >= :a"), {"a": base + 100}).scalar()
        assert seen == len(rows)
    assert _stored(ledger, base + 100, len(rows)) == _stored(ledger, base, len(rows))
