"""The 英雄榜 page's 招商活动 tab (SPEC §10): a worked example counted by hand and by compute_activity, next to
the board's signings; it follows the board's period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from ui.board.activity_tab import ActivityTab
from ui.board.board_page import BoardPage
from ui.common.context import LedgerContext
from zsdesk.activity import FIGURES, compute_activity
from zsdesk.board import compute_board, rate_text
from zsdesk.ledger import Ledger
from zsdesk.ops import leads as lead_ops
from zsdesk.ops import trips as trip_ops
from zsdesk.periods import parse_period

TODAY = date(2026, 11, 30)
UNITS = ["正阳工业园区", "舟白工业园区", "区商务委", "濯水镇"]


def _visits(n: int, intentions: int, day: str) -> list[dict[str, str]]:
    return [{"company": f"企业{day}-{i}", "date": day, "outcome": "有合作意向" if i < intentions else "一般"}
            for i in range(n)]


@pytest.fixture
def ctx(district: Ledger, qtbot: Any) -> Iterator[LedgerContext]:
    """The window fixtures' district plus three trips and three leads (one converted) in 2026."""
    led = district
    trip_ops.create_trip(led, {"departure_date": "2026-01-10", "province": "广东省", "city": "深圳市",
                               "level": "区领导带队", "unit_ids": "正阳工业园区、区商务委"}, _visits(3, 3, "2026-01-11"))
    trip_ops.create_trip(led, {"departure_date": "2026-02-05", "province": "浙江省", "unit_ids": "正阳工业园区"},
                         _visits(2, 1, "2026-02-06"))
    trip_ops.create_trip(led, {"departure_date": "2026-04-02", "province": "四川省", "unit_ids": "濯水镇"},
                         _visits(4, 3, "2026-04-03"))
    for day, company, unit in (("2026-01-15", "一号公司", "正阳工业园区"), ("2026-03-01", "二号公司", "区商务委"),
                               ("2026-05-01", "三号公司", "濯水镇")):
        lid = lead_ops.create_lead(led, {"received_date": day, "source_id": "以商招商", "company": company,
                                         "unit_id": unit}).ids("lead", "insert")[0]
        if company == "一号公司":
            lead_ops.convert_lead(led, lid)
    c = LedgerContext(led)
    c.today = TODAY
    yield c
    c.runner.wait()


def _cells(tab: ActivityTab) -> dict[str, dict[str, str]]:
    m = tab.model
    return {m.index(r, 0).data(): {c.key: m.index(r, i).data() for i, c in enumerate(m.COLUMNS)}
            for r in range(m.rowCount())}


def _board_page(ctx: LedgerContext, qtbot: Any, code: str) -> BoardPage:
    page = BoardPage(ctx)
    qtbot.addWidget(page)
    page.picker.set_code(code)
    page.resize(1300, 700)
    page.show()
    page.activated()
    qtbot.waitUntil(lambda: page.board is not None and not ctx.runner.busy, timeout=15000)
    page.tabs.setCurrentWidget(page.activity)
    qtbot.waitUntil(lambda: page.activity.activity is not None and not ctx.runner.busy, timeout=15000)
    return page


# Hand-counted, 2026 Q1 (1 January – 31 March): trips 1 (leader-led, 3 visits, 3 intentions, 正阳 + 商务委) and
# 2 (2 visits, 1 intention: under quota, 正阳); leads 一号 (正阳, converted: a 在谈 project of 正阳 from 1-15)
# and 二号 (商务委); 预制菜 (商务委) was first contacted 2026-01-05 in the window fixtures.
Q1 = {
    "全区": {"trips": "2", "leader_led_trips": "1", "companies_visited": "5", "intentions": "4",
             "trips_under_quota": "1", "new_leads": "2", "converted_leads": "1", "new_negotiations": "2",
             "conversion_rate": "50.00%"},
    "正阳工业园区": {"trips": "2", "leader_led_trips": "1", "companies_visited": "5", "intentions": "4",
                 "trips_under_quota": "1", "new_leads": "1", "converted_leads": "1", "new_negotiations": "1",
                 "conversion_rate": "100.00%"},
    "区商务委": {"trips": "1", "leader_led_trips": "1", "companies_visited": "3", "intentions": "3",
              "trips_under_quota": "0", "new_leads": "1", "converted_leads": "0", "new_negotiations": "1",
              "conversion_rate": "0.00%"},
    "濯水镇": {"trips": "0", "leader_led_trips": "0", "companies_visited": "0", "intentions": "0",
            "trips_under_quota": "0", "new_leads": "0", "converted_leads": "0", "new_negotiations": "0",
            "conversion_rate": "—"},
}


