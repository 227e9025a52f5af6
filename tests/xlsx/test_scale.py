"""Scale: project codes past 9,999 a year; xlsx part-size and cell-count limits; not-a-file paths."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, update

from zsdesk import ops
from zsdesk.errors import LedgerError
from zsdesk.models import Project
from zsdesk.xlsx.importer import import_file


def test_codes_go_past_9999_by_number(ledger, tmp_path):
    first = ops.create_project(ledger, {"name": "第一个", "first_contact_date": "2026-01-05"}).ids("project")[0]
    with ledger.session() as s:
        s.execute(update(Project).where(Project.id == first).values(code="2026-9999"))
        s.commit()
    codes = []
    for i in range(2):
        pid = ops.create_project(ledger, {"name": f"新项目{i}", "first_contact_date": "2026-02-01"}).ids("project")[0]
        with ledger.reading() as s:
            codes.append(s.scalar(select(Project.code).where(Project.id == pid)))
    assert codes == ["2026-10000", "2026-10001"]
    # an import allocates the same way
    wb = Workbook()
    wb.active.append(["项目名称", "首次接洽日期"])
    wb.active.append(["导入的项目", "2026-03-01"])
    wb.save(tmp_path / "p.xlsx")
    assert import_file(ledger, "projects", tmp_path / "p.xlsx", dry_run=False).written
    with ledger.reading() as s:
        assert s.scalar(select(Project.code).where(Project.name == "导入的项目")) == "2026-10002"


# -- xlsx bombs under the compression-ratio limit --------------------------------------------------

def _workbook(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(["项目名称", "投资方"])
    wb.active.append(["甲项目", "甲公司"])
    wb.save(path)
    return path


SST_REL = ('<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SST_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sharedStrings+xml"/></Types>')


def _replace_member(path: Path, member: str, chunks) -> None:  # type: ignore[no-untyped-def]
    """Rewrite (or add) ``member`` of an openpyxl-made file with streamed bytes (deflate level 1: fast).
    A shared-strings part is also registered, so openpyxl really reads it."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                continue
            if member.endswith("sharedStrings.xml") and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", SST_REL.encode())
            if member.endswith("sharedStrings.xml") and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SST_TYPE.encode())
            out.writestr(info, data)
        with out.open(member, "w") as fh:
            for chunk in chunks:
                fh.write(chunk)


def _refused_quickly(ledger, path: Path, *words: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with pytest.raises(LedgerError) as info:
        import_file(ledger, "projects", path, dry_run=True)
    elapsed = time.perf_counter() - started
    for word in words:
        assert word in str(info.value), str(info.value)
    assert elapsed < 5, f"took {elapsed:.1f} s"
    return elapsed


SST_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">')


def test_shared_strings_bomb_of_many_small_texts_is_refused_quickly(ledger, tmp_path):
    path = _workbook(tmp_path / "sst.xlsx")

    def chunks():  # type: ignore[no-untyped-def]
        yield SST_HEAD + "<si><t>项目名称</t></si><si><t>投资方</t></si>".encode()
        for start in range(0, 2_500_000, 100_000):
            yield b"".join(b"<si><t>%d</t></si>" % i for i in range(start, start + 100_000))
        yield b"</sst>"
    _replace_member(path, "xl/sharedStrings.xml", chunks())
    info = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml")
    assert info.file_size < 200 * info.compress_size  # under the ratio limit
    _refused_quickly(ledger, path, "上限", "拒绝读取")


def test_shared_strings_part_too_large_is_refused_before_reading(ledger, tmp_path):
    path = _workbook(tmp_path / "big.xlsx")
    block = os.urandom(1 << 19).hex().encode()  # 1 MB of text that deflate cannot shrink much

    def chunks():  # type: ignore[no-untyped-def]
        yield SST_HEAD + "<si><t>项目名称</t></si><si><t>投资方</t></si><si><t>".encode()
        for _ in range(110):
            yield block
        yield b"</t></si></sst>"
    _replace_member(path, "xl/sharedStrings.xml", chunks())
    info = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml")
    assert info.file_size > 100_000_000 and info.file_size < 200 * info.compress_size
    _refused_quickly(ledger, path, "sharedStrings.xml", "上限")


def test_a_sheet_with_too_many_cells_is_refused_quickly(ledger, tmp_path):
    path = _workbook(tmp_path / "cells.xlsx")
    row = b"<c><v>1</v></c>" * 16_384  # a full-width row, no cell references

    def chunks():  # type: ignore[no-untyped-def]
        yield (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
               + "项目名称".encode() + b"</t></is></c></row>")
        for r in range(2, 400):
            yield b'<row r="%d">' % r + row + b"</row>"
        yield b"</sheetData></worksheet>"
    _replace_member(path, "xl/worksheets/sheet1.xml", chunks())
    _refused_quickly(ledger, path, "单元格", "上限")


def test_a_huge_declared_width_is_not_padded_into_every_row(ledger, tmp_path):
    """A dimension of A1:XFD200000 made openpyxl pad every row to 16,384 cells."""
    path = _workbook(tmp_path / "wide.xlsx")

    def chunks():  # type: ignore[no-untyped-def]
        yield (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><dimension ref="A1:XFD20000"/><sheetData>'
               b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + "项目名称".encode() + b"</t></is></c></row>")
        yield b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>P%d</t></is></c></row>' % (r, r, r)
                       for r in range(2, 20_001))
        yield b"</sheetData></worksheet>"
    _replace_member(path, "xl/worksheets/sheet1.xml", chunks())
    started = time.perf_counter()
    report = import_file(ledger, "projects", path, dry_run=True)
    assert report.ok and report.rows_read == 19_999
    assert time.perf_counter() - started < 30


# -- not a regular file ------------------------------------------------------------------------------

def test_a_fifo_a_folder_and_a_device_are_refused_without_hanging(ledger, tmp_path):
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    for path, word in ((fifo, "命名管道"), (folder, "文件夹"), (Path("/dev/null"), "设备"), (Path("/dev/zero"), "设备")):
        started = time.perf_counter()
        with pytest.raises(LedgerError) as info:
            import_file(ledger, "projects", path)
        assert word in str(info.value) and time.perf_counter() - started < 2


def test_cli_import_of_a_fifo_exits_2_at_once(ledger, tmp_path):
    fifo = tmp_path / "p.xlsx"
    os.mkfifo(fifo)
    run = subprocess.run([sys.executable, "-m", "zsdesk", "import", "projects", str(fifo), "--db", str(ledger.path),
                          "--dry-run"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "命名管道" in run.stderr and run.stderr.count("\n") == 1


def test_a_real_xls_gets_its_own_message(ledger, tmp_path):
    path = tmp_path / "旧格式.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "Workbook".encode("utf-16-le"))
    with pytest.raises(LedgerError) as info:
        import_file(ledger, "projects", path)
    assert "这是旧版 Excel 97-2003 文件（.xls），请在 Excel/WPS 中另存为 .xlsx 后再导入" in str(info.value)
    assert "只是扩展名" not in str(info.value)
