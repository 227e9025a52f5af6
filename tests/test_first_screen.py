"""The ledger table's first screen for a text filter (zsdesk/queries/first_screen.py): its count and first ids are
those of ``ProjectQuery.ids`` — differential over random ledgers written through the index's triggers, with
deleted projects, projects waiting to be re-indexed, every sort with a live index, both directions — and
its ids come from a walk of the sort column's live index, not a look-up of every match."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from zsdesk.ledger import Ledger
from zsdesk.queries import ProjectQuery
from zsdesk.queries.first_screen import FirstScreen, LazyIds, first_ids_statement, first_screen
from zsdesk.queries.text_search import exact_text, match_expression
from zsdesk.text_index import catch_up

EXACT = "玻纤光伏公司有限１２3 -_%\\\"'（）"
OTHER = "AaÉéＡａK\u212a·"  # letters: LIKE folds ASCII case, the tokenizer folds more (the Kelvin sign onto k)
FIELDS = st.text(alphabet=EXACT + OTHER + "\x01", max_size=8)
QUERIES = st.text(alphabet=EXACT, min_size=1, max_size=4) | st.text(alphabet=EXACT + OTHER, min_size=1, max_size=3)
SORTS = ["code", "name", "investor", "agreement_amount", "planned_investment", "formal_date", "updated_at",
         "arrived_amount"]
N = 24


@pytest.fixture
def projects(build) -> tuple[Ledger, list[int]]:  # type: ignore[no-untyped-def]
    return build.ledger, [build.project(f"项目{i}") for i in range(N)]


def rewrite(ledger: Ledger, ids: list[int], rows: list[tuple[str, str, str, int]], deleted: set[int],
            caught_up: bool) -> None:
    """Another tool's writes (the triggers note them); ``caught_up``: then re-indexed, as an operation does."""
    with ledger.session() as s, s.begin():
        for pid, (name, investor, notes, amount) in zip(ids, rows, strict=True):
            s.execute(text("UPDATE projects SET name = :n, investor = :i, notes = :o, agreement_amount = :a, "
                           "deleted_at = :d WHERE id = :id"),
                      {"n": name, "i": investor, "o": notes, "a": amount, "id": pid,
                       "d": datetime(2026, 1, 1) if pid in deleted else None})
        if caught_up:
            catch_up(s.connection())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(FIELDS, FIELDS, FIELDS, st.sampled_from([0, 5, 5, 70])), min_size=N, max_size=N),
       queries=st.lists(QUERIES, min_size=1, max_size=5), deleted=st.sets(st.integers(0, N - 1), max_size=5),
       sort=st.sampled_from(SORTS), descending=st.booleans(), caught_up=st.booleans(),
       limit=st.integers(1, N + 2))
def test_the_first_screen_is_the_start_of_the_ids(projects, rows, queries, deleted, sort, descending,  # type: ignore[no-untyped-def]
                                                   caught_up, limit) -> None:
    ledger, ids = projects
    rewrite(ledger, ids, rows, {ids[i] for i in deleted}, caught_up)
    with ledger.reading() as s:
        for raw in queries:
            q = ProjectQuery(text=raw, sort=sort, descending=descending)
            screen = first_screen(s, q, limit, least=0)
            if raw.strip() and not exact_text(raw.strip()):
                assert screen is None
                continue
            assert screen is not None, raw  # every exact text (or none) with an indexed sort takes the first screen
            everything = q.ids(s)
            assert screen == FirstScreen(len(everything), everything[:limit]), raw


def _assert_plain_views(ledger: Ledger) -> None:
    """With no filter: the count and first ids of every indexed sort, both ways, are those of ``ids``."""
    with ledger.reading() as s:
        for sort in SORTS:
            for descending in (False, True):
                q = ProjectQuery(sort=sort, descending=descending)
                everything = q.ids(s)
                for limit in (1, 7, len(everything) + 3):
                    assert first_screen(s, q, limit, least=0) == FirstScreen(len(everything), everything[:limit])
                assert first_screen(s, q, 7, least=0, total=len(everything)) == FirstScreen(len(everything),
                                                                                              everything[:7])
                assert first_screen(s, q, 7, least=len(everything) + 1) is None


def _fill(ledger: Ledger) -> None:
    from zsdesk import ops

    ops.create_unit(ledger, {"name": "经开区", "short_name": "经开区", "kind": "园区"})
    made = []
    for i in range(40):
        fields = {"name": f"项目{i % 13}号", "investor": f"公司{i % 4}", "agreement_amount": str((i * 37) % 11),
                  "planned_investment": str(i % 3)}
        if i % 5:
            fields.update(formal_date=f"2026-0{1 + i % 9}-1{i % 10}", lead_unit_id="经开区")
        made.append(ops.create_project(ledger, fields).ids("project")[0])
    for pid in made[::6]:
        ops.add_funding(ledger, {"project_id": pid, "date": "2026-02-01", "amount": "3"})
    ops.delete_projects(ledger, made[3:9:2])


