"""The 外出招商 page and the 招商活动 tab for a read-only login on a real shared ledger (SPEC §10, §11):
both show everything; nothing can be changed, with the reason where a control is disabled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ui.activity.trip_form import TripForm
from ui.activity.trips_page import TripsPage
from ui.board.board_page import BoardPage
from ui.common import errors
from ui.common.context import LedgerContext
from zsdesk.opening import open_unlocked
from zsdesk.ops import trips as trip_ops

from .conftest import Shared


@pytest.fixture(autouse=True)
def _no_modal_errors() -> Iterator[None]:
    errors.MODAL = False
    errors.shown.clear()
    yield
    errors.MODAL = True


def test_a_reader_sees_trips_and_activity_but_changes_nothing(shared: Shared, qtbot: Any) -> None:
    with open_unlocked(shared.url) as owner:
        tid = trip_ops.create_trip(owner, {"departure_date": "2026-03-10", "province": "广东省", "city": "深圳市",
                                           "unit_ids": "甲园区"},
                                   [{"company": "深圳某公司", "date": "2026-03-11", "outcome": "有合作意向"}]
                                   ).ids("trip", "insert")[0]
    login = shared.login("reader")
    ledger = open_unlocked(shared.url_for(login))
    try:
        ctx = LedgerContext(ledger)
        page = TripsPage(ctx)
        qtbot.addWidget(page)
        page.show()
        assert page.model.ids == [tid]
        for action in (page.act_new, page.act_delete):
            assert not action.isEnabled() and action.toolTip() == "只读账号不能修改台账。"
        assert page.new_trip() is None
        page.select_ids([tid], tid)
        page.delete_selected(ask=False)
        assert page.model.ids == [tid] and errors.shown == []
        form = page.edit_current()
        assert isinstance(form, TripForm)
        assert form.departure.isReadOnly() and not form.level.isEnabled()
        assert not form.save_button.isEnabled() and not form.lead_button.isEnabled()
        assert form.visit_model.rowCount() == 1  # no blank row to type into
        assert not form.visit_model.flags(form.visit_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
        QTest.keyClick(form.grid, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert form.lead_from_current() is None and not form.save()
        assert form.message.text() == "只读：当前账号不能修改外出招商记录。"
        form.reject()
        assert not form.isVisible()

        board = BoardPage(ctx)
        qtbot.addWidget(board)
        board.picker.set_code("2026Q1")
        board.show()
        board.activated()
        qtbot.waitUntil(lambda: board.board is not None and not ctx.runner.busy, timeout=15000)
        board.tabs.setCurrentWidget(board.activity)
        qtbot.waitUntil(lambda: board.activity.activity is not None and not ctx.runner.busy, timeout=15000)
        rows = {r.unit: r for r in board.activity.model.rows}
        assert rows["全区"].figures.trips == 1 and rows["甲园区"].figures.companies_visited == 1
        ctx.runner.wait()
    finally:
        ledger.close()
