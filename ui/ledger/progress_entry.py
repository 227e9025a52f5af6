"""记进展 (Ctrl+J on a ledger row): one line — date and text — saved as a 项目进展 note (undoable, audited)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from zsdesk import ops

from .. import strings as S
from ..common.context import LedgerContext


class ProgressEntry(QDialog):
    def __init__(self, context: LedgerContext, project_id: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.project_id = context, project_id
        self.setWindowTitle(S.PROGRESS_TITLE.format(title=title))
        self.date = QLineEdit(context.today.isoformat(), self)
        self.date.setPlaceholderText(S.PROGRESS_DATE)
        self.date.setMaximumWidth(self.fontMetrics().horizontalAdvance("2026-12-31") + 24)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(S.PROGRESS_TEXT_HINT)
        self.text.setMaxLength(500)
        self.text.setMinimumWidth(self.fontMetrics().horizontalAdvance("一" * 34))
        buttons = QDialogButtonBox(self)
        for text, role in ((S.FORM_SAVE, QDialogButtonBox.ButtonRole.AcceptRole),
                           (S.FORM_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)):
            button = buttons.addButton(text, role)
            button.setAutoDefault(False)  # Enter in either line saves once, through returnPressed
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.date.returnPressed.connect(self.save)
        self.text.returnPressed.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.date)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.text.setFocus()

    def save(self) -> bool:
        change = self.context.run(self, ops.add_progress, self.project_id, self.date.text(), self.text.text())
        if change is None:
            return False
        self.accept()
        return True
