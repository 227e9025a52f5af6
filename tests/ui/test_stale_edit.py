"""A stale edit in the project form (issue 17 item 6): the clerk sees what the other person changed and can
re-apply their own edits on top of it, then save — nothing of either is lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ui import strings as S
from ui.common.context import LedgerContext
from ui.ledger.project_form import ProjectForm
from zsdesk import ops
from zsdesk.models import Project
from zsdesk.opening import open_unlocked


def _project(context: LedgerContext, code: str) -> Project:
    with context.ledger.reading() as s:
        project = s.scalar(select(Project).where(Project.code == code))
        assert project is not None
        return project


def test_stale_form_shows_their_change_and_reapplies_mine(context: LedgerContext, qtbot: Any, type_text: Any,
                                                          shown_errors: list[tuple[str, str]]) -> None:
    project = _project(context, "2025-0001")  # 玻纤新材料生产线, 3.2亿, notes 重点跟踪
    form = ProjectForm(context, project.id)
    qtbot.addWidget(form)
    form.widgets["name"].clear()
    type_text(qtbot, form.widgets["name"], "玻纤新材料生产线（一期）")
    form.widgets["notes"].setPlainText("甲：已约谈")

    # Meanwhile a second clerk, in another window on the same ledger, saves the same project.
    assert context.ledger.path is not None
    with open_unlocked(context.ledger.path, operator="乙") as other:
        ops.update_project(other, project.id, {"agreement_amount": "4亿", "notes": "乙：合同已寄出"})

    assert not form.save()
    title, text = shown_errors[-1]
    assert title == S.CONFLICT_TITLE
    assert "其他人修改过（乙）" in text and "协议资金：32,000.00万元 → 40,000.00万元" in text
    assert "备注您和对方都改了" in text  # the one field both changed is pointed out
    # Re-applied (the test answers yes): theirs loaded, mine typed in again on top.
    assert form.text_of("agreement_amount") == "40000"
    assert form.text_of("name") == "玻纤新材料生产线（一期）"
    assert form.text_of("notes") == "甲：已约谈"
    assert form.message.text().startswith(S.CONFLICT_REAPPLIED)

    assert form.save()
    saved = _project(context, "2025-0001")
    assert (saved.name, saved.agreement_amount, saved.notes) == ("玻纤新材料生产线（一期）", 400_000_000, "甲：已约谈")
    assert saved.version == project.version + 2


def test_the_form_shows_the_verification_state(context: LedgerContext, qtbot: Any) -> None:
    project = _project(context, "2025-0001")
    ops.return_project(context.ledger, project.id, "与其他单位重复申报")
    form = ProjectForm(context, project.id)
    qtbot.addWidget(form)
    assert form.verification_label.text().startswith("退回：与其他单位重复申报（")
