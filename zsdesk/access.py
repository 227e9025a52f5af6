"""Who is signed in to a shared ledger, as which role, and what the engine lets them write (SPEC §11).

The database is the authority: grants and row-level security (migration 0008, :mod:`zsdesk.roles_sql`)
refuse whatever a login may not do, even from psql. The engine mirrors them so that a refusal comes
as a Chinese sentence before any SQL runs — :func:`install_guard` refuses, at flush, a write to a table
the role may not change, however the engine was called — and the window asks :func:`access_of`
what to show. A SQLite ledger is single-operator: everything is allowed.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session

from .db_errors import PermissionRefused
from .ledger import Ledger
from .roles_sql import GROUP, ROLES, TABLE_KINDS, WRITERS

ROLE_LABELS = {"owner": "台账所有者", "admin": "管理员", "chief": "科长", "clerk": "录入员", "liaison": "单位联络员",
               "reader": "只读", "none": "未授权", "single": "单机台账"}
ROLE_OPTIONS = {"admin": "admin", "chief": "chief", "clerk": "clerk", "liaison": "liaison", "reader": "reader",
                "管理员": "admin", "科长": "chief", "录入员": "clerk", "单位联络员": "liaison", "联络员": "liaison",
                "只读": "reader"}
FULL = ("owner", "single")

# Capabilities the window and the ops ask about; each → the roles that have it.
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "edit_projects": ("admin", "chief", "clerk", "liaison"),  # projects, funding, progress (a liaison: own unit)
    "edit_master": ("admin", "chief", "clerk"),  # units, persons of every unit, dictionaries, imports of them
    "edit_targets": ("admin", "chief"),
    "edit_rules": ("admin", "chief"),
    "edit_settings": ("admin", "chief"),
    "issue_notices": ("admin", "chief"),
    "verify": ("admin", "chief"),  # 认定
    "manage_users": ("admin",),
    "check": ("admin", "chief", "clerk", "reader"),  # the audit replay needs every row
}
REFUSALS = {
    "edit_projects": "只读账号不能修改台账，本次修改未保存。",
    "edit_master": "只有录入员、科长或管理员可以修改单位、人员名录和字典，本次修改未保存。",
    "edit_targets": "只有科长可以修改目标任务，本次修改未保存。",
    "edit_rules": "只有科长可以修改计分规则，本次修改未保存。",
    "edit_settings": "只有科长或管理员可以修改台账设置，本次修改未保存。",
    "issue_notices": "只有科长可以签发通报，本次未签发。",
    "verify": "只有科长可以认定项目。",
    "manage_users": "只有台账管理员可以管理用户。",
    "check": "单位联络员只能看到本单位的数据，无法检查整个台账。请找科长或台账管理员检查。",
}
# A table → the capability a write to it needs (the kinds of zsdesk.roles_sql).
KIND_CAPABILITY = {"project": "edit_projects", "master": "edit_master", "append": "issue_notices",
                   "audit": "edit_projects", "read": "manage_users"}
TABLE_CAPABILITY = {"targets": "edit_targets", "rules_documents": "edit_rules", "settings": "edit_settings",
                    "ledger_logins": "manage_users"}


@dataclass(frozen=True)
class Access:
    login: str  # the database login (PostgreSQL) or the operator name (SQLite)
    role: str  # owner | admin | chief | clerk | liaison | reader | none | single
    unit_id: int | None = None  # a liaison's unit
    unit_name: str = ""
    shared: bool = False  # a PostgreSQL ledger

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def may(self, capability: str) -> bool:
        return self.role in FULL or self.role in CAPABILITIES[capability]

    def refusal(self, capability: str) -> str:
        if self.role == "none":
            return f"登录名 {self.login} 还没有这个台账的角色，不能修改。请台账管理员授权。"
        if self.role == "reader":
            return "只读账号不能修改台账，本次修改未保存。" if capability != "manage_users" else REFUSALS[capability]
        return REFUSALS[capability]

    def describe(self) -> str:
        """One line for the window's status bar (Chinese)."""
        if not self.shared:
            return "单机台账：一名操作员，无需登录"
        unit = f"（{self.unit_name}）" if self.unit_name else ""
        return f"已登录：{self.login}，角色：{self.role_label}{unit}"


