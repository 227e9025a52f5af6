"""A fresh PostgreSQL database per test, on the server CI starts (``ZSDESK_TEST_PG_URL``).

One place for what five test modules each wrote for themselves: create a uniquely named database,
hand out its URL, drop it afterwards even while the test's own logins are still disconnecting."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

SERVER = os.environ.get("ZSDESK_TEST_PG_URL")
needs_pg = pytest.mark.skipif(not SERVER, reason="no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")


@contextmanager
def fresh_database(prefix: str = "zsdesk") -> Iterator[tuple[str, str]]:
    """(URL, database name) of a new empty database, dropped on exit; skips the test without a server."""
    if not SERVER:
        pytest.skip("no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False), name
    finally:
        with admin.connect() as conn:
            drop_database(conn, name)
        admin.dispose()


def drop_database(conn: Any, name: str) -> None:
    """Sessions of the test's logins may still be closing; FORCE cannot end another login's session
    without pg_signal_backend, so wait for them (a few tenths of a second)."""
    for attempt in range(50):
        try:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == 49:
                raise
            time.sleep(0.2)
