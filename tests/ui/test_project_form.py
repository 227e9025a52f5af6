"""The project form, driven by the keyboard like a clerk would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from ui.common.context import LedgerContext
from ui.ledger.project_form import ProjectForm
from zsdesk.models import Project, ProjectPerson


def _project(context: LedgerContext, name: str) -> Project | None:
    with context.ledger.reading() as s:
        return s.scalar(select(Project).where(Project.name == name))


def test_create_project_by_typing(context: LedgerContext, qtbot: object, type_text: Any) -> None:
    form = ProjectForm(context, None)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)  # type: ignore[attr-defined]
    w = form.widgets
    type_text(qtbot, w["name"], "年产10万吨铝灰渣资源化利用项目")
    type_text(qtbot, w["investor"], "福建三明铝业有限公司")
    type_text(qtbot, w["agreement_amount"], "3.2亿")
    type_text(qtbot, w["planned_investment"], "1,200万元")
    type_text(qtbot, w["framework_date"], "2026/3/1")
    type_text(qtbot, w["formal_date"], "2026年4月8日")
    w["formal_date"].editingFinished.emit()
    qtbot.waitUntil(lambda: form.stage_label.text() == "正式合同")  # type: ignore[attr-defined]
    w["lead_unit_id"].setEditText("正阳工业园区")
    type_text(qtbot, w["person_ids"], "张伟")
    with qtbot.waitSignal(form.saved, timeout=3000):  # type: ignore[attr-defined]
        qtbot.keyClick(w["person_ids"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    project = _project(context, "年产10万吨铝灰渣资源化利用项目")
    assert project is not None
    assert project.agreement_amount == 320_000_000
    assert project.planned_investment == 12_000_000
    assert project.stage == "formal"
    assert project.code == "2026-0003"  # the fixture holds two 2026 projects
    with context.ledger.reading() as s:
        assert len(s.scalars(select(ProjectPerson).where(ProjectPerson.project_id == project.id)).all()) == 1
    assert not form.isVisible()


def test_validation_error_blocks_saving_and_names_the_field(context: LedgerContext, qtbot: object, type_text: Any) -> None:
    form = ProjectForm(context, None)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    form.show()
    type_text(qtbot, form.widgets["name"], "生物医药产业园")
    type_text(qtbot, form.widgets["framework_date"], "2026-05-01")
    type_text(qtbot, form.widgets["formal_date"], "2026-04-01")
    type_text(qtbot, form.widgets["agreement_amount"], "12.5x")
    qtbot.keyClick(form.widgets["name"], Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert form.isVisible()
    assert form.errors["formal_date"].isVisible()
    assert "早于框架协议签订日期" in form.errors["formal_date"].text()
    assert form.errors["agreement_amount"].isVisible()
    assert "不是有效的金额" in form.errors["agreement_amount"].text()
    assert "未保存" in form.message.text()
    assert _project(context, "生物医药产业园") is None
    # Fixing the fields lets it save.
    form.widgets["formal_date"].setText("2026-06-01")
    form.widgets["agreement_amount"].setText("12.5")
    assert not form.save()  # still no lead unit for a signed project
    assert form.errors["lead_unit_id"].isVisible() and not form.errors["formal_date"].isVisible()
    form.widgets["lead_unit_id"].setEditText("区商务委")
    assert form.save()
    assert _project(context, "生物医药产业园").agreement_amount == 125_000  # type: ignore[union-attr]


def test_signed_project_without_lead_unit_is_refused_inline(context: LedgerContext, qtbot: object, type_text: Any) -> None:
    form = ProjectForm(context, None)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    form.show()
    form.widgets["name"].setText("数据中心")
    form.widgets["formal_date"].setText("2026-01-01")
    assert not form.save()
    assert form.errors["lead_unit_id"].isVisible()
    assert "牵头单位" in form.errors["lead_unit_id"].text()


def test_duplicates_shown_while_typing(context: LedgerContext, qtbot: object, type_text: Any) -> None:
    form = ProjectForm(context, None)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    form.show()
    type_text(qtbot, form.widgets["investor"], "浙江丽水玻纤有限公司")
    type_text(qtbot, form.widgets["name"], "玻纤新材料生产线项目")
    qtbot.waitUntil(lambda: form.duplicates.isVisible(), timeout=3000)  # type: ignore[attr-defined]
    assert "玻纤新材料生产线" in form.duplicates.text()


def test_edit_existing_project_shows_history_and_funding(context: LedgerContext, qtbot: object, type_text: Any) -> None:
    pid = _project(context, "玻纤新材料生产线").id  # type: ignore[union-attr]
    form = ProjectForm(context, pid)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    assert form.text_of("agreement_amount") == "32000"
    assert form.text_of("lead_unit_id") == "正阳工业园区"
    assert form.stage_label.text() == "正式合同"
    form.funding_tab.date.setText("2026-03-15")
    form.funding_tab.amount.setText("500")
    form.funding_tab.add()
    assert form.funding_tab.model.rowCount() == 1
    form.widgets["notes"].setPlainText("已开工准备")
    assert form.save()
    assert _project(context, "玻纤新材料生产线").notes == "已开工准备"  # type: ignore[union-attr]
    assert form.history_tab.model.rowCount() >= 2
    assert any("备注" in form.history_tab.model.rows[r][6] for r in range(form.history_tab.model.rowCount()))
