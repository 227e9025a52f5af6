"""A shared ledger on a real PostgreSQL with a login per role (SPEC §11).

Skipped without a server (``ZSDESK_TEST_PG_URL``; CI starts one with scripts/pg_test_server.sh, whose
test user has CREATEDB and CREATEROLE). Logins are cluster-wide: each run's names carry a random
suffix, and every login a test made is dropped after its database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from zsdesk import ops
from zsdesk.opening import open_unlocked

SERVER = os.environ.get("ZSDESK_TEST_PG_URL")
needs_pg = pytest.mark.skipif(not SERVER, reason="no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")
PASSWORD = "口令-Secret-123"


@dataclass
class Shared:
    """The ledger's owner URL, its units and projects by name, and logins made for the test."""

    url: str
    database: str
    suffix: str
    units: dict[str, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    logins: list[str] = field(default_factory=list)

    def url_for(self, login: str, password: str | None = PASSWORD) -> str:
        return make_url(self.url).set(username=login, password=password).render_as_string(hide_password=False)

    def login(self, role: str, unit: str | None = None, name: str | None = None) -> str:
        """A new login with ``role`` (made through zsdesk.users as the owner); its name."""
        from zsdesk.users import add_login

        login = name or f"t{self.suffix}_{role}_{len(self.logins)}"
        self.logins.append(login)
        with open_unlocked(self.url) as owner:
            add_login(owner, login, role, PASSWORD, unit)
        return login

    def raw(self, login: str) -> Any:
        """A plain psycopg connection as ``login`` (what psql would do), autocommit."""
        import psycopg

        u = make_url(self.url)
        return psycopg.connect(host=u.host, port=u.port or 5432, dbname=self.database, user=login,
                               password=PASSWORD, autocommit=True)


@pytest.fixture
def shared() -> Iterator[Shared]:
    if not SERVER:
        pytest.skip("no PostgreSQL: set ZSDESK_TEST_PG_URL (CI does)")
    suffix = uuid.uuid4().hex[:8]
    name = f"zsdesk_roles_{suffix}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    state = Shared(url, name, suffix)
    try:
        with open_unlocked(url, create=True) as led:
            for unit in ("甲园区", "乙街道"):
                state.units[unit] = ops.create_unit(led, {"name": unit, "short_name": unit[:1], "kind": "园区"}).ids("unit")[0]
            for project, lead, coop in (("甲的项目", "甲园区", []), ("乙的项目", "乙街道", []),
                                        ("乙牵头甲协作", "乙街道", ["甲园区"])):
                state.projects[project] = ops.create_project(led, {
                    "name": project, "investor": f"{project}公司", "formal_date": "2026-03-01",
                    "lead_unit_id": lead, "cooperating_unit_ids": coop, "agreement_amount": "1亿"}).ids("project")[0]
                ops.add_funding(led, {"project_id": state.projects[project], "date": "2026-04-01", "amount": "100万"})
        yield state
    finally:
        with admin.connect() as conn:
            _drop_database(conn, name)
            for login in state.logins:
                exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :l"), {"l": login}).first()
                if exists:
                    quoted = '"' + login.replace('"', '""') + '"'
                    conn.execute(text(f"DROP ROLE {quoted}"))
        admin.dispose()


def _drop_database(conn: Any, name: str) -> None:
    """Sessions of the test's logins may still be closing; FORCE cannot end another login's session
    without pg_signal_backend, so wait for them (a few tenths of a second)."""
    import time

    from sqlalchemy.exc import DBAPIError

    for attempt in range(50):
        try:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == 49:
                raise
            time.sleep(0.2)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; its URL."""
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
            _drop_database(conn, name)
        admin.dispose()
