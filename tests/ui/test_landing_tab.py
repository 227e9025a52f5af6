"""The 英雄榜 page's 项目落地 tab on the demo district: the §9 figures, bars, drill-down to projects, xlsx export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

import ui  # noqa: F401 - installs the None guard before any Qt call
from ui.board.board_page import BoardPage
from ui.common import errors
from ui.common.context import LedgerContext
from ui.common.roles import RateRole
from zsdesk.board import rate_text
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.lifecycle import compute_lifecycle

TODAY = date(2026, 11, 30)


@pytest.fixture
def context(ledger: Ledger, qtbot) -> Iterator[LedgerContext]:  # type: ignore[no-untyped-def]
    build_demo(ledger, today=TODAY)
    errors.MODAL = False
    errors.shown.clear()
    ctx = LedgerContext(ledger)
    ctx.today = TODAY
    yield ctx
    ctx.runner.wait()


def _landing_page(context: LedgerContext, qtbot) -> BoardPage:  # type: ignore[no-untyped-def]
    page = BoardPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    qtbot.waitUntil(lambda: page.board is not None and not context.runner.busy, timeout=15000)
    page.tabs.setCurrentWidget(page.landing)
    qtbot.waitUntil(lambda: page.landing.lifecycle is not None and not context.runner.busy, timeout=15000)
    return page


def test_landing_tab_shows_the_district_and_units(qtbot, context: LedgerContext) -> None:
    page = _landing_page(context, qtbot)
    tab = page.landing
    assert page.tabs.tabText(page.tabs.indexOf(tab)) == "项目落地"
    lc = compute_lifecycle(context.ledger, "2026Q3")
    model = tab.model
    assert model.rowCount() == 1 + len(lc.units)
    col = {c.key: i for i, c in enumerate(model.COLUMNS)}
    assert model.index(0, col["unit"]).data() == "全区"
    assert model.index(0, col["cohort"]).data() == str(lc.district.cohort)
    assert model.index(0, col["start_rate"]).data() == rate_text(lc.district.start_rate)
    assert model.index(0, col["overdue"]).data() == str(lc.district.overdue_projects)
    for r, unit in enumerate(lc.units, start=1):
        assert model.index(r, col["unit"]).data() == unit.unit
        assert model.index(r, col["started"]).data() == str(unit.figures.started)
        rate = unit.figures.start_rate
        assert model.index(r, col["start_rate"]).data(RateRole) == (None if rate is None else float(rate))
    assert sum(int(model.index(r, col["cohort"]).data()) for r in range(1, model.rowCount())) == lc.district.cohort
    assert "开工率" in tab.summary.text() and f"逾期节点 {len(lc.overdue)} 个" in tab.summary.text()


def test_double_click_drills_to_the_projects_and_opens_one(qtbot, context: LedgerContext) -> None:
    page = _landing_page(context, qtbot)
    tab = page.landing
    lc = tab.lifecycle
    assert lc is not None
    col = {c.key: i for i, c in enumerate(tab.model.COLUMNS)}
    row = next(r for r, u in enumerate(lc.units, start=1) if u.figures.overdue_projects)
    unit = lc.units[row - 1]
    dialog = tab.drill_index(tab.model.index(row, col["overdue"]))
    assert dialog is not None and dialog.model.rowCount() == unit.figures.overdue_projects
    assert unit.unit in dialog.windowTitle() and "逾期项目" in dialog.windowTitle()
    assert {dialog.model.index(r, 9).data() for r in range(dialog.model.rowCount())} == {"逾期"}
    district = tab.drill_index(tab.model.index(0, col["started"]))
    assert district is not None and district.model.rowCount() == lc.district.started
    opened: list[int] = []
    context.open_project_requested.connect(opened.append)
    dialog.table.doubleClicked.emit(dialog.table.model().index(0, 1))
    assert opened == [dialog.model.rows[dialog.table.model().mapToSource(dialog.table.model().index(0, 1)).row()]
                      .project_id]


def test_export_writes_the_landing_workbook(qtbot, context: LedgerContext, tmp_path: Path) -> None:
    page = _landing_page(context, qtbot)
    path = tmp_path / "项目落地.xlsx"
    page.landing.export_to(path)
    qtbot.waitUntil(lambda: path.exists() and not context.runner.busy, timeout=15000)
    wb = load_workbook(path)
    assert wb.sheetnames == ["项目落地", "逾期项目"]
    lc = page.landing.lifecycle
    assert lc is not None
    units = [r[0] for r in wb["项目落地"].iter_rows(values_only=True) if r[0] in {u.unit for u in lc.units}]
    assert units == [u.unit for u in lc.units]


def test_notice_settings_switch_the_landing_section(qtbot, context: LedgerContext) -> None:
    from ui.notice.notice_page import NoticePage
    from zsdesk.notice.narrative import load_settings

    page = NoticePage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.landing_check.isChecked() and page.settings().landing_on  # on by default
    page.landing_check.setChecked(False)
    assert not page.settings().landing_on and page.typed().settings["landing_section"] == "0"
    assert page.save_text()
    assert not load_settings(context.ledger).landing_on
    again = NoticePage(context)
    qtbot.addWidget(again)
    assert not again.landing_check.isChecked()


def test_notice_settings_switch_the_activity_section(qtbot, context: LedgerContext) -> None:
    from ui.notice.notice_page import NoticePage
    from zsdesk.notice.narrative import load_settings

    page = NoticePage(context)
    qtbot.addWidget(page)
    page.show()
    assert not page.activity_check.isChecked() and not page.settings().activity_on  # SPEC §10: off by default
    page.activity_check.setChecked(True)
    assert page.settings().activity_on and page.typed().settings["activity_section"] == "1"
    assert page.save_text()
    assert load_settings(context.ledger).activity_on
    again = NoticePage(context)
    qtbot.addWidget(again)
    assert again.activity_check.isChecked()
