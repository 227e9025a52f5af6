"""外出招商 page (SPEC §10, issue 19): a trip with five visits and two leads typed by keyboard only; the
under-quota flag; a lead from a visit row; delete and undo; the form's save / ask-save / conflict."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.activity.trip_form import TripForm
from ui.activity.trips_model import COLUMN_INDEX
from ui.activity.trips_page import TripsPage
from ui.common import errors
from ui.common.context import LedgerContext
from zsdesk.ledger import Ledger
from zsdesk.models import Lead, TripVisit
from zsdesk.ops import trips as trip_ops
from zsdesk.queries.leads import LeadQuery, fetch_lead_rows
from zsdesk.queries.trips import fetch_trip_rows, trip_detail

TODAY = date(2026, 11, 30)


@pytest.fixture
def ctx(district: Ledger, qtbot: Any) -> Iterator[LedgerContext]:
    c = LedgerContext(district)
    c.today = TODAY
    yield c
    c.runner.wait()


@pytest.fixture
def page(ctx: LedgerContext, qtbot: Any) -> TripsPage:
    p = TripsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitExposed(p)
    p.activateWindow()
    p.table.setFocus()
    return p


class Keyboard:
    """Keys go where the focus is, as on a real desk; Chinese arrives as an input-method commit (what a
    Chinese IME delivers; QTest cannot synthesize key events for non-Latin-1 characters)."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.keys = 0  # key presses (a chord such as Ctrl+S is one)
        self.hanzi = 0  # Chinese characters committed by the input method

    def focus(self) -> Any:
        popup = QApplication.activePopupWidget()  # a completion list grabs the keyboard while it is shown
        widget = popup if popup is not None else QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(self.focus(), key, modifier)
        self.keys += 1

    def type(self, text: str) -> None:
        for ch in text:
            if ord(ch) < 128:
                QTest.keyClicks(self.focus(), ch)
                self.keys += 1
            else:
                event = QInputMethodEvent()
                event.setCommitString(ch)
                QApplication.sendEvent(self.focus(), event)
                self.hanzi += 1

    def tab(self, n: int = 1) -> None:
        for _ in range(n):
            self.key(Qt.Key.Key_Tab)


def _form(page: TripsPage) -> TripForm:
    assert isinstance(page.form, TripForm)
    return page.form


def test_a_trip_with_five_visits_and_two_leads_by_keyboard(page: TripsPage, ctx: LedgerContext, qtbot: Any) -> None:
    kb = Keyboard(qtbot)
    started = time.perf_counter()
    kb.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = _form(page)
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.departure)
    kb.type("3.5")
    kb.tab()
    kb.type("3.7")
    kb.tab()
    kb.type("广东省")
    kb.tab()
    kb.type("深圳市")
    kb.tab()
    kb.type("王区长")
    kb.tab()
    kb.key(Qt.Key.Key_Up)  # 部门带队 → 区领导带队
    kb.tab()
    assert QApplication.focusWidget() is form.units
    kb.type("zy")  # pinyin initials of 正阳工业园区
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    kb.key(Qt.Key.Key_Down)
    kb.key(Qt.Key.Key_Return)  # take the suggestion
    assert form.units.text() == "正阳工业园区"
    kb.tab(3)  # → 参加人员 → 备注 → the visits grid
    assert QApplication.focusWidget() is form.grid
    visits = [("深圳甲科技有限公司", "3.5", "1", True), ("深圳乙电子有限公司", "3.5", "1", False),
              ("深圳丙新材料有限公司", "3.6", "2", False), ("深圳丁智能装备有限公司", "3.6", "1", True),
              ("深圳戊生物医药有限公司", "3.7", "3", False)]
    for n, (company, day, outcome, lead) in enumerate(visits):
        kb.type(company)
        kb.tab()
        kb.type(day)
        kb.tab()
        kb.type(outcome)
        if lead:
            kb.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # save, then a lead from this row
            assert form.visit_model.lines[n].lead_id is not None
            kb.tab(2)  # → 备注 → the next row
        elif n < len(visits) - 1:
            kb.key(Qt.Key.Key_Return)  # Enter moves on like Tab
            kb.key(Qt.Key.Key_Return)  # past 备注: the next row (added when needed)
    kb.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not form.isVisible())
    seconds = time.perf_counter() - started
    print(f"\nkeyboard trip: {kb.keys} key presses + {kb.hanzi} Chinese characters by IME, {seconds:.2f} s")

    assert errors.shown == []
    tid = form.trip_id
    assert tid is not None
    with ctx.ledger.reading() as s:
        detail = trip_detail(s, tid)
        assert detail is not None
        v = detail.values
        assert (v["departure_date"], v["return_date"], v["province"], v["city"], v["leader"], v["level"]) == (
            date(2026, 3, 5), date(2026, 3, 7), "广东省", "深圳市", "王区长", "district_leader")
        assert len(v["unit_ids"]) == 1
        got = [(x.company, x.date, x.outcome) for x in detail.visits]
        assert got == [("深圳甲科技有限公司", date(2026, 3, 5), "intention"),
                       ("深圳乙电子有限公司", date(2026, 3, 5), "intention"),
                       ("深圳丙新材料有限公司", date(2026, 3, 6), "general"),
                       ("深圳丁智能装备有限公司", date(2026, 3, 6), "intention"),
                       ("深圳戊生物医药有限公司", date(2026, 3, 7), "none")]
        linked = {x.company: x.lead_id for x in detail.visits if x.lead_id is not None}
        assert set(linked) == {"深圳甲科技有限公司", "深圳丁智能装备有限公司"}
        row = fetch_trip_rows(s, [tid])[tid]
        assert (row.companies, row.intentions, row.leads, row.under_quota) == (5, 3, 2, False)
    assert kb.keys < 120
