"""Run the newest of a stream of requests on the context's worker (previews that follow typing).

The worker runs one task at a time; a request made while it is busy replaces any older waiting one
and starts when the worker is free, so a burst of edits costs at most two computations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer

from .context import LedgerContext


class LatestTask(QObject):
    def __init__(self, context: LedgerContext, parent: QObject | None = None, delay_ms: int = 250) -> None:
        super().__init__(parent)
        self.context = context
        self._waiting: tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None] | None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self.running = False
        context.runner.done.connect(lambda: QTimer.singleShot(0, self._start))

    def request(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                on_error: Callable[[BaseException], None] | None = None, now: bool = False) -> None:
        self._waiting = (fn, on_done, on_error)
        if now:
            self._start()
        else:
            self._timer.start()

    @property
    def pending(self) -> bool:
        return self._waiting is not None or self.running

    def _alive(self) -> bool:
        """False once the owning widget (and so this object) is destroyed: its work no longer matters."""
        return shiboken6.isValid(self)

    def _start(self) -> None:
        if not self._alive():
            self._waiting = None
            return
        if self._waiting is None or self.context.runner.busy:
            return
        fn, on_done, on_error = self._waiting
        self._waiting = None
        self.running = True

        def done(result: Any) -> None:
            self.running = False
            if self._alive():  # a result for a closed view is dropped, not painted on deleted widgets
                on_done(result)

        def failed(exc: BaseException) -> None:
            self.running = False
            if on_error is not None and self._alive():
                on_error(exc)

        self.context.runner.start(lambda _p, _c: fn(), "", None, on_done=done, on_error=failed,
                                  on_cancel=lambda: setattr(self, "running", False), show_progress=False)
