"""Excel habits in every table of the window: Ctrl+C copies the selection as tab-separated text,
Ctrl+Shift+C (or 复制（含表头）) copies it with the column headers, Ctrl+A selects all.

One application-wide event filter serves every ``QAbstractItemView`` (Qt's own Ctrl+C copies only
the current cell). Excel and WPS paste the text into cells: cells holding a tab, a line break or a
quote are quoted the way Excel itself writes them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QWidget

from .. import strings as S

COPY_WITH_HEADERS = QKeySequence("Ctrl+Shift+C")


def _cell(text: object) -> str:
    value = "" if text is None else str(text)
    if any(ch in value for ch in '\t\n\r"'):
        return '"' + value.replace('"', '""') + '"'
    return value


def selection_text(view: QAbstractItemView, with_headers: bool = False) -> str:
    """The selected rows or cells as Excel clipboard text (the current cell when nothing is selected)."""
    model = view.model()
    if model is None:
        return ""
    sel = view.selectionModel()
    indexes = [i for i in (sel.selectedIndexes() if sel is not None else []) if i.isValid()]
    if not indexes and view.currentIndex().isValid():
        indexes = [view.currentIndex()]
    if not indexes:
        return ""
    header = getattr(view, "horizontalHeader", lambda: None)()

    def hidden(column: int) -> bool:
        return bool(header is not None and header.isSectionHidden(column))

    rows = sorted({i.row() for i in indexes})
    chosen = {(i.row(), i.column()) for i in indexes}
    columns = sorted({i.column() for i in indexes if not hidden(i.column())})
    if header is not None:  # in the order the clerk sees them (columns may have been dragged)
        columns.sort(key=header.visualIndex)
    lines = []
    if with_headers:
        lines.append("\t".join(_cell(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns))
    for r in rows:
        lines.append("\t".join(_cell(model.index(r, c).data(Qt.ItemDataRole.DisplayRole))
                               if (r, c) in chosen else "" for c in columns))
    return "\r\n".join(lines) + "\r\n"


def copy_selection(view: QAbstractItemView, with_headers: bool = False) -> str:
    text = selection_text(view, with_headers)
    if text:
        QGuiApplication.clipboard().setText(text)
    return text


def _view_of(obj: QObject) -> QAbstractItemView | None:
    if isinstance(obj, QAbstractItemView):
        return obj
    parent = obj.parent() if isinstance(obj, QWidget) else None
    if isinstance(parent, QAbstractItemView) and parent.viewport() is obj:
        return parent
    return None


def add_copy_actions(menu: QMenu, view: QAbstractItemView) -> None:
    """复制 / 复制（含表头） / 全选 for a table's own context menu."""
    copy = menu.addAction(S.COPY_CELLS)
    copy.setShortcut(QKeySequence.StandardKey.Copy)
    copy.triggered.connect(lambda: copy_selection(view))
    with_headers = menu.addAction(S.COPY_WITH_HEADERS)
    with_headers.setShortcut(COPY_WITH_HEADERS)
    with_headers.triggered.connect(lambda: copy_selection(view, True))
    select_all = menu.addAction(S.SELECT_ALL)
    select_all.setShortcut(QKeySequence.StandardKey.SelectAll)
    select_all.triggered.connect(view.selectAll)


def _is_multi(view: QAbstractItemView) -> bool:
    return view.selectionMode() in (QAbstractItemView.SelectionMode.ExtendedSelection,
                                    QAbstractItemView.SelectionMode.MultiSelection,
                                    QAbstractItemView.SelectionMode.ContiguousSelection)


class TableHabits(QObject):
    """The application-wide filter; see :func:`install`."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.ContextMenu):
            return False
        view = _view_of(obj)
        if view is None or view.state() == QAbstractItemView.State.EditingState:
            return False
        if kind == QEvent.Type.ContextMenu:
            if obj is view.viewport() and view.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu:
                assert isinstance(event, QContextMenuEvent)
                menu = QMenu(view)
                add_copy_actions(menu, view)
                menu.exec(event.globalPos())
                return True
            return False
        assert isinstance(event, QKeyEvent)
        wants = None
        if event.matches(QKeySequence.StandardKey.Copy):
            wants = "copy"
        elif QKeySequence(event.keyCombination()) == COPY_WITH_HEADERS:
            wants = "copy_headers"
        elif event.matches(QKeySequence.StandardKey.SelectAll) and _is_multi(view):
            wants = "select_all"
        if wants is None:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key is the table's, not a window shortcut's
            return True
        if wants == "select_all":
            view.selectAll()
        else:
            copy_selection(view, wants == "copy_headers")
        return True


_installed: list[TableHabits] = []


def install() -> None:
    """Install the filter once on the running application (idempotent)."""
    app = QApplication.instance()
    if app is None or _installed:
        return
    habits = TableHabits(app)
    app.installEventFilter(habits)
    _installed.append(habits)


def copy_action(view: QAbstractItemView, parent: QWidget) -> QAction:
    action = QAction(S.COPY_WITH_HEADERS, parent)
    action.triggered.connect(lambda: copy_selection(view, True))
    return action
