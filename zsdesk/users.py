"""Users of a shared ledger: PostgreSQL logins, their role and (for a 单位联络员) their unit (SPEC §11).

Run by a 管理员 (or the ledger's owner). A login is a PostgreSQL role with LOGIN; its rights come from
membership in one of the group roles of migration 0008 (``zsdesk_admin`` … ``zsdesk_reader``), and a
liaison's unit from the ``ledger_logins`` table that the row-level security policies read. Passwords
are PostgreSQL's: handed to the server once as a quoted literal, never kept, logged or shown.
Every name a person types reaches SQL through ``psycopg.sql.Identifier`` / ``Literal`` or a bound
parameter, never by pasting text into a statement.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, text

from .access import ROLE_LABELS, ROLE_OPTIONS, access_of, require
from .errors import LedgerError
from .ledger import Ledger
from .roles_sql import GROUP, ROLES, roles_installed

SINGLE_PC = "单机台账没有用户：用户和角色只用于 PostgreSQL 共享台账（--db postgresql+psycopg://登录名@服务器/数据库）。"
NOT_INSTALLED = ("这个共享台账还没有安装角色：新建或升级台账的登录名需要 CREATEROLE 权限。"
                 "请按 docs/shared-ledger.md 用有该权限的登录名打开一次台账。")


@dataclass(frozen=True)
class LoginRow:
    login: str
    role: str
    unit: str
    disabled: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def check_login_name(login: str) -> str:
    """A login name a person may choose: 1–63 bytes, no control characters or spaces at the ends, not one
    of PostgreSQL's or our reserved names. Anything else (quotes, semicolons, Chinese) is just a name."""
    name = login or ""
    if not name.strip():
        raise LedgerError("登录名不能为空。")
    if name != name.strip() or any(unicodedata.category(c).startswith("C") for c in name):
        raise LedgerError(f"登录名“{name.strip()}”不能含空格开头结尾或控制字符。")
    if len(name.encode("utf-8")) > 63:
        raise LedgerError(f"登录名“{name}”太长：最多 63 个字节（约 21 个汉字）。")
    if name.lower().startswith(("pg_", "zsdesk_")) or name.lower() in ("public", "postgres", "none", "current_user",
                                                                       "session_user", "current_role"):
        raise LedgerError(f"登录名“{name}”是保留名称，请换一个。")
    return name


def parse_role(role: str) -> str:
    found = ROLE_OPTIONS.get((role or "").strip().lower()) or ROLE_OPTIONS.get((role or "").strip())
    if found is None:
        raise LedgerError(f"不认识的角色“{role}”，可用：admin（管理员）、chief（科长）、clerk（录入员）、"
                          "liaison（单位联络员）、reader（只读）。")
    return found


def _ready(ledger: Ledger) -> None:
    if ledger.engine.dialect.name != "postgresql":
        raise LedgerError(SINGLE_PC)
    require(ledger, "manage_users")
    with ledger.engine.connect() as conn:
        if not roles_installed(conn):
            raise LedgerError(NOT_INSTALLED)


def _execute(conn: Connection, statement: sql.Composable) -> None:
    """A statement built with psycopg.sql (identifiers and literals quoted by the driver), inside the
    SQLAlchemy transaction of ``conn``."""
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(statement)


def _unit_id(conn: Connection, unit: str) -> int:
    name = (unit or "").strip()
    row = conn.execute(text("SELECT id FROM units WHERE deleted_at IS NULL AND (name = :n OR short_name = :n) "
                            "ORDER BY (name = :n) DESC, id LIMIT 1"), {"n": name}).first()
    if row is None and name.isdigit():
        row = conn.execute(text("SELECT id FROM units WHERE deleted_at IS NULL AND id = :i"), {"i": int(name)}).first()
    if row is None:
        raise LedgerError(f"找不到单位“{name}”：请写“设置 → 单位与人员”里的单位全称或简称。")
    return int(row[0])


def _check_unit(conn: Connection, role: str, unit: str | None) -> int | None:
    if role == "liaison":
        if not unit or not unit.strip():
            raise LedgerError("单位联络员必须指定所属单位：--unit 单位名称。")
        return _unit_id(conn, unit)
    if unit:
        raise LedgerError("只有单位联络员需要指定单位（--unit），其他角色可以查看全部单位。")
    return None


def _role_flags(login_row: Any) -> tuple[bool, bool]:
    return bool(login_row[0]), bool(login_row[1])


def _existing(conn: Connection, login: str) -> tuple[bool, bool] | None:
    """(superuser, may log in) of an existing PostgreSQL role, or None."""
    row = conn.execute(text("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = :l"), {"l": login}).first()
    return None if row is None else _role_flags(row)


