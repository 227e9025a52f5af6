"""The text filter's index (migration 0011) gives exactly the ids, in the same order, as the LIKE scan.

Differential: hypothesis writes random names / investors / notes into a real ledger file (through the
triggers that keep the index), then each random query — 1 to 5 characters of 汉字, Latin in both cases,
digits, full-width forms, LIKE's own wildcards and the escape character — must give the same ids from
``ProjectQuery.ids`` (narrowed by the index) as from the plain LIKE statement and as a Python reference.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from zsdesk.check import check_ledger
from zsdesk.ledger import Ledger
from zsdesk.queries import ProjectQuery
from zsdesk.queries.text_search import candidates, has_index
from zsdesk.text_index import PENDING, catch_up

ALPHABET = "玻纤光伏公司有限AaBbÉé1２３ＡａＺ -_%\\\"'\x01"
FIELDS = st.text(alphabet=ALPHABET, max_size=8)
QUERIES = st.text(alphabet=ALPHABET, min_size=1, max_size=5)
N = 24


def like_reference(query: str, values: list[str | None]) -> bool:
    """SQLite's LIKE '%query%' with an escape: a substring, ASCII letters in either case."""
    def fold(s: str) -> str:
        return "".join(c.lower() if c < "\x80" else c for c in s)

    return any(v is not None and fold(query) in fold(v) for v in values)


@pytest.fixture
def projects(build) -> tuple[Ledger, list[int]]:  # type: ignore[no-untyped-def]
    return build.ledger, [build.project(f"项目{i}") for i in range(N)]


def rewrite(ledger: Ledger, ids: list[int], rows: list[tuple[str, str, str]], deleted: set[int],
            caught_up: bool = True) -> None:
    """Another tool's writes (the triggers note them); ``caught_up``: then re-indexed, as an operation does."""
    with ledger.session() as s, s.begin():
        for pid, (name, investor, notes) in zip(ids, rows, strict=True):
            s.execute(text("UPDATE projects SET name = :n, investor = :i, notes = :o, deleted_at = :d WHERE id = :id"),
                      {"n": name, "i": investor, "o": notes, "id": pid,
                       "d": datetime(2026, 1, 1) if pid in deleted else None})
        if caught_up:
            catch_up(s.connection())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(FIELDS, FIELDS, FIELDS), min_size=N, max_size=N),
       queries=st.lists(QUERIES, min_size=1, max_size=6), deleted=st.sets(st.integers(0, N - 1), max_size=4),
       sort=st.sampled_from(["code", "name", "lead_unit", "arrived_amount"]), descending=st.booleans(),
       caught_up=st.booleans())
def test_the_index_gives_the_ids_of_the_like_scan(projects, rows, queries, deleted, sort, descending,  # type: ignore[no-untyped-def]
                                                  caught_up) -> None:
    ledger, ids = projects
    rewrite(ledger, ids, rows, {ids[i] for i in deleted}, caught_up)
    with ledger.reading() as s:
        assert has_index(s)
        codes = dict(s.execute(text("SELECT id, code FROM projects")).all())
        for raw in queries:
            q = ProjectQuery(text=raw, sort=sort, descending=descending)
            scanned = list(s.scalars(q.select()))  # no narrowing: today's LIKE filter
            assert q.ids(s) == scanned
            assert q.count(s) == len(scanned)
            wanted = raw.strip()
            if wanted:
                expected = {pid for pid, row, i in zip(ids, rows, range(N), strict=True)
                            if i not in deleted and like_reference(wanted, [*row, codes[pid]])}
                assert set(scanned) == expected


@pytest.mark.parametrize("query", ["玻纤", "玻", "纤光伏", "ab", "A", "Ab1", "２", "Ｚ", "é", "É", "%", "_", "\\", '"', "1-"])
def test_every_short_and_long_query_form(projects, query: str) -> None:  # type: ignore[no-untyped-def]
    ledger, ids = projects
    rewrite(ledger, ids, [("玻纤ab项目", "光伏AB有限公司", "É２ｚ"), ("A_b%c", 'x"y\\z', "1-2"),
                          *[("公司", "", "")] * (N - 2)], set())
    with ledger.reading() as s:
        q = ProjectQuery(text=query)
        assert q.ids(s) == list(s.scalars(q.select()))
        if query in ("玻纤", "玻", "纤光伏", "ab", "A", "Ab1", "２"):
            assert candidates(s, query) is not None  # these take the index, not the scan


def test_inserts_deletes_and_undo_keep_the_index(build) -> None:  # type: ignore[no-untyped-def]
    from zsdesk import ops

    ledger = build.ledger
    pid = build.project("玻璃纤维厂", investor="某某有限公司")
    with ledger.reading() as s:
        assert ProjectQuery(text="璃纤").ids(s) == [pid]
    ops.update_project(ledger, pid, {"name": "光伏电站"})
    with ledger.reading() as s:
        assert ProjectQuery(text="璃纤").ids(s) == [] and ProjectQuery(text="伏电站").ids(s) == [pid]
    ops.undo(ledger)
    with ledger.reading() as s:
        assert ProjectQuery(text="璃纤").ids(s) == [pid] and ProjectQuery(text="伏电站").ids(s) == []
    con = sqlite3.connect(ledger.path)  # another tool's delete: noted by the trigger, caught up at the next open
    con.execute("DELETE FROM projects WHERE id = ?", (pid,))
    con.commit()
    assert con.execute(f"SELECT project_id FROM {PENDING}").fetchall() == [(pid,)]
    con.close()
    with ledger.reading() as s:
        assert ProjectQuery(text="璃纤").ids(s) == []
    from zsdesk.opening import open_unlocked

    open_unlocked(ledger.path).close()
    con = sqlite3.connect(ledger.path)
    assert con.execute(f"SELECT count(*) FROM {PENDING}").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM project_text WHERE rowid = ?", (pid,)).fetchone()[0] == 0
    con.execute("INSERT INTO project_text(project_text, rank) VALUES ('integrity-check', 1)")
    con.close()


