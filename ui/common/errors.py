"""Errors in the window: a user's mistake is a Chinese message; a bug is logged and apologised for.

Never a raw traceback dialog: ``sys.excepthook`` and worker failures both come here.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from zsdesk.errors import LedgerError
from zsdesk.paths import log_file, setup_logging

from .. import strings as S

log = logging.getLogger("zsdesk.ui")
# Tests read what would have been shown instead of blocking on a modal box.
shown: list[tuple[str, str]] = []
MODAL = True


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A ``LedgerError``: its message as is. Anything else: logged, then a short apology."""
    if isinstance(exc, LedgerError):
        _box(parent, QMessageBox.Icon.Warning, S.ERROR_TITLE, str(exc))
        return
    log_bug(type(exc), exc, exc.__traceback__)
    _box(parent, QMessageBox.Icon.Critical, S.BUG_TITLE, S.BUG_TEXT.format(log=log_file()))


def log_bug(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    setup_logging()
    log.error("意外错误：%s", "".join(traceback.format_exception(kind, exc, tb)))


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> None:
    shown.append((title, text))
    if not MODAL:
        return
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText(S.OK)
    box.exec()


def install_excepthook() -> None:
    """Unexpected exceptions anywhere on the UI thread end up as an apology, never a crash dialog."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if isinstance(exc, LedgerError):
            show_error(QApplication.activeWindow(), exc)
            return
        log_bug(kind, exc, tb)
        _box(QApplication.activeWindow(), QMessageBox.Icon.Critical, S.BUG_TITLE, S.BUG_TEXT.format(log=log_file()))

    sys.excepthook = hook


def confirm(parent: QWidget | None, title: str, text: str, yes: str | None = None, no: str | None = None) -> bool:
    """A yes/no question (是/否, or verbs such as 删除/取消); in tests (``MODAL`` off) recorded and answered yes."""
    shown.append((title, text))
    if not MODAL:
        return True
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(yes or S.YES)
    box.button(QMessageBox.StandardButton.No).setText(no or S.NO)
    box.setDefaultButton(QMessageBox.StandardButton.No if yes else QMessageBox.StandardButton.Yes)
    return box.exec() == QMessageBox.StandardButton.Yes.value


# What ``ask_save`` answers when ``MODAL`` is off (tests push answers; empty means 取消, the safe one).
answers: list[str] = []
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask_save(parent: QWidget | None, what: str) -> str:
    """保存 / 不保存 / 取消 before anything discards unsaved edits; returns SAVE, DISCARD or CANCEL."""
    text = S.ASK_SAVE_TEXT.format(what=what)
    shown.append((S.ASK_SAVE_TITLE, text))
    if not MODAL:
        return answers.pop(0) if answers else CANCEL
    box = QMessageBox(QMessageBox.Icon.Warning, S.ASK_SAVE_TITLE, text,
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.button(QMessageBox.StandardButton.Save).setText(S.ASK_SAVE)
    box.button(QMessageBox.StandardButton.Discard).setText(S.ASK_DISCARD)
    box.button(QMessageBox.StandardButton.Cancel).setText(S.ASK_CANCEL)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.standardButton(box.clickedButton()) if box.clickedButton() is not None else None
    if clicked == QMessageBox.StandardButton.Save:
        return SAVE
    if clicked == QMessageBox.StandardButton.Discard:
        return DISCARD
    return CANCEL


def ask_xlsx_path(parent: QWidget | None, title: str, default: str) -> str | None:
    """The save dialog every xlsx export uses; None when cancelled, ``.xlsx`` added when left off."""
    path, _ = QFileDialog.getSaveFileName(parent, title, default, S.XLSX_ONLY_FILTER)
    if not path:
        return None
    return path if path.lower().endswith(".xlsx") else path + ".xlsx"


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """A short notice (export finished, backup made); recorded instead of shown when ``MODAL`` is off."""
    _box(parent, QMessageBox.Icon.Information, title, text)