def test_the_first_screen_of_every_project(ledger) -> None:  # type: ignore[no-untyped-def]
    _fill(ledger)
    _assert_plain_views(ledger)


def test_the_first_screen_of_every_project_on_postgresql(pg_url) -> None:  # type: ignore[no-untyped-def]
    from zsdesk.opening import open_unlocked

    with open_unlocked(pg_url, create=True) as ledger:
        _fill(ledger)
        _assert_plain_views(ledger)
        with ledger.reading() as s:  # a text on PostgreSQL: its gram index, every id (no first screen)
            assert first_screen(s, ProjectQuery(text="项目"), 5, least=0) is None


@pytest.mark.parametrize("query", [ProjectQuery(text="ab"), ProjectQuery(text="玻纤a"), ProjectQuery(text="Ｚ"),
                                   ProjectQuery(text="玻纤", stages=("formal",)),
                                   ProjectQuery(text="玻纤", include_withdrawn=False),
                                   ProjectQuery(text="玻纤", sort="lead_unit"), ProjectQuery(text="玻纤", sort="stage"),
                                   ProjectQuery(text="  ", stages=("formal",))])
def test_other_queries_are_left_to_the_ids(projects, query: ProjectQuery) -> None:  # type: ignore[no-untyped-def]
    ledger, _ = projects
    with ledger.reading() as s:
        assert first_screen(s, query, 10, least=0) is None


def test_exact_texts() -> None:
    assert all(exact_text(t) for t in ["玻纤", "2026-00", "（一）", "１２", "光伏 电站", "%_\\"])
    assert not any(exact_text(t) for t in ["", "a", "玻纤A", "Ａ", "é", "\u212a", "\x01玻"])


def test_a_ledger_smaller_than_the_threshold_asks_nothing(build) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    for i in range(3):
        build.project(f"光伏电站{i}")
    statements: list[str] = []
    engine = build.ledger.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with build.ledger.reading() as s:
        for query in (ProjectQuery(), ProjectQuery(text="光伏"), ProjectQuery(sort="name", descending=True)):
            statements.clear()
            assert first_screen(s, query, 5, least=4, total=3) is None and statements == []
            assert first_screen(s, query, 5, least=3, total=3) is not None and statements


def test_a_few_matches_are_left_to_the_ids_and_many_walk_the_index(build) -> None:  # type: ignore[no-untyped-def]
    ledger = build.ledger
    for i in range(30):
        build.project(f"玻纤厂{i:02d}" if i % 3 == 0 else f"光伏电站{i:02d}")
    with ledger.reading() as s:
        assert first_screen(s, ProjectQuery(text="玻纤"), 5, least=11) is None  # 10 matches
        screen = first_screen(s, ProjectQuery(text="光伏"), 5, least=11)
        assert screen is not None and screen.count == 20
        assert screen.ids == ProjectQuery(text="光伏").ids(s)[:5]
    # The statement walks each sort column's live index in order and tests the ids against the matches.
    with ledger.reading() as s:
        expression = match_expression(s, "光伏")
        assert expression
        for sort in SORTS:
            for descending in (False, True):
                stmt = first_ids_statement(ProjectQuery(text="光伏", sort=sort, descending=descending), expression, 5)
                compiled = stmt.compile(dialect=s.get_bind().dialect)
                params = [compiled.params[k] for k in compiled.positiontup or []]
                plan = " ".join(str(r[3]) for r in s.connection().exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + compiled.string, tuple(params)))
                index = "arrived_total" if sort == "arrived_amount" else sort
                assert f"SCAN projects USING INDEX ix_projects_live_{index}" in plan and "TEMP B-TREE" not in plan, plan


def test_lazy_ids_read_everything_once_past_the_first_screen() -> None:
    calls: list[int] = []
    mismatched: list[bool] = []

    def everything() -> list[int]:
        calls.append(1)
        return [10, 11, 12, 13, 14]

    ids = LazyIds(FirstScreen(5, [10, 11]), everything, lambda: mismatched.append(True))
    assert len(ids) == 5 and ids[0] == 10 and ids[1] == 11 and ids[0:2] == [10, 11] and ids.known_index(11) == 1
    assert ids.known_index(13) is None and calls == []
    assert ids[3] == 13 and ids[-1] == 14 and calls == [1]
    assert list(ids) == [10, 11, 12, 13, 14] and ids.known_index(13) == 3 and calls == [1] and mismatched == []
    changed = LazyIds(FirstScreen(3, [10]), everything, lambda: mismatched.append(True))
    assert changed[2] == 12 and len(changed) == 5 and mismatched == [True]
