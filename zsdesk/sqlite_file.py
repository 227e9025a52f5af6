"""A ledger file as SQLite sees it: the one place that connects to one, and the cheap test run before a
file is touched as a ledger (SQLite header, size, tables; read only).

Every read-only open goes through ``read_only_uri``: ``connect_read_only`` (a plain sqlite3 connection),
``reading_connection`` (that, falling back to ``immutable`` so no -wal/-shm appears beside the file) and
``read_only_engine`` (SQLAlchemy). ``connect_writable`` is the plain read-write connection (backup copies).
Used by opening (step 1), backups (a copy is a sound ledger), the audit chain and ``zsdesk check``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from .errors import LedgerDamaged, LedgerLocked

SQLITE_HEADER = b"SQLite format 3\x00"


def read_only_uri(file: Path, immutable: bool = False) -> str:
    """The URI that opens ``file`` for reading only.

    ``mode=ro`` still sees what another instance commits; ``immutable`` is for files nobody can write
    (read-only media, a WAL file without its -wal), where SQLite must not create -wal/-shm beside it.
    """
    return f"{file.as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"


def connect_read_only(file: Path, immutable: bool = False, timeout: float = 5.0) -> sqlite3.Connection:
    """A plain sqlite3 connection that cannot write ``file`` (``query_only`` on top of the read-only URI)."""
    conn = sqlite3.connect(read_only_uri(file, immutable), uri=True, timeout=timeout)
    try:
        conn.execute("PRAGMA query_only=ON")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def connect_writable(file: Path, timeout: float = 5.0, autocommit: bool = False) -> sqlite3.Connection:
    """A plain read-write sqlite3 connection (the target of a backup copy, a restore's live file)."""
    return sqlite3.connect(str(file), timeout=timeout, isolation_level=None if autocommit else "DEFERRED")


@contextmanager
def reading_connection(file: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot write the file, nor leave files beside it.

    A WAL-mode file without its ``-wal`` has everything in the main file; a ``mode=ro`` connection
    would still create an empty ``-wal`` beside it, so such a file is read ``immutable``. Read-only
    media fall back to ``immutable`` too.
    """
    last: sqlite3.Error | None = None
    flags: tuple[bool, ...] = (False, True)
    try:
        with open(file, "rb") as fh:
            header = fh.read(20)
        if len(header) == 20 and header[18] == 2 and not file.with_name(file.name + "-wal").exists():
            flags = (True,)
    except OSError:
        pass
    for immutable in flags:
        try:
            conn = connect_read_only(file, immutable)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as err:
            last = err
            continue
        try:
            yield conn
        finally:
            conn.close()
        return
    assert last is not None
    if "locked" in str(last).lower() or "busy" in str(last).lower():
        raise LedgerLocked("台账文件正被其他程序占用，请稍后再试或关闭另一个招商桌面窗口。") from last
    raise LedgerDamaged(f"台账文件 {file.name} 无法读取，可能已损坏（{last}），文件未做任何修改。") from last


def read_only_engine(file: Path, immutable: bool = False) -> Engine:
    """An engine that can only read ``file``: the one way to open a ledger read-only with SQLAlchemy
    (``check``, a ledger held by another instance or on read-only media)."""
    engine = create_engine(f"sqlite:///{read_only_uri(file, immutable)}&uri=true")

    def pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=5000")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA query_only=ON")

    event.listen(engine, "connect", pragmas)
    return engine


def inspect_file(file: Path, create: bool = False) -> None:
    """Raise ``LedgerDamaged`` (Chinese) if ``file`` cannot be a sound ledger. Reads 100 bytes."""
    if not file.exists():
        if create:
            return
        raise LedgerDamaged(f"找不到台账文件：{file}")
    if file.is_dir():
        raise LedgerDamaged(f"{file} 是一个文件夹，不是台账文件。")
    size = file.stat().st_size
    if size == 0:
        if create:
            return
        raise LedgerDamaged(f"台账文件 {file.name} 是空的（0 字节），可能在断电或复制中断时损坏，文件未做任何修改。")
    with open(file, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(SQLITE_HEADER):
        raise LedgerDamaged(f"{file.name} 不是招商桌面台账文件，或文件已损坏，文件未做任何修改。")
    if len(head) < 100:
        raise LedgerDamaged(f"台账文件 {file.name} 不完整（只有 {size} 字节），文件未做任何修改。")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid_for = int.from_bytes(head[92:96], "big")
    counter = int.from_bytes(head[24:28], "big")
    if page_size < 512 or page_size & (page_size - 1):
        raise LedgerDamaged(f"台账文件 {file.name} 的文件头已损坏，文件未做任何修改。")
    # The in-header page count is trustworthy when its "valid for" number matches the change counter, and
    # when no WAL is beside the file: a checkpoint cut short by a crash or a kill (the window's runs after
    # every save, zsdesk/checkpoint.py) leaves page 1 written and the file not yet grown; SQLite copies the
    # WAL's pages again at the next opening.
    if valid_for == counter and pages and size < pages * page_size and not _has_wal(file):
        raise LedgerDamaged(
            f"台账文件 {file.name} 被截断了（应有 {pages * page_size:,} 字节，现有 {size:,} 字节），"
            "可能在断电或复制中断时损坏，文件未做任何修改。")


def _has_wal(file: Path) -> bool:
    wal = Path(f"{file}-wal")
    try:
        return wal.stat().st_size > 32  # more than the WAL header: frames to replay
    except OSError:
        return False


def inspect_tables(file: Path, create: bool = False) -> None:
    """Refuse, without changing it, an SQLite file that is not a ledger (opening would switch it to WAL)."""
    try:
        conn = connect_read_only(file)
    except sqlite3.Error:
        return  # cannot even read it this way; the engine reports what is wrong
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        if "locked" in str(err).lower() or "busy" in str(err).lower():
            return
        raise LedgerDamaged(f"台账文件 {file.name} 已损坏（{err}），文件未做任何修改。") from err
    finally:
        conn.close()
    if tables and "alembic_version" not in tables:
        raise LedgerDamaged(f"{file.name} 不是招商桌面台账（里面有其他程序的数据表），为保护它，未做任何修改。")
    if not tables and not create:
        raise LedgerDamaged(f"台账文件 {file.name} 是空的，里面没有任何数据。请新建台账，文件未做任何修改。")
