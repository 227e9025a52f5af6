"""The stored projects the import's helper reads ahead (zsdesk/xlsx/stored_projects.py): the same answers as the
look-ups a check builds when the file comes, for investors spelled many ways; never taken once the ledger has
moved on; given up when a job waits."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from zsdesk import ops
from zsdesk.ledger import Ledger
from zsdesk.models import Project
from zsdesk.ops.projects import normalized_name
from zsdesk.xlsx.cells import exact_key
from zsdesk.xlsx.lookups import norm
from zsdesk.xlsx.reader import read_table
from zsdesk.xlsx.rows_base import Context, ImportReport
from zsdesk.xlsx.rows_projects import _ProjectIndex, text_value
from zsdesk.xlsx.stored_projects import read_stored

from .conftest import write_rows

# Spellings that exact_key keeps apart and norm folds together (width, inner spaces), a blank investor, names
# that differ by case, width and punctuation only.
STORED = [("投资方A", "玻纤项目一"), ("投资方Ａ", "玻纤项目一"), ("投资方 A", "玻纤项目二"), ("投资方  A", "玻纤 项目二"),
          ("投资方A", "Glass Fiber 1"), ("投资方A", "Glass-Fiber 1"), ("", "无投资方项目"), ("", "无投资方项目（二期）"),
          ("投资方B", "玻纤项目一"), ("投资方C", "只在台账里"), ("投资方A", "新型玻纤材料生产线项目"),
          ("投资方Ａ", "高性能玻纤复合材料项目"), ("投资方A", "玻纤项目三")]
FILE = [("投资方A", "玻纤项目一"), ("投资方 A", "玻纤项目二"), ("投资方Ａ", "GLASS FIBER 1"), ("", "无投资方项目"),
        ("投资方B", "玻纤项目（一）"), ("投资方D", "新项目"), ("投资方A", "玻纤项目三期"), ("投资方A", "新型玻纤材料生产线项目一期"),
        ("投资方A", "高性能玻纤复合材料项目二期")]


@pytest.fixture
def stored_ledger(ledger: Ledger) -> Ledger:
    for investor, name in STORED:
        ops.create_project(ledger, {"name": name, "investor": investor})
    with ledger.reading() as s:
        gone = s.scalar(select(Project.id).where(Project.name == "玻纤项目三"))
    ops.delete_projects(ledger, [gone])  # deleted: in neither
    return ledger


def _table(tmp_path: Path) -> Any:
    return read_table(write_rows(tmp_path / "f.xlsx", ["项目名称", "投资方"], [list(r)[::-1] for r in FILE]),
                      "projects")


def _answers(ledger: Ledger, table: Any, stored: Any) -> dict[str, Any]:
    with ledger.reading() as session:
        ctx = Context(session, table, ImportReport("projects", "f.xlsx"))
        if stored is not None:
            ctx.lookups.adopt(stored)
        index = _ProjectIndex(ctx)
        out: dict[str, Any] = {"spellings": sorted(set(index.spellings)), "rows": [tuple(r) for r in index.rows]}
        for _, row in table.rows:
            name, investor = text_value(row.get("name")), text_value(row.get("investor"))
            key = (exact_key(investor), exact_key(name))
            out[f"{investor}/{name}"] = (
                index.exact.get(key), index.lowered.get((key[0], key[1].lower())),
                index.loose.get((norm(key[0]), normalized_name(key[1]))),
                ctx.lookups.project_by_key(investor, name), ctx.lookups.similar_projects(investor, name))
        out["codes"] = [ctx.lookups.project_by_code(c) for c in ("2026-0001", "2026-0013", "2099-9999")]
        return out


def test_read_ahead_answers_as_the_look_ups_read_when_the_file_comes(stored_ledger, tmp_path):
    assert stored_ledger.path is not None
    stored = read_stored(str(stored_ledger.path), lambda: False)
    assert stored is not None
    try:
        table = _table(tmp_path)
        expected, got = _answers(stored_ledger, table, None), _answers(stored_ledger, table, stored)
        assert got == expected
        assert expected["spellings"] == ["", "投资方  A", "投资方 A", "投资方A", "投资方B", "投资方Ａ"]
        assert expected["投资方A/玻纤项目一"][0] and expected["投资方B/玻纤项目（一）"][3]  # an exact and a loose match
        assert expected["投资方A/新型玻纤材料生产线项目一期"][4]  # a similar name
        assert expected["投资方A/高性能玻纤复合材料项目二期"][4]  # … of another spelling of the investor
        assert expected["codes"] == [1, None, None]  # 2026-0013 deleted
    finally:
        stored.close()


def test_a_read_ahead_is_fresh_until_anybody_commits_or_the_file_is_replaced(stored_ledger, tmp_path):
    path = stored_ledger.path
    assert path is not None
    stored = read_stored(str(path), lambda: False)
    assert stored is not None
    try:
        assert stored.fresh(str(path)) and not stored.fresh(str(tmp_path / "other.sqlite"))
        ops.create_project(stored_ledger, {"name": "后来的项目", "investor": "投资方A"})
        assert not stored.fresh(str(path))
    finally:
        stored.close()
    stored = read_stored(str(path), lambda: False)
    assert stored is not None
    try:
        with stored_ledger.reading() as s:
            s.execute(select(Project.id)).all()  # reading commits nothing
        assert stored.fresh(str(path))
        copy = tmp_path / "copy.sqlite"
        with sqlite3.connect(path) as a, sqlite3.connect(copy) as b:
            a.backup(b)
        stored_ledger.close()
        shutil.move(copy, path)  # a restore puts another file in its place
        assert not stored.fresh(str(path))
    finally:
        stored.close()


def test_a_read_ahead_gives_way_to_a_waiting_job(stored_ledger):
    assert stored_ledger.path is not None
    assert read_stored(str(stored_ledger.path), lambda: True) is None
