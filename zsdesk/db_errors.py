"""Database errors a user can meet, in Chinese (beside :mod:`zsdesk.errors`).

A shared ledger (PostgreSQL) adds the sign-in failures — the server cannot be reached, the password
is wrong, the login may not use this database — and the refusals of roles and row-level security
(SPEC §11). Each gets its own sentence saying what to do; none shows a constraint or role name of
ours, and none says the ledger may be damaged.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .errors import ConflictError, LedgerError, LedgerLocked
from .paths import data_dir


class SignInError(LedgerError):
    """Connecting to a shared ledger failed; ``kind`` says why (the window decides whether to ask again)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # unreachable | password | no_password | no_database | no_rights | disabled


class PermissionRefused(LedgerError):
    """The database (a grant or a row-level security policy) or the engine refused a write or a read."""


UNREACHABLE = ("无法连接台账服务器 {host}：服务器没有响应。请检查网络、服务器地址和端口，"
               "并确认服务器上的 PostgreSQL 已启动；本机的台账文件仍可照常打开。")
WRONG_PASSWORD = "登录名或密码不对（登录名 {login}），未能登录共享台账。请检查后重新输入；忘记密码请找台账管理员重设。"
NO_PASSWORD = "登录共享台账需要密码（登录名 {login}）。请在登录窗口输入密码，或在命令行按提示输入。"
NO_DATABASE = "服务器 {host} 上没有名为“{database}”的台账数据库。请检查数据库名，或请台账管理员先新建台账。"
NO_RIGHTS = "登录名 {login} 没有使用这个共享台账的权限。请台账管理员用“zsdesk users add”或“zsdesk users set-role”为它授权。"
DISABLED = "登录名 {login} 已被停用，不能再登录共享台账。如需恢复，请找台账管理员。"
NOT_ALLOWED = "您的账号没有这项操作的权限，本次修改未保存。如需修改，请找科长或台账管理员。"
NOT_VISIBLE = "这条记录不属于您的单位，您的账号不能查看或修改它，本次修改未保存。"
READ_REFUSED = "您的账号没有查看这部分内容的权限。"


def _sqlstate(err: BaseException) -> str | None:
    orig = getattr(err, "orig", err)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def translate_connect_error(err: BaseException, host: str = "", database: str = "", login: str = "") -> SignInError | None:
    """A failure while connecting to a PostgreSQL server, in Chinese; None for anything else."""
    text = str(getattr(err, "orig", err)).lower()
    state = _sqlstate(err)
    where = {"host": host or "（未写明）", "database": database, "login": login or "（未写明）"}
    if "password authentication failed" in text or state == "28P01":
        return SignInError(WRONG_PASSWORD.format(**where), "password")
    if "no password supplied" in text or "password is required" in text:
        return SignInError(NO_PASSWORD.format(**where), "no_password")
    if "is not permitted to log in" in text:
        return SignInError(DISABLED.format(**where), "disabled")
    if state == "28000" or ("role" in text and "does not exist" in text) or "pg_hba.conf" in text:
        # No such login (with trust authentication), or the server does not let this login in.
        return SignInError(WRONG_PASSWORD.format(**where) if "does not exist" in text else NO_RIGHTS.format(**where),
                           "password" if "does not exist" in text else "no_rights")
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return SignInError(NO_DATABASE.format(**where), "no_database")
    if state == "42501" and "connect" in text:
        return SignInError(NO_RIGHTS.format(**where), "no_rights")
    if any(s in text for s in ("connection refused", "could not connect", "could not translate host name",
                               "timeout expired", "no route to host", "network is unreachable",
                               "name or service not known", "connection timed out", "server closed the connection",
                               "temporary failure in name resolution", "is the server running")):
        return SignInError(UNREACHABLE.format(**where), "unreachable")
    return None


def translate_permission_error(err: BaseException) -> PermissionRefused | None:
    """A grant or a row-level security policy refused the statement (SQLSTATE 42501)."""
    text = str(getattr(err, "orig", err)).lower()
    if _sqlstate(err) != "42501" and "permission denied" not in text and "row-level security" not in text:
        return None
    if "row-level security" in text:
        return PermissionRefused(NOT_VISIBLE)
    if "只有科长可以修改这一项" in text:  # zsdesk.roles_sql.chief_only_columns
        return PermissionRefused("只有科长可以修改这一项，本次修改未保存。")
    if "操作员必须是" in text:  # the audit trigger of migration 0008: nobody writes in another's name
        return PermissionRefused("操作记录只能以当前登录的账号写入，不能以他人的名义保存，本次修改未保存。")
    if "permission denied for table" in text or "permission denied for sequence" in text:
        return PermissionRefused(NOT_ALLOWED)
    return PermissionRefused(READ_REFUSED)


def translate_db_error(err: BaseException, folder: Path | None = None) -> LedgerError | None:
    """Turn the database errors a user can meet into Chinese messages."""
    text = str(getattr(err, "orig", err)).lower()
    if isinstance(err, StaleDataError):
        return ConflictError("这条记录刚被其他人修改过，为避免覆盖对方的修改，本次未保存。请刷新后重新修改。")
    if isinstance(err, DBAPIError):
        refused = translate_permission_error(err)
        if refused is not None:
            return refused
        if err.connection_invalidated or _sqlstate(err) is None and isinstance(err, OperationalError):
            connect = translate_connect_error(err)
            if connect is not None:
                return connect
    if "locked" in text or "busy" in text:
        return LedgerLocked("台账正被其他程序占用，本次未保存，请稍后再试。")
    if "disk" in text and ("full" in text or "space" in text) or "database or disk is full" in text:
        return LedgerError("磁盘空间已满，本次未保存。请清理磁盘后重试，已保存的数据不受影响。")
    if "disk i/o error" in text and _disk_nearly_full(folder):
        return LedgerError("磁盘空间已满，本次未保存。请清理磁盘后重试，已保存的数据不受影响。")
    if "readonly" in text or "read-only" in text:
        return LedgerError("台账文件是只读的，无法保存修改。请检查文件权限或以可写方式打开。")
    if isinstance(err, IntegrityError):
        return LedgerError(f"数据不一致，本次未保存（{getattr(err, 'orig', err)}）。")
    if isinstance(err, OperationalError):
        return LedgerError(f"台账写入失败，本次未保存（{getattr(err, 'orig', err)}）。")
    return None


def _disk_nearly_full(folder: Path | None) -> bool:
    """An I/O error on a disk with (almost) no room left is a full disk (SQLite reports IOERR when
    it cannot grow its shared-memory file)."""
    import shutil  # only on this rare error path

    for place in [p for p in (folder, data_dir()) if p is not None]:
        try:
            if shutil.disk_usage(place).free < 1024 * 1024:
                return True
        except OSError:
            continue
    return False
