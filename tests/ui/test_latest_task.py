"""A view's pending preview must not reach it after the view is gone (it used to hit a deleted model)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from ui.common.context import LedgerContext
from ui.common.latest_task import LatestTask


def test_results_for_a_destroyed_owner_are_dropped(qtbot, ledger):
    context = LedgerContext(ledger)
    owner = QWidget()
    task = LatestTask(context, owner, delay_ms=10)
    release = threading.Event()
    delivered: list[object] = []
    task.request(lambda: release.wait(5) and "late", delivered.append, now=True)
    qtbot.waitUntil(lambda: context.runner.busy, timeout=5000)
    task.request(lambda: "queued", delivered.append)  # waits for the worker
    owner.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(task), timeout=5000)
    release.set()
    context.runner.wait()
    qtbot.wait(100)  # let the queued start and any result signal run
    assert delivered == []
