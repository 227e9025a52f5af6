"""The follow-ups of the lead selected in the table, and one line to add the next: text + Enter.

The date beside the line starts at today; the note is saved by ``add_followup`` (one audited, undoable
operation; a 新线索 becomes 跟进中) and the line clears for the next one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk.errors import LedgerError, ValidationError
from zsdesk.ops import leads as lead_ops
from zsdesk.queries.leads import FollowupRow, lead_followups

from .. import strings as S
from ..common.context import LedgerContext
from ..common.permissions import reason

ERROR_STYLE = "color: #c0392b;"


class FollowupPane(QWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lead_id: int | None = None
        self.rows: list[FollowupRow] = []
        self.title = QLabel(S.LEADS_FOLLOWUPS_NONE, self)
        self.title.setObjectName("followups_title")
        self.table = QTableWidget(0, len(S.LEADS_FOLLOWUP_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(S.LEADS_FOLLOWUP_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 100)
        delete = QAction(S.LEADS_FOLLOWUP_DELETE, self.table)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(lambda: self.delete_selected())
        self.table.addAction(delete)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.act_delete = delete
        self.text = QLineEdit(self)
        self.text.setObjectName("followup_text")
        self.text.setPlaceholderText(S.LEADS_FOLLOWUP_PLACEHOLDER)
        self.text.returnPressed.connect(self.add)
        self.date = QLineEdit(context.today.isoformat(), self)
        self.date.setObjectName("followup_date")
        self.date.setFixedWidth(self.fontMetrics().horizontalAdvance("2026-12-31") + 24)
        self.date.returnPressed.connect(self.add)
        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)
        line = QHBoxLayout()
        line.addWidget(QLabel(S.LEADS_FOLLOWUP_PROMPT, self))
        line.addWidget(self.text, 1)
        line.addWidget(QLabel(S.LEADS_FOLLOWUP_DATE, self))
        line.addWidget(self.date)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(line)
        layout.addWidget(self.message)
        self.read_only = reason(context, "edit_projects")
        if self.read_only is not None:
            delete.setEnabled(False)
            delete.setToolTip(self.read_only)
        self.show_lead(None)

    def show_lead(self, lead_id: int | None, company: str = "") -> None:
        if lead_id != self.lead_id:
            self.message.setText("")
        self.lead_id = lead_id
        self.title.setText(S.LEADS_FOLLOWUPS_OF.format(company=company) if lead_id is not None
                           else S.LEADS_FOLLOWUPS_NONE)
        editable = lead_id is not None and self.read_only is None
        for w in (self.text, self.date):
            w.setEnabled(editable)
            w.setToolTip(self.read_only or "")
        self.reload()

    def reload(self) -> None:
        if self.lead_id is None:
            self.rows = []
        else:
            with self.context.ledger.reading() as s:
                self.rows = lead_followups(s, self.lead_id)
        self.table.setRowCount(len(self.rows))
        for r, note in enumerate(self.rows):
            for c, text in enumerate((note.date.isoformat(), note.text, note.operator)):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if c == 1:
                    item.setToolTip(note.text)
                self.table.setItem(r, c, item)

    def delete_selected(self) -> bool:
        """Del in the list: the selected notes deleted (one undoable step, Ctrl+Z brings them back)."""
        ids = [self.rows[i.row()].id for i in self.table.selectionModel().selectedRows()]
        if self.read_only is not None or not ids:
            return False
        return self.context.run(self, lead_ops.delete_followups, ids) is not None

    def unsaved(self) -> bool:
        return bool(self.text.text().strip())

    def add(self) -> bool:
        """Enter in the line: the note, dated as the date field says, saved at once."""
        if self.lead_id is None or self.read_only is not None:
            return False
        self.message.setText("")
        try:
            self.context.try_run(lead_ops.add_followup, self.lead_id, self.date.text(), self.text.text())
        except ValidationError as err:
            self.message.setText("；".join(str(p) for p in err.problems))
            return False
        except LedgerError as err:
            self.message.setText(str(err))
            return False
        self.text.clear()
        self.date.setText(self.context.today.isoformat())
        self.reload()
        self.text.setFocus()
        return True
