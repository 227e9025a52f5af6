"""Writing output files (exports, templates, notices, backups to a chosen file) safely.

Two rules, one place:

- :func:`refuse_output` — an output path that is the ledger, any ledger file (an SQLite header),
  a backup, or inside a backup folder is refused: a mistyped ``-o`` must never overwrite data.
- :func:`write_atomically` — every output is written to a temporary name in the same folder and
  renamed over the target, so a failed write leaves the previous file as it was and no half file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .backup import _NAME, known_folders
from .errors import LedgerError
from .sqlite_file import SQLITE_HEADER

_LEDGER_SIDECARS = ("-wal", "-shm", "-journal", ".lock")


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def refuse_output(path: str | Path, ledger_path: str | Path | None = None,
                  backup_folders: Iterable[str | Path] | None = None) -> Path:
    """The resolved output path, or a ``LedgerError`` (Chinese) when writing it could destroy data."""
    text = str(path)
    if not text.strip():
        raise LedgerError("输出文件名不能为空。")
    out = Path(text).expanduser().resolve()
    if out.is_dir():
        raise LedgerError(f"{out} 是一个文件夹，请给出输出文件名。")
    if ledger_path is not None and "://" not in str(ledger_path):
        ledger = Path(ledger_path).expanduser().resolve()
        if out == ledger or out.name in {ledger.name + s for s in _LEDGER_SIDECARS} and out.parent == ledger.parent:
            raise LedgerError(f"输出文件 {out.name} 就是台账文件本身，写入会毁掉台账。请换一个文件名，未做任何修改。")
    if out.exists():
        try:
            with open(out, "rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
        except OSError:
            head = b""
        if head == SQLITE_HEADER:
            raise LedgerError(f"输出文件 {out.name} 是一个台账或备份文件，写入会毁掉它。请换一个文件名，未做任何修改。")
    if _NAME.match(out.name) or "升级前备份" in out.name or "恢复前" in out.name:
        raise LedgerError(f"输出文件 {out.name} 是备份文件的名字，请换一个文件名，未做任何修改。")
    folders = list(backup_folders or [])
    try:
        folders += known_folders()
    except OSError:
        pass
    for folder in folders:
        try:
            resolved = Path(folder).expanduser().resolve()
        except OSError:
            continue
        if _is_within(out, resolved):
            raise LedgerError(f"输出文件不能放在备份文件夹 {resolved} 里（那里只放备份），请换一个位置，未做任何修改。")
    return out


def write_atomically(path: str | Path, write: Callable[[Path], object], suffix: str | None = None) -> Path:
    """Call ``write(temp_path)`` and rename the result over ``path``; on any failure the temporary
    file is removed and ``path`` keeps its previous content. Returns ``path``."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise LedgerError(f"输出文件夹不存在：{folder}")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".zsdesk-", suffix=suffix or target.suffix, dir=folder)
    except OSError as err:
        raise LedgerError(f"无法写入文件夹 {folder}：{_reason(err)}") from err
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except PermissionError as err:
        tmp.unlink(missing_ok=True)
        raise LedgerError(f"无法写入 {target.name}：文件可能正在 Excel/WPS 中打开，请关闭后重试。") from err
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise LedgerError(f"无法写入 {target}：{_reason(err)}，原有文件未改动。") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_bytes_atomically(path: str | Path, data: bytes) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


def _reason(err: OSError) -> str:
    if err.errno == 28:
        return "磁盘空间已满"
    return str(err.strerror or err)
