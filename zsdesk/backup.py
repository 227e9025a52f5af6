"""Backups of a ledger: consistent copies, verified, rotated, listed with their figures, restorable.

A copy is made with SQLite's online backup API, so it is consistent even while the app writes.
Each copy is verified (``PRAGMA integrity_check`` and a known schema revision) before it counts;
a copy that fails is deleted and never rotates a good one away.

File names sort by time within a ledger and say which ledger they belong to::

    台账.zsdesk_1a2b3c4d_20260301-101500_打开时.sqlite
    <ledger name>_<8-hex id of the ledger's path>_<time>_<reason>.sqlite

The folder is the ledger setting ``backup.folder`` (a USB drive, a shared folder) or
``zsdesk.paths.backup_dir()``. Folders used are remembered outside the ledger (in the user data
folder) so the newest good backup can be found even when the ledger itself cannot be opened.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, event

from .errors import LedgerDamaged, LedgerError, LedgerLocked
from .lock import acquire_writer_lock
from .paths import backup_dir, data_dir
from .sqlite_file import connect_read_only, connect_writable, inspect_file

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .ledger import Ledger

log = logging.getLogger("zsdesk.backup")

REASONS = ("手动", "打开时", "定时", "关闭时", "恢复前", "升级前")
KEEP_RECENT, KEEP_DAYS, KEEP_MONTHS = 10, 30, 12
_NAME = re.compile(r"^(?P<stem>.+)_(?P<id>[0-9a-f]{8})_(?P<time>\d{8}-\d{6})(?:-(?P<n>\d+))?_(?P<reason>[^_]+)\.sqlite$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    ledger_name: str  # the ledger's file name without extension, or "" for a foreign name
    ledger_id: str  # 8 hex digits of the ledger's path, or ""
    made_at: datetime
    reason: str
    size: int
    ok: bool  # verified: integrity ok and a schema revision this app knows
    problem: str | None  # Chinese, when not ok
    revision: str | None
    projects: int
    last_change: datetime | None  # time of the newest audit row

    def describe(self) -> str:
        last = f"，最后修改 {self.last_change:%Y-%m-%d %H:%M}" if self.last_change else ""
        state = f"{self.projects} 个项目{last}" if self.ok else f"不可用：{self.problem}"
        return f"{self.made_at:%Y-%m-%d %H:%M:%S}（{self.reason}）{state}"


def ledger_id(ledger_path: str | Path) -> str:
    key = str(Path(ledger_path).expanduser().resolve())
    if os.name == "nt":
        key = key.lower()
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def ledger_stem(ledger_path: str | Path) -> str:
    name = Path(ledger_path).name
    return (name[: -len(".sqlite")] if name.endswith(".sqlite") else Path(name).stem).replace("_", "-")


def backup_name(ledger_path: Path, reason: str, when: datetime, n: int = 1) -> str:
    stamp = f"{when:%Y%m%d-%H%M%S}" + (f"-{n}" if n > 1 else "")
    return f"{ledger_stem(ledger_path)}_{ledger_id(ledger_path)}_{stamp}_{reason}.sqlite"


def _free_name(folder: Path, ledger_path: Path, reason: str, when: datetime) -> Path:
    n = 1
    while (folder / backup_name(ledger_path, reason, when, n)).exists():
        n += 1
    return folder / backup_name(ledger_path, reason, when, n)


def _order(info: BackupInfo) -> tuple[datetime, int]:
    m = _NAME.match(info.path.name)
    return info.made_at, int(m["n"]) if m and m["n"] else 1


# --- where backups are ------------------------------------------------------------------------

def _folders_file() -> Path:
    return data_dir() / "backup-folders.json"


def _remember_folder(folder: Path) -> None:
    try:
        known = known_folders()
        if folder not in known:
            known.append(folder)
            _folders_file().write_text(json.dumps([str(f) for f in known], ensure_ascii=False), encoding="utf-8")
    except OSError:
        log.warning("cannot remember backup folder %s", folder)


def known_folders() -> list[Path]:
    """Every backup folder used on this PC, the default one first."""
    folders = [backup_dir()]
    try:
        folders += [Path(p) for p in json.loads(_folders_file().read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        pass
    unique: list[Path] = []
    for f in folders:
        if f not in unique:
            unique.append(f)
    return unique


def configured_folder(ledger: Ledger) -> Path:
    value = ledger.get_setting("backup.folder", None)
    return Path(value).expanduser() if value else backup_dir()


# --- making and verifying ---------------------------------------------------------------------

def inspect_backup(path: Path, full: bool = True) -> BackupInfo:
    """Verify a backup (or any ledger file) and read its figures; never raises for a bad file."""
    from .migrate import script_directory  # Alembic loads only when a backup is inspected

    match = _NAME.match(path.name)
    try:
        size = path.stat().st_size
        mtime = datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        size, mtime = 0, datetime.min
    made_at = datetime.strptime(match["time"], "%Y%m%d-%H%M%S") if match else mtime
    base: dict[str, Any] = dict(path=path, ledger_name=match["stem"] if match else "", ledger_id=match["id"] if match else "",
                made_at=made_at, reason=match["reason"] if match else "文件", size=size)

    def bad(problem: str, revision: str | None = None) -> BackupInfo:
        return BackupInfo(**base, ok=False, problem=problem, revision=revision, projects=0, last_change=None)

    try:
        inspect_file(path)
    except LedgerDamaged as err:
        return bad(str(err))
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as err:
        return bad(f"无法打开（{err}）")
    try:
        result = [r[0] for r in conn.execute(f"PRAGMA {'integrity_check' if full else 'quick_check'}")]
        if result != ["ok"]:
            return bad(f"文件结构损坏（{result[0]}）")
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return bad("不是招商桌面台账")
        revision = revision[0] if revision else None
        if revision not in {r.revision for r in script_directory().walk_revisions()}:
            return bad(f"数据版本 {revision} 来自更新版本的招商桌面", revision)
        projects = conn.execute("SELECT count(*) FROM projects WHERE deleted_at IS NULL").fetchone()[0]
        last = conn.execute("SELECT max(at) FROM audit_log").fetchone()[0]
    except sqlite3.Error as err:
        return bad(f"读取失败（{err}）")
    finally:
        conn.close()
    last_change = datetime.fromisoformat(str(last)) if last else None
    return BackupInfo(**base, ok=True, problem=None, revision=revision, projects=projects, last_change=last_change)


def _copy_with_backup_api(source: Path, target: Path) -> None:
    src = connect_read_only(source)
    try:
        dst = connect_writable(target)
        try:
            src.backup(dst, pages=1024)
            # A self-contained single file: no -wal/-shm beside a backup on a USB stick.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _disk_message(err: Exception, folder: Path) -> str:
    text = str(err).lower()
    if "full" in text or "space" in text or getattr(err, "errno", None) == 28:
        return f"备份文件夹 {folder} 所在磁盘空间不足，备份未完成，台账本身不受影响。"
    return f"无法写入备份文件夹 {folder}（{err}），备份未完成，台账本身不受影响。"


def create_backup(ledger_path: str | Path, folder: str | Path | None = None, reason: str = "手动",
                  target: str | Path | None = None, rotate_after: bool = True) -> BackupInfo:
    """Copy the ledger into ``folder`` (or exactly to ``target``), verify it, then rotate the folder.

    Raises ``LedgerError`` (Chinese) when the copy cannot be made or fails verification; a failed
    copy is deleted and older backups are left alone.
    """
    source = Path(ledger_path).expanduser().resolve()
    inspect_file(source)
    if target is not None:
        out = Path(target).expanduser().resolve()
        folder_path = out.parent
        if out.exists():
            raise LedgerError(f"文件 {out} 已存在，为避免覆盖，未做备份。请换一个文件名。")
    else:
        folder_path = Path(folder).expanduser() if folder else backup_dir()
        out = _free_name(folder_path, source, reason, datetime.now())
    try:
        folder_path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LedgerError(f"备份文件夹 {folder_path} 不可用（{err.strerror}）。请插好 U 盘或在设置中更换备份文件夹。") from err
    partial = out.with_name(out.name + ".partial")
    try:
        _copy_with_backup_api(source, partial)
        os.replace(partial, out)
    except (sqlite3.Error, OSError) as err:
        partial.unlink(missing_ok=True)
        if isinstance(err, sqlite3.DatabaseError) and "malformed" in str(err).lower():
            raise LedgerDamaged("台账文件有损坏，无法备份。请用“检查台账”查看，或从最近的备份恢复。") from err
        raise LedgerError(_disk_message(err, folder_path)) from err
    info = inspect_backup(out, full=True)
    if not info.ok:
        out.unlink(missing_ok=True)
        raise LedgerDamaged(f"备份校验未通过（{info.problem}），已删除这份备份，原有备份保留。台账可能已损坏，请运行“检查台账”。")
    if target is None:
        _remember_folder(folder_path.resolve())
        if rotate_after:
            rotate(folder_path, ledger_id(source))
    return info


# --- listing and rotation -------------------------------------------------------------------

def list_backups(folder: str | Path | None = None, ledger_path: str | Path | None = None,
                 full: bool = False) -> list[BackupInfo]:
    """Backups in ``folder`` (default: every known folder), newest first, each verified.

    ``ledger_path`` keeps only that ledger's backups. ``full`` runs integrity_check instead of the
    faster quick_check.
    """
    folders = [Path(folder)] if folder else known_folders()
    wanted = ledger_id(ledger_path) if ledger_path else None
    found: list[BackupInfo] = []
    for f in folders:
        try:
            files = [p for p in f.iterdir() if p.is_file() and _NAME.match(p.name)]
        except OSError:
            continue
        for p in files:
            m = _NAME.match(p.name)
            if wanted and m and m["id"] != wanted:
                continue
            found.append(inspect_backup(p, full=full))
    found.sort(key=_order, reverse=True)
    return found


def latest_good_backup(ledger_path: str | Path, folder: str | Path | None = None) -> BackupInfo | None:
    """The newest verified backup of this ledger in ``folder`` or any known folder."""
    for info in list_backups(folder, ledger_path):
        if info.ok:
            return info
    return None


def restore_hint(ledger_path: str | Path | None) -> str:
    """A sentence offering the newest good backup, for error messages about a damaged ledger."""
    if ledger_path is None:
        return ""
    try:
        info = latest_good_backup(ledger_path)
    except Exception:  # noqa: BLE001 - a hint must never hide the real error
        log.exception("looking for a backup failed")
        return ""
    if info is None:
        return "没有找到这个台账的可用备份。"
    return (f"可以从最近的可用备份恢复：{info.path}（{info.made_at:%Y-%m-%d %H:%M}，{info.projects} 个项目），"
            f"命令：zsdesk restore \"{info.path}\"。")


def rotation_keep(backups: list[BackupInfo], now: datetime) -> set[Path]:
    """Which backups rotation keeps: 10 newest, the newest of each of the last 30 days, of each of 12 months."""
    ordered = sorted(backups, key=_order, reverse=True)
    keep = {b.path for b in ordered[:KEEP_RECENT]}
    days: set[object] = set()
    months: set[tuple[int, int]] = set()
    for b in ordered:
        if b.reason in ("恢复前", "升级前"):
            keep.add(b.path)  # rare and precious: the state just before a restore or an upgrade
        if b.made_at >= now - timedelta(days=KEEP_DAYS) and b.made_at.date() not in days:
            days.add(b.made_at.date())
            keep.add(b.path)
        month = (b.made_at.year, b.made_at.month)
        if b.made_at >= now - timedelta(days=366) and month not in months:
            months.add(month)
            keep.add(b.path)
    return keep


def rotate(folder: str | Path, for_ledger_id: str, now: datetime | None = None) -> list[Path]:
    """Delete this ledger's backups that rotation does not keep; returns what was deleted."""
    folder = Path(folder)
    mine: list[BackupInfo] = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if m and m["id"] == for_ledger_id:
            made = datetime.strptime(m["time"], "%Y%m%d-%H%M%S")
            mine.append(BackupInfo(p, m["stem"], m["id"], made, m["reason"], 0, True, None, None, 0, None))
    keep = rotation_keep(mine, now or datetime.now())
    removed = []
    for b in mine:
        if b.path not in keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                log.warning("cannot remove old backup %s", b.path)
    return removed


