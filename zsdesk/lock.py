"""One writer per ledger file: a lock file beside the ledger names who holds it.

SQLite's own locks keep every transaction atomic, but two copies of the window on one ledger
would still overwrite each other's screens and undo stacks. So the window takes a writer lock
first (``<ledger>.lock``: host, pid, user, time); a second instance is told who holds it and
opens the ledger read-only or waits. A lock left by a crashed process on this same PC is stale
and is taken over; a lock from another PC (a ledger on a shared folder) is only reported.
"""

from __future__ import annotations

import errno
import getpass
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import LedgerError, LedgerLocked


def lock_path(ledger_path: str | Path) -> Path:
    path = Path(ledger_path)
    return path.with_name(path.name + ".lock")


@dataclass(frozen=True)
class LockHolder:
    host: str
    pid: int
    user: str
    since: str  # ISO time the lock was taken

    def describe(self) -> str:
        when = self.since.replace("T", " ")[:16]
        return f"{self.user}（计算机 {self.host}，进程 {self.pid}，{when} 起）"


def default_operator() -> str:
    """The login name, written into the audit log and the lock file."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some Windows service accounts
        return "录入员"


def _me() -> LockHolder:
    return LockHolder(socket.gethostname(), os.getpid(), default_operator(),
                      datetime.now().isoformat(timespec="seconds"))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this PC (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT on Windows
        # local: ctypes is needed on Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # ctypes.windll exists only on Windows
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


UNKNOWN = LockHolder("未知", 0, "未知用户", "")


def read_holder_file(file: Path) -> LockHolder | None:
    """The holder written in a lock file; None if there is none; ``UNKNOWN`` if it is unreadable."""
    try:
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        return LockHolder(str(data["host"]), int(data["pid"]), str(data["user"]), str(data["since"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return UNKNOWN


def read_holder(ledger_path: str | Path) -> LockHolder | None:
    """Who holds the writer lock of this ledger, or None."""
    return read_holder_file(lock_path(ledger_path))


def is_stale(holder: LockHolder, file: Path) -> bool:
    if holder == UNKNOWN:
        # Half-written by a process killed while taking it; a live taker finishes in milliseconds.
        try:
            return time.time() - file.stat().st_mtime > 10
        except FileNotFoundError:
            return True
    return holder.host == socket.gethostname() and not pid_alive(holder.pid)


class WriterLock:
    """Held while this process may write the ledger; release it when the ledger is closed."""

    def __init__(self, ledger_path: Path, holder: LockHolder) -> None:
        self.ledger_path = ledger_path
        self.path = lock_path(ledger_path)
        self.holder = holder
        self.released = False

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        if read_holder(self.ledger_path) == self.holder:  # never remove a lock someone else took over
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_create(file: Path, holder: LockHolder) -> bool:
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(holder.__dict__, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        file.unlink(missing_ok=True)  # a half-written lock of ours (a full disk) must not block anyone
        raise
    return True


def locked_message(ledger_path: str | Path, holder: LockHolder) -> str:
    return (f"台账 {Path(ledger_path).name} 正由 {holder.describe()} 使用。"
            "为防止互相覆盖，只能以只读方式打开，或等对方关闭后再打开。")


def acquire_writer_lock(ledger_path: str | Path, wait_seconds: float = 0.0) -> WriterLock:
    """Take the writer lock or raise ``LedgerLocked`` naming the holder.

    A stale lock (its process is gone from this PC) is taken over. ``wait_seconds`` > 0 keeps
    trying that long before giving up.
    """
    path = Path(ledger_path).expanduser().resolve()
    file = lock_path(path)
    deadline = time.monotonic() + wait_seconds
    while True:
        me = _me()
        try:
            if _try_create(file, me):
                return WriterLock(path, me)
        except OSError as err:
            if not file.parent.exists():
                raise LedgerLocked(f"台账所在文件夹不存在：{file.parent}") from err
            if err.errno == errno.ENOSPC:
                raise LedgerError("磁盘空间已满，无法在台账旁建立锁文件，本次操作未进行。请清理磁盘后重试，"
                                  "已保存的数据不受影响。") from err
            # A read-only folder or medium: nobody can write this ledger, so no lock is needed to read.
            why = "文件夹只读或没有写入权限" if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else err.strerror
            raise LedgerLocked(f"无法在台账旁建立锁文件（{why}），只能以只读方式打开。") from err
        holder = read_holder(path)
        if holder is None:
            continue  # released between our attempt and the read
        if is_stale(holder, file):
            _remove_stale(file, holder)
            continue
        if time.monotonic() >= deadline:
            raise LedgerLocked(locked_message(path, holder))
        time.sleep(0.2)


def _remove_stale(file: Path, holder: LockHolder) -> None:
    # Rename first: of two instances taking over the same stale lock, only one moves it away.
    aside = file.with_name(f"{file.name}.stale-{os.getpid()}")
    try:
        os.replace(file, aside)
    except FileNotFoundError:
        return
    if read_holder_file(aside) != holder:
        # A live lock was taken meanwhile and we moved it: put it back unless the slot is taken.
        try:
            os.link(aside, file)
        except OSError:
            pass
    aside.unlink(missing_ok=True)


# --- opening for reading only -----------------------------------------------------------------

def read_only_reason(file: Path, requested: bool) -> str | None:
    """Why this ledger must be opened read-only, or None. A missing file is being created: None."""
    if not file.exists():
        return None
    if requested:
        return "台账以只读方式打开，不能保存修改。"
    if not os.access(file, os.W_OK) or not os.access(file.parent, os.W_OK):
        return f"台账文件 {file.name} 或它所在的文件夹是只读的（例如光盘、写保护的 U 盘），已以只读方式打开，不能保存修改。"
    return None


class LedgerReadOnly(LedgerLocked):
    """A write on a ledger opened read-only (held by another instance, or on read-only media)."""
