"""招商线索 page on a shared ledger (SPEC §10–§11): a 只读 login sees the leads and can change nothing (every
writing control disabled with the reason); a unit's liaison sees only their unit's leads and may work them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ui.activity.lead_form import LeadForm
from ui.activity.leads_model import COLUMN_INDEX
from ui.activity.leads_page import LeadsPage
from ui.common import errors
from ui.common.context import LedgerContext
from zsdesk.opening import open_unlocked
from zsdesk.ops import leads as lead_ops

from .conftest import Shared

READ_ONLY = "只读账号不能修改台账。"


@pytest.fixture(autouse=True)
def _no_modal_errors() -> Iterator[None]:
    errors.MODAL = False
    errors.shown.clear()
    yield
    errors.MODAL = True


@pytest.fixture
def with_leads(shared: Shared) -> Shared:
    with open_unlocked(shared.url) as owner:
        for day, company, unit in (("2026-10-01", "甲的线索公司", "甲园区"), ("2026-10-02", "乙的线索公司", "乙街道")):
            lead_ops.create_lead(owner, {"received_date": day, "source_id": "以商招商", "company": company,
                                         "unit_id": unit, "phone": "13812345678"})
    return shared


def _companies(page: LeadsPage) -> list[str]:
    return [page.model.index(r, COLUMN_INDEX["company"]).data() for r in range(page.model.rowCount())]


def test_a_reader_sees_the_leads_and_can_change_nothing(with_leads: Shared, qtbot: Any) -> None:
    login = with_leads.login("reader")
    with open_unlocked(with_leads.url_for(login)) as ledger:
        context = LedgerContext(ledger)
        page = LeadsPage(context)
        qtbot.addWidget(page)
        assert sorted(_companies(page)) == ["乙的线索公司", "甲的线索公司"]
        for action in (page.act_new, page.act_delete, page.act_convert, page.act_followup):
            assert not action.isEnabled() and action.toolTip() == READ_ONLY
        page.select_ids([page.model.ids[0]], page.model.ids[0])
        assert not page.act_convert.isEnabled()  # selecting a lead does not enable it again
        assert not page.followups.text.isEnabled() and page.followups.text.toolTip() == READ_ONLY
        assert page.new_lead() is None and page.convert_current() is None
        page.delete_selected(ask=False)
        assert len(page.model.ids) == 2
        form = page.edit_current()  # the form opens to read, every field and 保存 disabled
        assert isinstance(form, LeadForm)
        assert not form.save_button.isEnabled() and not form.widgets["company"].isEnabled()
        assert READ_ONLY in form.message.text() and not form.save()
        form.reject()
        assert not form.isVisible()


def test_a_liaison_sees_and_follows_up_only_their_units_leads(with_leads: Shared, qtbot: Any) -> None:
    login = with_leads.login("liaison", unit="甲园区")
    with open_unlocked(with_leads.url_for(login)) as ledger:
        context = LedgerContext(ledger)
        page = LeadsPage(context)
        qtbot.addWidget(page)
        assert _companies(page) == ["甲的线索公司"]  # row-level security, not the window, hides 乙's
        page.select_ids([page.model.ids[0]], page.model.ids[0])
        assert page.act_convert.isEnabled() and page.followups.text.isEnabled()
        page.followups.text.setText("电话回访")
        assert page.followups.add()
        assert page.followups.table.rowCount() == 1
        assert page.model.index(0, COLUMN_INDEX["status"]).data() == "跟进中"
