"""项目认定 page (SPEC §11): the 科长's queue of projects 待认定 or 退回, with what changed since the last 认定
and 搭车挂靠 warnings (another unit claiming the same investor or a near-identical project).

认定 takes the selected projects (each saved over the version shown: a project changed meanwhile is refused
with what changed); 退回 needs the reason typed beside it. A double-click opens the project's form. The
database decides who may: the buttons are disabled, with the reason in the tooltip, for anyone else.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.ops.history import Change
from zsdesk.ops.verification import may_decide
from zsdesk.queries.verification import QueueItem, verification_queue
from zsdesk.rules import load_rules

from .. import strings as S
from ..common.context import LedgerContext
from ..common.page import PageWidget
from ..common.roles import IdRole
from ..common.rows_model import RowsModel

WARNING_BACKGROUND = "#fde8e8"  # a row with a 搭车挂靠 warning


class VerificationPage(PageWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.items: dict[int, QueueItem] = {}
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("verificationSummary")
        self.show_returned = QCheckBox(S.VERIFY_SHOW_RETURNED, self)
        self.show_returned.setChecked(True)
        self.refresh_button = QPushButton(S.ACT_REFRESH, self)
        self.model = RowsModel(S.VERIFY_COLS, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("verificationTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in enumerate((90, 240, 200, 120, 70, 260)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("verificationDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(S.VERIFY_DETAIL_HINT)
        self.verify_button = QPushButton(S.VERIFY_OK, self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(S.VERIFY_REASON_HINT)
        self.reason.setMaxLength(500)
        self.return_button = QPushButton(S.VERIFY_RETURN, self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.show_returned)
        top.addWidget(self.refresh_button)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([320, 200])
        actions = QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addSpacing(24)
        actions.addWidget(self.reason, 1)
        actions.addWidget(self.return_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        layout.addWidget(self.note)

        self.refresh_button.clicked.connect(self.refresh)
        self.show_returned.toggled.connect(self.refresh)
        self.verify_button.clicked.connect(self.verify_selected)
        self.return_button.clicked.connect(self.return_selected)
        self.reason.returnPressed.connect(self.return_selected)
        self.table.doubleClicked.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._show_detail)
        self._verify_action = QAction(S.VERIFY_OK, self)
        self._verify_action.triggered.connect(self.verify_selected)
        self._stale = True
        context.changed.connect(self._on_change)
        self.refresh()

    # --- the page protocol ----------------------------------------------------------------
    def menu_actions(self) -> list[QAction]:
        return [self._verify_action]

    def status_text(self) -> str:
        return self.summary.text()

    def activated(self) -> None:
        if self._stale:
            self.refresh()

    # --- content --------------------------------------------------------------------------
    def _on_change(self, _change: Change) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        ledger = self.context.ledger
        with ledger.reading() as s:
            queue = verification_queue(s, include_returned=self.show_returned.isChecked())
            allowed = may_decide(s)
        required = bool(load_rules(ledger, self.context.today.year).require_verification)
        self._stale = False
        self.items = {q.project_id: q for q in queue}
        rows = [(q.code, q.name, q.investor, q.unit, q.state_label,
                 S.VERIFY_WARN_MARK.format(n=len(q.warnings)) if q.warnings else "") for q in queue]
        self.model.set_rows(rows, ids=[q.project_id for q in queue])
        for row, q in enumerate(queue):
            if q.warnings:
                self.model.row_colors[row] = QBrush(QColor(WARNING_BACKGROUND))
        pending = sum(1 for q in queue if q.state == "pending")
        self.summary.setText(S.VERIFY_SUMMARY.format(pending=pending, returned=len(queue) - pending)
                             if queue else S.VERIFY_NONE)
        shared = ledger.path is None
        self.note.setText((S.VERIFY_RULE_ON if required else S.VERIFY_RULE_OFF)
                          + ("" if shared else S.VERIFY_SINGLE_PC))
        for button in (self.verify_button, self.return_button, self._verify_action):
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else S.VERIFY_NOT_ALLOWED)
        self.reason.setEnabled(allowed)
        if queue:
            self.table.selectionModel().select(self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                               | QItemSelectionModel.SelectionFlag.Rows)
        self._show_detail()
        self.selection_changed.emit()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [int(self.model.data(self.model.index(r, 0), IdRole)) for r in rows]

    def _show_detail(self, *_args: object) -> None:
        ids = self.selected_ids()
        if len(ids) != 1 or ids[0] not in self.items:
            self.detail.setPlainText("" if not ids else S.VERIFY_MANY.format(n=len(ids)))
            return
        self.detail.setPlainText(detail_text(self.items[ids[0]]))

    def _open(self, index: QModelIndex) -> None:
        pid = self.model.data(self.model.index(index.row(), 0), IdRole)
        if pid is not None:
            self.context.open_project_requested.emit(int(pid))

    # --- decisions ------------------------------------------------------------------------
    def verify_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        versions = {pid: self.items[pid].version for pid in ids if pid in self.items}
        if self.context.run(self, ops.verify_projects, ids, versions) is not None:
            self.refresh()

    def return_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        reason = self.reason.text()
        for pid in ids:
            if self.context.run(self, ops.return_project, pid, reason,
                                expected_version=self.items[pid].version if pid in self.items else None) is None:
                return  # the message was shown; keep the reason typed
        self.reason.clear()
        self.refresh()


def detail_text(item: QueueItem) -> str:
    """What the 科长 reads before deciding: the state, what changed since the last 认定, the warnings."""
    lines = [S.VERIFY_DETAIL_HEAD.format(code=item.code, name=item.name, state=item.state_label)]
    if item.state == "returned" and item.reason:
        lines.append(S.VERIFY_DETAIL_REASON.format(reason=item.reason, by=item.decided_by or "—"))
    if item.warnings:
        lines.append(S.VERIFY_DETAIL_WARNINGS)
        lines.extend(f"  ⚠ {w}" for w in item.warnings)
    lines.append(S.VERIFY_DETAIL_NEW if item.first_time else S.VERIFY_DETAIL_CHANGES)
    lines.extend(f"  {c.label}：{c.now}" if item.first_time else f"  {c.label}：{c.theirs} → {c.now}"
                 for c in item.changes)
    if not item.changes:
        lines.append(S.VERIFY_DETAIL_UNCHANGED)
    return "\n".join(lines)
