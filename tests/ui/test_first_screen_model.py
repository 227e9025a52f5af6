"""The ledger table with a text filter over many projects: the count and the first block at once, every id when
the clerk goes past them (zsdesk/queries/first_screen.py), the same rows as reading every id first."""

from __future__ import annotations

from dataclasses import replace

from ui.common.context import LedgerContext
from ui.ledger.ledger_model import COLUMN_INDEX, ProjectTableModel
from zsdesk import ops
from zsdesk.queries import ProjectQuery
from zsdesk.queries.first_screen import LazyIds


def _model(build, first_screen_from: int = 0) -> tuple[ProjectTableModel, LedgerContext]:  # type: ignore[no-untyped-def]
    for i in range(30):
        build.project(f"光伏电站{i:02d}" if i % 3 else f"玻纤厂{i:02d}")
    context = LedgerContext(build.ledger)
    model = ProjectTableModel(context)
    model.block = 5  # the first screen: 5 rows
    model.first_screen_from = first_screen_from
    model.reload()
    return model, context


def _codes(model: ProjectTableModel) -> list[str]:
    col = COLUMN_INDEX["code"]
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_the_first_block_without_reading_every_id(build, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model, context = _model(build)
    model.set_query(replace(model.query, text="光伏", sort="code", descending=True))
    ids = model.ids
    assert isinstance(ids, LazyIds) and ids.filled is None
    assert model.rowCount() == 20 and model.total_live == 30
    name = COLUMN_INDEX["name"]
    shown = [model.index(r, name).data() for r in range(5)]
    assert ids.filled is None  # the first block came from the first screen
    with context.ledger.reading() as s:
        every = ProjectQuery(text="光伏", sort="code", descending=True).ids(s)
    assert model.loaded_row_of(every[10]) is None and ids.filled is None  # an unread row: nothing to refresh
    assert model.row_of(every[3]) == 3 and ids.filled is None  # a row of the first block: found there
    assert shown == [f"光伏电站{n:02d}" for n in (29, 28, 26, 25, 23)]
    assert model.index(12, name).data() == "光伏电站11"  # past the first block: every id read, once
    assert ids.filled == every and model.row_of(every[12]) == 12
    assert model.ids is ids.filled  # then the plain list, indexed on every repaint
    qtmodeltester.check(model)


def test_the_same_rows_as_reading_every_id_first(build) -> None:  # type: ignore[no-untyped-def]
    lazy, _ = _model(build)
    eager = ProjectTableModel(lazy.context)
    eager.first_screen_from = 10**9  # never the first screen
    for query in (ProjectQuery(text="光伏"), ProjectQuery(text="玻纤", sort="name", descending=True),
                  ProjectQuery(text="电站0", sort="arrived_amount")):
        lazy.set_query(query)
        eager.set_query(query)
        assert isinstance(lazy.ids, LazyIds) and not isinstance(eager.ids, LazyIds)
        assert lazy.rowCount() == eager.rowCount() and _codes(lazy) == _codes(eager)


def test_a_project_added_meanwhile_shows_the_view_again(build, qtbot) -> None:  # type: ignore[no-untyped-def]
    model, context = _model(build)
    model.set_query(replace(model.query, text="光伏"))
    assert model.rowCount() == 20
    ops.create_project(context.ledger, {"name": "光伏电站99", "investor": "某公司"})  # not through the window
    assert model.index(15, 0).data()  # every id read now: 21, not the 20 counted
    qtbot.waitUntil(lambda: isinstance(model.ids, LazyIds) and model.ids.filled is None and model.rowCount() == 21)
    assert model.total_live == 31


def test_the_total_is_counted_again_after_a_change_only(build) -> None:  # type: ignore[no-untyped-def]
    model, context = _model(build)
    model.set_query(replace(model.query, text="光伏"))
    assert model.total_live == 30
    ops.create_project(context.ledger, {"name": "光伏电站99", "investor": "某公司"})
    model.set_query(replace(model.query, text="光伏电"))
    assert model.total_live == 30  # a filter alone does not count the ledger again
    model.ledger_changed()
    model.set_query(replace(model.query, text="光伏"))
    assert model.total_live == 31 and model.rowCount() == 21


def test_every_project_by_its_first_screen(build) -> None:  # type: ignore[no-untyped-def]
    model, context = _model(build)  # the default view: no filter, by code
    ids = model.ids
    assert isinstance(ids, LazyIds) and ids.filled is None and model.rowCount() == 30 and model.total_live == 30
    assert model.index(0, COLUMN_INDEX["name"]).data() == "玻纤厂00"
    model.set_query(replace(model.query, sort="arrived_amount", descending=True))
    assert isinstance(model.ids, LazyIds) and model.total_live == 30
    with context.ledger.reading() as s:
        assert list(model.ids) == ProjectQuery(sort="arrived_amount", descending=True).ids(s)
