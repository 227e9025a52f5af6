"""A small read-only (or cell-editable) table of plain rows, sortable in memory.

For small tables only (reports, totals, lists of backups); the ledger uses ProjectTableModel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from .roles import IdRole, SortRole

Index = QModelIndex | QPersistentModelIndex
# setter(row_id, column, text) -> True if saved
Setter = Callable[[Any, int, str], bool]


class RowsModel(QAbstractTableModel):
    """Rows of display values; ``keys`` holds a sort key per cell (defaults to the value)."""

    def __init__(self, headers: Sequence[str], right_aligned: Sequence[int] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.right = set(right_aligned)
        self.rows: list[tuple[Any, ...]] = []
        self.keys: list[tuple[Any, ...]] = []
        self.ids: list[Any] = []
        self.editable: set[int] = set()
        self.setter: Setter | None = None
        self.row_colors: dict[int, Any] = {}

    def set_rows(self, rows: Sequence[Sequence[Any]], ids: Sequence[Any] | None = None,
                 keys: Sequence[Sequence[Any]] | None = None) -> None:
        self.beginResetModel()
        self.rows = [tuple(r) for r in rows]
        self.ids = list(ids) if ids is not None else list(range(len(self.rows)))
        self.keys = [tuple(k) for k in keys] if keys is not None else [tuple(r) for r in self.rows]
        self.row_colors = {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            value = self.rows[r][c]
            return "" if value is None else str(value)
        if role == IdRole:
            return self.ids[r]
        if role == SortRole:
            return self.keys[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole and c in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and r in self.row_colors:
            return self.row_colors[r]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() in self.editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.setter is None:
            return False
        if index.column() not in self.editable:
            return False
        return self.setter(self.ids[index.row()], index.column(), "" if value is None else str(value))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers) or not self.rows:
            return
        self.layoutAboutToBeChanged.emit()
        old = {i: self.createIndex(i, 0) for i in range(len(self.rows))}
        order_idx = sorted(range(len(self.rows)), key=lambda i: _key(self.keys[i][column]),
                           reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [self.rows[i] for i in order_idx]
        self.keys = [self.keys[i] for i in order_idx]
        self.ids = [self.ids[i] for i in order_idx]
        self.row_colors = {}
        new_pos = {old_i: new_i for new_i, old_i in enumerate(order_idx)}
        for persistent in self.persistentIndexList():
            if persistent.isValid() and persistent.row() in new_pos:
                self.changePersistentIndex(persistent, self.index(new_pos[persistent.row()], persistent.column()))
        del old
        self.layoutChanged.emit()


def _key(value: Any) -> tuple[int, float, str]:
    if value is None or value == "":
        return (2, 0.0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))
