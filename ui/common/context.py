"""The open ledger as the window sees it: runs operations, reports what changed, owns undo/redo.

Every page changes the ledger through :meth:`LedgerContext.run`, so errors are shown the same way
everywhere and every page hears ``changed`` with the engine's ``Change`` to refresh only that.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

from zsdesk import ops
from zsdesk.access import Access, access_of
from zsdesk.errors import LedgerError
from zsdesk.ledger import Ledger
from zsdesk.ops.history import Change
from zsdesk.paths import data_dir
from zsdesk.queries import DEFAULT_STALE_DAYS, SizeThresholds

from .errors import show_error
from .worker import TaskRunner


def app_settings() -> QSettings:
    """Window preferences (geometry, columns, recent files) in the user data folder, one ini file."""
    return QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)


class LedgerContext(QObject):
    changed = Signal(object)  # zsdesk.ops.Change
    history_changed = Signal()
    money_unit_changed = Signal(str)  # "wan" | "yi"
    busy_changed = Signal(bool)
    open_project_requested = Signal(int)  # a page outside the ledger room asks for a project's form

    def __init__(self, ledger: Ledger, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.settings = app_settings()
        self.runner = TaskRunner(self)
        self.runner.started.connect(lambda: self.busy_changed.emit(True))
        self.runner.done.connect(lambda: self.busy_changed.emit(False))
        self._money_unit = str(self.settings.value("money_unit", "wan"))
        self.today = date.today()
        self._thresholds: SizeThresholds | None = None

    @property
    def access(self) -> Access:
        """Who is signed in and as which role (a SQLite ledger: the single operator)."""
        return access_of(self.ledger)

    # --- preferences ----------------------------------------------------------------------
    @property
    def money_unit(self) -> str:
        return self._money_unit

    def set_money_unit(self, unit: str) -> None:
        if unit != self._money_unit:
            self._money_unit = unit
            self.settings.setValue("money_unit", unit)
            self.money_unit_changed.emit(unit)

    @property
    def stale_days(self) -> int:
        value = self.ledger.get_setting("stale_days", None)
        if isinstance(value, int) and value > 0:
            return value
        return self.thresholds_rules_stale() or DEFAULT_STALE_DAYS

    def thresholds_rules_stale(self) -> int | None:
        try:
            from zsdesk.rules import load_rules

            return load_rules(self.ledger, self.today.year).stale_days
        except LedgerError:
            return None

    @property
    def thresholds(self) -> SizeThresholds:
        if self._thresholds is None:
            try:
                with self.ledger.reading() as s:
                    self._thresholds = SizeThresholds.for_year(s, self.today.year)
            except LedgerError:
                self._thresholds = SizeThresholds()
        return self._thresholds

    # --- operations -----------------------------------------------------------------------
    def run(self, parent: QWidget | None, fn: Callable[..., Change], *args: Any, **kwargs: Any) -> Change | None:
        """Run one engine operation; show a Chinese message on a user error; announce the change."""
        try:
            change = fn(self.ledger, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is shown, bugs are logged
            show_error(parent, exc)
            return None
        self.announce(change)
        return change

    def try_run(self, fn: Callable[..., Change], *args: Any, **kwargs: Any) -> Change:
        """Like :meth:`run` but lets ``LedgerError`` through, for forms that show problems inline."""
        change = fn(self.ledger, *args, **kwargs)
        self.announce(change)
        return change

    def announce(self, change: Change | None) -> None:
        if change is not None:
            if any(r.entity == "setting" for r in change.records):
                self._thresholds = None
            self.changed.emit(change)
        self.history_changed.emit()

    def undo(self, parent: QWidget | None) -> Change | None:
        return self.run(parent, ops.undo)

    def redo(self, parent: QWidget | None) -> Change | None:
        return self.run(parent, ops.redo)

    @property
    def undo_label(self) -> str | None:
        return self.ledger.history.undo_label

    @property
    def redo_label(self) -> str | None:
        return self.ledger.history.redo_label
