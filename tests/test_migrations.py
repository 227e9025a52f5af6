"""Migrations: a linear chain, upgrade-from-empty equals the models, older files open, newer refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from zsdesk.db import make_engine
from zsdesk.errors import LedgerDamaged, LedgerTooNew
from zsdesk.migrate import head_revision, script_directory, upgrade
from zsdesk.models import Base
from zsdesk.opening import open_unlocked
from zsdesk.queries.text_search import is_index_table


def test_revision_chain_is_linear():
    revisions = list(script_directory().walk_revisions())
    heads = script_directory().get_heads()
    assert len(heads) == 1
    bases = [r for r in revisions if r.down_revision is None]
    assert len(bases) == 1
    for rev in revisions:
        assert not isinstance(rev.down_revision, tuple), f"{rev.revision} merges branches"


def test_upgrade_from_empty_equals_the_models(tmp_path: Path):
    engine = make_engine(tmp_path / "x.sqlite")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    # The text filter's FTS5 index (0011) and the shadow tables FTS5 keeps for it are SQLite's, not models.
    diff = [d for d in diff if not (d[0] == "remove_table" and is_index_table(d[1].name))]
    assert diff == []


@pytest.mark.parametrize("old", [r.revision for r in script_directory().walk_revisions()])
def test_a_ledger_from_every_earlier_version_opens_with_its_data(tmp_path: Path, old: str):
    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    upgrade(engine, old)
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO units (name, short_name, kind, active, sort_order) VALUES ('正阳工业园区', '正阳', 'park', 1, 1)")
    con.commit()
    con.close()
    with open_unlocked(path) as ledger:
        assert ledger.get_setting("missing", "默认") == "默认"
        with ledger.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
            assert conn.exec_driver_sql("SELECT name FROM units").scalar() == "正阳工业园区"
        if old != head_revision():
            assert ledger.upgraded_backup is not None and ledger.upgraded_backup.exists()
        else:
            assert ledger.upgraded_backup is None


def test_a_ledger_from_a_newer_version_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "new.sqlite"
    open_unlocked(path, create=True).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(LedgerTooNew, match="更新版本"):
        open_unlocked(path)
    assert path.read_bytes() == before


def test_a_foreign_sqlite_file_is_not_touched(tmp_path: Path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE payroll (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(LedgerDamaged, match="不是招商桌面台账"):
        open_unlocked(path)


def test_pragmas_on_every_connection(ledger):
    with ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
