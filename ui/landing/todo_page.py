"""待办 page (SPEC §9): overdue milestones, 无进展 projects and deadlines within 30 days, by lead unit.

Shown first when a ledger opens, so a section chief sees who must be called this week. The lines come
from ``zsdesk.lifecycle.todo.compute_todo``, computed on the runner once the window is up (at municipal
scale the list takes seconds and must not hold up the window or a switch to the ledger table); a double-click asks the window to open the project's form
(``LedgerContext.open_project_requested``); 导出 Excel writes the list for a 调度会 on the worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk.lifecycle.todo import Todo, TodoItem, compute_todo
from zsdesk.ops.history import Change

from .. import strings as S
from ..common import errors
from ..common.context import LedgerContext
from ..common.page import PageWidget

ProjectRole = Qt.ItemDataRole.UserRole + 1
KIND_COLOURS = {"overdue": "#b42318", "stale": "#8a5a00", "upcoming": "#1f5fa8"}


class TodoPage(PageWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.todo: Todo | None = None
        self.summary = QLabel(self)
        self.summary.setObjectName("todoSummary")
        self.summary.setWordWrap(True)
        self.refresh_button = QPushButton(S.ACT_REFRESH, self)
        self.export_button = QPushButton(S.TODO_EXPORT, self)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("todoTree")
        self.tree.setHeaderLabels(S.TODO_HEADERS)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((190, 90, 260, 50, 96, 110, 80)):
            header.resizeSection(col, width)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export_dialog)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemDoubleClicked.connect(self._activated)
        self._stale = True
        self._generation = 0  # a background result older than the latest refresh is dropped
        self._computing = False
        self._brushes = {kind: QBrush(QColor(colour)) for kind, colour in KIND_COLOURS.items()}
        context.changed.connect(self._on_change)
        self._export_action = QAction(S.TODO_EXPORT, self)
        self._export_action.triggered.connect(self.export_dialog)
        self.summary.setText(S.TODO_COMPUTING)

    # --- the page protocol ----------------------------------------------------------------
    def menu_actions(self) -> list[QAction]:
        return [self._export_action]

    def status_text(self) -> str:
        if self.todo is None:
            return ""
        return S.TODO_STATUS.format(n=self.todo.count, **self.todo.counts())

    def activated(self) -> None:
        # Not here and now: the window (or the page the person switches to next) comes first.
        if self._stale:
            QTimer.singleShot(0, self._refresh_in_background)

    # --- content --------------------------------------------------------------------------
    def _on_change(self, _change: Change) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Recompute now, on the GUI thread (刷新, an edit while the page is shown, a test reading lines)."""
        self._generation += 1
        self._show(compute_todo(self.context.ledger, self.context.today))

    def _refresh_in_background(self) -> None:
        """The list for a page just shown: computed on the runner, filled when it arrives (if still wanted)."""
        if not self._stale or self._computing or not self.isVisible():
            return
        self._generation += 1
        generation, ledger, today = self._generation, self.context.ledger, self.context.today
        self._computing = True

        def done(todo: Todo) -> None:
            self._computing = False
            if generation == self._generation and self._stale:
                self._show(todo)

        def failed(exc: BaseException) -> None:
            self._computing = False
            errors.show_error(self, exc)

        self.context.runner.start(lambda _progress, _cancelled: compute_todo(ledger, today), S.TODO_COMPUTING,
                                  self, on_done=done, on_error=failed, on_cancel=lambda: setattr(self, "_computing", False),
                                  show_progress=False)

    def _show(self, todo: Todo) -> None:
        self.todo = todo
        self._stale = False
        self._fill(todo)
        self.selection_changed.emit()

    def ensure_current(self) -> None:
        if self._stale or self.todo is None:
            self.refresh()

    def _fill(self, todo: Todo) -> None:
        self.tree.clear()
        counts = todo.counts()
        self.summary.setText(S.TODO_SUMMARY.format(today=todo.today, **counts) if todo.count
                             else S.TODO_NONE.format(today=todo.today))
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for unit, items in todo.by_unit():
            group = QTreeWidgetItem(self.tree, [S.TODO_UNIT.format(unit=unit, n=len(items))])
            group.setFirstColumnSpanned(True)
            group.setFont(0, bold)
            for item in items:
                self._line(group, item)
        self.tree.expandAll()

    def _line(self, group: QTreeWidgetItem, item: TodoItem) -> QTreeWidgetItem:
        if item.kind == "stale":
            source = ""
        else:
            source = S.TODO_PROMISED if item.promised else S.TODO_RULE
        note = f"{item.last_note_date:%m-%d} {item.last_note}" if item.last_note_date else ""
        line = QTreeWidgetItem(group, [
            S.TODO_KIND_LABELS[item.kind], item.code, item.name,
            S.TODO_MILESTONES.get(item.milestone or "", ""), f"{item.when:%Y-%m-%d}",
            S.TODO_DAYS[item.kind].format(d=item.days), source, note])
        line.setData(0, ProjectRole, item.project_id)
        brush = self._brushes[item.kind]
        line.setForeground(0, brush)
        line.setForeground(5, brush)
        line.setToolTip(7, item.last_note)
        return line

    def _activated(self, line: QTreeWidgetItem, _column: int = 0) -> None:
        pid = line.data(0, ProjectRole)
        if pid is not None:
            self.context.open_project_requested.emit(int(pid))

    def project_lines(self) -> list[QTreeWidgetItem]:
        self.ensure_current()
        out: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is None:
                continue
            out.extend(item for j in range(group.childCount()) if (item := group.child(j)) is not None)
        return out

    # --- export ---------------------------------------------------------------------------
    def export_to(self, path: str | Path, on_done: Any = None) -> bool:
        from zsdesk.xlsx.todo_export import export_todo

        self.ensure_current()
        ledger, todo = self.context.ledger, self.todo
        return self.context.runner.start(lambda _progress, _cancelled: export_todo(ledger, path, todo),
                                         S.TODO_EXPORTING, self, on_done=on_done)

    def export_dialog(self) -> None:
        self.ensure_current()
        today = self.todo.today if self.todo is not None else self.context.today
        default = str(Path.home() / S.TODO_EXPORT_NAME.format(today=today))
        path = errors.ask_xlsx_path(self, S.TODO_EXPORT_TITLE, default)
        if path is None:
            return

        def done(_result: Any) -> None:
            errors.inform(self, S.DONE_TITLE, S.TODO_EXPORT_DONE.format(path=path))

        self.export_to(path, done)
