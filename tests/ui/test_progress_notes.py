"""项目进展 in the window: Ctrl+J on a ledger row, the form's 进展 tab, and the 约定开工/投产日期 fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from ui.common import errors
from ui.common.context import LedgerContext
from ui.ledger.ledger_model import COLUMN_INDEX
from ui.ledger.progress_entry import ProgressEntry
from ui.ledger.project_form import ProjectForm
from ui.shell.main_window import MainWindow
from zsdesk.models import AuditEntry, Project, ProjectProgress


def _project(context: LedgerContext, name: str) -> Project:
    with context.ledger.reading() as s:
        project = s.scalar(select(Project).where(Project.name == name))
        assert project is not None
        return project


def _notes(context: LedgerContext, project_id: int) -> list[tuple[date, str]]:
    with context.ledger.reading() as s:
        return [(n.date, n.text) for n in s.scalars(select(ProjectProgress).where(
            ProjectProgress.project_id == project_id, ProjectProgress.deleted_at.is_(None)))]


def test_ctrl_j_on_a_ledger_row_records_an_undoable_audited_note(context: LedgerContext, qtbot: Any,
                                                                  type_text: Any) -> None:
    context.today = date(2026, 11, 30)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.show_page("ledger")
    table = page.table  # type: ignore[attr-defined]
    row = next(r for r in range(page.model.rowCount())  # type: ignore[attr-defined]
               if page.model.index(r, COLUMN_INDEX["name"]).data() == "玻纤新材料生产线")  # type: ignore[attr-defined]
    table.setCurrentIndex(table.model().index(row, COLUMN_INDEX["name"]))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in window.findChildren(ProgressEntry) if w.isVisible()]
    assert len(dialogs) == 1
    entry = dialogs[0]
    assert "玻纤新材料生产线" in entry.windowTitle() and entry.date.text() == "2026-11-30"
    entry.activateWindow()
    qtbot.waitUntil(entry.isActiveWindow)
    entry.date.setText("2026-11-28")
    type_text(qtbot, entry.text, "已完成土地摘牌，下月进场")
    qtbot.keyClick(entry.text, Qt.Key.Key_Return)
    assert not entry.isVisible()
    pid = _project(context, "玻纤新材料生产线").id
    assert _notes(context, pid) == [(date(2026, 11, 28), "已完成土地摘牌，下月进场")]
    with context.ledger.reading() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.entity == "progress")) is not None
    assert context.undo_label and "进展" in context.undo_label
    context.undo(None)
    assert _notes(context, pid) == []


def test_a_bad_date_keeps_the_line_open_and_writes_nothing(context: LedgerContext, qtbot: Any,
                                                            shown_errors: list[tuple[str, str]]) -> None:
    pid = _project(context, "玻纤新材料生产线").id
    entry = ProgressEntry(context, pid, "玻纤新材料生产线")
    qtbot.addWidget(entry)
    entry.show()
    entry.date.setText("2026-13-45")
    entry.text.setText("约谈企业")
    assert entry.save() is False
    assert entry.isVisible() and _notes(context, pid) == []
    assert shown_errors and "日期" in shown_errors[-1][1]
    errors.shown.clear()


def test_form_progress_tab_lists_and_adds_notes(context: LedgerContext, qtbot: Any, type_text: Any) -> None:
    pid = _project(context, "濯水古镇文旅综合体").id
    form = ProjectForm(context, pid)
    qtbot.addWidget(form)
    form.show()
    tab = form.progress_tab  # type: ignore[attr-defined]
    assert form.tabs.tabText(form.tabs.indexOf(tab)) == "进展"
    assert tab.model.rowCount() == 0
    tab.date.setText("2026-10-08")
    type_text(qtbot, tab.text, "主体结构封顶")
    qtbot.keyClick(tab.text, Qt.Key.Key_Return)
    tab.date.setText("2026-11-02")
    type_text(qtbot, tab.text, "设备进场调试")
    qtbot.keyClick(tab.text, Qt.Key.Key_Return)
    view = tab.table.model()
    assert [view.index(r, 2).data() for r in range(view.rowCount())] == ["设备进场调试", "主体结构封顶"]
    assert tab.text.text() == ""
    tab.table.selectRow(0)
    tab.delete_selected()
    assert _notes(context, pid) == [(date(2026, 10, 8), "主体结构封顶")]
    assert tab.model.rowCount() == 1


def test_form_saves_the_promised_dates(context: LedgerContext, qtbot: Any, type_text: Any) -> None:
    pid = _project(context, "玻纤新材料生产线").id
    form = ProjectForm(context, pid)
    qtbot.addWidget(form)
    form.show()
    assert form.widgets["promised_start_date"].text() == ""
    type_text(qtbot, form.widgets["promised_start_date"], "2026/12/1")
    form.widgets["promised_start_date"].editingFinished.emit()
    assert form.widgets["promised_start_date"].text() == "2026-12-01"
    type_text(qtbot, form.widgets["promised_production_date"], "2027-06-30")
    assert form.save()
    project = _project(context, "玻纤新材料生产线")
    assert (project.promised_start_date, project.promised_production_date) == (date(2026, 12, 1), date(2027, 6, 30))
    again = ProjectForm(context, pid)
    qtbot.addWidget(again)
    assert again.widgets["promised_production_date"].text() == "2027-06-30"
    again.widgets["promised_production_date"].clear()
    type_text(qtbot, again.widgets["promised_production_date"], "2026-06-30")  # before the promised start
    assert not again.save()
    assert "早于" in again.errors["promised_production_date"].text()
