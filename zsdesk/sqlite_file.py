"""The cheap test run before a file is touched as a ledger: SQLite header, size, tables (read only).

Used by opening (step 1), backups (a copy is a sound ledger) and ``zsdesk check``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import LedgerDamaged

SQLITE_HEADER = b"SQLite format 3\x00"


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
    # The in-header page count is trustworthy when its "valid for" number matches the change counter.
    if valid_for == counter and pages and size < pages * page_size:
        raise LedgerDamaged(
            f"台账文件 {file.name} 被截断了（应有 {pages * page_size:,} 字节，现有 {size:,} 字节），"
            "可能在断电或复制中断时损坏，文件未做任何修改。")


def inspect_tables(file: Path, create: bool = False) -> None:
    """Refuse, without changing it, an SQLite file that is not a ledger (opening would switch it to WAL)."""
    try:
        conn = sqlite3.connect(file.as_uri() + "?mode=ro", uri=True, timeout=5)
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
