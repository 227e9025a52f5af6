"""招商线索 page (SPEC §10, issue 19): filters, stale marking, the form by keyboard, one-line follow-ups,
转为项目 and delete/undo — real widgets on a real ledger file."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from ui.activity.lead_form import LeadForm
from ui.activity.leads_model import COLUMN_INDEX
from ui.activity.leads_page import LeadsPage
from ui.common import errors
from ui.common.context import LedgerContext
from ui.ledger.project_form import ProjectForm
from ui.shell.main_window import MainWindow
from zsdesk.ledger import Ledger
from zsdesk.models import Lead, LeadFollowup, Project
from zsdesk.ops import leads as lead_ops

TODAY = date(2026, 11, 30)


def _lead(ledger: Ledger, day: str, company: str, **more: Any) -> int:
    fields = {"received_date": day, "source_id": "以商招商", "company": company, "unit_id": "正阳工业园区", **more}
    return lead_ops.create_lead(ledger, fields).ids("lead", "insert")[0]


@pytest.fixture
def leads(district: Ledger) -> dict[str, int]:
    found = {
        "old": _lead(district, "2026-05-01", "久未联系科技有限公司", phone="13812345678", contact_name="王经理"),
        "fresh": _lead(district, "2026-11-25", "新近接洽材料公司", source_id="中介机构", unit_id="区商务委"),
        "followed": _lead(district, "2026-03-01", "常联系食品公司", chain_id="食品加工", intended_investment="5000"),
        "dead": _lead(district, "2026-02-01", "已放弃贸易公司", status="无效", status_reason="已在外地落户"),
    }
    lead_ops.add_followup(district, found["followed"], "2026-11-20", "电话沟通，下月来考察")
    district.history.undo_stack.clear()
    return found


@pytest.fixture
def window(context: LedgerContext, leads: dict[str, int], qtbot: Any) -> MainWindow:
    context.today = TODAY
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    return win


def _companies(page: LeadsPage) -> list[str]:
    return [page.model.index(r, COLUMN_INDEX["company"]).data() for r in range(page.model.rowCount())]


def _row(page: LeadsPage, company: str) -> int:
    return _companies(page).index(company)


def _select(page: LeadsPage, company: str) -> None:
    lead_id = page.model.ids[_row(page, company)]
    page.select_ids([lead_id], lead_id)  # what a click does; selectRow would toggle under a stale Ctrl state
    page.table.setFocus()
    assert page.current_id() == lead_id and page.selected_ids() == [lead_id]


def test_filters_by_status_and_stale_and_marks_stale_leads(context: LedgerContext, leads: dict[str, int],
                                                           qtbot: Any) -> None:
    context.today = TODAY
    page = LeadsPage(context)
    qtbot.addWidget(page)
    # newest received first; the phone masked; 意向投资 in 万元
    assert _companies(page) == ["新近接洽材料公司", "久未联系科技有限公司", "常联系食品公司", "已放弃贸易公司"]
    old = _row(page, "久未联系科技有限公司")
    assert page.model.index(old, COLUMN_INDEX["phone"]).data() == "138****5678"
    assert page.model.index(_row(page, "常联系食品公司"), COLUMN_INDEX["intended_investment"]).data() == "5,000.00"
    # stale: open, received more than the rules' 30 days ago, no follow-up since → coloured, with the days
    stale_cell = page.model.index(old, COLUMN_INDEX["company"])
    assert stale_cell.data(Qt.ItemDataRole.ToolTipRole) == "已213天未跟进"
    assert stale_cell.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert page.model.index(old, COLUMN_INDEX["stale"]).data() == "久未跟进"
    followed = page.model.index(_row(page, "常联系食品公司"), COLUMN_INDEX["company"])
    assert followed.data(Qt.ItemDataRole.BackgroundRole) is None
    assert page.model.index(_row(page, "常联系食品公司"), COLUMN_INDEX["last_followup"]).data() == "2026-11-20"

    page.filters.status.setCurrentIndex(page.filters.status.findText("跟进中"))
    assert _companies(page) == ["常联系食品公司"]
    page.filters.status.setCurrentIndex(page.filters.status.findText("未结（新线索、跟进中）"))
    assert set(_companies(page)) == {"新近接洽材料公司", "常联系食品公司", "久未联系科技有限公司"}
    page.filters.reset()
    page.filters.stale.setChecked(True)
    assert _companies(page) == ["久未联系科技有限公司"]
    assert "共 1 条线索（全部 4 条）" in page.status_text()
    page.filters.reset()
    page.filters.source.setCurrentIndex(page.filters.source.findText("中介机构"))
    assert _companies(page) == ["新近接洽材料公司"]
    page.filters.reset()
    page.filters.age.setCurrentIndex(page.filters.age.findText("近30天"))
    assert _companies(page) == ["新近接洽材料公司"]
    page.filters.reset()
    page.filters.unit.setCurrentIndex(page.filters.unit.findText("区商务委"))
    assert _companies(page) == ["新近接洽材料公司"]
    page.filters.reset()
    # a header click sorts in the engine: oldest first
    page.table.sortByColumn(COLUMN_INDEX["received_date"], Qt.SortOrder.AscendingOrder)
    assert _companies(page)[0] == "已放弃贸易公司"


def test_a_lead_is_created_by_keyboard_and_esc_asks_before_dropping_typing(window: MainWindow, qtbot: Any,
                                                                          type_text: Any) -> None:
    page = window.show_page("leads")
    assert isinstance(page, LeadsPage)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    forms = [f for f in page.findChildren(LeadForm) if f.isVisible()]
    assert len(forms) == 1 and not [f for f in window.findChildren(ProjectForm) if f.isVisible()]
    form = forms[0]
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    assert form.text_of("received_date") == "2026-11-30"
    # Esc with something typed: 保存 / 不保存 / 取消 (the test answers 取消: the form stays)
    type_text(qtbot, form.widgets["company"], "重庆智造装备有限公司")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert errors.shown[-1] == ("保存修改", "招商线索有未保存的修改。要保存吗？")
    assert form.isVisible()
    received = form.widgets["received_date"]
    received.setFocus()
    received.selectAll()  # type: ignore[attr-defined]  # a QLineEdit, typed QWidget in the form's dict
    qtbot.keyClicks(received, "2026/11/2")
    type_text(qtbot, form.widgets["source_id"].lineEdit(), "以商招商")  # type: ignore[attr-defined]
    type_text(qtbot, form.widgets["chain_id"].lineEdit(), "新材料")  # type: ignore[attr-defined]
    type_text(qtbot, form.widgets["intended_investment"], "1.2亿")
    type_text(qtbot, form.widgets["unit_id"].lineEdit(), "区商务委")  # type: ignore[attr-defined]
    type_text(qtbot, form.widgets["person_id"], "李娜")
    qtbot.keyClicks(form.widgets["phone"], "13900001111")
    qtbot.keyClick(form.widgets["phone"], Qt.Key.Key_Return)  # Enter saves
    assert not form.isVisible()
    with window.context.ledger.reading() as s:
        lead = s.scalar(select(Lead).where(Lead.company == "重庆智造装备有限公司"))
        assert lead is not None
        assert (lead.received_date, lead.intended_investment, lead.status) == (date(2026, 11, 2), 120_000_000, "new")
        assert lead.person_id is not None and lead.unit_id is not None and lead.chain_id is not None
    assert page.current_id() == lead.id  # the new lead is selected in the table
    assert page.model.index(page.table.currentIndex().row(), COLUMN_INDEX["phone"]).data() == "139****1111"


def test_a_bad_form_shows_the_field_and_saves_nothing(window: MainWindow, qtbot: Any) -> None:
    page = window.show_page("leads")
    assert isinstance(page, LeadsPage)
    form = page.new_lead()
    assert isinstance(form, LeadForm)
    form.set_text("received_date", "2026-13-45")
    assert not form.save()
    assert form.errors["source_id"].text() == "必填"  # the engine names the missing source first
    form.set_text("source_id", "以商招商")
    form.set_text("phone", "call me")
    assert not form.save()
    assert form.errors["received_date"].text() and form.errors["company"].text() == "必填"
    assert "不是电话号码" in form.errors["phone"].text()
    assert form.message.text() == "有 3 处需要修改，未保存。"
    with window.context.ledger.reading() as s:
        assert len(list(s.scalars(select(Lead)))) == 4
    errors.answers.append(errors.DISCARD)  # Esc: 不保存
    form.reject()
    assert not form.isVisible()


def test_a_follow_up_is_added_with_enter_dated_today_and_undone(window: MainWindow, leads: dict[str, int],
                                                                qtbot: Any, type_text: Any) -> None:
    page = window.show_page("leads")
    assert isinstance(page, LeadsPage)
    _select(page, "久未联系科技有限公司")
    assert page.followups.lead_id == leads["old"] and page.followups.table.rowCount() == 0
    assert page.followups.date.text() == "2026-11-30"
    page.followups.text.setFocus()
    type_text(qtbot, page.followups.text, "已约下周来区考察")
    qtbot.keyClick(page.followups.text, Qt.Key.Key_Return)
    with window.context.ledger.reading() as s:
        notes = [(f.date, f.text) for f in s.scalars(select(LeadFollowup).where(LeadFollowup.lead_id == leads["old"]))]
        status = s.get(Lead, leads["old"]).status  # type: ignore[union-attr]
    assert notes == [(date(2026, 11, 30), "已约下周来区考察")] and status == "following"
    assert page.followups.text.text() == "" and page.followups.table.item(0, 1).text() == "已约下周来区考察"  # type: ignore[union-attr]  # the row was just filled
    row = _row(page, "久未联系科技有限公司")  # the lead is no longer stale, and says 跟进中
    assert page.model.index(row, COLUMN_INDEX["stale"]).data() == ""
    assert page.model.index(row, COLUMN_INDEX["status"]).data() == "跟进中"
    assert page.model.index(row, COLUMN_INDEX["last_followup"]).data() == "2026-11-30"
    window.act_undo.trigger()
    assert page.followups.table.rowCount() == 0
    assert page.model.index(_row(page, "久未联系科技有限公司"), COLUMN_INDEX["stale"]).data() == "久未跟进"
    # typed and not entered: leaving the page asks 保存 / 不保存 / 取消; 保存 enters it
    page.followups.text.setText("客户来电询问电价")
    assert page.unsaved() and "[未保存]" in window.windowTitle()
    window.show_page("ledger")  # no answer queued: 取消, the page stays with the text
    assert window.current_page() is page and errors.shown[-1] == ("保存修改", "新增的线索跟进有未保存的修改。要保存吗？")
    errors.answers.append(errors.SAVE)
    window.show_page("ledger")
    assert window.current_page() is not page and page.followups.table.rowCount() == 1
    window.show_page("leads")
    # Del in the list deletes the note (undoable)
    page.followups.table.selectRow(0)
    page.followups.table.setFocus()
    qtbot.keyClick(page.followups.table, Qt.Key.Key_Delete)
    assert page.followups.table.rowCount() == 0
    assert "久未联系科技有限公司" in _companies(page)  # the lead itself is untouched
    window.act_undo.trigger()
    assert page.followups.table.rowCount() == 1
    # Enter on an empty line: a Chinese message, nothing written
    page.followups.text.setFocus()
    qtbot.keyClick(page.followups.text, Qt.Key.Key_Return)
    assert "跟进内容" in page.followups.message.text()


def test_convert_makes_a_project_at_negotiation_links_both_and_refuses_a_second_time(
        window: MainWindow, leads: dict[str, int], qtbot: Any) -> None:
    page = window.show_page("leads")
    assert isinstance(page, LeadsPage)
    _select(page, "常联系食品公司")
    assert page.act_convert.isEnabled() and not page.act_open_project.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    with window.context.ledger.reading() as s:
        lead = s.get(Lead, leads["followed"])
        assert lead is not None and lead.project_id is not None and lead.status == "converted"
        project = s.get(Project, lead.project_id)
        assert project is not None
        assert (project.stage, project.first_contact_date, project.investor) == \
            ("negotiating", date(2026, 3, 1), "常联系食品公司")
        code = project.code
    assert errors.shown[-1] == ("转为项目", f"已转为项目 {code}。现在打开这个项目吗？")
    opened = [f for f in window.findChildren(ProjectForm) if f.isVisible()]  # the test said 打开项目
    assert len(opened) == 1 and code in opened[0].windowTitle()
    opened[0].close()
    row = _row(page, "常联系食品公司")
    assert page.model.index(row, COLUMN_INDEX["project_code"]).data() == code
    assert page.model.index(row, COLUMN_INDEX["status"]).data() == "已转项目"
    assert not page.act_convert.isEnabled() and code in page.act_convert.toolTip()
    assert page.act_open_project.isEnabled()
    # asked again anyway (e.g. from a stale menu): the engine refuses in Chinese, no second project
    page.convert_current()
    assert errors.shown[-1][1] == f"线索“常联系食品公司”已转为项目（{code}），不能重复转换。"
    with window.context.ledger.reading() as s:
        assert len(list(s.scalars(select(Project).where(Project.investor == "常联系食品公司")))) == 1
    # the form shows the link
    form = page.edit_current()
    assert isinstance(form, LeadForm)
    assert form.project_label.text() == code and form.project_button.isVisibleTo(form)
    assert not form.status_box.isEnabled()
    form.reject()


def test_an_invalid_lead_is_not_converted(window: MainWindow, qtbot: Any) -> None:
    page = window.show_page("leads")
    assert isinstance(page, LeadsPage)
    _select(page, "已放弃贸易公司")
    assert page.convert_current() is None
    assert "已标为无效，不能转为项目" in errors.shown[-1][1]


def test_delete_with_del_and_undo(window: MainWindow, leads: dict[str, int], qtbot: Any) -> None:
    page = window.show_page("leads")
    assert isinstance(page, LeadsPage)
    _select(page, "新近接洽材料公司")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert errors.shown[-1][0] == "删除线索", errors.shown
    assert "新近接洽材料公司" not in _companies(page)
    window.act_undo.trigger()
    assert "新近接洽材料公司" in _companies(page)


def test_an_edit_over_someone_elses_newer_save_offers_to_reapply(window: MainWindow, leads: dict[str, int],
                                                                 qtbot: Any) -> None:
    page = window.show_page("leads")
    assert isinstance(page, LeadsPage)
    _select(page, "新近接洽材料公司")
    form = page.edit_current()
    assert isinstance(form, LeadForm)
    lead_ops.update_lead(window.context.ledger, leads["fresh"], {"contact_name": "赵总"})  # another clerk
    form.set_text("notes", "对方要求提供土地指标")
    assert not form.save()
    assert errors.shown[-1][0] == "别人刚修改过这条记录"
    assert form.text_of("contact_name") == "赵总" and form.text_of("notes") == "对方要求提供土地指标"
    assert form.save()
    with window.context.ledger.reading() as s:
        lead = s.get(Lead, leads["fresh"])
        assert lead is not None and (lead.contact_name, lead.notes) == ("赵总", "对方要求提供土地指标")


def test_the_page_is_in_the_navigation_after_the_ledger(window: MainWindow) -> None:
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels.index("招商线索") == labels.index("项目台账") + 1
    QApplication.processEvents()


def test_the_leads_model_passes_the_model_tester(qtmodeltester: Any, context: LedgerContext,
                                                 leads: dict[str, int]) -> None:
    context.today = TODAY
    page = LeadsPage(context)
    assert page.model.rowCount() == 4
    qtmodeltester.check(page.model)
