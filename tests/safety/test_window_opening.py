"""The window opens ledgers through the same sequence as the command line: it holds the writer
lock every writing command honours, and upgrades an older ledger with one 升级前备份."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zsdesk.backup import create_backup
from zsdesk.lock import read_holder

from .conftest import small_ledger
from .test_upgrade_kill import OLD, make_old, state, upgrade_copies


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    from ui.common import errors
    from ui.shell import app

    seen: list[str] = []
    errors.MODAL = False
    monkeypatch.setattr(app, "inform", lambda _parent, _title, text: seen.append(text))
    monkeypatch.setattr(app, "confirm", lambda _parent, _title, text: seen.append(text) or False)
    yield seen
    errors.MODAL = True


def zsdesk(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "ZSDESK_DATA_DIR": str(tmp / "data")}
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], capture_output=True, text=True, env=env, timeout=300)


def test_command_line_writers_are_refused_while_the_window_writes(qtbot: Any, tmp_path: Path,
                                                                   dialogs: list[str]) -> None:
    from ui.shell.app import Controller

    ledger = small_ledger(tmp_path / "台账.sqlite")
    backup = create_backup(ledger, tmp_path / "b")
    controller = Controller()
    window = controller.open_ledger(str(ledger))
    assert window is not None
    qtbot.addWidget(window)
    holder = read_holder(ledger)
    assert holder is not None and holder.pid == os.getpid()
    db = ["--db", str(ledger)]
    for args in (["notice", *db, "--period", "2026Q1", "-o", str(tmp_path / "n.pdf"), "--issue"],
                 ["restore", str(backup.path), *db, "--folder", str(tmp_path / "b")]):
        result = zsdesk(tmp_path, *args)
        assert result.returncode == 2 and "正由" in result.stderr, result.stderr
    assert zsdesk(tmp_path, "board", *db, "--period", "2026Q1").returncode == 0  # reading is fine
    controller._close_current()
    assert read_holder(ledger) is None
    result = zsdesk(tmp_path, "restore", str(backup.path), *db, "--folder", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr


def test_a_second_window_is_offered_read_only(qtbot: Any, tmp_path: Path, dialogs: list[str]) -> None:
    from ui.shell.app import Controller

    ledger = small_ledger(tmp_path / "台账.sqlite")
    first = Controller()
    qtbot.addWidget(first.open_ledger(str(ledger)))
    assert Controller().open_ledger(str(ledger)) is None  # the clerk declined read-only
    assert "正由" in dialogs[-1]
    first._close_current()


def test_the_window_upgrades_an_older_ledger_once(qtbot: Any, tmp_path: Path, dialogs: list[str]) -> None:
    from ui.shell.app import Controller
    from zsdesk.migrate import head_revision

    ledger = make_old(tmp_path / "台账.sqlite")
    controller = Controller()
    window = controller.open_ledger(str(ledger))
    assert window is not None
    qtbot.addWidget(window)
    controller._close_current()
    assert state(ledger)[:2] == (head_revision(), True)
    copies = upgrade_copies(ledger)
    assert len(copies) == 1 and f"升级前备份-{OLD}-" in copies[0].name
    assert any(str(copies[0]) in text for text in dialogs)
