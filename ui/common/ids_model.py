"""A big table over a list of ids: rows fetched a block at a time and cached, cells formatted once.

The ledger, leads and trips tables are this model with their own fetch, format and marking
(CONVENTIONS: big tables hold ids, not rows). Sorting and filtering re-run one query that gives the
ids; ``data()`` never touches the database for a row already in its block cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zsdesk.queries import ReadSession
from zsdesk.queries.first_screen import LazyIds

from .context import LedgerContext
from .roles import IdRole

DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole.value
BLOCK = 100  # rows per fetch: about three screens; a jump costs one small query
CACHE_LIMIT = 20_000

Index = QModelIndex | QPersistentModelIndex
RecordT = TypeVar("RecordT")


class IdsTableModel(QAbstractTableModel, Generic[RecordT]):
    """Ids in view order; ``fetch_records`` reads a block of them, ``format_cell`` one cell's text.

    A subclass answers the other roles in ``role_data`` and names its columns in ``header``.
    """

    block = BLOCK
    cache_limit = CACHE_LIMIT

    def __init__(self, context: LedgerContext, column_count: int) -> None:
        super().__init__()
        self.context = context
        # Every id, or a LazyIds: the count and the first screen's ids, every id read when a row past them is asked for.
        self.ids: Sequence[int] = []
        self.total_live = 0
        self._column_count = column_count
        self._row_of: dict[int, int] | None = None
        self._rows: dict[int, RecordT] = {}
        # Formatted cells by id, filled column by column as the view asks (hidden columns cost nothing).
        self._display: dict[int, list[str | None]] = {}

    # --- what a subclass gives ----------------------------------------------------------------
    def fetch_records(self, session: ReadSession, ids: list[int]) -> Mapping[int, RecordT]:
        raise NotImplementedError

    def format_cell(self, record: RecordT, col: int) -> str:
        raise NotImplementedError

    def role_data(self, row: int, col: int, role: int) -> Any:
        return None

    def header(self, section: int) -> str:
        raise NotImplementedError

    # --- ids ----------------------------------------------------------------------------------
    def show_ids(self, ids: Sequence[int]) -> None:
        """A new list of ids (a new query): one model reset, every cache dropped."""
        self.beginResetModel()
        self.ids = ids
        self._row_of = None
        self._rows.clear()
        self._display.clear()
        self.endResetModel()

    def row_of(self, record_id: int) -> int | None:
        ids = self.ids
        if isinstance(ids, LazyIds) and ids.filled is None:  # on the first screen: no need to read every id
            known = ids.known_index(record_id)
            if known is not None:
                return known
        if self._row_of is None:
            self._row_of = {rid: i for i, rid in enumerate(self.ids)}
        return self._row_of.get(record_id)

    def loaded_row_of(self, record_id: int) -> int | None:
        """The row of ``record_id`` among the ids read so far: a row never read has nothing cached to refresh."""
        ids = self.ids
        if isinstance(ids, LazyIds) and ids.filled is None:
            return ids.known_index(record_id)
        return self.row_of(record_id)

    def refresh_ids(self, record_ids: Iterable[int]) -> None:
        """Re-read changed rows in place: ``dataChanged``, no reset."""
        for rid in record_ids:
            self._rows.pop(rid, None)
            self._display.pop(rid, None)
            row = self.loaded_row_of(rid)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self._column_count - 1))

    def redisplay_all(self) -> None:
        """Every cell's text again (the money unit changed); the rows stay cached."""
        self._display.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, self._column_count - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self._column_count - 1)

    # --- rows ---------------------------------------------------------------------------------
    def record(self, row: int) -> RecordT | None:
        if not 0 <= row < len(self.ids):
            return None
        rid = self.ids[row]
        cached = self._rows.get(rid)
        if cached is None:
            self._fetch_block(row)
            cached = self._rows.get(rid)
        return cached

    def record_of(self, record_id: int) -> RecordT | None:
        row = self.row_of(record_id)
        return None if row is None else self.record(row)

    def cached_record(self, row: int) -> RecordT | None:
        """The row's record, from the cache when there (the marking roles ask for it on every repaint)."""
        return self._rows.get(self.ids[row]) or self.record(row)

    def _fetch_block(self, row: int) -> None:
        start = (row // self.block) * self.block
        block = [rid for rid in self.ids[start:start + self.block] if rid not in self._rows]
        if len(self._rows) > self.cache_limit:
            self._rows.clear()
            self._display.clear()
        with self.context.ledger.reading() as s:
            self._rows.update(self.fetch_records(s, block))

    def cell_text(self, row: int, col: int) -> str | None:
        rid = self.ids[row]
        shown = self._display.get(rid)
        if shown is None:
            if self.record(row) is None:
                return None
            shown = self._display[rid] = [None] * self._column_count
        text = shown[col]
        if text is None:
            text = shown[col] = self.format_cell(self._rows[rid], col)
        return text

    # --- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._column_count

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        # The hot path of every repaint: plain ints for roles, the formatted row cached by id.
        if role == DISPLAY_ROLE:
            row, col = index.row(), index.column()
            if not 0 <= row < len(self.ids) or not 0 <= col < self._column_count:
                return None
            shown = self._display.get(self.ids[row])
            if shown is not None and shown[col] is not None:
                return shown[col]
            return self.cell_text(row, col)
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not 0 <= row < len(self.ids) or not 0 <= col < self._column_count:
            return None
        if role == IdRole:
            return self.ids[row]
        return self.role_data(row, col, role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return self.header(section) if 0 <= section < self._column_count else None
