"""A fresh PostgreSQL database per test (skipped without ZSDESK_TEST_PG_URL, as tests/test_postgres.py)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SERVER = os.environ.get("ZSDESK_TEST_PG_URL")
needs_pg = pytest.mark.skipif(not SERVER, reason="no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not SERVER:
        pytest.skip("no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")
    name = f"zsdesk_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
