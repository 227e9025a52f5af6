"""Opening a ledger: ONE sequence for the command line and the window.

1. **Inspect**, reading only: the address is one we can open; the file is a regular file with an
   SQLite header; through a read-only connection, its tables and recorded schema version.
2. **Refuse** what is newer, foreign, damaged or incomplete (a table missing) — the file is
   never opened for writing, so it stays byte-identical (no switch to WAL).
3. **Lock**: a writing opener takes the writer lock (``zsdesk.lock``) before its first write; a
   reading opener takes it only for the minutes an upgrade needs. A read-only file or folder is
   opened read-only and says why.
4. **Copy once per schema version**: before an upgrade the file is copied beside itself
   (``<name>.升级前备份-<version>-<time>``); a retry after a failed upgrade finds the copy of the
   same content and does not write another.
5. **Migrate in one transaction**: every pending Alembic step runs inside a single
   ``BEGIN IMMEDIATE … COMMIT`` (SQLite DDL is transactional), so a kill leaves the old version.
6. Hand back a :class:`~zsdesk.ledger.Ledger` (writing, holding its lock) or a read-only one.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from .access import install_guard
from .backup import restore_hint
from .checkpoint import WalCheckpointer, defer_checkpoints
from .db import ledger_url, make_engine, sqlite_path
from .db_errors import (
    NO_RIGHTS,
    PermissionRefused,
    SignInError,
    translate_connect_error,
    translate_db_error,
    translate_permission_error,
)
from .errors import LedgerDamaged, LedgerError, LedgerLocked, LedgerTooNew
from .ledger import Ledger, guard_read_only
from .lock import LedgerReadOnly, WriterLock, acquire_writer_lock, read_only_reason
from .migrate import current_revision, head_revision, known_revisions, migrate_file, migrate_server, missing_tables
from .models import Base
from .ops.bootstrap import ensure_defaults
from .sqlite_file import connect_read_only, connect_writable, inspect_file, read_only_engine
from .sqlite_file import reading_connection as reading_connection  # re-exported: beside the other read-only opens
from .text_index import catch_up_all

READING_ONLY = "这个命令以只读方式打开台账，不能保存修改。"
UPGRADE_BY_OWNER = ("这个共享台账需要升级到新版本的数据结构，只有台账所有者（建台账的登录名）可以升级。"
                    "请台账所有者先打开一次台账，再用您的登录名登录。")
SUPPORTED = {"sqlite": "pysqlite", "postgresql": "psycopg"}


# --- 1. the address --------------------------------------------------------------------------

def resolve_url(path_or_url: str | Path) -> str:
    """The SQLAlchemy URL of a ledger path or address; a ``LedgerError`` for one we cannot open."""
    text = str(path_or_url)
    if not text.strip():
        raise LedgerError("台账路径不能为空。")
    if "://" not in text:
        return ledger_url(text)
    try:
        url = make_url(text)
        backend = url.get_backend_name()
    except (ArgumentError, NoSuchModuleError, ValueError) as err:
        raise LedgerError(f"无法识别的台账地址“{text}”。应为台账文件路径，或 postgresql+psycopg://用户@服务器/数据库。") from err
    if backend not in SUPPORTED:
        raise LedgerError(f"不支持的台账地址“{url.render_as_string(hide_password=True)}”。"
                          "应为台账文件路径，或 postgresql+psycopg://用户@服务器/数据库。")
    if backend == "postgresql" and "+" not in url.drivername:
        raise LedgerError("PostgreSQL 地址需写明驱动，应为 postgresql+psycopg://用户@服务器/数据库。")
    try:
        url.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError) as err:
        raise LedgerError(f"不支持的数据库驱动“{url.drivername}”，PostgreSQL 地址应为 postgresql+psycopg://…。") from err
    return text


# --- 2. inspecting without writing ------------------------------------------------------------

@dataclass(frozen=True)
class FileState:
    exists: bool  # a non-empty file is there
    revision: str | None
    tables: frozenset[str]


def refuse_special(file: Path) -> None:
    """A ledger is a regular file: never a device (``/dev/null``), a pipe or a folder."""
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise LedgerError(f"无法读取台账文件 {file}（{err.strerror}）。") from err
    if stat.S_ISDIR(mode):
        raise LedgerDamaged(f"{file} 是一个文件夹，不是台账文件。")
    if not stat.S_ISREG(mode):
        raise LedgerError(f"{file} 不是普通文件（是设备或管道），不能作为台账，未做任何修改。")


def inspect_ledger_file(file: Path, create: bool = False) -> FileState:
    """Steps 1–2 for a file: raise (Chinese) for anything we must not open; never writes."""
    refuse_special(file)
    inspect_file(file, create=create)
    if not file.exists() or file.stat().st_size == 0:
        return FileState(False, None, frozenset())
    with reading_connection(file) as conn:
        try:
            tables = frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        except sqlite3.DatabaseError as err:
            if "locked" in str(err).lower() or "busy" in str(err).lower():
                raise LedgerLocked("台账文件正被其他程序占用，请稍后再试或关闭另一个招商桌面窗口。") from err
            raise LedgerDamaged(f"台账文件 {file.name} 已损坏（{err}），文件未做任何修改。") from err
    state = FileState(True, revision, tables)
    refuse_state(file.name, state, create)
    return state


def refuse_state(name: str, state: FileState, create: bool) -> None:
    user_tables = {t for t in state.tables if not t.startswith("sqlite_")}
    if "alembic_version" not in state.tables:
        if user_tables:
            raise LedgerDamaged(f"{name} 不是招商桌面台账（里面有其他程序的数据表），为保护它，未做任何修改。")
        if not create:
            raise LedgerDamaged(f"台账文件 {name} 是空的，里面没有任何数据。请新建台账，文件未做任何修改。")
        return
    if state.revision is None:
        raise LedgerDamaged(f"台账文件 {name} 没有数据版本记录，可能已损坏，文件未做任何修改。")
    if state.revision not in known_revisions():
        raise LedgerTooNew(f"这个台账由更新版本的招商桌面创建（数据版本 {state.revision}），当前版本无法打开。"
                           "请升级招商桌面后再打开，文件未做任何修改。")
    if state.revision == head_revision():
        missing = missing_tables(state.tables)
        if missing:
            raise LedgerDamaged(f"台账文件 {name} 缺少数据表（{'、'.join(missing)}），可能被其他工具改动过或已损坏，"
                                "文件未做任何修改。")


# --- 4. one copy per schema version ----------------------------------------------------------

def fingerprint(conn: sqlite3.Connection) -> tuple[Any, ...]:
    """What identifies a ledger's content cheaply: version, each table's row count and largest rowid,
    and the newest audit hash. Equal fingerprints: a copy already made of this same content."""
    tables = sorted(r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
    parts: list[Any] = [conn.execute("SELECT version_num FROM alembic_version").fetchone()]
    for t in tables:
        quoted = '"' + t.replace('"', '""') + '"'
        try:
            parts.append((t, *conn.execute(f"SELECT count(*), max(rowid) FROM {quoted}").fetchone()))
        except sqlite3.OperationalError:  # WITHOUT ROWID
            parts.append((t, conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]))
    if "audit_log" in tables:
        parts.append(conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone())
    return tuple(parts)


def upgrade_copy_prefix(file: Path, revision: str) -> str:
    return f"{file.stem}.升级前备份-{revision}-"


def existing_upgrade_copy(file: Path, revision: str) -> Path | None:
    """A sound copy of this very content at ``revision`` made by an earlier (failed) attempt."""
    prefix = upgrade_copy_prefix(file, revision)
    candidates = sorted((p for p in file.parent.glob(f"{glob_escape(prefix)}*{glob_escape(file.suffix)}")
                         if p.name.startswith(prefix) and p.is_file()), reverse=True)
    if not candidates:
        return None
    with reading_connection(file) as conn:
        mine = fingerprint(conn)
    for copy in candidates:
        try:
            with reading_connection(copy) as conn:
                if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    continue
                if fingerprint(conn) == mine:
                    return copy
        except (LedgerError, sqlite3.Error):
            continue
    return None


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def copy_before_upgrade(file: Path, revision: str) -> Path:
    """The copy made before upgrading ``file`` from ``revision``: an existing one of the same content,
    else a new verified one (written to a temporary name and renamed)."""
    existing = existing_upgrade_copy(file, revision)
    if existing is not None:
        return existing
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = file.with_name(f"{upgrade_copy_prefix(file, revision)}{stamp}{file.suffix}")
    n = 1
    while target.exists():  # two attempts in one second on different content
        n += 1
        target = file.with_name(f"{upgrade_copy_prefix(file, revision)}{stamp}-{n}{file.suffix}")
    partial = target.with_name(target.name + ".partial")
    try:
        src = connect_read_only(file)
        try:
            dst = connect_writable(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as err:
        partial.unlink(missing_ok=True)
        raise LedgerError(f"升级前无法备份台账（{disk_reason(err)}），台账未做任何修改。") from err
    return target


def disk_reason(err: BaseException) -> str:
    text = str(err).lower()
    if getattr(err, "errno", None) == 28 or "full" in text or "no space" in text:
        return "磁盘空间已满"
    return str(getattr(err, "strerror", None) or err)


# --- the sequence -----------------------------------------------------------------------------

def open_ledger(path_or_url: str | Path, operator: str | None = None, *, create: bool = False,
                write: bool = False, read_only: bool = False, wait_seconds: float = 0.0,
                fallback_read_only: bool = True, lock: bool = True, password: str | None = None) -> Ledger:
    """Open a ledger the one way (see the module docstring). Raises a ``LedgerError`` the user can read.

    ``lock=False`` (library use and tests only) skips the writer lock.
    ``write``: take the writer lock for as long as the ledger is open (``LedgerLocked`` names the
    holder). Without ``write`` the ledger opens read-only (an older one is first upgraded under the
    lock). ``read_only`` forces reading only. A file or folder that cannot be written opens
    read-only with the reason in ``ledger.read_only_reason``, or, with ``fallback_read_only=False``,
    is refused when ``write`` was asked.
    ``password`` (a shared ledger only) is handed to the driver and kept nowhere; without it libpq
    reads ``PGPASSWORD`` or ``~/.pgpass``. On PostgreSQL the operator is the signed-in login.
    """
    url = resolve_url(path_or_url)
    file = sqlite_path(url)
    if file is None:
        try:
            return _open_server(url, operator, create, password)
        except DBAPIError as err:  # a refusal or a lost connection while opening: Chinese, never "damaged"
            translated = translate_db_error(err)
            if translated is None:
                raise
            raise translated from err
    try:
        return _open_file(file, operator, create, write, read_only, wait_seconds, fallback_read_only, lock)
    except LedgerDamaged as err:
        stop = "" if str(err).endswith(("。", "！", "？")) else "。"  # two sentences, not one run-on
        raise LedgerDamaged(f"{err}{stop}{restore_hint(file)}") from err
    except (DBAPIError, sqlite3.Error) as err:
        translated = translate_error(err, file)
        if translated is None:
            raise
        raise translated from err


def translate_error(err: BaseException, file: Path | None) -> LedgerError | None:
    """Database errors a clerk can meet, in Chinese: damage (with the restore hint), a full disk."""
    text = str(getattr(err, "orig", err)).lower()
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return LedgerDamaged(f"台账文件已损坏（{getattr(err, 'orig', err)}），本次操作未完成。{restore_hint(file)}")
    if isinstance(err, OSError) and err.errno == 28:
        return LedgerError("磁盘空间已满，本次操作未完成。请清理磁盘后重试，已保存的数据不受影响。")
    if "disk i/o error" in text and file is not None:
        translated = translate_db_error(err, file.parent)
        if translated is not None and "磁盘空间已满" in str(translated):
            return translated
    if isinstance(err, sqlite3.Error):
        if "full" in text:
            return LedgerError("磁盘空间已满，本次操作未完成。请清理磁盘后重试，已保存的数据不受影响。")
        if "locked" in text or "busy" in text:
            return LedgerLocked("台账正被其他程序占用，请稍后再试。")
        if "readonly" in text or "read-only" in text:
            return LedgerError("台账文件是只读的，无法保存修改。")
        return None
    return translate_db_error(err, file.parent if file is not None else None)


def _open_server(url: str, operator: str | None, create: bool, password: str | None = None) -> Ledger:
    engine = make_engine(url, password=password)
    try:
        login = sign_in(engine)
        revision = current_revision(engine)
        if revision is not None and revision not in known_revisions():
            raise LedgerTooNew(f"这个台账由更新版本的招商桌面创建（数据版本 {revision}），当前版本无法打开，未做任何修改。")
        if revision != head_revision():
            if revision is None and set(inspect(engine).get_table_names()):
                raise LedgerDamaged("这个数据库不是招商桌面台账（里面有其他程序的数据表），为保护它，未做任何修改。")
            if revision is None and not create:
                raise LedgerDamaged("这个数据库里还没有台账。请先新建台账（zsdesk init --db …）。")
            try:
                migrate_server(engine)
            except DBAPIError as err:
                if translate_permission_error(err) is None:
                    raise
                raise PermissionRefused(UPGRADE_BY_OWNER) from err
        ledger = Ledger(engine, login)  # the audit log records the login, never a name typed in
        install_guard(ledger)
        if create:
            ensure_defaults(ledger)
        return ledger
    except BaseException:
        engine.dispose()
        raise


def sign_in(engine: Engine) -> str:
    """Connect once: the login's name, or a Chinese ``SignInError`` saying why not (server down, wrong
    password, no such database, a login without rights) — never "the ledger may be damaged"."""
    url = engine.url
    try:
        with engine.connect() as conn:
            login = str(conn.exec_driver_sql("SELECT session_user").scalar())
            # A login with no grant here cannot even read the schema version: say so, not "damaged".
            if conn.exec_driver_sql("SELECT to_regclass('alembic_version') IS NOT NULL").scalar() and not \
                    conn.exec_driver_sql("SELECT has_table_privilege('alembic_version', 'SELECT')").scalar():
                raise SignInError(NO_RIGHTS.format(login=login), "no_rights")
            return login
    except DBAPIError as err:
        translated = translate_connect_error(err, url.host or "", url.database or "", url.username or "")
        if translated is None:
            raise
        raise translated from err


def _sidecars(file: Path) -> list[Path]:
    return [file.with_name(file.name + s) for s in ("-wal", "-shm", "-journal")]


def _open_file(file: Path, operator: str | None, create: bool, write: bool, read_only: bool,
               wait_seconds: float, fallback_read_only: bool, take_lock: bool = True) -> Ledger:
    state = inspect_ledger_file(file, create=create)
    if not state.exists and not create:
        raise LedgerDamaged(f"找不到台账文件：{file}")
    reason = read_only_reason(file, read_only) if state.exists else None
    if reason is None and not state.exists and not os.access(file.parent if file.parent.exists() else Path("."),
                                                            os.W_OK):
        raise LedgerError(f"文件夹 {file.parent} 是只读的，无法新建台账。")
    if reason is not None:
        if write and not read_only and not fallback_read_only:
            raise LedgerReadOnly(f"{reason.replace('已以只读方式打开，', '')}无法写入，未做任何修改。")
        return _read_only_ledger(file, state, operator, reason)
    needs_upgrade = state.revision != head_revision()
    if not write and not needs_upgrade:
        ledger = _read_only_ledger(file, state, operator, None)
        return ledger
    lock = _take_lock(file, wait_seconds) if take_lock else None
    created = not state.exists
    existed = file.exists()
    try:
        backup = None
        if needs_upgrade:
            if state.exists:
                assert state.revision is not None
                backup = copy_before_upgrade(file, state.revision)
            else:
                file.parent.mkdir(parents=True, exist_ok=True)
            migrate_file(file)
        if not write:  # a reading opener only upgraded: drop the lock, read
            if lock is not None:
                lock.release()
            fresh = FileState(True, head_revision(), frozenset(Base.metadata.tables))
            ledger = _read_only_ledger(file, fresh, operator, None)
            ledger.upgraded_backup = backup
            return ledger
        engine = make_engine(f"sqlite:///{file}")
        defer_checkpoints(engine)  # the commit leaves the checkpoint to the ledger's thread (zsdesk.checkpoint)
        try:
            with engine.connect() as conn:  # connect now: -wal/-shm exist before the first write
                conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar()
            with engine.begin() as conn:  # projects changed by other tools: into the text filter's index
                catch_up_all(conn)
        except BaseException:
            engine.dispose()
            raise
        ledger = Ledger(engine, operator, backup)
        ledger.writer_lock = lock
        ledger.checkpointer = WalCheckpointer(file)
        if create:
            try:
                ensure_defaults(ledger)
            except BaseException:
                engine.dispose()
                raise
        return ledger
    except BaseException:
        if lock is not None:
            lock.release()
        if created:
            _remove_stub(file, existed)
        raise


def _remove_stub(file: Path, existed: bool) -> None:
    """A ledger we were creating and could not finish (a full disk): leave nothing that blocks a retry."""
    for side in _sidecars(file):
        side.unlink(missing_ok=True)
    if existed:
        try:
            with open(file, "wb"):
                pass  # it was an empty file before: empty again
        except OSError:
            pass
    else:
        file.unlink(missing_ok=True)


def _take_lock(file: Path, wait_seconds: float) -> WriterLock:
    """The writer lock, before the first write (a new ledger's folder is made first)."""
    if not file.parent.exists():
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise LedgerError(f"无法建立文件夹 {file.parent}（{disk_reason(err)}）。") from err
    return acquire_writer_lock(file, wait_seconds)


def _read_only_ledger(file: Path, state: FileState, operator: str | None, reason: str | None) -> Ledger:
    """Read only: the schema must be current, since upgrading is a write."""
    if state.revision != head_revision():
        raise LedgerError(f"{reason or ''}这个台账来自旧版本，需要升级后才能打开，而升级要写入文件。请以可写方式打开一次。")
    engine = None
    for immutable in (False, True):
        engine = read_only_engine(file, immutable)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar()
            break
        except DBAPIError:
            engine.dispose()
            if immutable:
                raise
    assert engine is not None
    ledger = Ledger(engine, operator)
    ledger.path = file
    guard_read_only(ledger, reason or READING_ONLY)
    return ledger


def open_unlocked(path_or_url: str | Path, operator: str | None = None, create: bool = False,
                  read_only: bool = False) -> Ledger:
    """Open (and if needed create or upgrade) a ledger without the writer lock (library use, tests).

    The command line and the window use :func:`open_ledger`, which also takes the writer lock; both
    run the same sequence. ``read_only`` (or a file that cannot be written) opens it for reading
    only: every write is refused with a Chinese message. (Formerly ``Ledger.open``.)
    """
    return open_ledger(path_or_url, operator, create=create, write=not read_only, read_only=read_only, lock=False)
