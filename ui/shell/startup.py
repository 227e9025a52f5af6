"""First run: new ledger, open one, or the demo district; and the recent ledgers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk.paths import data_dir

from .. import strings as S


def ask_new_ledger_path(parent: QWidget | None) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, S.START_NEW, str(data_dir() / S.NEW_LEDGER_NAME), S.LEDGER_FILTER)
    return path


def ask_open_ledger_path(parent: QWidget | None) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, S.START_OPEN, str(data_dir()), S.LEDGER_FILTER)
    return path


class StartDialog(QDialog):
    """The clerk chooses; ``choice`` is (path, create, demo) after ``accept``."""

    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(S.START_TITLE)
        self.choice: tuple[str, bool, bool] | None = None
        self.sign_in_chosen = False  # 登录共享台账: the controller shows the sign-in dialog
        title = QLabel(S.START_HEADLINE, self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(QLabel(S.START_HINT, self))
        self.new_button = QCommandLinkButton(S.START_NEW, S.START_NEW_HINT, self)
        self.open_button = QCommandLinkButton(S.START_OPEN, S.START_OPEN_HINT, self)
        self.demo_button = QCommandLinkButton(S.START_DEMO, S.START_DEMO_HINT, self)
        self.new_button.clicked.connect(self._new)
        self.open_button.clicked.connect(self._open)
        self.demo_button.clicked.connect(lambda: self._choose("", True, True))
        self.sign_in_button = QCommandLinkButton(S.START_SIGN_IN, S.START_SIGN_IN_HINT, self)
        self.sign_in_button.clicked.connect(self._sign_in)
        for b in (self.new_button, self.open_button, self.demo_button, self.sign_in_button):
            layout.addWidget(b)
        self.recent = QListWidget(self)
        for path in recent:
            item = QListWidgetItem(path, self.recent)
            item.setToolTip(path)
            item.setData(Qt.ItemDataRole.UserRole, path)
        self.recent.itemActivated.connect(lambda item: self._choose(item.data(Qt.ItemDataRole.UserRole), False, False))
        if recent:
            layout.addWidget(QLabel(S.START_RECENT, self))
            layout.addWidget(self.recent)
        else:
            self.recent.hide()
        self.resize(560, 480 if recent else 360)

    def _sign_in(self) -> None:
        self.sign_in_chosen = True
        self._choose("", False, False)

    def _choose(self, path: str, create: bool, demo: bool) -> None:
        self.choice = (path, create, demo)
        self.accept()

    def _new(self) -> None:
        path = ask_new_ledger_path(self)
        if path:
            self._choose(path, True, False)

    def _open(self) -> None:
        path = ask_open_ledger_path(self)
        if path:
            self._choose(path, False, False)


def demo_path() -> Path:
    return data_dir() / S.DEMO_LEDGER_NAME
