"""The shared big-table model (ui/common/ids_model.py): block fetches, caches, in-place refresh, model tester."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from ui.common.context import LedgerContext
from ui.common.ids_model import IdsTableModel
from ui.common.roles import IdRole
from zsdesk.ops.projects import update_project
from zsdesk.queries import ProjectQuery, ProjectRow, ReadSession, fetch_rows

HEADERS = ("编号", "名称")


class NamesModel(IdsTableModel[ProjectRow]):
    """Project codes and names, two rows a block, counting every fetch and every cell formatted."""

    block = 2

    def __init__(self, context: LedgerContext) -> None:
        super().__init__(context, len(HEADERS))
        self.fetched: list[list[int]] = []
        self.formatted = 0

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            self.show_ids(ProjectQuery(sort="code").ids(s))

    def fetch_records(self, session: ReadSession, ids: list[int]) -> dict[int, ProjectRow]:
        self.fetched.append(list(ids))
        return fetch_rows(session, ids)

    def format_cell(self, record: ProjectRow, col: int) -> str:
        self.formatted += 1
        return record.code if col == 0 else record.name

    def header(self, section: int) -> str:
        return HEADERS[section]


def test_the_ids_model_passes_the_model_tester(context: LedgerContext, qtmodeltester: Any) -> None:
    model = NamesModel(context)
    model.reload()
    assert model.rowCount() == 4 and model.columnCount() == 2
    qtmodeltester.check(model)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "名称"
    assert model.headerData(2, Qt.Orientation.Vertical) == "3"
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children


def test_rows_come_a_block_at_a_time_and_cells_are_formatted_once(context: LedgerContext) -> None:
    model = NamesModel(context)
    model.reload()
    ids = list(model.ids)
    assert model.index(0, 1).data() and model.index(1, 0).data()
    assert model.fetched == [ids[:2]]  # rows 0 and 1: one block, one fetch
    formatted = model.formatted
    assert model.index(0, 1).data() == model.index(0, 1).data()
    assert model.formatted == formatted  # the second paint reads the cache
    assert model.index(3, 0).data()
    assert model.fetched == [ids[:2], ids[2:4]]
    assert model.index(3, 0).data(IdRole) == ids[3]
    assert model.record_of(ids[2]) is not None and model.fetched == [ids[:2], ids[2:4]]
    assert model.index(9, 0).data() is None and model.data(QModelIndex(), IdRole) is None


def test_a_changed_row_is_read_again_in_place(context: LedgerContext, qtbot: Any) -> None:
    model = NamesModel(context)
    model.reload()
    row = 1
    pid = model.ids[row]
    before = model.index(row, 1).data()
    update_project(context.ledger, pid, {"name": before + "二期"})
    assert model.index(row, 1).data() == before  # cached until told
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh_ids([pid])
    assert [i.row() for i in changed.args[:2]] == [row, row]
    assert model.index(row, 1).data() == before + "二期"
    assert model.row_of(pid) == row and model.row_of(-1) is None


def test_redisplay_all_formats_again_and_keeps_the_rows(context: LedgerContext, qtbot: Any) -> None:
    model = NamesModel(context)
    model.reload()
    model.index(0, 0).data()
    fetches, formatted = len(model.fetched), model.formatted
    with qtbot.waitSignals([model.dataChanged, model.headerDataChanged]):
        model.redisplay_all()
    model.index(0, 0).data()
    assert model.formatted == formatted + 1 and len(model.fetched) == fetches


def test_past_the_cache_limit_the_caches_start_again(context: LedgerContext) -> None:
    model = NamesModel(context)
    model.cache_limit = 1
    model.reload()
    model.index(0, 0).data()  # rows 0, 1 cached: over the limit of 1
    model.index(2, 0).data()  # the next block empties the cache first
    assert model.index(0, 0).data()
    assert len(model.fetched) == 3
