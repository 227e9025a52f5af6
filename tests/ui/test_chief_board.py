"""英雄榜 page and rules editor, driven through their widgets on the demo district."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt

import ui  # noqa: F401 - installs the None guard before any Qt call
from ui.board.board_models import PersonBoardModel, RankChangeModel, UnitBoardModel
from ui.board.board_page import BoardPage
from ui.board.rules_editor import RulesEditor
from ui.common import errors
from ui.common.context import LedgerContext
from zsdesk.board import compute_board
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.rules import rules_versions

TODAY = date(2026, 11, 20)


@pytest.fixture
def context(ledger: Ledger, qtbot) -> Iterator[LedgerContext]:
    build_demo(ledger, today=TODAY)
    errors.MODAL = False
    errors.shown.clear()
    ctx = LedgerContext(ledger)
    ctx.today = TODAY
    yield ctx
    ctx.runner.wait()


def _wait_board(qtbot, page: BoardPage, code: str) -> None:
    qtbot.waitUntil(lambda: page.board is not None and page.board.period.code == code
                    and not page.context.runner.busy, timeout=15000)


def test_switching_period_changes_the_board(qtbot, context: LedgerContext) -> None:
    page = BoardPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    _wait_board(qtbot, page, "2026Q3")
    q3 = [(u.unit, u.rank, u.figures.formal_amount) for u in page.board.units]
    assert page.unit_model.rowCount() == len(page.board.units) > 0
    assert page.status_text().startswith("2026年1—9月")

    page.picker.kind.setCurrentIndex(page.picker.kind.findData("Q"))
    page.picker.number.setCurrentIndex(page.picker.number.findData(1))
    _wait_board(qtbot, page, "2026Q1")
    q1 = [(u.unit, u.rank, u.figures.formal_amount) for u in page.board.units]
    assert q1 != q3
    # the table shows the engine's figures for the new period
    expected = compute_board(context.ledger, "2026Q1")
    first = page.unit_model.rows[0]
    assert first.unit == expected.units[0].unit and first.rank == 1
    assert page.unit_model.data(page.unit_model.index(0, page.unit_model.column_of("unit"))) == first.unit
    assert "2026年1—3月" in page.summary.text()
    # quiet units are listed and marked
    quiet = [r for r in page.unit_model.rows if r.quiet]
    assert [r.unit for r in quiet] == expected.quiet_units
    # the charts received the same board
    assert len(page.completion_chart.rows) == len(expected.units)
    assert [m.month for m in page.trend] == [1, 2, 3]


def test_drill_down_explains_a_units_figure(qtbot, context: LedgerContext) -> None:
    page = BoardPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    _wait_board(qtbot, page, "2026Q3")
    row = next(i for i, u in enumerate(page.unit_model.rows) if u.figures.agreement_amount > 0)
    unit = page.unit_model.rows[row]
    proxy = page.unit_table.model()
    index = proxy.mapFromSource(page.unit_model.index(row, page.unit_model.column_of("agreement_rate")))
    page.drill_index(index)
    dialog = page.drill_dialog
    assert dialog.figure.currentData() == "agreement"
    assert dialog.model.rowCount() > 0
    money = page.unit_model.display(unit.figures.agreement_amount, "money")
    assert f"榜单数：{money}" in dialog.total.text()
    assert f"计入本单位 {money}" in dialog.total.text()  # the lines add up to the board's figure
    # switching the figure re-queries: funds arrived, lead and cooperating projects alike
    dialog.figure.setCurrentIndex(dialog.figure.findData("arrived"))
    arrived = page.unit_model.display(unit.figures.arrived_amount, "money")
    assert f"计入本单位 {arrived}" in dialog.total.text()
    dialog.close()


def test_board_export_writes_the_board_shown(qtbot, context: LedgerContext, tmp_path) -> None:
    from openpyxl import load_workbook

    from ui.board.board_export import export_board_to

    page = BoardPage(context)
    qtbot.addWidget(page)
    page.activated()
    _wait_board(qtbot, page, "2026Q3")
    path = tmp_path / "board.xlsx"
    results = []
    assert export_board_to(context, page, path, page.board, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=15000)
    wb = load_workbook(path, read_only=True)
    values = [c for row in wb["单位榜"].iter_rows(values_only=True) for c in row if c is not None]
    assert page.board.units[0].unit in values


def test_rules_edit_previews_a_new_ranking_then_saves_a_version(qtbot, context: LedgerContext) -> None:
    editor = RulesEditor(context, 2026, "2026Q3")
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: editor.preview is not None and not editor.task.pending, timeout=15000)
    assert editor.preview.moved == 0  # nothing edited yet: every unit keeps its place
    assert all(c.old_rank == c.new_rank for c in editor.preview.changes)

    # rank by funds arrived alone
    for item in ("major", "large", "key", "agreement", "formal"):
        editor.items[item][0].setChecked(False)
    weight = editor.items["arrived"][1]
    weight.clear()
    qtbot.keyClicks(weight, "100")
    qtbot.waitUntil(lambda: not editor.task.pending and editor.preview.moved > 0, timeout=15000)
    by_arrived = sorted(compute_board(context.ledger, "2026Q3").units,
                        key=lambda u: -(u.rates["arrived"] or -1))
    top = [c for c in editor.preview.changes if c.new_rank == 1]
    assert by_arrived[0].unit in {c.unit for c in top}
    assert "名次变化" in editor.status.text()
    assert editor.change_model.rowCount() == len(editor.preview.changes)

    # an invalid weight is refused with the engine's Chinese message, and cannot be saved
    weight.clear()
    qtbot.keyClicks(weight, "90")
    assert not editor.save_button.isEnabled()
    assert "100%" in editor.status.text()
    weight.clear()
    qtbot.keyClicks(weight, "100")
    assert editor.save_button.isEnabled()

    editor.note.setText("只按到位资金排名")  # QTest cannot type Chinese
    editor.save()
    versions = rules_versions(context.ledger, 2026)
    assert [v.version for v in versions] == [1]
    assert versions[0].note == "只按到位资金排名" and versions[0].operator == "测试员"
    assert [i["item"] for i in versions[0].document["scoring"]["items"]] == ["arrived"]
    assert editor.history.rowCount() == 1


def test_models_pass_the_model_tester(qtmodeltester, context: LedgerContext) -> None:
    board = compute_board(context.ledger, "2026Q3")
    units = UnitBoardModel()
    units.set_board_rows(board.units, {})
    qtmodeltester.check(units)
    persons = PersonBoardModel(money_unit="yi")
    persons.set_rows(board.persons)
    qtmodeltester.check(persons)
    changes = RankChangeModel()
    from ui.board.board_models import rank_changes

    changes.set_rows(rank_changes(board.units, board.units))
    qtmodeltester.check(changes)


def test_month_range_picker_shows_the_cumulative_board(qtbot, context: LedgerContext) -> None:
    """月度累计 (每月督报): 1—8月 → 2026M01-08, the board and its summary say 2026年1—8月."""
    page = BoardPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    _wait_board(qtbot, page, "2026Q3")
    picker = page.picker
    picker.kind.setCurrentIndex(picker.kind.findData("YTD"))
    assert picker.kind.currentText() == "月度累计"
    picker.number.setCurrentIndex(picker.number.findData(8))
    assert picker.number.currentText() == "1—8月"
    _wait_board(qtbot, page, "2026M01-08")
    assert page.status_text().startswith("2026年1—8月")
    expected = compute_board(context.ledger, "2026M01-08")
    assert [(u.unit, u.rank) for u in page.board.units] == [(u.unit, u.rank) for u in expected.units]
    picker.set_code("2026M01-05")
    assert (picker.kind.currentData(), picker.number.currentData(), picker.code()) == ("YTD", 5, "2026M01-05")
    # the 其中：往期框架协议转正式合同 column shows the engine's count
    col = page.unit_model.column_of("converted")
    assert page.unit_model.headerData(col, Qt.Orientation.Horizontal) == "其中：往期框架协议转正式合同"
    shown = [page.unit_model.data(page.unit_model.index(i, col)) for i in range(page.unit_model.rowCount())]
    assert [str(u.figures.converted_contracts) for u in page.unit_model.rows] == shown
    assert any(u.figures.converted_contracts for u in page.unit_model.rows)  # the demo has such projects