def test_activity_tab_worked_example_next_to_the_signings(ctx: LedgerContext, qtbot: Any) -> None:
    page = _board_page(ctx, qtbot, "2026Q1")
    tab = page.activity
    assert page.tabs.tabText(page.tabs.indexOf(tab)) == "招商活动"
    cells = _cells(tab)
    assert list(cells)[0] == "全区"
    for name, expected in Q1.items():
        assert {k: cells[name][k] for k in FIGURES} == expected, name
    with ctx.ledger.reading() as s:
        activity = compute_activity(s, parse_period("2026Q1"))
        board = compute_board(s, parse_period("2026Q1"))
    by_name = {u.unit: u.figures for u in activity.units}
    for name in UNITS:
        f = by_name[name]
        assert {k: cells[name][k] for k in FIGURES} == {
            k: rate_text(f.conversion_rate) if k == "conversion_rate" else str(getattr(f, k)) for k in FIGURES}
    # signings next to the activity: 濯水古镇文旅综合体 (formal contract 2026-02-01) is the quarter's only signing
    rows = {u.unit: u.figures for u in board.units}
    assert cells["濯水镇"]["signed"] == "1" == str(rows["濯水镇"].signed_projects)
    assert cells["全区"]["signed"] == "1" and cells["正阳工业园区"]["signed"] == "0"
    assert tab.model.rows[0].amount == board.district.figures.agreement_amount == 1_200_000_000
    zhuoshui = next(r for r in tab.model.rows if r.unit == "濯水镇")
    assert zhuoshui.amount == rows["濯水镇"].agreement_amount > 0
    assert cells["全区"]["amount"] == "120,000.00"  # 万元
    assert "外出招商 2 次（区领导带队 1 次，未达标 1 次）" in tab.summary.text()


def test_activity_tab_follows_the_board_period(ctx: LedgerContext, qtbot: Any) -> None:
    page = _board_page(ctx, qtbot, "2026Q1")
    tab = page.activity
    assert _cells(tab)["全区"]["trips"] == "2"
    page.picker.number.setCurrentIndex(page.picker.number.findData(2))  # 第二季度 (year to date through June)
    qtbot.waitUntil(lambda: tab.activity is not None and tab.activity.period.code == "2026Q2"
                    and not ctx.runner.busy, timeout=15000)
    qtbot.waitUntil(lambda: _cells(tab)["全区"]["trips"] == "3", timeout=5000)
    cells = _cells(tab)
    assert (cells["濯水镇"]["trips"], cells["濯水镇"]["companies_visited"], cells["濯水镇"]["new_leads"]) == ("1", "4", "1")
    assert cells["全区"]["conversion_rate"] == "33.33%"
    with ctx.ledger.reading() as s:
        q2 = compute_activity(s, parse_period("2026Q2"))
    assert cells["全区"]["intentions"] == str(q2.district.intentions) == "7"
    # a trip entered in the window is counted at once (the ledger's change recomputes the tab)
    ctx.try_run(trip_ops.create_trip, {"departure_date": "2026-05-20", "unit_ids": "舟白工业园区"},
                _visits(1, 0, "2026-05-20"))
    qtbot.waitUntil(lambda: _cells(tab)["全区"]["trips"] == "4" and not ctx.runner.busy, timeout=15000)
    assert _cells(tab)["舟白工业园区"]["trips_under_quota"] == "1"
