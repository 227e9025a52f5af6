"""Helpers for the data-safety tests: a small ledger on disk, and tmpfs mounts when permitted."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from zsdesk import ops
from zsdesk.opening import open_unlocked


def small_ledger(path: Path, projects: int = 3) -> Path:
    """A ledger with one unit and ``projects`` signed projects, each with a funding entry."""
    with open_unlocked(path, operator="测试员", create=True) as led:
        ops.create_unit(led, {"name": "经开区", "short_name": "经开", "kind": "园区"})
        for i in range(projects):
            change = ops.create_project(led, {
                "name": f"项目{i}", "investor": f"投资方{i}", "agreement_amount": "1.5亿",
                "framework_date": "2026-01-05", "lead_unit_id": "经开区"})
            ops.add_funding(led, {"project_id": change.ids("project")[0], "date": "2026-02-01", "amount": "300万元"})
    return path


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    return small_ledger(tmp_path / "台账.zsdesk.sqlite")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs folder (root only); skipped with the reason where mounting is not permitted."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount(folder: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)
