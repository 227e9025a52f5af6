"""Connecting to a ledger: SQLite file (default) or a PostgreSQL URL, with the pragmas we need."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 5000


def ledger_url(path_or_url: str | Path) -> str:
    text = str(path_or_url)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def make_engine(path_or_url: str | Path, password: str | None = None, **kwargs: Any) -> Engine:
    """``password`` (PostgreSQL) goes to the driver only: never into the URL, a log or a list."""
    url = ledger_url(path_or_url)
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    if password:
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "password": password}
    # Sign-in fails fast when the server is unreachable (libpq waits for ever by default).
    kwargs["connect_args"] = {"connect_timeout": 10, **kwargs.get("connect_args", {})}
    return create_engine(url, pool_pre_ping=True, **kwargs)


def database_has_tables(url: str) -> bool:
    """Whether a server database (``zsdesk init``'s target) already holds tables in its current schema.
    Unreachable: False here, and the opening that follows reports why in Chinese."""
    from sqlalchemy import inspect  # only for init, not at start-up
    from sqlalchemy.exc import SQLAlchemyError

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).get_table_names())
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()
