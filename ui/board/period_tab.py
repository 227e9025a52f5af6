"""What the 项目落地 and 招商活动 tabs of the 英雄榜 page share: figures computed on the context's worker for
the period the board shows — when the tab is on screen, once per period (again after a change) — and a table
whose first line, the district's, is bold."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QWidget

from ..common.context import LedgerContext
from ..common.worker import Task
from .board_models import RowsTableModel


class DistrictFirstModel(RowsTableModel):
    """Rows whose first line is the district's, in bold."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid() and index.row() == 0:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class PeriodTab(QWidget):
    """A tab computed for ``code``: ``task`` gives the work for a period, ``show_result`` shows what it gave."""

    computing_title = ""  # the worker's title while it computes

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.code: str | None = None
        self._computed: str | None = None

    def task(self, code: str) -> Task:
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    def set_code(self, code: str | None, force: bool = False) -> None:
        """The board shows ``code``: compute now when the tab is on screen, else when it is shown."""
        if code is None:
            return
        if force:
            self._computed = None
        self.code = code
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        code = self.code
        if code is None or code == self._computed:
            return
        self._computed = code
        self.context.runner.start(self.task(code), self.computing_title, self, on_done=self.show_result,
                                  show_progress=False)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()
