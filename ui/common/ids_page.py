"""What the ledger, leads and trips pages share around their big table: the table's look, actions with
their keys, the selection by id kept over a reload, deleting the selected records, and the column layout
remembered between sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from zsdesk.errors import LedgerError
from zsdesk.ops.history import Change

from .. import strings as S
from .context import LedgerContext
from .errors import confirm, show_error
from .filter_bar import FilterBar
from .ids_model import IdsTableModel
from .page import PageWidget
from .roles import IdRole

SELECT_LIMIT = 5000  # ids selected again after a reload (more would cost a long pass)
Shortcut = QKeySequence | QKeySequence.StandardKey | str


def ids_table(parent: QWidget, model: IdsTableModel[Any], alternating: bool = True) -> QTableView:
    """Whole rows selected, nothing edited in place, one text line per row of a fixed height."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if alternating:
        table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setSortingEnabled(True)
    return table


def fix_row_height(table: QTableView, parent: QWidget) -> None:
    vh = table.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(parent.fontMetrics().height() + 10)
    vh.setVisible(False)


class IdsPage(PageWidget):
    """A page over an ``IdsTableModel`` in ``table``, filtered by ``filters``."""

    context: LedgerContext
    model: IdsTableModel[Any]
    table: QTableView
    filters: FilterBar
    owns_ctrl_n = False  # True: Ctrl+N here is this page's 新增, not the window's 新增项目

    # --- actions --------------------------------------------------------------------------
    def add_action(self, text: str, slot: Callable[[], object], shortcut: Shortcut | None = None,
                   on: QWidget | None = None) -> QAction:
        """An action with its key, on the page (or only on ``on``, e.g. the table's Enter and Del)."""
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if on is not None
                                 else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        a.triggered.connect(slot)
        (on or self).addAction(a)
        return a

    def new_record(self) -> object:
        return None

    def event(self, e: QEvent) -> bool:
        # Ctrl+N is the ledger's 新增项目 too (a window-wide shortcut): on this page it means this page's 新增.
        if self.owns_ctrl_n and e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) \
                and e.matches(QKeySequence.StandardKey.New):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.owns_ctrl_n and e.matches(QKeySequence.StandardKey.New):
            self.new_record()
            e.accept()
            return
        super().keyPressEvent(e)

    def focus_search(self) -> bool:
        self.filters.text.setFocus()
        self.filters.text.selectAll()
        return True

    # --- selection ------------------------------------------------------------------------
    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        sel = QItemSelection()
        last = self.model.columnCount() - 1
        for rid in ids[:SELECT_LIMIT]:
            row = self.model.row_of(rid)
            if row is not None:
                sel.select(self.model.index(row, 0), self.model.index(row, last))
        sm = self.table.selectionModel()
        sm.select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            sm.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(self.model.index(row, 0))

    def selected_ids(self) -> list[int]:
        return [self.model.ids[i.row()] for i in self.table.selectionModel().selectedRows()]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def reload_keeping_selection(self, set_query: Callable[[], None]) -> None:
        """Run ``set_query`` (a new query for the model), then select again what was selected."""
        keep = self.selected_ids()
        current = self.current_id()
        set_query()
        self.select_ids(keep, current)
        self.selection_moved()

    def selection_moved(self) -> None:
        self.selection_changed.emit()

    # --- deleting -------------------------------------------------------------------------
    def need_selection(self, nothing: str = S.NOTHING_SELECTED) -> list[int]:
        ids = self.selected_ids()
        if not ids:
            show_error(self, LedgerError(nothing))
        return ids

    def delete_selected_with(self, delete: Callable[..., Change], nothing: str, title: str, question: str,
                             ask: bool = True) -> None:
        """Del: the selected records through ``delete`` (one undoable operation), after a 删除 / 取消 question."""
        ids = self.need_selection(nothing)
        if not ids:
            return
        if ask and not confirm(self, title, question.format(n=len(ids)), yes=S.DELETE, no=S.CANCEL):
            return
        self.context.run(self, delete, ids)

    # --- columns --------------------------------------------------------------------------
    def restore_header(self, key: str) -> bool:
        """The column widths and order saved under ``key``; False when there are none (lay out the defaults)."""
        state = self.context.settings.value(key)
        return isinstance(state, QByteArray) and self.table.horizontalHeader().restoreState(state)

    def remember_header(self, key: str) -> None:
        """Save the column layout under ``key`` whenever a column is resized or moved."""
        header = self.table.horizontalHeader()
        header.sectionResized.connect(lambda *_a: self.save_header(key))
        header.sectionMoved.connect(lambda *_a: self.save_header(key))

    def save_header(self, key: str) -> None:
        self.context.settings.setValue(key, self.table.horizontalHeader().saveState())
