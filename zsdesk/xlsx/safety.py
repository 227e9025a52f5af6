"""Checks a file before openpyxl opens it: the wrong format, a password, a zip bomb, too many rows.

Each problem is a ``LedgerError`` with a Chinese message that tells the clerk what to do.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LedgerError

MAX_ROWS = 200_000  # rows one import may hold
MAX_UNCOMPRESSED = 1_000_000_000  # bytes, all members together
MAX_RATIO = 200  # uncompressed ÷ compressed for any member over 10 MB
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

SAVE_AS = "请在 Excel 或 WPS 中打开它，另存为“Excel 工作簿（*.xlsx）”后再导入。"


class BadFile(LedgerError):
    """The file cannot be read as an xlsx workbook."""


def check_file(path: Path) -> None:
    """Raise ``BadFile`` unless ``path`` looks like a readable, reasonable xlsx workbook."""
    name = path.name
    if not path.exists():
        raise BadFile(f"找不到文件：{path}")
    if path.is_dir():
        raise BadFile(f"{name} 是文件夹，不是 Excel 文件。")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as err:
        raise BadFile(f"无法读取 {name}：{err.strerror or err}（文件可能正在被其他程序使用）。") from err
    if not head:
        raise BadFile(f"{name} 是空文件（0 字节）。")
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if ENCRYPTED_STREAM in data:
            raise BadFile(f"{name} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开并取消密码"
                          "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），保存后再导入。")
        raise BadFile(f"{name} 是旧版 Excel 97-2003 格式（.xls），只是扩展名为 .xlsx。{SAVE_AS}")
    if not head.startswith(b"PK\x03\x04"):
        raise BadFile(f"{name} 不是 Excel 工作簿：{_guess(head)}。{SAVE_AS}")
    _check_zip(path)


def _guess(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] == b"<":
        return "它是网页或 XML 格式（常见于从网页系统导出的“Excel”）"
    if text.startswith(b"%PDF"):
        return "它是 PDF 文件"
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = text.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(sep in decoded for sep in (",", "\t", "，")):
            return "它是 CSV 或文本文件，只是扩展名改成了 .xlsx"
        return "它是文本文件"
    return "无法识别它的格式"


def _check_zip(path: Path) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                if "word/document.xml" in names:
                    raise BadFile(f"{name} 是 Word 文档，不是 Excel 工作簿。")
                if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype")[:100]:
                    raise BadFile(f"{name} 是 ODS 表格（WPS/LibreOffice 格式）。{SAVE_AS}")
                raise BadFile(f"{name} 不是 Excel 工作簿（是一个其他内容的压缩包）。")
            total = 0
            for info in infos:
                total += info.file_size
                big = info.file_size > 10_000_000
                if big and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise BadFile(f"{name} 的内容异常（压缩比过高，疑似“压缩炸弹”），为安全起见拒绝读取。")
            if total > MAX_UNCOMPRESSED:
                raise BadFile(f"{name} 解压后超过 {MAX_UNCOMPRESSED // 1_000_000} MB，超出导入上限。"
                              "请按单位或年度拆分成几个文件后再导入。")
    except zipfile.BadZipFile as err:
        raise BadFile(f"{name} 已损坏，无法作为 Excel 工作簿打开（{err}）。请重新保存或让对方重新发送。") from err


@dataclass
class SheetScan:
    """What a quick pass over one sheet's XML finds before openpyxl parses it."""

    rows: int = 0
    formulas: int = 0
    merged: list[str] = field(default_factory=list)


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+\d+)\"")


def scan_sheet(path: Path, member: str, max_rows: int = MAX_ROWS) -> SheetScan:
    """Count rows and formulas and collect merged ranges, streaming; stop early past ``max_rows``."""
    scan = SheetScan()
    read = 0
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_UNCOMPRESSED:
                raise BadFile(f"{path.name} 的工作表解压后过大，超出导入上限。")
            data = tail + chunk
            # Cut at the last tag start, so no tag is split between two chunks.
            cut = max(data.rfind(b"<"), 0)
            body = data[:cut]
            scan.rows += len(_ROW.findall(body))
            scan.formulas += len(_FORMULA.findall(body))
            scan.merged += [m.decode() for m in _MERGE.findall(body)]
            tail = data[cut:]
            if scan.rows > max_rows + 50:
                raise too_many_rows(path.name, max_rows)
        scan.rows += len(_ROW.findall(tail))
        scan.formulas += len(_FORMULA.findall(tail))
        scan.merged += [m.decode() for m in _MERGE.findall(tail)]
    if scan.rows > max_rows + 50:
        raise too_many_rows(path.name, max_rows)
    return scan


def scan_sheets(path: Path, max_rows: int = MAX_ROWS) -> dict[str, SheetScan]:
    """Scan every worksheet before openpyxl opens the file: openpyxl itself parses a whole sheet
    that lacks a size tag just to size it, so a huge sheet must be refused first."""
    with zipfile.ZipFile(path) as zf:
        members = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    return {member: scan_sheet(path, member, max_rows) for member in members}


def too_many_rows(name: str, max_rows: int) -> BadFile:
    return BadFile(f"{name} 的行数超过一次导入的上限 {max_rows:,} 行。请拆分成几个文件分批导入。")
