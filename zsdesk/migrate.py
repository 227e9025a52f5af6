"""Schema migrations with Alembic, shipped inside the package.

The opening sequence (``zsdesk.opening``) compares a ledger's revision with the newest one this
app knows: an older file is copied aside (once per version) and upgraded in one transaction; a
file from a newer app is refused untouched; a file that is not a ledger is reported as such.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError

from .db import sqlite_path
from .errors import LedgerDamaged, LedgerLocked
from .models import Base

# Alembic's `context` and `op` are process-wide proxies: two upgrades on two threads (a check and an
# import in the same process) would tear each other's proxy down. One upgrade at a time.
_ALEMBIC = threading.RLock()

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


@lru_cache(maxsize=1)
def _revisions() -> tuple[str, frozenset[str]]:
    """The head and every known revision, read once per process: each open asks several times, and
    reading the migration scripts costs ~0.1 s a time (bench/run.py, the first screen)."""
    scripts = script_directory()
    head = scripts.get_current_head()
    assert head is not None
    return head, frozenset(rev.revision for rev in scripts.walk_revisions())


def head_revision() -> str:
    return _revisions()[0]


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as err:
        if "locked" in str(err).lower():
            raise LedgerLocked("台账文件正被其他程序占用，请稍后再试或关闭另一个招商桌面窗口。") from err
        raise LedgerDamaged(f"台账文件无法读取，可能已损坏（{err.orig}），文件未做任何修改。") from err
    except DatabaseError as err:
        raise LedgerDamaged(f"这不是一个招商桌面台账文件，或文件已损坏（{err.orig}），文件未做任何修改。") from err


def known_revisions() -> set[str]:
    return set(_revisions()[1])


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``: all steps in ONE transaction."""
    file = sqlite_path(str(engine.url))
    if file is None:
        if revision == "head":
            migrate_server(engine)
            return
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            with _ALEMBIC:
                command.upgrade(cfg, revision)
        return
    engine.dispose()  # our pooled connections must not hold the file while the migration runs
    migrate_file(file, revision)


def missing_tables(tables: frozenset[str] | set[str]) -> list[str]:
    """Tables the current schema has that ``tables`` lacks."""
    return sorted(set(Base.metadata.tables) - set(tables))


# --- all pending migrations in one transaction ---------------------------------------------

def transactional_sqlite_engine(file: Path) -> Engine:
    """An engine whose transactions really include DDL: the driver's own transaction handling is
    off (it would commit before every CREATE/ALTER) and we issue ``BEGIN IMMEDIATE`` ourselves."""
    engine = create_engine(f"sqlite:///{file}", connect_args={"timeout": 5})

    def connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA busy_timeout=5000")
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")  # a batch table copy must not cascade deletes

    def begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine, "connect", connect)
    event.listen(engine, "begin", begin)
    return engine


def migrate_file(file: Path, revision: str = "head") -> None:
    """Run every pending migration of ``file`` in ONE transaction; a failure or kill changes nothing."""
    engine = transactional_sqlite_engine(file)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            with _ALEMBIC:
                command.upgrade(cfg, revision)
            if revision == "head":
                tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
                missing = missing_tables(tables)
                if missing:
                    raise LedgerDamaged(f"台账文件 {file.name} 缺少数据表（{'、'.join(missing)}），无法升级，"
                                        "文件未做任何修改。")
    finally:
        engine.dispose()


def migrate_server(engine: Engine) -> None:
    """PostgreSQL: DDL is transactional there too; all steps in one transaction."""
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        with _ALEMBIC:
            command.upgrade(cfg, "head")
