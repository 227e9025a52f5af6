"""A shared ledger on a real PostgreSQL with a login per role (SPEC §11).

Skipped without a server (``ZSDESK_TEST_PG_URL``; CI starts one with scripts/pg_test_server.sh, whose
test user has CREATEDB and CREATEROLE). Logins are cluster-wide: each run's names carry a random
suffix, and every login a test made is dropped after its database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pg_databases import SERVER, fresh_database, needs_pg  # noqa: F401  (needs_pg: imported by the tests)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from zsdesk import ops
from zsdesk.opening import open_unlocked

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
    suffix = uuid.uuid4().hex[:8]
    with fresh_database(f"zsdesk_roles_{suffix}") as (url, name):
        state = Shared(url, name, suffix)
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
    # the database is gone (its grants with it): now the test's logins can be dropped
    admin = create_engine(str(SERVER), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for login in state.logins:
                exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :l"), {"l": login}).first()
                if exists:
                    quoted = '"' + login.replace('"', '""') + '"'
                    conn.execute(text(f"DROP ROLE {quoted}"))
    finally:
        admin.dispose()
