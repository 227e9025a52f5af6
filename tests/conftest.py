"""Shared fixtures: every test gets a fresh ledger in a temporary folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pg_databases import fresh_database  # noqa: E402  (tests/ is on sys.path: pytest's rootdir conftest)

from zsdesk import ops  # noqa: E402
from zsdesk.ledger import Ledger  # noqa: E402
from zsdesk.opening import open_unlocked  # noqa: E402

_TEMPLATE: Path | None = None


@pytest.fixture(autouse=True)
def _no_import_helper_left() -> Iterator[None]:
    """The import's helper process (zsdesk/xlsx/check_worker.py), started by a test or the import wizard,
    ends with that test: the next test's imports check in their own process unless it starts one itself."""
    yield
    from zsdesk.xlsx.check_worker import WORKER

    if WORKER.started:
        WORKER.stop()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does touches the real user data folder."""
    monkeypatch.setenv("ZSDESK_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards); skips without a server."""
    with fresh_database() as (url, _name):
        yield url


@pytest.fixture
def ledger(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """An empty ledger (defaults, no units), copied from a template made once per session."""
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        template = tmp_path_factory.mktemp("template") / "template.sqlite"
        open_unlocked(template, operator="测试员", create=True).close()
        _TEMPLATE = template
    path = tmp_path / "ledger.sqlite"
    shutil.copy(_TEMPLATE, path)
    with open_unlocked(path, operator="测试员") as led:
        yield led


class Builder:
    """Small hand-built ledgers for worked examples: units, persons, projects, funds, targets by name."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def unit(self, name: str, kind: str = "部门") -> int:
        return ops.create_unit(self.ledger, {"name": name, "short_name": name, "kind": kind}).ids("unit")[0]

    def person(self, name: str, unit: str) -> int:
        return ops.create_person(self.ledger, {"name": name, "unit_id": unit}).ids("person")[0]

    def project(self, name: str, **fields: Any) -> int:
        values = {"name": name, "investor": f"{name}公司", **fields}
        return ops.create_project(self.ledger, values).ids("project")[0]

    def funding(self, project_id: int, when: str, amount: str) -> None:
        ops.add_funding(self.ledger, {"project_id": project_id, "date": when, "amount": amount})

    def target(self, unit: str, year: int, **amounts: Any) -> None:
        ops.set_target(self.ledger, {"unit_id": unit, "year": year, **amounts})


@pytest.fixture
def build(ledger: Ledger) -> Builder:
    return Builder(ledger)
