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
from zsdesk.check import check_ledger
from zsdesk.errors import LedgerError
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
    # the two leads are in the leads table, linked from their visits, unit = the trip's unit
    with ctx.ledger.reading() as s:
        ids = LeadQuery().ids(s)
        leads = fetch_lead_rows(s, ids)
    assert sorted(r.company for r in leads.values()) == ["深圳丁智能装备有限公司", "深圳甲科技有限公司"]
    assert {r.id for r in leads.values()} == set(linked.values())
    assert {(r.unit, r.status, r.received_date) for r in leads.values()} == {
        ("正阳工业园区", "new", date(2026, 3, 5)), ("正阳工业园区", "new", date(2026, 3, 6))}
    # the table shows the trip with its counts
    assert page.model.ids == [tid]
    cells = {key: page.model.index(0, col).data() for key, col in COLUMN_INDEX.items()}
    assert ctx.ledger.path is not None and check_ledger(ctx.ledger.path).healthy  # every write went through an op
    assert cells == {"departure_date": "2026-03-05", "return_date": "2026-03-07", "destination": "广东省深圳市",
                     "leader": "王区长", "level": "区领导带队", "units": "正阳工业园区", "companies": "5",
                     "intentions": "3", "leads": "2"}


def _trip(ctx: LedgerContext, outcomes: list[str], day: str = "2026-05-10") -> int:
    visits = [{"company": f"杭州{n}号企业", "date": day, "outcome": o} for n, o in enumerate(outcomes, start=1)]
    return ctx.try_run(trip_ops.create_trip, {"departure_date": day, "province": "浙江省", "city": "杭州市",
                                             "leader": "李局长", "unit_ids": "区商务委"}, visits).ids("trip", "insert")[0]


def _tooltip(page: TripsPage, tid: int) -> str | None:
    row = page.model.row_of(tid)
    assert row is not None
    return page.model.index(row, COLUMN_INDEX["companies"]).data(Qt.ItemDataRole.ToolTipRole)


def _open(page: TripsPage, qtbot: Any, tid: int) -> TripForm:
    page.select_ids([tid], tid)
    page.activateWindow()
    _focus(qtbot, page.table)
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    form = _form(page)
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.departure)
    return form