def _grant(conn: Connection, login: str, role: str, unit_id: int | None) -> None:
    """Exactly one group role, the admin's CREATEROLE, and the ledger_logins row."""
    who = sql.Identifier(login)
    for other in ROLES:
        if other != role:
            _execute(conn, sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(GROUP[other]), who))
    _execute(conn, sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUP[role]), who))
    _execute(conn, sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
        sql.Identifier(str(conn.execute(text("SELECT current_database()")).scalar())), who))
    _execute(conn, sql.SQL("ALTER ROLE {} " + ("CREATEROLE" if role == "admin" else "NOCREATEROLE")).format(who))
    conn.execute(text(
        "INSERT INTO ledger_logins (login, role, unit_id, disabled, changed_at, changed_by) "
        "VALUES (:l, :r, :u, false, now(), session_user) "
        "ON CONFLICT (login) DO UPDATE SET role = :r, unit_id = :u, disabled = false, changed_at = now(), "
        "changed_by = session_user"), {"l": login, "r": role, "u": unit_id})


def add_login(ledger: Ledger, login: str, role: str, password: str, unit: str | None = None) -> LoginRow:
    """Create a PostgreSQL login with ``password``, give it ``role`` (and a liaison its unit)."""
    _ready(ledger)
    name = check_login_name(login)
    role = parse_role(role)
    if not password:
        raise LedgerError("密码不能为空：请从标准输入提供新用户的密码。")
    if len(password) < 8:
        raise LedgerError("密码太短：至少 8 个字符。")
    with ledger.engine.begin() as conn:
        unit_id = _check_unit(conn, role, unit)
        if _existing(conn, name) is not None:
            raise LedgerError(f"登录名“{name}”已经存在。要改变它的角色请用：zsdesk users set-role {name} 角色。")
        _execute(conn, sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
        _grant(conn, name, role, unit_id)
    return _row(ledger, name)


def set_role(ledger: Ledger, login: str, role: str, unit: str | None = None) -> LoginRow:
    """Change a login's role (and a liaison's unit); an existing PostgreSQL login not yet a user of this
    ledger becomes one. Superusers and the ledger's owner are not managed here."""
    _ready(ledger)
    name = check_login_name(login)
    role = parse_role(role)
    with ledger.engine.begin() as conn:
        unit_id = _check_unit(conn, role, unit)
        _refuse_special(conn, ledger, name)
        _grant(conn, name, role, unit_id)
    return _row(ledger, name)


def disable_login(ledger: Ledger, login: str) -> LoginRow:
    """The login can no longer sign in (NOLOGIN); its audit history and records stay."""
    _ready(ledger)
    name = check_login_name(login)
    with ledger.engine.begin() as conn:
        _refuse_special(conn, ledger, name)
        if conn.execute(text("SELECT 1 FROM ledger_logins WHERE login = :l"), {"l": name}).first() is None:
            raise LedgerError(f"登录名“{name}”不是这个台账的用户。")
        _execute(conn, sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(name)))
        conn.execute(text("UPDATE ledger_logins SET disabled = true, changed_at = now(), changed_by = session_user "
                          "WHERE login = :l"), {"l": name})
    return _row(ledger, name)


def _refuse_special(conn: Connection, ledger: Ledger, name: str) -> None:
    found = _existing(conn, name)
    if found is None:
        raise LedgerError(f"找不到登录名“{name}”。新建用户请用：zsdesk users add {name} --role 角色。")
    if name == access_of(ledger).login:
        raise LedgerError("不能修改或停用自己正在使用的登录名，请由另一位管理员操作。")
    owner = conn.execute(text("SELECT pg_has_role(:l, c.relowner, 'MEMBER') FROM pg_class c "
                              "WHERE c.oid = to_regclass('audit_log')"), {"l": name}).scalar()
    if found[0] or owner:
        raise LedgerError(f"登录名“{name}”是数据库超级用户或台账所有者，不能在这里修改。")


def list_logins(ledger: Ledger) -> list[LoginRow]:
    _ready(ledger)
    with ledger.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT l.login, l.role, coalesce(u.name, ''), l.disabled OR NOT coalesce(r.rolcanlogin, false) "
            "FROM ledger_logins l LEFT JOIN units u ON u.id = l.unit_id LEFT JOIN pg_roles r ON r.rolname = l.login "
            "ORDER BY l.disabled, l.login")).all()
    return [LoginRow(str(r[0]), str(r[1]), str(r[2]), bool(r[3])) for r in rows]


def _row(ledger: Ledger, name: str) -> LoginRow:
    for row in list_logins(ledger):
        if row.login == name:
            return row
    raise LedgerError(f"找不到登录名“{name}”。")  # pragma: no cover - just written in the same call
