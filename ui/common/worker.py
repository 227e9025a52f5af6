"""Long work off the UI thread, one task at a time, with a cancellable progress dialog.

A task is ``fn(progress, cancelled) -> result``: ``progress(done, total)`` and ``cancelled() -> bool``
are plain callables, so engine functions (xlsx import/export, demo, backups) run unchanged. The task
never touches a widget; its result or its exception comes back to the UI thread through signals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from .. import strings as S
from .errors import show_error

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Task = Callable[[Progress, Cancelled], Any]


class TaskCancelled(Exception):
    """Raised by a task that noticed ``cancelled()``; nothing it did was kept."""


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Task, signals: _Signals, cancel: threading.Event) -> None:
        super().__init__()
        self.fn, self.signals, self.cancel = fn, signals, cancel
        self._last = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= 0.05 or done >= total:  # at most 20 updates a second
            self._last = now
            self.signals.progress.emit(int(done), int(total))

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.cancel.is_set)
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread, which decides
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Runs one task at a time on a private thread pool; ``busy`` while a task runs; later ones queue."""

    started = Signal()
    done = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.busy = False
        self._cancel = threading.Event()
        self._signals: _Signals | None = None
        self.dialog: QProgressDialog | None = None
        self._queue: list[Callable[[], bool]] = []
        self.done.connect(lambda: QTimer.singleShot(0, self._next))

    def _next(self) -> None:
        if self._queue and not self.busy:
            self._queue.pop(0)()

    @property
    def queued(self) -> int:
        return len(self._queue)

    def start(self, fn: Task, title: str, parent: QWidget | None,
              on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None,
              on_cancel: Callable[[], None] | None = None, show_progress: bool = True) -> bool:
        if self.busy:
            # One at a time: a task asked for while another runs waits its turn.
            self._queue.append(lambda: self.start(fn, title, parent, on_done, on_error, on_cancel, show_progress))
            return True
        self.busy = True
        self._cancel = threading.Event()
        signals = _Signals()
        self._signals = signals
        dialog = None
        if show_progress:
            dialog = QProgressDialog(title, S.CANCEL, 0, 0, parent)
            dialog.setWindowTitle(S.WORKING)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self.cancel)

            def show_progress_step(done: int, total: int) -> None:
                dialog.setMaximum(max(total, 1))
                dialog.setValue(done)

            signals.progress.connect(show_progress_step)
        self.dialog = dialog

        def finish() -> None:
            self.busy = False
            self._signals = None
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            self.dialog = None
            self.done.emit()

        def succeeded(result: Any) -> None:
            cancelled = self._cancel.is_set()
            finish()
            if cancelled and on_cancel is not None:
                on_cancel()
            elif on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            finish()
            if isinstance(exc, TaskCancelled) or self._cancel.is_set():
                if on_cancel is not None:
                    on_cancel()
                return
            if on_error is not None:
                on_error(exc)
            else:
                show_error(parent, exc)

        signals.finished.connect(succeeded)
        signals.failed.connect(failed)
        self.started.emit()
        self.pool.start(_Job(fn, signals, self._cancel))
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the running task's thread is done (on close); queued tasks are dropped."""
        self._queue.clear()
        return self.pool.waitForDone(msecs)
