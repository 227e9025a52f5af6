"""Migration 0014 drops four full projects indexes whose column a live partial index also holds
(ix_projects_agreement_amount, _formal_date, _updated_at, _investor_name): each cost the import's insert
40–180 ms per 5,000 rows (issue 20). Every statement of the window's sorts and filters and of an import's
lookups that used one of them before must now use the live index of the same column, on a schema
migrated to 0013 (before) and to head (after)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, event, inspect
from sqlalchemy.dialects import sqlite

from zsdesk.db import make_engine
from zsdesk.migrate import upgrade
from zsdesk.opening import open_unlocked
from zsdesk.queries.projects import PERIOD_FIELDS, SORT_KEYS, ProjectQuery
from zsdesk.xlsx.importer import import_file

from .conftest import fill_units_and_persons

DROPPED = {"ix_projects_agreement_amount": "ix_projects_live_agreement_amount",
           "ix_projects_formal_date": "ix_projects_live_formal_date",
           "ix_projects_updated_at": "ix_projects_live_updated_at",
           "ix_projects_investor_name": "ix_projects_live_investor"}


def _engine(path: Path, revision: str) -> Engine:
    engine = make_engine(path)
    upgrade(engine, revision)
    return engine


def _plan(engine: Engine, sql: str, params: Any) -> list[str]:
    with engine.connect() as conn:
        return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]


def _uses(plan: list[str], index: str) -> bool:
    return any(f"INDEX {index} " in line or line.endswith(f"INDEX {index}") for line in plan)


def _captured(engine: Engine, work: Any) -> list[tuple[str, Any]]:
    """The SELECTs on projects that ``work()`` runs, as sent to SQLite."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if not many and statement.lstrip().upper().startswith("SELECT") and "projects" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def _window_statements(tmp_path: Path) -> list[tuple[str, Any]]:
    """The window's id statements: every sort key both ways, alone, with each period field, with a text
    filter, stale only — run on a ledger at head."""
    queries = [ProjectQuery(sort=key, descending=d) for key in SORT_KEYS for d in (False, True)]
    queries += [ProjectQuery(sort=key, year=2025, quarter=q, period_field=f)
                for key in ("agreement_amount", "formal_date", "updated_at", "code")
                for f in PERIOD_FIELDS for q in (None, 2)]
    queries += [ProjectQuery(stale_only=True, today=date(2026, 6, 1), sort=key) for key in ("updated_at", "code", "stale")]
    queries += [ProjectQuery(text="玻纤", sort=key) for key in ("agreement_amount", "formal_date", "updated_at")]
    with open_unlocked(tmp_path / "window.sqlite", operator="测试", create=True) as ledger, ledger.reading() as s:
        return _captured(ledger.engine, lambda: [q.ids(s) for q in queries])


def _import_statements(tmp_path: Path) -> list[tuple[str, Any]]:
    """The SELECTs on projects of a real import (check + write) into a ledger at head."""
    path = tmp_path / "import.sqlite"
    with open_unlocked(path, operator="测试", create=True) as ledger:
        fill_units_and_persons(ledger)
        wb = Workbook()
        wb.active.append(["项目名称", "投资方", "协议资金（万元）", "牵头单位"])
        for i in range(30):
            wb.active.append([f"计划项目{i}", f"投资方{i % 4}", str(100 + i), "区商务委"])
        book = tmp_path / "rows.xlsx"
        wb.save(book)
        assert import_file(ledger, "projects", book, dry_run=False).written

        wb = Workbook()
        wb.active.append(["项目名称", "投资方", "协议资金（万元）", "牵头单位"])
        for i in range(30):
            wb.active.append([f"计划项目{i}号", f"投资方{i % 4}", str(200 + i), "区商务委"])
        wb.save(book)
        seen = _captured(ledger.engine, lambda: import_file(ledger, "projects", book, dry_run=False))
    return seen


@pytest.fixture
def schemas(tmp_path: Path) -> tuple[Engine, Engine]:
    return _engine(tmp_path / "before.sqlite", "0013"), _engine(tmp_path / "after.sqlite", "head")


def test_the_four_indexes_are_gone_and_come_back_on_downgrade(tmp_path: Path, schemas: tuple[Engine, Engine]):
    before, after = schemas
    had = {ix["name"] for ix in inspect(before).get_indexes("projects")}
    has = {ix["name"] for ix in inspect(after).get_indexes("projects")}
    assert set(DROPPED) <= had and not set(DROPPED) & has
    assert set(DROPPED.values()) <= has
    from alembic import command  # only this test goes down

    from zsdesk.migrate import alembic_config
    with after.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    assert set(DROPPED) <= {ix["name"] for ix in inspect(after).get_indexes("projects")}


def test_window_statements_use_a_live_index_where_they_used_a_dropped_one(tmp_path: Path,
                                                                         schemas: tuple[Engine, Engine]):
    before, after = schemas
    for sql, params in _window_statements(tmp_path):
        old, new = _plan(before, sql, params), _plan(after, sql, params)
        for dropped, live in DROPPED.items():
            if _uses(old, dropped):
                assert _uses(new, live), (sql, old, new)
        assert not any(_uses(new, d) for d in DROPPED)
    # the sorts by the three columns read their live index, before and after
    for key in ("agreement_amount", "formal_date", "updated_at"):
        for d in (False, True):
            sql = str(ProjectQuery(sort=key, descending=d).select().compile(dialect=sqlite.dialect()))
            assert _uses(_plan(after, sql, ()), f"ix_projects_live_{key}"), sql


def test_import_lookups_use_the_live_investor_index(tmp_path: Path, schemas: tuple[Engine, Engine]):
    before, after = schemas
    by_investor = 0
    for sql, params in _import_statements(tmp_path):
        old, new = _plan(before, sql, params), _plan(after, sql, params)
        for dropped, live in DROPPED.items():
            if _uses(old, dropped):
                assert _uses(new, live), (sql, old, new)
        if "investor" in sql.split("WHERE")[-1] + sql.split("FROM")[0] and "deleted_at IS NULL" in sql:
            by_investor += 1
            assert _uses(new, "ix_projects_live_investor"), (sql, new)
            assert not any(line.startswith("SCAN projects") and "INDEX" not in line for line in new), (sql, new)
    assert by_investor >= 2  # the stored investors' spellings and their projects
