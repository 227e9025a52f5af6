"""粘贴项目 / 粘贴到位资金: rows copied from Excel/WPS, pasted into a grid, checked and imported.

The checks, the report (row, column, reason) and the write are the xlsx importer's
(``zsdesk.xlsx.pasted.import_rows``): every row or none, one undoable operation. A pasted block
that starts with a header row sets the grid's columns; without one, cells fill the grid's columns
(the import template's order) from the current cell.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk.errors import LedgerError
from zsdesk.xlsx.importer import ImportReport
from zsdesk.xlsx.pasted import grid_headers, import_rows, looks_like_header, parse_pasted

from .. import strings as S
from .context import LedgerContext
from .rows_model import RowsModel

START_ROWS = 30
ERROR_STYLE = "color: #c0392b;"
OK_STYLE = "color: #1e8449;"
PROBLEM_COLOR = "#fde2e1"


class PasteGrid(QTableWidget):
    """A spreadsheet-like grid: Ctrl+V pastes a block at the current cell, Delete clears cells."""

    def __init__(self, dialog: PasteDialog) -> None:
        super().__init__(START_ROWS, 1, dialog)
        self.dialog = dialog
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Paste):
            self.dialog.paste_text(QGuiApplication.clipboard().text())
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != self.State.EditingState:
            for index in self.selectedIndexes():
                item = self.item(index.row(), index.column())
                if item is not None:
                    item.setText("")
            return
        super().keyPressEvent(event)


class PasteDialog(QDialog):
    def __init__(self, context: LedgerContext, kind: str = "projects", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = kind
        self.report: ImportReport | None = None
        self.setWindowTitle(S.PASTE_TITLE if kind == "projects" else S.PASTE_FUNDING_TITLE)
        self.setObjectName("paste_dialog")
        hint = QLabel(S.PASTE_HINT, self)
        hint.setWordWrap(True)
        self.grid = PasteGrid(self)
        self.grid.setObjectName("paste_grid")
        self.set_headers(grid_headers(kind))
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setDefaultSectionSize(120)
        self.problems = RowsModel(list(S.PASTE_PROBLEMS_COLS), [0], self)
        self.problems_view = QTableView(self)
        self.problems_view.setModel(self.problems)
        self.problems_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_view.verticalHeader().setVisible(False)
        self.problems_view.horizontalHeader().setStretchLastSection(True)
        self.problems_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problems_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.problems_view.clicked.connect(self._go_to_problem)
        self.message = QLabel(self)
        self.message.setObjectName("paste_message")
        self.message.setWordWrap(True)
        self.check_button = QPushButton(S.PASTE_CHECK, self)
        self.import_button = QPushButton(S.PASTE_IMPORT, self)
        self.clear_button = QPushButton(S.PASTE_CLEAR, self)
        self.close_button = QPushButton(S.PASTE_CLOSE, self)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.import_rows)
        self.clear_button.clicked.connect(self.clear)
        self.close_button.clicked.connect(self.close)
        self.import_button.setDefault(False)
        self.import_button.setAutoDefault(False)
        self.check_button.setAutoDefault(False)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.grid)
        splitter.addWidget(self.problems_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(1100, 620)

    # --- the grid -------------------------------------------------------------------------
    def set_headers(self, headers: list[str]) -> None:
        self.headers = list(headers)
        self.grid.setColumnCount(len(self.headers))
        self.grid.setHorizontalHeaderLabels(self.headers)

    def paste_text(self, text: str) -> int:
        """Paste Excel/WPS clipboard text; a header row sets the columns. Returns the data rows pasted."""
        rows = parse_pasted(text)
        if not rows:
            return 0
        if looks_like_header(self.kind, rows[0]):
            self.grid.clearContents()
            self.set_headers([c.strip() for c in rows[0]])
            rows, top, left = rows[1:], 0, 0
        else:
            current = self.grid.currentIndex()
            top = current.row() if current.isValid() else 0
            left = current.column() if current.isValid() else 0
            if self._is_empty():
                top = left = 0
        needed_rows = top + len(rows)
        if needed_rows > self.grid.rowCount():
            self.grid.setRowCount(needed_rows + 5)
        width = max((len(r) for r in rows), default=0)
        if left + width > self.grid.columnCount():
            extra = [f"列{i + 1}" for i in range(self.grid.columnCount(), left + width)]
            self.set_headers(self.headers + extra)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                self.grid.setItem(top + r, left + c, QTableWidgetItem(value))
        self._clear_marks()
        self.message.setStyleSheet("")
        self.message.setText(S.PASTE_ROWS.format(n=len(rows)))
        return len(rows)

    def cell(self, row: int, column: int) -> str:
        item = self.grid.item(row, column)
        return item.text() if item is not None else ""

    def _is_empty(self) -> bool:
        return not any(self.cell(r, c).strip() for r in range(self.grid.rowCount())
                       for c in range(self.grid.columnCount()))

    def table(self) -> list[list[str]]:
        """The grid's rows down to the last one with anything in it (row numbers stay as shown)."""
        rows = [[self.cell(r, c) for c in range(self.grid.columnCount())] for r in range(self.grid.rowCount())]
        while rows and not any(v.strip() for v in rows[-1]):
            rows.pop()
        return rows

    def clear(self) -> None:
        self.grid.clearContents()
        self.grid.setRowCount(START_ROWS)
        self.set_headers(grid_headers(self.kind))
        self.problems.set_rows([])
        self.message.setText("")
        self.report = None

    # --- check and import -----------------------------------------------------------------
    def _run(self, dry_run: bool) -> ImportReport | None:
        rows = self.table()
        if not rows:
            self._say(S.PASTE_EMPTY, ERROR_STYLE)
            return None
        try:
            report = import_rows(self.context.ledger, self.kind, self.headers, rows, dry_run=dry_run)
        except LedgerError as err:
            self._say(str(err), ERROR_STYLE)
            return None
        self.report = report
        self._show(report)
        return report

    def check(self) -> ImportReport | None:
        return self._run(dry_run=True)

    def import_rows(self) -> ImportReport | None:
        report = self._run(dry_run=False)
        if report is not None and report.written:
            self.context.announce(report.change)
            self._say(S.PASTE_DONE.format(n=report.rows_read, created=report.would_create,
                                          updated=report.would_update), OK_STYLE)
        return report

    def _say(self, text: str, style: str) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)

    def _clear_marks(self) -> None:
        for r in range(self.grid.rowCount()):
            for c in range(self.grid.columnCount()):
                item = self.grid.item(r, c)
                if item is not None:
                    item.setData(Qt.ItemDataRole.BackgroundRole, None)
                    item.setToolTip("")

    def _show(self, report: ImportReport) -> None:
        self._clear_marks()
        self.problems.set_rows([(p.row or "", p.column, p.reason) for p in report.problems],
                               keys=[(p.row, p.column, p.reason) for p in report.problems])
        for p in report.problems:
            col = self._column_of(p.column)
            if p.row and col is not None:
                item = self.grid.item(p.row - 1, col)
                if item is None:
                    item = QTableWidgetItem("")
                    self.grid.setItem(p.row - 1, col, item)
                item.setBackground(QColor(PROBLEM_COLOR))
                item.setToolTip(p.reason)
        if report.problems:
            self._say(S.PASTE_CHECK_BAD.format(n=len(report.problems)), ERROR_STYLE)
        elif not report.written:
            text = S.PASTE_CHECK_OK.format(n=report.rows_read, created=report.would_create,
                                           updated=report.would_update)
            if report.duplicates:
                text += " " + S.PASTE_DUPLICATES.format(n=len(report.duplicates),
                                                       rows="；".join(str(d) for d in report.duplicates[:5]))
            self._say(text, OK_STYLE)

    def _column_of(self, header: str) -> int | None:
        for i, h in enumerate(self.headers):
            if h.strip() == header:
                return i
        return None

    def _go_to_problem(self, index: object) -> None:
        row = self.problems_view.currentIndex().row()
        if self.report is None or not 0 <= row < len(self.problems.rows):
            return
        number, column, _reason = self.problems.rows[row]
        col = self._column_of(str(column))
        if number:
            self.grid.setCurrentCell(int(number) - 1, col if col is not None else 0)
            self.grid.setFocus()
