"""The sign-in dialog for a shared ledger: server, database, login, password (SPEC §11).

The password goes to the driver for this one connection and is kept nowhere: not in the recent list,
the settings or a log. A failure shows the Chinese reason in the dialog, which stays open for another
try; 取消 returns to whatever was open before (a local ledger can still be opened).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .. import strings as S

DRIVER = "postgresql+psycopg"


def shared_address(server: str, database: str, login: str) -> str:
    """``postgresql+psycopg://login@host[:port]/database`` with the login and database quoted."""
    host = server.strip()
    return f"{DRIVER}://{quote(login.strip(), safe='')}@{host}/{quote(database.strip(), safe='')}"


class SignInDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, address: str = "", message: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(S.SIGN_IN_TITLE)
        self.server = QLineEdit(self)
        self.server.setPlaceholderText(S.SIGN_IN_SERVER_PLACEHOLDER)
        self.database = QLineEdit(self)
        self.login = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        hint = QLabel(S.SIGN_IN_HINT, self)
        hint.setWordWrap(True)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setVisible(bool(message))
        form = QFormLayout()
        form.addRow(S.SIGN_IN_SERVER, self.server)
        form.addRow(S.SIGN_IN_DATABASE, self.database)
        form.addRow(S.SIGN_IN_LOGIN, self.login)
        form.addRow(S.SIGN_IN_PASSWORD, self.password)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(S.SIGN_IN_OK, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(S.SIGN_IN_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.fill(address)
        self.resize(460, 0)

    def fill(self, address: str) -> None:
        """Prefill from a remembered address (it never holds a password)."""
        if "://" not in address:
            return
        parts = urlsplit(address)
        self.server.setText(parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "")
        self.database.setText(unquote(parts.path.lstrip("/")))
        self.login.setText(unquote(parts.username or ""))
        (self.password if self.login.text() else self.server).setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.password.clear()
        self.password.setFocus()

    def address(self) -> str:
        return shared_address(self.server.text(), self.database.text(), self.login.text())

    def _accept(self) -> None:
        if not (self.server.text().strip() and self.database.text().strip() and self.login.text().strip()):
            self.show_message(S.SIGN_IN_MISSING)
            return
        self.accept()
