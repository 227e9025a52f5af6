"""Roles enforced by PostgreSQL itself (SPEC §11): what a login can do with psql, not only in the app."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from zsdesk.roles_sql import TABLE_KINDS

from .conftest import Shared


def _ids(conn: psycopg.Connection, sql: str, *params: object) -> set[int]:
    return {r[0] for r in conn.execute(sql, params).fetchall()}  # type: ignore[arg-type]  # test SQL is literal


def test_a_liaison_with_psql_sees_and_changes_only_their_units_rows(shared: Shared) -> None:
    login = shared.login("liaison", unit="甲园区")
    mine, theirs, shared_one = (shared.projects[n] for n in ("甲的项目", "乙的项目", "乙牵头甲协作"))
    with shared.raw(login) as conn:
        assert _ids(conn, "SELECT id FROM projects") == {mine, shared_one}  # lead or cooperating unit
        assert _ids(conn, "SELECT id FROM projects WHERE id = %s", theirs) == set()
        assert _ids(conn, "SELECT project_id FROM funding") == {mine, shared_one}
        assert conn.execute("UPDATE projects SET notes = '改' WHERE id = %s", (theirs,)).rowcount == 0
        assert conn.execute("UPDATE funding SET note = '改' WHERE project_id = %s", (theirs,)).rowcount == 0
        assert conn.execute("DELETE FROM funding WHERE project_id = %s", (theirs,)).rowcount == 0
        assert conn.execute("DELETE FROM project_cooperating_units WHERE project_id = %s", (theirs,)).rowcount == 0
        # A project for another unit, or hanging one's unit onto another unit's project (搭车挂靠): refused.
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO projects (code, name, investor, origin, origin_province, origin_city, "
                         "industrial, planned_investment, agreement_amount, expected_output, stage, lead_unit_id, "
                         "leader, notes, created_at, updated_at, version) VALUES ('2026-9001', '冒名', '', "
                         "'out_of_city', '', '', true, 0, 0, 0, 'lead', %s, '', '', now(), now(), 1)",
                         (shared.units["乙街道"],))
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO project_cooperating_units (project_id, unit_id) VALUES (%s, %s)",
                         (theirs, shared.units["甲园区"]))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM ledger_logins")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE units SET short_name = '改'")
        # The audit log's before/after of other units' projects stays hidden: a liaison reads only their rows.
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
        # Their own unit's project they can change.
        assert conn.execute("UPDATE projects SET notes = '联络员改' WHERE id = %s", (mine,)).rowcount == 1
    with shared.raw(shared.login("reader")) as conn:  # nothing else was touched
        assert conn.execute("SELECT notes FROM projects WHERE id = %s", (theirs,)).fetchone() == ("",)
        assert conn.execute("SELECT count(*) FROM funding WHERE project_id = %s", (theirs,)).fetchone() == (1,)


def test_a_reader_cannot_write_any_table(shared: Shared) -> None:
    login = shared.login("reader")
    with shared.raw(login) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        assert tables >= {*TABLE_KINDS, "ledger_logins"}
        for table in sorted(tables):
            if table != "ledger_logins":
                conn.execute(f"SELECT count(*) FROM {table}")  # reading is allowed
            column = _first_column(conn, table)
            for sql in (f"INSERT INTO {table} SELECT * FROM {table} WHERE false",
                        f"DELETE FROM {table} WHERE false",
                        f"UPDATE {table} SET {column} = {column} WHERE false"):
                with pytest.raises(errors.InsufficientPrivilege):
                    conn.execute(sql)


def _first_column(conn: psycopg.Connection, table: str) -> str:
    row = conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
                       (table,)).fetchone()
    assert row is not None
    return str(row[0])


def test_a_clerk_cannot_issue_notices_or_change_rules_and_settings_with_sql(shared: Shared) -> None:
    login = shared.login("clerk")
    with shared.raw(login) as conn:
        for sql in ("INSERT INTO rules_documents (year, version, document, saved_at, operator, note) "
                    "VALUES (2026, 99, '{}', now(), current_user, '')",
                    "UPDATE settings SET value = value",
                    "INSERT INTO issued_notices SELECT * FROM issued_notices WHERE false",
                    "UPDATE targets SET major_count = 0"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)
        # …but edits every unit's projects.
        assert conn.execute("UPDATE projects SET notes = '录入员改' WHERE id = %s",
                            (shared.projects["乙的项目"],)).rowcount == 1


def test_nobody_writes_an_audit_row_in_anothers_name(shared: Shared) -> None:
    login = shared.login("clerk")
    with shared.raw(login) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="操作员必须是"):
            conn.execute("INSERT INTO audit_log (op_id, op_label, at, operator, entity, entity_id, action, prev_hash, "
                         "hash) VALUES ('x', '伪造', now(), '科长', 'project', 1, 'update', '', '')")


def test_a_login_not_granted_reads_nothing(shared: Shared) -> None:
    import uuid

    from sqlalchemy import create_engine, text

    name = f"t{shared.suffix}_bare_{uuid.uuid4().hex[:4]}"
    shared.logins.append(name)
    owner = create_engine(shared.url, isolation_level="AUTOCOMMIT")
    with owner.connect() as c:
        c.execute(text(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{'口令-Secret-123'}'"))
    owner.dispose()
    with shared.raw(name) as conn:
        for table in ("projects", "funding", "audit_log", "ledger_logins"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(f"SELECT * FROM {table}")


def test_chief_only_columns_refuse_a_clerk_and_let_a_chief(shared: Shared) -> None:
    from sqlalchemy import create_engine

    from zsdesk.roles_sql import chief_only_columns

    owner = create_engine(shared.url)
    with owner.begin() as conn:  # what a later migration does for the 认定 state; here on 项目负责领导
        chief_only_columns(conn, "projects", ["leader"])
    owner.dispose()
    mine = shared.projects["甲的项目"]
    with shared.raw(shared.login("clerk")) as conn:
        assert conn.execute("UPDATE projects SET notes = '可以' WHERE id = %s", (mine,)).rowcount == 1
        with pytest.raises(errors.InsufficientPrivilege, match="只有科长可以修改这一项"):
            conn.execute("UPDATE projects SET leader = '自封' WHERE id = %s", (mine,))
    with shared.raw(shared.login("chief")) as conn:
        assert conn.execute("UPDATE projects SET leader = '区长' WHERE id = %s", (mine,)).rowcount == 1
