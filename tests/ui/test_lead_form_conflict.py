"""A stale edit in the lead form: the other clerk's save is shown and this clerk's edits are typed in again
on top (the same path as the project form's, ui/common/record_form.py), the status kept too."""

from __future__ import annotations

from typing import Any

from ui import strings as S
from ui.activity.lead_form import LeadForm
from ui.common.context import LedgerContext
from zsdesk.opening import open_unlocked
from zsdesk.ops import leads as lead_ops
from zsdesk.queries.leads import lead_detail


def test_stale_lead_form_reapplies_mine_over_theirs(context: LedgerContext, qtbot: Any,
                                                     shown_errors: list[tuple[str, str]]) -> None:
    lead_id = lead_ops.create_lead(context.ledger, {"received_date": "2026-05-01", "source_id": "以商招商",
                                                    "company": "久未联系科技有限公司", "contact_name": "王经理"}
                                   ).ids("lead", "insert")[0]
    form = LeadForm(context, lead_id)
    qtbot.addWidget(form)
    form.set_text("contact_name", "李总")
    form.status_box.setCurrentIndex(form.status_box.findData("following"))
    assert context.ledger.path is not None
    with open_unlocked(context.ledger.path, operator="乙") as other:
        lead_ops.update_lead(other, lead_id, {"contact_name": "张经理", "phone": "13900001111"})

    assert not form.save()
    title, text = shown_errors[-1]
    assert title == S.CONFLICT_TITLE and "乙" in text
    assert form.text_of("phone") == "13900001111"  # theirs loaded
    assert form.text_of("contact_name") == "李总"  # mine typed in again
    assert form.status_box.currentData() == "following"
    assert form.message.text().startswith(S.CONFLICT_REAPPLIED)

    assert form.save()
    with context.ledger.reading() as s:
        detail = lead_detail(s, lead_id)
    assert detail is not None
    assert (detail.values["contact_name"], detail.values["phone"], detail.values["status"]) == \
        ("李总", "13900001111", "following")