def test_check_reports_a_stale_index_and_the_filter_then_scans(build) -> None:  # type: ignore[no-untyped-def]
    from zsdesk.opening import open_unlocked

    ledger = build.ledger
    pid = build.project("玻璃纤维厂", investor="某某有限公司")
    assert [p for p in check_ledger(ledger.path).problems if p.kind == "text_index"] == []
    con = sqlite3.connect(ledger.path)  # another tool drops a trigger, then renames the project
    con.execute("DROP TRIGGER project_text_update")
    con.execute("UPDATE projects SET name = '光伏电站' WHERE id = ?", (pid,))
    con.commit()
    con.close()
    report = check_ledger(ledger.path)
    messages = [p.message for p in report.problems if p.kind == "text_index"]
    assert any("project_text_update" in m for m in messages)
    assert any("的文字搜索索引与台账内容不符" in m for m in messages)
    with open_unlocked(ledger.path) as again, again.reading() as s:
        assert not has_index(s)
        assert ProjectQuery(text="光伏电").ids(s) == [pid] and ProjectQuery(text="光伏").ids(s) == [pid]


def test_another_tools_insert_is_indexed_at_the_next_writing_open(build) -> None:  # type: ignore[no-untyped-def]
    from zsdesk.opening import open_unlocked

    ledger = build.ledger
    pid = build.project("玻璃纤维厂", investor="某某有限公司")
    con = sqlite3.connect(ledger.path)
    columns = [r[1] for r in con.execute("PRAGMA table_info(projects)")]
    row = dict(zip(columns, con.execute("SELECT * FROM projects WHERE id = ?", (pid,)).fetchone(), strict=True))
    row.update(id=pid + 100, code="2026-9999", name="风电整机项目")
    con.execute(f"INSERT INTO projects ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    con.commit()
    con.close()
    open_unlocked(ledger.path).close()
    with open_unlocked(ledger.path) as again, again.reading() as s:
        assert has_index(s) and ProjectQuery(text="电整").ids(s) == [pid + 100]
    assert [p for p in check_ledger(ledger.path).problems if p.kind == "text_index"] == []


def test_another_tools_updates_are_reindexed_by_rowid(build) -> None:  # type: ignore[no-untyped-def]
    """imp3's catch-up finds the pending projects the index holds and deletes them by rowid, one look-up each:
    several renamed and one deleted by another tool, all right after the next writing open."""
    from zsdesk.opening import open_unlocked

    ledger = build.ledger
    a = build.project("玻璃纤维厂", investor="甲有限公司")
    b = build.project("光伏电站", investor="乙有限公司")
    c = build.project("风电整机", investor="丙有限公司")
    con = sqlite3.connect(ledger.path)
    con.execute("UPDATE projects SET name = '碳纤维复材' WHERE id = ?", (a,))
    con.execute("UPDATE projects SET investor = '丁储能公司' WHERE id = ?", (b,))
    con.execute("DELETE FROM projects WHERE id = ?", (c,))
    con.commit()
    assert sorted(r[0] for r in con.execute(f"SELECT project_id FROM {PENDING}")) == sorted([a, b, c])
    con.close()
    open_unlocked(ledger.path).close()
    with open_unlocked(ledger.path) as again, again.reading() as s:
        assert has_index(s)
        assert ProjectQuery(text="碳纤维").ids(s) == [a] and ProjectQuery(text="璃纤").ids(s) == []
        assert ProjectQuery(text="丁储能").ids(s) == [b] and ProjectQuery(text="乙有限").ids(s) == []
        assert ProjectQuery(text="电整机").ids(s) == []
    con = sqlite3.connect(ledger.path)
    assert con.execute(f"SELECT count(*) FROM {PENDING}").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM project_text WHERE rowid = ?", (c,)).fetchone()[0] == 0
    con.execute("INSERT INTO project_text(project_text, rank) VALUES ('integrity-check', 1)")
    con.close()
    assert [p for p in check_ledger(ledger.path).problems if p.kind == "text_index"] == []


@pytest.mark.parametrize("immutable", [False, True])
def test_a_read_only_opening_narrows_short_texts_and_still_writes_nothing(build, immutable: bool) -> None:  # type: ignore[no-untyped-def]
    """A second instance (or ``zsdesk check``) reads the ledger ``mode=ro`` under ``query_only``, which
    refuses even the TEMP vocabulary table: the 2-character filter used to scan. It takes the index now,
    gives the scan's ids, and the guard is back on (a write is still refused)."""
    from zsdesk.sqlite_file import read_only_engine

    ids = [build.project(name) for name in ("玻纤一号", "光伏二号", "玻纤三号")]
    ledger = build.ledger
    assert ledger.path is not None
    ledger.close()
    engine = read_only_engine(ledger.path, immutable)
    try:
        with Ledger(engine).reading() as s:
            assert candidates(s, "玻纤") is not None
            q = ProjectQuery(text="玻纤")
            assert q.ids(s) == list(s.scalars(q.select())) == [ids[0], ids[2]]
            with pytest.raises(sqlite3.OperationalError):
                s.connection().connection.dbapi_connection.execute("CREATE TEMP TABLE x (y)")  # type: ignore[union-attr]
    finally:
        engine.dispose()
