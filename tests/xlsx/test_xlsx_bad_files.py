"""Any file a unit might send: a clear Chinese LedgerError, never a traceback, nothing written."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from zsdesk.errors import LedgerError
from zsdesk.models import Project
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.safety import MAX_ROWS


def project_count(ledger) -> int:
    with ledger.reading() as s:
        return s.scalar(select(func.count()).select_from(Project))


def refused(ledger, path: Path, *words: str, kind: str = "projects") -> str:
    before = project_count(ledger)
    with pytest.raises(LedgerError) as info:
        import_file(ledger, kind, path, dry_run=False)
    message = str(info.value)
    for word in words:
        assert word in message, message
    assert project_count(ledger) == before
    return message


def simple_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_old_xls_renamed(ledger, tmp_path):
    path = tmp_path / "旧格式.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "Workbook".encode("utf-16-le"))
    refused(ledger, path, ".xls", "另存为")


def test_password_protected_workbook(ledger, tmp_path):
    # An encrypted xlsx is an OLE file holding an “EncryptedPackage” stream.
    path = tmp_path / "加密.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le")
                     + b"\x00" * 20 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500)
    refused(ledger, path, "密码")


def test_csv_renamed(ledger, tmp_path):
    path = tmp_path / "项目.xlsx"
    path.write_bytes("项目名称,投资方\n某项目,某公司\n".encode("gb18030"))
    refused(ledger, path, "CSV")


def test_empty_file_and_word_document(ledger, tmp_path):
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    refused(ledger, empty, "空文件")
    doc = tmp_path / "文档.xlsx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    refused(ledger, doc, "Word")


def test_damaged_zip(ledger, tmp_path):
    good = simple_xlsx(tmp_path / "good.xlsx", [["项目名称"], ["甲"]])
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(good.read_bytes()[:400])
    refused(ledger, broken, "损坏")


def test_zip_bomb_is_refused_before_openpyxl_opens_it(ledger, tmp_path):
    path = simple_xlsx(tmp_path / "bomb.xlsx", [["项目名称"], ["甲"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\x00" * 60_000_000)  # 60 MB of zeros → ~60 KB
    refused(ledger, path, "压缩炸弹")


def _with_sheet_xml(path: Path, sheet_xml_chunks) -> None:  # type: ignore[no-untyped-def]
    """Replace sheet1 of an openpyxl-made file with streamed XML (fast for huge sheets)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open("xl/worksheets/sheet1.xml", "w") as fh:
                    for chunk in sheet_xml_chunks:
                        fh.write(chunk)
            else:
                out.writestr(info, source.read(info.filename))


def test_a_million_rows_stop_at_the_limit_quickly(ledger, tmp_path):
    path = simple_xlsx(tmp_path / "百万行.xlsx", [["项目名称"]])

    def chunks():  # type: ignore[no-untyped-def]
        yield (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe9\xa1\xb9\xe7\x9b'
               b'\xae\xe5\x90\x8d\xe7\xa7\xb0</t></is></c></row>')
        for start in range(2, 1_000_001, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r)
                           for r in range(start, min(start + 10_000, 1_000_001)))
        yield b"</sheetData></worksheet>"
    _with_sheet_xml(path, chunks())
    message = refused(ledger, path, f"{MAX_ROWS:,}", "拆分")
    assert "行" in message


def test_empty_sheet(ledger, tmp_path):
    refused(ledger, simple_xlsx(tmp_path / "空表.xlsx", []), "空的")


def test_header_only_sheet(ledger, tmp_path):
    # SPEC §5 (issue 15): headers and no data rows → “没有可导入的行”, nothing written, not an error
    report = import_file(ledger, "projects", simple_xlsx(tmp_path / "只有表头.xlsx", [["项目名称", "投资方"],
                                                                                    [None, None]]), dry_run=False)
    assert report.ok and not report.written and "没有可导入的行" in report.summary()
    assert project_count(ledger) == 0


def test_no_recognisable_header(ledger, tmp_path):
    refused(ledger, simple_xlsx(tmp_path / "乱.xlsx", [["甲", "乙"], [1, 2]]), "找不到表头")


def test_missing_required_column(ledger, tmp_path):
    refused(ledger, simple_xlsx(tmp_path / "缺列.xlsx", [["投资方", "产业链"], ["某公司", "新材料"]]), "缺少必填列", "项目名称")


def test_formulas_without_saved_results_are_reported_per_cell(ledger, tmp_path):
    ledger_units(ledger)
    path = simple_xlsx(tmp_path / "公式.xlsx", [["项目名称", "投资方", "协议资金（万元）"],
                                              ["甲项目", "甲公司", "=100*2"]])
    report = import_file(ledger, "projects", path)
    assert not report.ok
    problem = report.problems[0]
    assert (problem.row, problem.column) == (2, "协议资金（万元）")
    assert "公式" in problem.reason and "计算结果" in problem.reason
    assert any("没有保存计算结果" in n for n in report.notes)


def test_formulas_with_saved_results_use_them(ledger, tmp_path):
    path = simple_xlsx(tmp_path / "公式.xlsx", [["项目名称", "投资方", "协议资金（万元）"],
                                              ["甲项目", "甲公司", "=100*2"]])
    # Put a cached result in, as Excel or WPS would on saving.
    data = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b"<f>100*2</f><v></v>" in data or b"<f>100*2</f><v />" in data
    patched = data.replace(b"<f>100*2</f><v></v>", b"<f>100*2</f><v>200</v>").replace(
        b"<f>100*2</f><v />", b"<f>100*2</f><v>200</v>")
    _with_sheet_xml(path, [patched])
    report = import_file(ledger, "projects", path, dry_run=False)
    assert report.ok, report.problem_table()
    assert any("已按文件保存的计算结果" in n for n in report.notes)
    with ledger.reading() as s:
        assert s.scalar(select(Project.agreement_amount)) == 2_000_000


def ledger_units(ledger) -> None:  # type: ignore[no-untyped-def]
    from .conftest import fill_units_and_persons

    fill_units_and_persons(ledger)


def test_sniffing_does_not_mistake_a_real_workbook(ledger, tmp_path):
    path = simple_xlsx(tmp_path / "ok.xlsx", [["项目名称"], ["甲"]])
    assert zlib.crc32(path.read_bytes()) != 0
    report = import_file(ledger, "projects", path)
    assert report.ok and report.would_create == 1


def test_the_ledger_file_itself_given_as_the_import(ledger):
    """Picking the ledger (an SQLite file) in the import dialog: refused in Chinese, the ledger untouched."""
    from zsdesk.check import check_ledger

    refused(ledger, ledger.path, "不是 Excel 工作簿")
    assert check_ledger(ledger.path).healthy
