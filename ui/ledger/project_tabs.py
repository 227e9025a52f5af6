"""The project form's other tabs: its funding entries, its progress notes (项目进展) and its audit history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.labels import field_label
from zsdesk.money import format_money, format_wan
from zsdesk.ops.history import Change
from zsdesk.queries import AuditQuery, fetch_audit
from zsdesk.queries.records import project_funding, project_progress

from .. import strings as S
from ..common.audit_text import audit_rows
from ..common.context import LedgerContext
from ..common.rows_model import RowsModel


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class FundingTab(QWidget):
    def __init__(self, context: LedgerContext, project_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.project_id = context, project_id
        self.model = RowsModel([field_label("date"), f"{field_label('amount')}（万元）", field_label("note")], [1], self)
        self.table = _table(self.model, self)
        self.total = QLabel(self)
        self.date = QLineEdit(self)
        self.date.setPlaceholderText(field_label("date"))
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(f"{field_label('amount')}（万元）")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(field_label("note"))
        add = QPushButton(S.ADD, self)
        add.setAutoDefault(False)
        add.clicked.connect(self.add)
        for edit in (self.date, self.amount, self.note):
            edit.returnPressed.connect(self.add)
        delete = QPushButton(S.FUNDING_DELETE, self)
        delete.setAutoDefault(False)
        delete.clicked.connect(self.delete_selected)
        row = QHBoxLayout()
        for w in (self.date, self.amount, self.note, add, delete):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        context.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            entries = project_funding(s, self.project_id)
        self.model.set_rows([(f.date.isoformat(), format_money(f.amount), f.note) for f in entries],
                            [f.id for f in entries],
                            [(f.date, f.amount, f.note) for f in entries])
        total = sum(f.amount for f in entries)
        self.total.setText(f"{S.FUNDING_TOTAL}：{format_wan(total, unit=True)}")

    def _changed(self, change: Change) -> None:
        if any(r.entity == "funding" for r in change.records):
            self.reload()

    def add(self) -> None:
        change = self.context.run(self, ops.add_funding, {"project_id": self.project_id, "date": self.date.text(),
                                                           "amount": self.amount.text(), "note": self.note.text()})
        if change is not None:
            self.amount.clear()
            self.note.clear()
            self.amount.setFocus()

    def delete_selected(self) -> None:
        ids = [self.model.ids[i.row()] for i in self.table.selectionModel().selectedRows()]
        if ids:
            self.context.run(self, ops.delete_funding, ids)


class ProgressTab(QWidget):
    """项目进展: the project's dated notes, newest first, and one line to add another (Enter adds)."""

    def __init__(self, context: LedgerContext, project_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.project_id = context, project_id
        self.model = RowsModel(list(S.PROGRESS_COLS), (), self)
        self.table = _table(self.model, self)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.date = QLineEdit(context.today.isoformat(), self)
        self.date.setPlaceholderText(S.PROGRESS_DATE)
        self.date.setMaximumWidth(self.fontMetrics().horizontalAdvance("2026-12-31") + 24)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(S.PROGRESS_TEXT_HINT)
        self.text.setMaxLength(500)
        add = QPushButton(S.ADD, self)
        add.setAutoDefault(False)
        add.clicked.connect(self.add)
        for edit in (self.date, self.text):
            edit.returnPressed.connect(self.add)
        delete = QPushButton(S.PROGRESS_DELETE, self)
        delete.setAutoDefault(False)
        delete.clicked.connect(self.delete_selected)
        row = QHBoxLayout()
        row.addWidget(self.date)
        row.addWidget(self.text, 1)
        row.addWidget(add)
        row.addWidget(delete)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        context.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            notes = project_progress(s, self.project_id)
        self.model.set_rows([(n.date.isoformat(), n.operator, n.text) for n in notes], [n.id for n in notes],
                            [(n.date, n.operator, n.text) for n in notes])

    def _changed(self, change: Change) -> None:
        if any(r.entity == "progress" for r in change.records):
            self.reload()

    def add(self) -> None:
        change = self.context.run(self, ops.add_progress, self.project_id, self.date.text(), self.text.text())
        if change is not None:
            self.text.clear()
            self.text.setFocus()

    def delete_selected(self) -> None:
        ids = [self.model.ids[i.row()] for i in self.table.selectionModel().selectedRows()]
        if ids:
            self.context.run(self, ops.delete_progress, ids)


class HistoryTab(QWidget):
    def __init__(self, context: LedgerContext, project_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.project_id = context, project_id
        self.model = RowsModel(list(S.AUDIT_COLS), (), self)
        self.table = _table(self.model, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        context.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, change: Change) -> None:
        if self.project_id in change.ids("project"):
            self.reload()

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            ids = AuditQuery(entity="project", entity_id=self.project_id).ids(s)[:2000]
            found = fetch_audit(s, ids)
            entries = [found[i] for i in ids]
        self.model.set_rows(audit_rows(entries))
