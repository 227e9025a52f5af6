"""Database errors a user can meet, in Chinese (beside :mod:`zsdesk.errors`)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .errors import ConflictError, LedgerError, LedgerLocked
from .paths import data_dir


def translate_db_error(err: BaseException, folder: Path | None = None) -> LedgerError | None:
    """Turn the database errors a user can meet into Chinese messages."""
    text = str(getattr(err, "orig", err)).lower()
    if isinstance(err, StaleDataError):
        return ConflictError("这条记录刚被其他人修改过，为避免覆盖对方的修改，本次未保存。请刷新后重新修改。")
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
