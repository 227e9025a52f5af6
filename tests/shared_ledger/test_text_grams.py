"""The text filter's gram index on PostgreSQL (migration 0012) gives exactly the ids, in the same order, as
the LIKE scan, and the planner answers the filter from it.

Differential: hypothesis writes random names / investors / notes / codes into a real PostgreSQL ledger
(another tool's plain UPDATEs: the expression index follows by itself), then each random query — 1 to 5
characters of 汉字, Latin in both cases, full-width forms, LIKE's wildcards, the escape character and the
U+0001 the grams join the columns with — must give the same ids from ``ProjectQuery.ids`` (narrowed by
the index; 1 character: the scan) as from the plain LIKE statement and as a Python reference (PostgreSQL's
LIKE: case counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.queries import ProjectQuery
from zsdesk.queries.text_search import candidates, has_grams, query_grams
from zsdesk.text_index import GRAMS_INDEX

from .conftest import Shared

ALPHABET = "玻纤光伏公司有限AaBbÉé1２ＡａＺ -_%\\\"'\x01"
FIELDS = st.text(alphabet=ALPHABET, max_size=8)
QUERIES = st.text(alphabet=ALPHABET, min_size=1, max_size=5)
N = 20


@pytest.fixture
def pg_ledger(pg_url: str) -> Iterator[tuple[Ledger, list[int]]]:
    from zsdesk import ops

    with open_unlocked(pg_url, create=True) as ledger:
        ids = [ops.create_project(ledger, {"name": f"项目{i}", "investor": "某公司"}).ids("project")[0]
               for i in range(N)]
        yield ledger, ids


def _rewrite(ledger: Ledger, ids: list[int], rows: list[tuple[str, str, str, str]], deleted: set[int]) -> None:
    with ledger.session() as s, s.begin():
        for n, (pid, (name, investor, notes, code)) in enumerate(zip(ids, rows, strict=True)):
            s.execute(text("UPDATE projects SET name = :n, investor = :i, notes = :o, code = :c, deleted_at = :d "
                           "WHERE id = :id"),
                      {"n": name, "i": investor, "o": notes, "c": f"{code}#{n}", "id": pid,
                       "d": datetime(2026, 1, 1) if pid in deleted else None})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(FIELDS, FIELDS, FIELDS, FIELDS), min_size=N, max_size=N),
       queries=st.lists(QUERIES, min_size=1, max_size=5), deleted=st.sets(st.integers(0, N - 1), max_size=4),
       sort=st.sampled_from(["code", "name", "lead_unit", "arrived_amount"]), descending=st.booleans())
def test_the_gram_index_gives_the_ids_of_the_like_scan(pg_ledger, rows, queries, deleted, sort,  # type: ignore[no-untyped-def]
                                                       descending) -> None:
    ledger, ids = pg_ledger
    _rewrite(ledger, ids, rows, {ids[i] for i in deleted})
    with ledger.reading() as s:
        assert has_grams(s)
        values = {r[0]: r[1:] for r in s.execute(text("SELECT id, name, investor, notes, code FROM projects"))}
        for raw in queries:
            q = ProjectQuery(text=raw, sort=sort, descending=descending)
            scanned = list(s.scalars(q.select()))  # no narrowing: the LIKE filter alone
            assert q.ids(s) == scanned
            assert q.count(s) == len(scanned)
            wanted = raw.strip()
            if wanted:
                assert (candidates(s, wanted) is not None) == (len(wanted) >= 2)
                expected = {pid for i, pid in enumerate(ids)
                            if i not in deleted and any(wanted in v for v in values[pid])}
                assert set(scanned) == expected


def test_grams_of_a_query() -> None:
    assert query_grams("玻") == []
    assert query_grams("玻纤") == ["玻纤"]
    assert query_grams("玻纤玻纤") == ["玻纤", "纤玻"]


def test_the_planner_reads_the_gram_index(pg_url: str) -> None:
    """The condition is the index's own expression: on 3,000 projects EXPLAIN names the index (a mismatch, or
    a parameter where the index has a constant, would scan); operations and undo keep it (PostgreSQL does)."""
    from zsdesk import ops

    with open_unlocked(pg_url, create=True) as ledger:
        pid = ops.create_project(ledger, {"name": "玻璃纤维厂", "investor": "某某有限公司"}).ids("project")[0]
        with ledger.session() as s, s.begin():  # bulk rows for the planner only (a fixture, not a figure)
            columns = [c for c in s.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'projects' "
                "AND table_schema = current_schema() AND column_name NOT IN ('id', 'code', 'name')"
            )).scalars()]
            names = ", ".join(columns)
            s.execute(text(f"INSERT INTO projects (code, name, {names}) SELECT 'T-' || g, '光伏电站' || g, {names} "
                           f"FROM projects, generate_series(1, 3000) g WHERE id = :id"), {"id": pid})
            s.execute(text(f"SELECT gin_clean_pending_list('{GRAMS_INDEX}')"))
            s.execute(text("ANALYZE projects"))
        with ledger.reading() as s:
            assert ProjectQuery(text="璃纤").ids(s) == [pid]
            assert ProjectQuery(text="纤").ids(s) == [pid]
            assert ProjectQuery(text="璃纤维厂").ids(s) == [pid]
            q = ProjectQuery(text="璃纤")
            compiled = q.select(q.narrowed(s)).compile(dialect=s.connection().dialect)
            plan = "\n".join(r[0] for r in s.connection().exec_driver_sql(
                "EXPLAIN " + compiled.string, dict(compiled.construct_params())))
            assert GRAMS_INDEX in plan, plan
        ops.update_project(ledger, pid, {"name": "风电整机"})
        with ledger.reading() as s:
            assert ProjectQuery(text="璃纤").ids(s) == [] and ProjectQuery(text="电整").ids(s) == [pid]
        ops.undo(ledger)
        with ledger.reading() as s:
            assert ProjectQuery(text="璃纤").ids(s) == [pid] and ProjectQuery(text="电整").ids(s) == []


def test_the_filter_keeps_row_security_for_each_role(shared: Shared) -> None:
    """A liaison's text filter (the gram condition, the array of ids) shows only what row security lets them
    see; a reader sees every match. Liaisons and the index: the same rows as the scan, whichever plan."""
    mine = {shared.projects["甲的项目"], shared.projects["乙牵头甲协作"]}
    everyone = set(shared.projects.values())
    for role, unit, seen in (("liaison", "甲园区", mine), ("reader", None, everyone)):
        login = shared.login(role, unit=unit)
        with open_unlocked(shared.url_for(login)) as led, led.reading() as s:
            assert has_grams(s)
            for needle in ("项目", "的项目", "甲", "公司"):
                q = ProjectQuery(text=needle)
                expected = {pid for name, pid in shared.projects.items() if pid in seen and needle in name + "公司"}
                assert set(q.ids(s)) == expected == set(s.scalars(q.select())), (role, needle)
