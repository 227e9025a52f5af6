"""The trip form's companies visited as an editable grid, keyboard first.

Tab or Enter commits a cell and opens the next one; past the last cell of the last (filled) row a new
row is added, so five visits are typed without touching the mouse. A date cell takes ``2026-3-5``,
``3.5``, ``3-5`` or ``3月5日`` (the year is the trip's); the outcome cell takes 1 / 2 / 3 or the words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from zsdesk.dates import parse_date
from zsdesk.errors import LedgerError
from zsdesk.labels import VISIT_OUTCOME_LABELS
from zsdesk.queries.trips import VisitRow

from .. import strings as S

Index = QModelIndex | QPersistentModelIndex
COL_COMPANY, COL_DATE, COL_OUTCOME, COL_NOTES, COL_LEAD = range(5)
LAST_EDITABLE = COL_NOTES
BAD_BACKGROUND = QColor("#fde2e1")
LEAD_FOREGROUND = QColor("#1e8449")

_SHORT = re.compile(r"^\s*(\d{1,2})\s*(?:[.\-/．－／]|月)\s*(\d{1,2})\s*日?\s*$")
_OUTCOMES = {"1": "intention", "2": "general", "3": "none", "有": "intention", "意向": "intention",
             "有意向": "intention", "一": "general", "无": "none", "没有": "none",
             **{label: code for code, label in VISIT_OUTCOME_LABELS.items()}, **{c: c for c in VISIT_OUTCOME_LABELS}}


def expand_short_date(text: str, year: int, after: date | None = None) -> str:
    """``3.5`` / ``3-5`` / ``3/5`` / ``3月5日`` → ``{year}-3-5``; anything else as typed (``parse_date`` judges it).
    With ``after`` (a trip's departure) the year is the departure's, or the next one for a month-day before it
    (a trip leaving 12.28 is back 1.3 of the next year)."""
    m = _SHORT.match(text)
    if not m:
        return text.strip()
    month, day = int(m.group(1)), int(m.group(2))
    if after is not None:
        year = after.year + ((month, day) < (after.month, after.day))
    return f"{year}-{month}-{day}"


def parse_typed_date(text: str, year: int, after: date | None = None) -> date | None:
    """A date as a clerk types it in this form; ``DateError`` (Chinese) when it is not one."""
    return parse_date(expand_short_date(text, year, after))


def parse_outcome(text: str) -> str | None:
    """``1``/``2``/``3``, 有合作意向/一般/无意向 (or 有/一/无) → the code; ``None`` for a blank; else ``LedgerError``."""
    t = text.strip()
    if not t:
        return None
    code = _OUTCOMES.get(t)
    if code is None:
        raise LedgerError(S.TRIP_OUTCOME_BAD.format(text=t))
    return code


@dataclass
class VisitLine:
    id: int | None = None
    company: str = ""
    date_text: str = ""  # as shown: ISO when it parsed, else what was typed (marked)
    date_problem: str = ""
    outcome: str | None = None  # code; None → 一般 when saved
    outcome_problem: str = ""
    notes: str = ""
    lead_id: int | None = None

    def blank(self) -> bool:
        return not (self.company.strip() or self.date_text.strip() or self.notes.strip() or self.outcome) \
            and self.id is None

    def key(self) -> tuple[Any, ...]:
        return (self.id, self.company.strip(), self.date_text.strip(), self.outcome or "general", self.notes.strip())


class VisitModel(QAbstractTableModel):
    """One row per company visited; the last row may be a blank row waiting to be filled."""

    def __init__(self, anchor: Callable[[], tuple[int, date | None]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lines: list[VisitLine] = [VisitLine()]
        self.anchor = anchor  # (this year, the trip's departure): short dates (3.5) are on or after it
        self.read_only = False

    # --- rows -----------------------------------------------------------------------------
    def set_visits(self, visits: list[VisitRow]) -> None:
        self.beginResetModel()
        self.lines = [VisitLine(v.id, v.company, v.date.isoformat() if v.date else "", "", v.outcome, "", v.notes,
                                v.lead_id) for v in visits]
        if not self.read_only:
            self.lines.append(VisitLine())
        self.endResetModel()

    def append_row(self) -> int:
        row = len(self.lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self.lines.append(VisitLine())
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self.lines):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.lines[row]
        self.endRemoveRows()
        if not self.lines and not self.read_only:
            self.append_row()

    def filled(self) -> list[tuple[int, VisitLine]]:
        """(grid row, line) of every row that says something, in grid order."""
        return [(r, line) for r, line in enumerate(self.lines) if not line.blank()]

    def problems(self) -> list[str]:
        out = []
        for r, line in self.filled():
            for problem in (line.date_problem, line.outcome_problem):
                if problem:
                    out.append(f"第 {r + 1} 行：{problem}")
        return out

    def visits(self) -> list[dict[str, Any]]:
        """What the engine's ``create_trip``/``update_trip`` take, blank rows left out."""
        out = []
        for _r, line in self.filled():
            visit: dict[str, Any] = {"company": line.company.strip(), "date": line.date_text.strip() or None,
                                     "outcome": line.outcome or "general", "notes": line.notes.strip()}
            if line.id is not None:
                visit["id"] = line.id
            out.append(visit)
        return out

    def snapshot(self) -> list[tuple[Any, ...]]:
        return [line.key() for _r, line in self.filled()]

    def counts(self) -> tuple[int, int]:
        """(companies visited, intentions) as the grid stands."""
        rows = [line for _r, line in self.filled() if line.company.strip()]
        return len(rows), sum(1 for line in rows if line.outcome == "intention")

    # --- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(S.TRIP_VISIT_COLS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(S.TRIP_VISIT_COLS):
                return S.TRIP_VISIT_COLS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_OUTCOME:
                return S.TRIP_OUTCOME_HINT
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_DATE:
                return S.TRIP_DATE_HINT
            return None
        return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() <= LAST_EDITABLE and not self.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line, col = self.lines[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == COL_COMPANY:
                return line.company
            if col == COL_DATE:
                return line.date_text
            if col == COL_OUTCOME:
                if role == Qt.ItemDataRole.EditRole or line.outcome is None:
                    return VISIT_OUTCOME_LABELS.get(line.outcome, "") if line.outcome else ""
                return VISIT_OUTCOME_LABELS.get(line.outcome, line.outcome)
            if col == COL_NOTES:
                return line.notes
            return S.TRIP_VISIT_LEAD_DONE if line.lead_id is not None else ""
        problem = line.date_problem if col == COL_DATE else line.outcome_problem if col == COL_OUTCOME else ""
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QBrush(BAD_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            if problem:
                return problem
            if col == COL_OUTCOME:
                return S.TRIP_OUTCOME_HINT
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_LEAD and line.lead_id is not None:
            return QBrush(LEAD_FOREGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_DATE, COL_OUTCOME, COL_LEAD):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        line, col, text = self.lines[index.row()], index.column(), "" if value is None else str(value)
        if col == COL_COMPANY:
            line.company = text.strip()
        elif col == COL_DATE:
            try:
                on = parse_typed_date(text, *self.anchor())
            except LedgerError as err:
                line.date_text, line.date_problem = text.strip(), str(err)
            else:
                line.date_text, line.date_problem = (on.isoformat() if on else ""), ""
        elif col == COL_OUTCOME:
            try:
                line.outcome, line.outcome_problem = parse_outcome(text), ""
            except LedgerError as err:
                line.outcome, line.outcome_problem = None, str(err)
        elif col == COL_NOTES:
            line.notes = text.strip()
        else:
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(S.TRIP_VISIT_COLS) - 1))
        return True


class VisitDelegate(QStyledItemDelegate):
    """Plain line editors; Enter commits and moves on like Tab (not Qt's "stay in the cell")."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 - Qt override
                     index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() == COL_OUTCOME:
            editor.setPlaceholderText("1 / 2 / 3")
        elif index.column() == COL_DATE:
            editor.setPlaceholderText("3.5")
        return editor

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier and isinstance(editor, QWidget):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)


class VisitGrid(QTableView):
    """The grid: Tab / Enter walk the editable cells row by row; past the last one a row is added."""

    def __init__(self, model: VisitModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.visit_model = model
        self.setModel(model)
        self.setItemDelegate(VisitDelegate(self))
        self.setTabKeyNavigation(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_COMPANY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_NOTES, QHeaderView.ResizeMode.Stretch)
        for col, sample in ((COL_DATE, "2026-12-31"), (COL_OUTCOME, "有合作意向"), (COL_LEAD, "已生成线索")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, self.fontMetrics().horizontalAdvance(sample) + 28)

    def moveCursor(self, action: QAbstractItemView.CursorAction,  # noqa: N802 - Qt override
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        current = self.currentIndex()
        model = self.visit_model
        if action == QAbstractItemView.CursorAction.MoveNext:
            if not current.isValid():
                return model.index(0, 0)
            row, col = current.row(), min(current.column(), LAST_EDITABLE)
            if current.column() < LAST_EDITABLE:
                return model.index(row, col + 1)
            if row + 1 < model.rowCount():
                return model.index(row + 1, 0)
            if model.read_only or model.lines[row].blank():
                return QModelIndex()  # the blank last row: nothing more to add
            return model.index(model.append_row(), 0)
        if action == QAbstractItemView.CursorAction.MovePrevious:
            if not current.isValid():
                return model.index(0, 0)
            row, col = current.row(), min(current.column(), LAST_EDITABLE + 1)
            if col > 0:
                return model.index(row, col - 1)
            return model.index(row - 1, LAST_EDITABLE) if row > 0 else QModelIndex()
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() \
                and self.state() != QAbstractItemView.State.EditingState:
            nxt = self.moveCursor(QAbstractItemView.CursorAction.MoveNext, Qt.KeyboardModifier.NoModifier)
            if nxt.isValid():
                self.setCurrentIndex(nxt)
            event.accept()
            return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802 - Qt override
        """Chinese typed on a cell that is not being edited starts editing it with that text (Qt's own
        handling opens the editor but drops a commit that comes without a pre-edit first)."""
        index = self.currentIndex()
        if self.state() != QAbstractItemView.State.EditingState and event.commitString() and index.isValid() \
                and index.flags() & Qt.ItemFlag.ItemIsEditable and self.edit(index, self.EditTrigger.AllEditTriggers,
                                                                            event):
            editor = QApplication.focusWidget()
            if isinstance(editor, QLineEdit) and editor is not self:
                editor.selectAll()
                QApplication.sendEvent(editor, event)
                return
        super().inputMethodEvent(event)

    def commit_open_editor(self) -> None:
        """Ctrl+S / Ctrl+L while a cell is being typed in: keep what is in the cell."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        focus = QApplication.focusWidget()
        editor = focus if focus is not None and focus is not self and self.isAncestorOf(focus) else None
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
