"""操作日志 page: the audit trail, filterable, exportable to xlsx or csv (in the worker)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk.labels import ENTITY_LABELS
from zsdesk.ledger import Ledger
from zsdesk.ops.history import Change
from zsdesk.queries import AuditQuery, audit_operators, fetch_audit

from .. import strings as S
from ..common.audit_text import audit_rows
from ..common.context import LedgerContext
from ..common.errors import inform
from ..common.page import PageWidget
from ..common.rows_model import RowsModel
from ..common.worker import Cancelled, Progress, TaskCancelled

SHOWN_LIMIT = 5000
CHUNK = 500


def export_audit(ledger: Ledger, query: AuditQuery, path: Path, progress: Progress, cancelled: Cancelled) -> int:
    """Write every matching audit row, newest first, to ``path`` (.xlsx or .csv). Returns the count."""
    with ledger.reading() as s:
        ids = query.ids(s)
    total = len(ids)
    temp = path.with_name(path.name + ".partial")
    if path.suffix.lower() == ".csv":
        with open(temp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(S.AUDIT_COLS)
            _write_chunks(ledger, ids, writer.writerow, progress, cancelled, total)
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("操作日志")
        sheet.append(list(S.AUDIT_COLS))
        _write_chunks(ledger, ids, lambda row: sheet.append([_text_cell(sheet, v) for v in row]), progress,
                      cancelled, total)
        book.save(temp)
    temp.replace(path)
    return total


def _text_cell(sheet: object, value: str) -> object:
    """A cell that is always text: openpyxl would turn a leading "=" into a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _write_chunks(ledger: Ledger, ids: list[int], write: Callable[[Sequence[str]], object], progress: Progress, cancelled: Cancelled,
                  total: int) -> None:
    for start in range(0, total, CHUNK):
        if cancelled():
            raise TaskCancelled()
        chunk = ids[start:start + CHUNK]
        with ledger.reading() as s:
            found = fetch_audit(s, chunk)
            rows = audit_rows([found[i] for i in chunk])
        for row in rows:
            write(row)
        progress(min(start + CHUNK, total), total)


class AuditPage(PageWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(S.AUDIT_TEXT)
        self.text.setClearButtonEnabled(True)
        self.entity = QComboBox(self)
        self.entity.addItem(S.AUDIT_ALL_ENTITIES, None)
        for code, label in ENTITY_LABELS.items():
            self.entity.addItem(label, code)
        self.operator = QComboBox(self)
        self.export_button = QPushButton(S.AUDIT_EXPORT, self)
        self.export_button.clicked.connect(lambda: self.export())
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.reload)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.entity.currentIndexChanged.connect(lambda _i: self.reload())
        self.operator.currentIndexChanged.connect(lambda _i: self.reload())
        self.model = RowsModel(list(S.AUDIT_COLS), (), self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((150, 80, 260, 70, 50, 70)):
            header.resizeSection(col, width)
        self.count = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(self.text, 2)
        bar.addWidget(self.entity)
        bar.addWidget(self.operator)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self._dirty = True
        context.changed.connect(self._changed)
        self._load_operators()
        self.reload()

    def _load_operators(self) -> None:
        with self.context.ledger.reading() as s:
            names = audit_operators(s)
        current = self.operator.currentData()
        self.operator.blockSignals(True)
        self.operator.clear()
        self.operator.addItem(S.AUDIT_ALL_OPERATORS, None)
        for name in names:
            self.operator.addItem(name, name)
        self.operator.setCurrentIndex(max(0, self.operator.findData(current)))
        self.operator.blockSignals(False)

    def query(self) -> AuditQuery:
        return AuditQuery(text=self.text.text(), entity=self.entity.currentData(),
                          operator=self.operator.currentData())

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            ids = self.query().ids(s)
            shown = ids[:SHOWN_LIMIT]
            found = fetch_audit(s, shown)
            entries = [found[i] for i in shown]
        self.model.set_rows(audit_rows(entries), shown)
        more = f"（显示最新 {SHOWN_LIMIT} 条，导出包含全部）" if len(ids) > SHOWN_LIMIT else ""
        self.count.setText(f"共 {len(ids)} 条操作记录{more}")
        self._dirty = False

    def activated(self) -> None:
        if self._dirty:
            self._load_operators()
            self.reload()

    def _changed(self, _change: Change) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._dirty = True

    def status_text(self) -> str:
        return self.count.text()

    def export(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, S.AUDIT_EXPORT, "操作日志.xlsx", S.AUDIT_EXPORT_FILTER)
            if not path:
                return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_suffix(".xlsx")
        query, ledger = self.query(), self.context.ledger
        self.context.runner.start(
            lambda progress, cancelled: export_audit(ledger, query, target, progress, cancelled),
            S.AUDIT_EXPORT, self,
            on_done=lambda n: inform(self, S.AUDIT_EXPORT, S.AUDIT_EXPORTED.format(n=n, path=target)))
