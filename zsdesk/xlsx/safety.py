"""Checks a file before openpyxl opens it: the wrong format, a password, a zip bomb, too many rows.

Each problem is a ``LedgerError`` with a Chinese message that tells the clerk what to do.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LedgerError

MAX_ROWS = 200_000  # rows one import may hold
MAX_CELLS = 6_000_000  # cells of one sheet (200,000 rows × 30 columns)
MAX_SHARED_STRINGS = 2_000_000  # texts of a workbook's shared-strings part
MAX_UNCOMPRESSED = 1_000_000_000  # bytes, all members together
MAX_PART = 400_000_000  # bytes of one uncompressed member (a 200,000-row sheet is ~100 MB)
MAX_SHARED_STRINGS_PART = 100_000_000  # bytes of xl/sharedStrings.xml uncompressed
MAX_RATIO = 200  # uncompressed ÷ compressed for any member over 10 MB
MAX_OLE_SCAN = 64_000_000  # bytes of an OLE (.xls / encrypted) file searched for its stream names
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

SAVE_AS = "请在 Excel 或 WPS 中打开它，另存为“Excel 工作簿（*.xlsx）”后再导入。"


class BadFile(LedgerError):
    """The file cannot be read as an xlsx workbook."""


def check_file(path: Path) -> None:
    """Raise ``BadFile`` unless ``path`` looks like a readable, reasonable xlsx workbook."""
    name = path.name
    head = _read_head(path)
    if not head:
        raise BadFile(f"{name} 是空文件（0 字节）。")
    if head.startswith(OLE_MAGIC):
        with open(path, "rb") as fh:
            data = fh.read(MAX_OLE_SCAN)
        if ENCRYPTED_STREAM in data:
            raise BadFile(f"{name} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开并取消密码"
                          "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），保存后再导入。")
        if "WordDocument".encode("utf-16-le") in data:
            raise BadFile(f"{name} 是旧版 Word 文档（.doc），不是 Excel 工作簿。")
        raise BadFile(f"{name}：这是旧版 Excel 97-2003 文件（.xls），请在 Excel/WPS 中另存为 .xlsx 后再导入。")
    if not head.startswith(b"PK\x03\x04"):
        raise BadFile(f"{name} 不是 Excel 工作簿：{_guess(head)}。{SAVE_AS}")
    _check_zip(path)


_NOT_A_FILE = ((stat.S_ISDIR, "是文件夹"), (stat.S_ISFIFO, "是命名管道"), (stat.S_ISCHR, "是设备"),
               (stat.S_ISBLK, "是设备"), (stat.S_ISSOCK, "是套接字"))


def _read_head(path: Path) -> bytes:
    """The first 4 KB of a regular file. Anything else (a folder, a FIFO, a device, a socket) is
    refused without reading from it: opening a FIFO for reading would wait for a writer for ever."""
    name = path.name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError as err:
        raise BadFile(f"找不到文件：{path}") from err
    except IsADirectoryError as err:
        raise BadFile(f"{name} 是文件夹，不是 Excel 文件。") from err
    except OSError as err:
        raise BadFile(f"无法读取 {name}：{err.strerror or err}（文件可能正在被其他程序使用）。") from err
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = next((text for test, text in _NOT_A_FILE if test(mode)), "不是普通文件")
            if stat.S_ISDIR(mode):
                raise BadFile(f"{name} 是文件夹，不是 Excel 文件。")
            raise BadFile(f"{name} {what}，不是普通文件，不能导入。请选择一个 .xlsx 文件。")
        try:
            return os.read(fd, 4096)
        except OSError as err:
            raise BadFile(f"无法读取 {name}：{err.strerror or err}（文件可能正在被其他程序使用）。") from err
    finally:
        os.close(fd)


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
                limit = MAX_SHARED_STRINGS_PART if info.filename.endswith("sharedStrings.xml") else MAX_PART
                if info.file_size > limit:
                    raise BadFile(f"{name} 中的“{info.filename}”解压后有 {info.file_size // 1_000_000:,} MB，"
                                  f"超过单个部分 {limit // 1_000_000} MB 的上限（疑似“压缩炸弹”或异常文件），"
                                  "为安全起见拒绝读取。请按单位或年度拆分成几个文件后再导入。")
            if total > MAX_UNCOMPRESSED:
                raise BadFile(f"{name} 解压后超过 {MAX_UNCOMPRESSED // 1_000_000} MB，超出导入上限。"
                              "请按单位或年度拆分成几个文件后再导入。")
    except zipfile.BadZipFile as err:
        raise BadFile(f"{name} 已损坏，无法作为 Excel 工作簿打开（{err}）。请重新保存或让对方重新发送。") from err


@dataclass
class SheetScan:
    """What a quick pass over one sheet's XML finds before openpyxl parses it."""

    rows: int = 0
    cells: int = 0
    formulas: int = 0
    merged: list[str] = field(default_factory=list)


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_SHARED = re.compile(rb"<(?:\w+:)?si[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+\d+)\"")