# --- restoring ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous_copy: Path | None  # the ledger as it was before the restore (None if there was none)
    info: BackupInfo
    kept_notices: tuple[str, ...] = ()  # issued notices the backup lacked, carried over (document numbers)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _keep_raw(ledger: Path, folder: Path) -> Path:
    """A damaged ledger: keep its bytes exactly, including the WAL, so nothing is lost."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    raw = folder / f"{ledger_stem(ledger)}_{ledger_id(ledger)}_{stamp}_恢复前-原样.sqlite.damaged"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ledger, raw)
        for side in _sidecars(ledger):
            if side.exists():
                shutil.copy2(side, raw.with_name(raw.name + side.name[len(ledger.name):]))
    except OSError as err:
        raise LedgerError(_disk_message(err, folder) + "为保护现有台账，未恢复。") from err
    return raw


def _copy_live(live: sqlite3.Connection, folder: Path, ledger: Path) -> Path:
    """The 恢复前 copy of the live ledger, verified."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LedgerError(f"备份文件夹 {folder} 不可用（{err.strerror}），为保护现有台账，未恢复。") from err
    out = _free_name(folder, ledger, "恢复前", datetime.now())
    partial = out.with_name(out.name + ".partial")
    try:
        dst = connect_writable(partial)
        try:
            _backup_step_all(live, dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        os.replace(partial, out)
    except (sqlite3.Error, OSError) as err:
        partial.unlink(missing_ok=True)
        raise LedgerError(_disk_message(err, folder) + "为保护现有台账，未恢复。") from err
    except BaseException:  # e.g. LedgerLocked from a lock held too long
        partial.unlink(missing_ok=True)
        raise
    info = inspect_backup(out, full=True)
    if not info.ok:
        out.unlink(missing_ok=True)
        raise LedgerDamaged(f"恢复前的台账副本校验未通过（{info.problem}），为保护现有台账，未恢复。")
    _remember_folder(folder.resolve())
    return out


def _backup_step_all(src: sqlite3.Connection, dst: sqlite3.Connection, seconds: float = 30.0) -> None:
    """``src.backup(dst)`` in one step (the whole copy under one lock), giving up after ``seconds``
    of waiting for a lock instead of retrying for ever."""
    deadline = time.monotonic() + seconds

    def progress(_status: int, _remaining: int, _total: int) -> None:
        if time.monotonic() > deadline:
            raise LedgerLocked("台账正被其他程序占用，恢复未进行，台账未做任何修改。请关闭其他程序后再试。")

    src.backup(dst, pages=-1, progress=progress)


def _restore_into_live(source: Path, ledger: Path, folder: Path | None) -> Path | None:
    """Copy ``source`` into the live file with SQLite's backup API: under SQLite's own exclusive
    lock, through its journal or WAL, so no -wal/-shm is ever deleted and a reader with the file
    open sees either the old or the new ledger. With ``folder``, the current content is first
    copied there while a second connection holds the write lock (no writer slips in meanwhile)."""
    live = connect_writable(ledger, timeout=10, autocommit=True)
    guard = connect_writable(ledger, timeout=10, autocommit=True)
    previous = None
    try:
        if folder is not None:
            guard.execute("BEGIN IMMEDIATE")  # other writers wait; readers (our copy) go on
            try:
                previous = _copy_live(live, folder, ledger)
            finally:
                guard.execute("COMMIT")
        guard.close()
        src = connect_read_only(source, timeout=10)
        try:
            _backup_step_all(src, live)
        finally:
            src.close()
        if live.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            live.execute("PRAGMA journal_mode=WAL")
        live.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error as err:
        if previous is None and folder is not None:
            raise LedgerError(_disk_message(err, folder) + "台账未做任何修改。") from err
        raise LedgerError(f"恢复未完成（{err}）。恢复前的台账副本：{previous}。") from err
    finally:
        guard.close()
        live.close()
    return previous


def restore_backup(backup: str | Path, ledger_path: str | Path, folder: str | Path | None = None,
                   hold_lock: bool = True) -> RestoreResult:
    """Restore a verified backup into the ledger, keeping a copy of the current ledger first.

    Never under a live writer: the writer lock is taken for the duration (a ledger another
    instance or command writes is refused). The window, which already holds the lock, passes
    ``hold_lock=False``. The backup is copied INTO the live file with SQLite's backup API, never
    by replacing or deleting files an open connection uses. Issued notices the backup lacks are
    official records: they are carried over, so a document number once issued stays used.
    """
    source = Path(backup).expanduser().resolve()
    ledger = Path(ledger_path).expanduser().resolve()
    if source == ledger:
        raise LedgerError("不能用台账文件自己恢复自己，请选择一份备份。")
    if ledger.exists() and (not os.access(ledger, os.W_OK) or not os.access(ledger.parent, os.W_OK)):
        raise LedgerError(f"台账文件 {ledger.name} 或它所在的文件夹是只读的，不能恢复。台账未做任何修改。")
    info = inspect_backup(source, full=True)
    if not info.ok:
        raise LedgerDamaged(f"这份备份不能用：{info.problem}。台账未做任何修改。")
    lock = acquire_writer_lock(ledger) if hold_lock else None
    try:
        folder_path = Path(folder).expanduser() if folder else backup_dir()
        if not ledger.exists() or ledger.stat().st_size == 0:
            previous = None
            staging = ledger.with_name(ledger.name + ".restoring")
            try:
                _copy_with_backup_api(source, staging)
                with open(staging, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(staging, ledger)
            except (sqlite3.Error, OSError) as err:
                staging.unlink(missing_ok=True)
                raise LedgerError(_disk_message(err, ledger.parent) + "台账未做任何修改。") from err
        elif inspect_backup(ledger, full=False).ok:
            previous = _restore_into_live(source, ledger, folder_path)
        else:
            previous = _keep_raw(ledger, folder_path)
            try:
                _restore_into_live(source, ledger, None)
            except LedgerError:
                # Too damaged for SQLite to write into: replace it. Its bytes and its WAL are kept above,
                # and we hold the writer lock, so no instance of ours has it open.
                staging = ledger.with_name(ledger.name + ".restoring")
                try:
                    _copy_with_backup_api(source, staging)
                    for side in _sidecars(ledger):
                        side.unlink(missing_ok=True)
                    os.replace(staging, ledger)
                except (sqlite3.Error, OSError) as err:
                    staging.unlink(missing_ok=True)
                    raise LedgerError(_disk_message(err, ledger.parent) + "台账未做任何修改。") from err
        kept: tuple[str, ...] = ()
        if previous is not None and previous.suffix == ".sqlite":
            kept = carry_issued_notices(previous, ledger)
        _record_restore(ledger, source, previous)  # after the carried-over notices: they are in the chain
    finally:
        if lock is not None:
            lock.release()
    return RestoreResult(source, previous, info, kept)


def _as_python(kind: object, value: object) -> object:
    """SQLite hands back dates as text; the model's columns want date objects."""
    if isinstance(value, str) and isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(value, str) and isinstance(kind, Date):
        return datetime.fromisoformat(value).date()
    return value


def carry_issued_notices(previous: Path, ledger: Path) -> tuple[str, ...]:
    """Put every issued notice of ``previous`` that ``ledger`` lacks (by document number) back into
    ``ledger``, as one audited operation. Upgrades ``ledger`` first if the backup was older."""
    # SQLAlchemy, the models and Alembic load only on a restore, not when the window's backups start.
    from .db import make_engine
    from .ledger import Ledger
    from .migrate import head_revision, migrate_file
    from .models import IssuedNotice
    from .ops.history import ChangeRecord, operation

    conn = connect_read_only(previous)
    try:
        conn.row_factory = sqlite3.Row
        try:
            rows = conn.execute("SELECT * FROM issued_notices ORDER BY id").fetchall()
        except sqlite3.Error:
            return ()
    finally:
        conn.close()
    if not rows:
        return ()
    check = connect_read_only(ledger, timeout=10)
    try:
        revision = check.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        have = {r[0] for r in check.execute("SELECT doc_number FROM issued_notices")}
    finally:
        check.close()
    missing = [r for r in rows if r["doc_number"] not in have]
    if not missing:
        return ()
    if revision != head_revision():
        migrate_file(ledger)  # the restored backup is older; opening would upgrade it anyway
    columns = {c.key for c in IssuedNotice.__table__.columns} - {"id"}
    engine = make_engine(f"sqlite:///{ledger}")
    led = Ledger(engine, "恢复备份")
    try:
        with operation(led, "恢复备份时保留已签发的通报", undoable=False) as op:
            for r in missing:
                values = {k: _as_python(IssuedNotice.__table__.columns[k].type, r[k]) for k in r.keys() if k in columns}
                row = IssuedNotice(**values)
                op.session.add(row)
                op.session.flush()
                op.change.records.append(ChangeRecord("notice", row.id, "insert", None, {
                    "id": row.id, "period": row.period, "doc_number": row.doc_number, "serial": row.serial,
                    "year": row.year, "issue_date": str(row.issue_date), "sha256": row.sha256,
                    "size": len(row.pdf or b""), "operator": row.operator, "kept_on_restore": True}))
    finally:
        led.close()
    return tuple(r["doc_number"] for r in missing)


def backups_of(ledger_path: Path, extra_folder: Path | None = None) -> list[Path]:
    """This ledger's backup files in ``extra_folder`` and every known folder (for `check`'s anchors)."""
    mine, ledger = ledger_id(ledger_path), Path(ledger_path).resolve()
    found: list[Path] = []
    for folder in ([extra_folder] if extra_folder else []) + known_folders():
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for p in entries:
            m = _NAME.match(p.name)
            if m and m["id"] == mine and p.resolve() != ledger and p.resolve() not in found:
                found.append(p.resolve())
    return found


def _record_restore(ledger: Path, source: Path, previous: Path | None) -> None:
    """Tamper evidence: the restore goes into the audit chain with the head it discarded, so the
    anchors of the discarded branch (the backups made since) are not taken for a rewritten chain."""
    from .audit_chain import record_restore  # only on a restore (it loads SQLAlchemy)

    try:
        record_restore(ledger, source, previous)
    except Exception:  # noqa: BLE001 - the restore itself is done; `zsdesk check` will say what is missing
        log.exception("recording the restore in the audit log failed")


# --- automatic backups ----------------------------------------------------------------------

class AutoBackup:
    """The window's automatic backups: on open, every N operations, on close.

    ``AutoBackup(ledger).attach()`` counts committed operations through a session event (no call
    needed after each operation); ``on_open()`` and ``on_close()`` are called by the window.
    Failures never raise: the Chinese message is kept in ``last_error`` for the status bar, and the
    backup goes to the default folder when the configured one (a USB drive) is missing.
    """

    def __init__(self, ledger: Ledger, every: int | None = None) -> None:
        self.ledger = ledger
        self.every = every if every is not None else int(ledger.get_setting("backup.every_operations", 50) or 0)
        self.pending = 0
        self.last: BackupInfo | None = None
        self.last_error: str | None = None

    def attach(self) -> AutoBackup:
        sessions = self.ledger._sessions  # noqa: SLF001 - the ledger's own sessionmaker

        def wrote(session: Session, _ctx: Any) -> None:
            session.info["zsdesk_wrote"] = True

        def committed(session: Session) -> None:
            if session.info.pop("zsdesk_wrote", False):
                self.note_operation()

        event.listen(sessions, "after_flush", wrote)
        event.listen(sessions, "after_commit", committed)
        return self

    def note_operation(self, count: int = 1) -> BackupInfo | None:
        self.pending += count
        if self.every > 0 and self.pending >= self.every:
            return self.backup("定时")
        return None

    def on_open(self) -> BackupInfo | None:
        return self.backup("打开时")

    def on_close(self) -> BackupInfo | None:
        return self.backup("关闭时") if self.pending or self.last is None else None

    def backup(self, reason: str) -> BackupInfo | None:
        path = self.ledger.path
        if path is None:
            return None  # a PostgreSQL ledger is backed up by its server
        try:
            folder = configured_folder(self.ledger)
        except Exception:  # noqa: BLE001 - settings unreadable: use the default folder
            folder = backup_dir()
        try:
            try:
                info = create_backup(path, folder, reason)
            except LedgerError as err:
                if folder == backup_dir() or isinstance(err, LedgerDamaged):
                    raise
                info = create_backup(path, backup_dir(), reason)
                self.last_error = f"{err}已改为备份到 {backup_dir()}。"
            else:
                self.last_error = None
        except LedgerError as err:
            self.last_error = str(err)
            log.warning("automatic backup failed: %s", err)
            return None
        self.pending = 0
        self.last = info
        return info
