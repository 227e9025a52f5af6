"""The Backups menu: back up now, restore from a verified automatic backup, open the folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk import backup
from zsdesk.errors import LedgerError
from zsdesk.paths import backup_dir

from .. import strings as S
from ..common.context import LedgerContext
from ..common.errors import confirm, inform, show_error
from ..common.rows_model import RowsModel


def backup_folder(context: LedgerContext) -> Path:
    try:
        folder = backup.configured_folder(context.ledger)
    except LedgerError:
        folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_auto_backup(context: LedgerContext) -> None:
    """Backs up on open (off the UI thread), every N operations, and on close."""
    if context.ledger.path is None or getattr(context.ledger, "read_only_reason", None):
        return
    auto = backup.AutoBackup(context.ledger).attach()
    context.auto_backup = auto  # type: ignore[attr-defined]  # attached by this room; LedgerContext does not declare it
    context.runner.start(lambda _p, _c: auto.on_open(), S.ACT_BACKUP_NOW, None, on_done=lambda _r: None,
                         on_error=lambda _e: None, show_progress=False)


def stop_auto_backup(context: LedgerContext) -> None:
    auto = getattr(context, "auto_backup", None)
    if auto is None:
        return
    context.runner.wait(30000)
    auto.on_close()


def backup_now(context: LedgerContext, parent: QWidget | None) -> None:
    path = context.ledger.path
    if path is None:
        return
    folder = backup_folder(context)

    def done(info: Any) -> None:
        inform(parent, S.ACT_BACKUP_NOW, S.BACKUP_DONE.format(path=info.path))

    context.runner.start(lambda _p, _c: backup.create_backup(path, folder, "手动"), S.ACT_BACKUP_NOW, parent,
                         on_done=done)


class RestoreDialog(QDialog):
    """Lists this ledger's backups (each verified); choosing one asks the app to restore it."""

    restore_chosen = Signal(str)  # backup path

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(S.BACKUP_RESTORE_TITLE)
        self.model = RowsModel(["备份时间", "原因", "状态", "大小", "文件"], [3], self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.choose())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(S.BACKUP_RESTORE_TITLE)
        buttons.accepted.connect(self.choose)
        buttons.rejected.connect(self.reject)
        self.note = QLabel(S.BACKUP_RESTORE_HINT, self)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 460)
        self.load()

    def load(self) -> None:
        path = self.context.ledger.path
        infos = [] if path is None else backup.list_backups(None, path)
        self.infos = {str(i.path): i for i in infos}
        rows = [(f"{i.made_at:%Y-%m-%d %H:%M:%S}", i.reason,
                 f"{i.projects} 个项目" if i.ok else f"不可用：{i.problem}", f"{i.size / 1024 / 1024:.1f} MB",
                 i.path.name) for i in infos]
        self.model.set_rows(rows, [str(i.path) for i in infos],
                            [(i.made_at, i.reason, i.projects, i.size, i.path.name) for i in infos])
        if not infos:
            self.note.setText(S.BACKUP_NONE)

    def choose(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        chosen = self.model.ids[rows[0].row()]
        info = self.infos[chosen]
        if not info.ok:
            show_error(self, LedgerError(f"这份备份不能用：{info.problem}"))
            return
        if not confirm(self, S.BACKUP_RESTORE_TITLE, S.BACKUP_RESTORE_CONFIRM.format(name=info.describe()),
                       yes=S.RESTORE_VERB, no=S.CANCEL):
            return
        self.accept()
        self.restore_chosen.emit(chosen)