def _focus(qtbot: Any, widget: Any) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_under_quota_flag_appears_and_disappears(page: TripsPage, ctx: LedgerContext, qtbot: Any) -> None:
    short = _trip(ctx, ["有合作意向", "一般"])
    fine = _trip(ctx, ["有合作意向"] * 3, day="2026-06-01")
    assert _tooltip(page, short) == "未达标：拜访企业2家，少于3家；有效意向1个，少于3个"
    assert _tooltip(page, fine) is None
    row = page.model.row_of(short)
    assert page.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert page.model.index(page.model.row_of(fine), 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "未达标 1 次" in page.status_text()
    page.filters.under.setChecked(True)
    assert page.model.ids == [short]
    page.filters.under.setChecked(False)

    # a 3rd visit (an intention): companies are enough, intentions still short
    form = _open(page, qtbot, short)
    assert form.quota.text() == "未达标：拜访企业2家，少于3家；有效意向1个，少于3个"
    grid = form.grid
    _focus(qtbot, grid)
    grid.setCurrentIndex(form.visit_model.index(2, 0))  # the blank row under the two visits
    kb = Keyboard(qtbot)
    kb.type("杭州3号企业")
    kb.tab()
    kb.type("5.11")
    kb.tab()
    kb.type("1")
    kb.key(Qt.Key.Key_Return)
    assert form.quota.text() == "未达标：有效意向2个，少于3个"
    kb.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _tooltip(page, short) == "未达标：有效意向2个，少于3个"

    # the 一般 visit becomes an intention: the 3rd intention, the flag goes
    form = _open(page, qtbot, short)
    general = next(r for r, line in enumerate(form.visit_model.lines) if line.outcome == "general")
    _focus(qtbot, form.grid)
    form.grid.setCurrentIndex(form.visit_model.index(general, 2))
    kb.type("1")
    kb.key(Qt.Key.Key_Return)
    assert form.quota.text().startswith("已达标")
    kb.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _tooltip(page, short) is None
    assert page.model.index(page.model.row_of(short), 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "未达标 0 次" in page.status_text()
    assert errors.shown == []


def test_lead_from_a_saved_trip_row_and_not_twice(page: TripsPage, ctx: LedgerContext, qtbot: Any) -> None:
    tid = _trip(ctx, ["有合作意向", "一般", "无意向"])
    form = _open(page, qtbot, tid)
    _focus(qtbot, form.grid)
    form.grid.setCurrentIndex(form.visit_model.index(1, 3))
    QTest.keyClick(form.grid, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    line = form.visit_model.lines[1]
    assert line.lead_id is not None
    assert form.visit_model.index(1, 4).data() == "已生成线索"
    with ctx.ledger.reading() as s:
        visit = s.get(TripVisit, line.id)
        lead = s.get(Lead, line.lead_id)
        assert visit is not None and lead is not None and visit.lead_id == lead.id
        assert lead.company == line.company == "杭州2号企业"
        assert lead.id in LeadQuery().ids(s)
    QTest.keyClick(form.grid, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert errors.shown[-1][1] == "走访企业“杭州2号企业”已生成过线索，不能重复生成。"
    form.reject()
    assert not form.isVisible()
    assert page.model.index(page.model.row_of(tid), COLUMN_INDEX["leads"]).data() == "1"


def test_delete_with_del_is_undoable(page: TripsPage, ctx: LedgerContext, qtbot: Any) -> None:
    keep, gone = _trip(ctx, ["一般"]), _trip(ctx, ["一般"], day="2026-07-01")
    page.select_ids([gone], gone)
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Delete)
    assert errors.shown[-1][0] == "删除外出招商"
    assert page.model.ids == [keep]
    ctx.undo(page)
    assert sorted(page.model.ids) == sorted([keep, gone])


def test_filters_by_text_unit_and_period(page: TripsPage, ctx: LedgerContext, qtbot: Any) -> None:
    a = _trip(ctx, ["一般"], day="2026-02-01")
    b = ctx.try_run(trip_ops.create_trip, {"departure_date": "2025-11-03", "province": "江苏省", "city": "苏州市",
                                          "unit_ids": "正阳工业园区"},
                             [{"company": "苏州精密机械有限公司", "outcome": "一般"}]).ids("trip", "insert")[0]
    assert sorted(page.model.ids) == sorted([a, b])
    page.filters.text.setText("精密")
    page.filters.text.returnPressed.emit()
    assert page.model.ids == [b]
    page.filters.reset()
    page.filters.unit.setCurrentIndex(page.filters.unit.findText("区商务委"))
    assert page.model.ids == [a]
    page.filters.reset()
    page.filters.year.setCurrentIndex(page.filters.year.findData(2025))
    assert page.model.ids == [b]
    page.filters.quarter.setCurrentIndex(page.filters.quarter.findData(1))
    assert page.model.ids == []
    page.filters.year.setCurrentIndex(page.filters.year.findData(2026))
    assert page.model.ids == [a]


def test_esc_with_unsaved_edits_asks_and_bad_cells_are_named(page: TripsPage, ctx: LedgerContext,
                                                             qtbot: Any) -> None:
    tid = _trip(ctx, ["一般"])
    form = _open(page, qtbot, tid)
    _focus(qtbot, form.grid)
    form.grid.setCurrentIndex(form.visit_model.index(0, 1))
    kb = Keyboard(qtbot)
    kb.type("13.45")
    kb.key(Qt.Key.Key_Return)
    assert form.visit_model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    kb.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.isVisible() and form.message.text().startswith("第 1 行：“2026-13-45”不是")
    kb.key(Qt.Key.Key_Escape)  # 取消 (no answer queued): the form stays with the edit
    assert errors.shown[-1] == ("保存修改", "外出招商记录有未保存的修改。要保存吗？")
    assert form.isVisible()
    errors.answers.append(errors.DISCARD)
    kb.key(Qt.Key.Key_Escape)
    assert not form.isVisible()
    with ctx.ledger.reading() as s:
        detail = trip_detail(s, tid)
    assert detail is not None and detail.visits[0].date == date(2026, 5, 10)


def test_a_stale_form_reloads_and_types_the_edit_again(page: TripsPage, ctx: LedgerContext, qtbot: Any) -> None:
    tid = _trip(ctx, ["一般", "一般", "一般"])
    form = _open(page, qtbot, tid)
    trip_ops.update_trip(ctx.ledger, tid, {"city": "宁波市"})  # another window saved first (unannounced)
    _focus(qtbot, form.leader)
    kb = Keyboard(qtbot)
    form.leader.selectAll()
    kb.type("陈副区长")
    kb.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert errors.shown[-1][0] == "别人刚修改过这条记录"
    assert form.isVisible() and form.city.text() == "宁波市" and form.leader.text() == "陈副区长"
    kb.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not form.isVisible())
    with ctx.ledger.reading() as s:
        detail = trip_detail(s, tid)
    assert detail is not None and (detail.values["city"], detail.values["leader"]) == ("宁波市", "陈副区长")


def test_in_the_main_window_ctrl_n_and_del_act_on_trips(ctx: LedgerContext, qtbot: Any) -> None:
    """The nav shows 外出招商 after 招商线索 (which follows 项目台账); on it Ctrl+N opens a trip form (not a project form) and Del
    deletes the selected trip (not a project); the window's undo brings it back."""
    from ui.shell.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[labels.index("项目台账") + 1:labels.index("项目台账") + 3] == ["招商线索", "外出招商"]
    tid = _trip(ctx, ["一般"])
    page = window.show_page("trips")
    assert isinstance(page, TripsPage)
    window.activateWindow()
    page.select_ids([tid], tid)
    _focus(qtbot, page.table)
    QTest.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = _form(page)
    qtbot.waitUntil(form.isVisible)
    assert form.windowTitle() == "新增外出招商" and form.trip_id is None
    form.reject()
    window.activateWindow()
    _focus(qtbot, page.table)
    projects = len(window.page("ledger").model.ids)  # type: ignore[attr-defined]  # the ledger page's model
    QTest.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.ids == [] and len(window.page("ledger").model.ids) == projects  # type: ignore[attr-defined]  # the ledger page's model
    window.act_undo.trigger()
    assert page.model.ids == [tid]


def test_short_dates_take_the_trips_year_and_cross_new_year() -> None:
    from ui.activity.trip_visits import expand_short_date, parse_typed_date

    assert expand_short_date("3.5", 2026) == "2026-3-5"
    assert expand_short_date("3-5", 2026) == expand_short_date("3/5", 2026) == expand_short_date("3月5日", 2026)
    assert expand_short_date("2026-3-5", 2020) == "2026-3-5"  # a whole date as typed
    assert parse_typed_date("1.3", 2026, date(2025, 12, 28)) == date(2026, 1, 3)  # back after New Year
    assert parse_typed_date("12.30", 2026, date(2025, 12, 28)) == date(2025, 12, 30)
    assert parse_typed_date("", 2026) is None
    with pytest.raises(LedgerError, match="不是存在的日期"):
        parse_typed_date("2.30", 2026)
