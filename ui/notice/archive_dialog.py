"""通报存档: the issued notices (number, period, date, SHA-256); view, reprint or save any of them
byte for byte as issued (``issued_pdf`` verifies the stored SHA-256 first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk.notice.issuing import IssuedNoticeInfo, issued_pdf, list_issued
from zsdesk.periods import parse_period

from .. import strings as S
from ..common.context import LedgerContext
from ..common.errors import show_error
from .pdf_preview import PdfPreview

COLUMNS = (S.ARCHIVE_NUMBER, S.ARCHIVE_PERIOD, S.ARCHIVE_DATE, S.ARCHIVE_ISSUED_AT, S.ARCHIVE_OPERATOR, S.ARCHIVE_SHA)


def _period_label(code: str) -> str:
    try:
        return parse_period(code).label
    except Exception:  # noqa: BLE001 - an old code still lists, as typed
        return code


class ArchiveDialog(QDialog):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(S.ARCHIVE_TITLE)
        self.notices: list[IssuedNoticeInfo] = []
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(S.ARCHIVE_EMPTY, self)
        self.verified = QLabel(self)
        self.preview = PdfPreview(self)
        self.print_button = QPushButton(S.ARCHIVE_PRINT, self)
        self.save_button = QPushButton(S.ARCHIVE_SAVE, self)
        close = QPushButton(S.CLOSE, self)
        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table)
        tl.addWidget(self.empty)
        split = QSplitter(self)
        split.addWidget(top)
        split.addWidget(self.preview)
        split.setSizes([620, 520])
        buttons = QHBoxLayout()
        buttons.addWidget(self.verified, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.resize(1200, 720)
        self.table.currentCellChanged.connect(lambda row, _c, _pr, _pc: self.show_notice(row))
        self.preview.runner = context.runner  # reprinting runs on the worker, with progress and 取消
        self.print_button.clicked.connect(self.preview.print_dialog)
        self.save_button.clicked.connect(self.save_selected)
        close.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        self.notices = list_issued(self.context.ledger)
        self.table.setRowCount(len(self.notices))
        for row, n in enumerate(self.notices):
            cells = (n.doc_number, _period_label(n.period), n.issue_date.isoformat(),
                     n.issued_at.strftime("%Y-%m-%d %H:%M"), n.operator, n.sha256)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(n.title)
                self.table.setItem(row, col, item)
        self.empty.setVisible(not self.notices)
        for button in (self.print_button, self.save_button):
            button.setEnabled(bool(self.notices))
        if self.notices:
            self.table.selectRow(0)
            self.show_notice(0)

    def selected(self) -> IssuedNoticeInfo | None:
        row = self.table.currentRow()
        return self.notices[row] if 0 <= row < len(self.notices) else None

    def pdf_of(self, notice: IssuedNoticeInfo) -> bytes | None:
        try:
            return issued_pdf(self.context.ledger, notice.id)
        except Exception as exc:  # noqa: BLE001 - a failed checksum is a Chinese LedgerError; bugs are logged
            show_error(self, exc)
            self.verified.setText(S.ARCHIVE_BROKEN)
            return None

    def show_notice(self, row: int) -> None:
        if not 0 <= row < len(self.notices):
            return
        data = self.pdf_of(self.notices[row])
        if data is not None:
            self.preview.set_pdf(data)
            self.verified.setText(S.ARCHIVE_VERIFIED)

    def save_selected(self, path: str | None = None) -> str | None:
        notice = self.selected()
        if notice is None:
            return None
        data = self.pdf_of(notice)
        if data is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, S.ARCHIVE_SAVE,
                                                  str(Path.home() / S.PDF_NAME.format(name=notice.doc_number)),
                                                  S.PDF_FILTER)
            if not path:
                return None
        Path(path).write_bytes(data)
        return path
