"""Shared fixtures: every test gets a fresh ledger in a temporary folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from zsdesk.ledger import Ledger  # noqa: E402

_TEMPLATE: Path | None = None


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does touches the real user data folder."""
    monkeypatch.setenv("ZSDESK_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture
def ledger(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """An empty ledger (defaults, no units), copied from a template made once per session."""
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        template = tmp_path_factory.mktemp("template") / "template.sqlite"
        Ledger.open(template, operator="测试员", create=True).close()
        _TEMPLATE = template
    path = tmp_path / "ledger.sqlite"
    shutil.copy(_TEMPLATE, path)
    with Ledger.open(path, operator="测试员") as led:
        yield led
