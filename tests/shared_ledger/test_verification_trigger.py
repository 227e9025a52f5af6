"""The 认定 trigger (migration 0006) with real PostgreSQL logins: what a 单位联络员 creates or changes in a
counted field returns to 待认定, through the app or raw SQL; only 科长 / 管理员 (or the owner) decide.

Needs the cluster's group roles (``zsdesk_liaison`` …, created by ``zsdesk users`` / the roles migration)
and a test login that may create logins; skipped otherwise, saying which.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.errors import LedgerError
from zsdesk.models import Project
from zsdesk.opening import open_unlocked
from zsdesk.users import set_role


@pytest.fixture
def logins(pg_url: str) -> Iterator[dict[str, str]]:
    """A 联络员 and a 录入员 login with table rights on the test database; dropped afterwards."""
    owner = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        roles = set(conn.scalars(text("SELECT rolname FROM pg_roles WHERE rolname IN ('zsdesk_liaison', 'zsdesk_clerk')")))
        can_create = conn.scalar(text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"))
    if roles != {"zsdesk_liaison", "zsdesk_clerk"} or not can_create:
        owner.dispose()
        pytest.skip("the cluster has no zsdesk_liaison / zsdesk_clerk roles, or the test login may not create logins")
    tag = uuid.uuid4().hex[:8]
    names = {"liaison": f"zt_liaison_{tag}", "clerk": f"zt_clerk_{tag}"}
    with open_unlocked(pg_url, create=True):
        pass  # the schema, owned by the test login
    with owner.connect() as conn:
        for role, name in names.items():
            conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD 'pw' IN ROLE zsdesk_{role}"))
            conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {name}"))
            conn.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {name}"))
    base = make_url(pg_url)
    try:
        yield {role: base.set(username=name, password="pw").render_as_string(hide_password=False)
               for role, name in names.items()}
    finally:
        with owner.connect() as conn:
            for name in names.values():
                conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}"))
                conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}"))
                conn.execute(text(f'REVOKE ALL ON DATABASE "{make_url(pg_url).database}" FROM {name}'))
                conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'"))
                conn.execute(text(f"DROP ROLE IF EXISTS {name}"))
        owner.dispose()


def _state(url: str, pid: int) -> str | None:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.scalar(text("SELECT verification FROM projects WHERE id = :id"), {"id": pid})
    engine.dispose()
    return value


def test_a_liaisons_work_returns_to_pending_and_only_the_chief_decides(pg_url: str, logins: dict[str, str]) -> None:
    with open_unlocked(pg_url, operator="科长") as chief:
        ops.create_unit(chief, {"name": "城东园区", "kind": "园区"})
        pid = ops.create_project(chief, {"name": "园区项目", "investor": "某公司", "formal_date": "2026-03-01",
                                         "lead_unit_id": "城东园区", "agreement_amount": "2亿"}).ids("project")[0]
        ops.verify_project(chief, pid)
        # the 联络员 login belongs to 城东园区 (row-level security shows them only its projects)
        set_role(chief, make_url(logins["liaison"]).username or "", "liaison", "城东园区")
    assert _state(pg_url, pid) is None  # 已认定

    # Through the app: the liaison's new project and edit are 待认定, and the audit rows say so.
    with open_unlocked(logins["liaison"], operator="联络员") as liaison:
        new = ops.create_project(liaison, {"name": "联络员新报项目", "investor": "另一公司",
                                           "lead_unit_id": "城东园区"}).ids("project")[0]
        change = ops.update_project(liaison, pid, {"agreement_amount": "3亿"})
        assert change.records[0].after["verification"] == "pending"  # type: ignore[index]  # a project snapshot
        ops.update_project(liaison, new, {"notes": "备注不是计数字段"})
        with pytest.raises(LedgerError, match="只有科长可以认定"):
            ops.verify_project(liaison, pid)
    assert _state(pg_url, pid) == "pending" and _state(pg_url, new) == "pending"

    # Raw SQL (psql) meets the same trigger.
    raw = create_engine(logins["liaison"])
    with raw.connect() as conn:
        with pytest.raises(DBAPIError, match="只有科长可以认定"):
            conn.execute(text("UPDATE projects SET verification = NULL WHERE id = :id"), {"id": pid})
        conn.rollback()
        conn.execute(text("UPDATE projects SET verification = NULL, expected_output = expected_output + 1 "
                          "WHERE id = :id"), {"id": pid})  # a counted change: back to 待认定 whatever it says
        conn.commit()
    raw.dispose()
    assert _state(pg_url, pid) == "pending"

    clerk = create_engine(logins["clerk"])
    with clerk.connect() as conn, pytest.raises(DBAPIError, match="只有科长可以认定"):
        conn.execute(text("UPDATE projects SET verification = NULL WHERE id = :id"), {"id": pid})
    clerk.dispose()
    with open_unlocked(logins["clerk"], operator="录入员") as as_clerk, \
            pytest.raises(LedgerError, match="只有科长可以认定"):
        ops.return_project(as_clerk, pid, "想退回")

    with open_unlocked(pg_url, operator="科长") as chief:
        ops.verify_project(chief, pid)
        with chief.reading() as s:
            assert s.get(Project, pid).verification is None
    # The raw-SQL edit went around the app, so `check` must name it — and nothing else.
    report = check_ledger(pg_url)
    problems = report.lines()[1:]
    assert len(problems) == 1 and f"项目记录（编号 {pid}）" in problems[0] and "没有留下操作记录" in problems[0], problems