_CACHE: weakref.WeakKeyDictionary[Ledger, Access] = weakref.WeakKeyDictionary()


def access_of(ledger: Ledger) -> Access:
    """The signed-in login's role (read from the database once per opened ledger)."""
    found = _CACHE.get(ledger)
    if found is None:
        found = read_access(ledger)
        _CACHE[ledger] = found
    return found


def read_access(ledger: Ledger) -> Access:
    return access_for(ledger.engine, ledger.operator)


def access_for(engine: Engine, operator: str = "") -> Access:
    """The role of the login behind ``engine`` (a SQLite file: the single ``operator``)."""
    if engine.dialect.name != "postgresql":
        return Access(operator, "single")
    with engine.connect() as conn:
        login = str(conn.execute(text("SELECT session_user")).scalar())
        owner = conn.execute(text(
            "SELECT pg_has_role(session_user, c.relowner, 'MEMBER') FROM pg_class c "
            "WHERE c.oid = to_regclass('audit_log')")).scalar()
        installed = conn.execute(text("SELECT to_regprocedure('zsdesk_current_unit()') IS NOT NULL")).scalar()
        if owner:
            return Access(login, "owner", shared=True)
        if not installed:  # roles never installed: every login has what its grants give; the database decides
            return Access(login, "owner", shared=True)
        role = "none"
        for r in ROLES:
            member = conn.execute(text(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :g) AND pg_has_role(session_user, :g, 'MEMBER')"),
                {"g": GROUP[r]}).scalar()
            if member:
                role = r
                break
        unit_id, unit_name = None, ""
        if role == "liaison":
            unit_id = conn.execute(text("SELECT zsdesk_current_unit()")).scalar()
            if unit_id is not None:
                unit_name = str(conn.execute(text("SELECT name FROM units WHERE id = :u"), {"u": unit_id}).scalar() or "")
        return Access(login, role, unit_id, unit_name, shared=True)


def require(ledger: Ledger, capability: str) -> None:
    """Refuse (Chinese ``PermissionRefused``) unless the signed-in role has ``capability``."""
    access = access_of(ledger)
    if not access.may(capability):
        raise PermissionRefused(access.refusal(capability))


def capability_for_table(table: str) -> str:
    return TABLE_CAPABILITY.get(table) or KIND_CAPABILITY.get(TABLE_KINDS.get(table, "project"), "edit_projects")


def writers_of(table: str) -> tuple[str, ...]:
    """The roles whose grants let them write ``table`` (as migration 0008 grants them)."""
    if table == "ledger_logins":
        return ("admin",)
    return WRITERS[TABLE_KINDS.get(table, "project")]


def _check_tables(ledger: Ledger, tables: set[str]) -> None:
    access = access_of(ledger)
    if access.role in FULL:
        return
    for table in sorted(tables):
        if access.role not in writers_of(table):
            raise PermissionRefused(access.refusal(capability_for_table(table)))


def install_guard(ledger: Ledger) -> None:
    """Refuse, before any SQL is sent, a write to a table the signed-in role may not change."""
    if ledger.engine.dialect.name != "postgresql":
        return

    def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
        tables = {obj.__table__.name for obj in (*session.new, *session.dirty, *session.deleted)
                  if hasattr(obj, "__table__") and (obj in session.new or obj in session.deleted
                                                     or session.is_modified(obj))}
        if tables:
            _check_tables(ledger, tables)

    def before_execute(state: ORMExecuteState) -> None:
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str):
            _check_tables(ledger, {name})

    event.listen(ledger._sessions, "before_flush", before_flush)  # noqa: SLF001 - the ledger's own sessionmaker
    event.listen(ledger._sessions, "do_orm_execute", before_execute)  # noqa: SLF001