def _counter(prefixed: bool, pattern: re.Pattern[bytes], plain: tuple[bytes, ...]) -> Callable[[bytes], int]:
    """Count a tag in a chunk: ``bytes.count`` (fast) unless the XML uses a namespace prefix."""
    if prefixed:
        return lambda data: len(pattern.findall(data))
    return lambda data: sum(data.count(p) for p in plain)


def scan_sheet(path: Path, member: str, max_rows: int = MAX_ROWS) -> SheetScan:
    """Count rows, cells and formulas and collect merged ranges, streaming; stop early past the limits."""
    scan = SheetScan()
    read = 0
    tail = b""
    counters = None
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_UNCOMPRESSED:
                raise BadFile(f"{path.name} 的工作表解压后过大，超出导入上限。")
            data = tail + chunk
            if counters is None:
                prefixed = re.search(rb"<\w+:worksheet[\s>]", data[:4096]) is not None
                counters = (_counter(prefixed, _ROW, (b"<row ", b"<row>")),
                            _counter(prefixed, _CELL, (b"<c ", b"<c>", b"<c/>")),
                            _counter(prefixed, _FORMULA, (b"<f ", b"<f>", b"<f/>")))
            # Cut at the last tag start, so no tag is split between two chunks.
            cut = max(data.rfind(b"<"), 0)
            body = data[:cut]
            scan.rows += counters[0](body)
            scan.cells += counters[1](body)
            scan.formulas += counters[2](body)
            if b"mergeCell" in body:
                scan.merged += [m.decode() for m in _MERGE.findall(body)]
            tail = data[cut:]
            if scan.rows > max_rows + 50:
                raise too_many_rows(path.name, max_rows)
            if scan.cells > MAX_CELLS:
                raise too_many_cells(path.name)
        if counters is not None:
            scan.rows += counters[0](tail)
            scan.cells += counters[1](tail)
            scan.formulas += counters[2](tail)
        scan.merged += [m.decode() for m in _MERGE.findall(tail)]
    if scan.rows > max_rows + 50:
        raise too_many_rows(path.name, max_rows)
    if scan.cells > MAX_CELLS:
        raise too_many_cells(path.name)
    return scan


def count_shared_strings(path: Path, member: str) -> int:
    """Count the texts of the shared-strings part, streaming; refuse past ``MAX_SHARED_STRINGS``.

    openpyxl reads every shared string into memory before the first row: a part full of tiny
    texts (well under the ratio and size limits) would otherwise take minutes and gigabytes."""
    count = 0
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            cut = max(data.rfind(b"<"), 0)
            body = data[:cut]
            count += body.count(b"<si>") + body.count(b"<si ") if b":si" not in body else len(_SHARED.findall(body))
            tail = data[cut:]
            if count > MAX_SHARED_STRINGS:
                raise too_many_cells(path.name)
        count += len(_SHARED.findall(tail))
    if count > MAX_SHARED_STRINGS:
        raise too_many_cells(path.name)
    return count


def scan_sheets(path: Path, max_rows: int = MAX_ROWS) -> dict[str, SheetScan]:
    """Scan every worksheet before openpyxl opens the file: openpyxl itself parses a whole sheet
    that lacks a size tag just to size it, so a huge sheet must be refused first."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    for member in names:
        if member.lower().endswith("sharedstrings.xml"):
            count_shared_strings(path, member)
    members = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    return {member: scan_sheet(path, member, max_rows) for member in members}


def too_many_cells(name: str) -> BadFile:
    return BadFile(f"{name} 的单元格或文字条目超过一次导入的上限（{MAX_CELLS:,} 个单元格、"
                   f"{MAX_SHARED_STRINGS:,} 条文字），疑似异常文件，为安全起见拒绝读取。请拆分成几个文件分批导入。")


def too_many_rows(name: str, max_rows: int) -> BadFile:
    return BadFile(f"{name} 的行数超过一次导入的上限 {max_rows:,} 行。请拆分成几个文件分批导入。")
