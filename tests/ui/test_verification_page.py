"""The 项目认定 page (SPEC §11), driven like the 科长 would: the queue with its diff and warnings, 认定, and
退回 with a reason typed beside the button."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from ui import strings as S
from ui.common.context import LedgerContext
from ui.verification.verification_page import VerificationPage
from zsdesk import ops
from zsdesk.models import Project


def _state(context: LedgerContext, pid: int) -> tuple[str | None, str | None]:
    with context.ledger.reading() as s:
        p = s.get(Project, pid)
        return p.verification, p.verification_reason


def _id(context: LedgerContext, name: str) -> int:
    with context.ledger.reading() as s:
        return s.scalar(select(Project.id).where(Project.name == name))


def _select(page: VerificationPage, row: int) -> None:
    page.table.selectionModel().select(page.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                       | QItemSelectionModel.SelectionFlag.Rows)


def test_queue_verify_and_return(context: LedgerContext, qtbot: Any, type_text: Any,
                                 shown_errors: list[tuple[str, str]]) -> None:
    glass = _id(context, "玻纤新材料生产线")
    claim = ops.create_project(context.ledger, {"name": "玻纤新材料生产线项目", "investor": "浙江丽水玻纤有限公司",
                                                "agreement_amount": "3亿", "lead_unit_id": "区商务委"}).ids("project")[0]
    ops.verify_project(context.ledger, glass)
    ops.update_project(context.ledger, glass, {"agreement_amount": "3.5亿"})
    ops.return_project(context.ledger, glass, "金额待核")
    ops.return_project(context.ledger, claim, "待核")  # a second unit claims the same investor
    page = VerificationPage(context)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2
    assert page.summary.text().startswith("待认定 0 个，已退回 2 个")
    row = next(r for r in range(2) if page.model.ids[r] == claim)
    assert page.model.data(page.model.index(row, 5), Qt.ItemDataRole.DisplayRole) == "⚠ 疑似搭车挂靠 1 处"  # the withdrawn 碳化硅 project is no claim
    _select(page, row)
    assert "首次申报" in page.detail.toPlainText()
    assert "投资方“浙江丽水玻纤有限公司”也在正阳工业园区的项目“玻纤新材料生产线”" in page.detail.toPlainText()
    _select(page, 1 - row)
    assert "协议资金：32,000.00万元 → 35,000.00万元" in page.detail.toPlainText()

    # 退回 needs a reason: without one nothing changes and the clerk is told.
    _select(page, row)
    qtbot.mouseClick(page.return_button, Qt.MouseButton.LeftButton)
    assert shown_errors[-1][1] == "退回原因：必填"
    type_text(qtbot, page.reason, "与正阳工业园区重复申报")
    qtbot.mouseClick(page.return_button, Qt.MouseButton.LeftButton)
    assert _state(context, claim) == ("returned", "与正阳工业园区重复申报")
    assert page.reason.text() == ""

    row = next(r for r in range(page.model.rowCount()) if page.model.ids[r] == glass)
    _select(page, row)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert _state(context, glass) == (None, None)
    assert page.model.ids == [claim]  # refreshed from the change
    assert S.VERIFY_RULE_OFF in page.note.text() and S.VERIFY_SINGLE_PC in page.note.text()
    assert page.verify_button.isEnabled()  # one operator on a single PC decides


def test_the_ledger_table_shows_the_verification_state(context: LedgerContext, qtbot: Any) -> None:
    from ui.ledger.ledger_model import COLUMN_INDEX
    from ui.shell.main_window import MainWindow

    glass = _id(context, "玻纤新材料生产线")
    ops.return_project(context.ledger, glass, "金额待核")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("ledger")
    model = page.model  # type: ignore[attr-defined]
    col = COLUMN_INDEX["verification"]
    shown = {model.index(r, COLUMN_INDEX["name"]).data(): model.index(r, col).data() for r in range(model.rowCount())}
    assert shown["玻纤新材料生产线"] == "退回" and shown["预制菜生产基地"] == "已认定"
    # A single-PC ledger hides the column by default (every project counts); the column chooser shows it.
    assert page.table.horizontalHeader().isSectionHidden(col)  # type: ignore[attr-defined]
    window.context.runner.wait()
