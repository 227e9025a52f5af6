"""The regular-expression scan of sheetData (zsdesk/xlsx/fast_sheet.py ``_scan_rows``) reads exactly what
openpyxl and the expat path read, and really is the path taken for plain sheets.

Hand-written sheets of every plain shape (attribute orders, cells and rows without ``r``, a namespace prefix,
self-closing cells and rows, inline strings, formulas with cached results, entities and character references,
CJK and characters outside the BMP, line breaks, spaces, 1E-7, 0.1+0.2, booleans, errors, empty values, gaps)
and some that are not plain (comments, CDATA, CR, spaces around "=", unknown children) are read three ways:
openpyxl, the fast reader, and the fast reader with the scan switched off. Workbooks written by openpyxl and by
LibreOffice are read both ways and must be scanned, not handed to expat.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tests.xlsx.test_fast_sheet import handmade
from zsdesk.xlsx import fast_sheet
from zsdesk.xlsx.fast_sheet import load_values_workbook, unescape_texts

ARGS: tuple[dict[str, Any], ...] = ({}, {"min_row": 2}, {"max_row": 3}, {"min_row": 2, "max_col": 4},
                                    {"min_col": 2, "max_col": 3})


def _rows(wb: Any, args: dict[str, Any]) -> list[list[tuple[Any, ...]]]:
    try:
        return [list(ws.iter_rows(values_only=True, **args)) for ws in wb.worksheets]
    finally:
        wb.close()


def read_three(path: Path, monkeypatch: pytest.MonkeyPatch, args: dict[str, Any]) -> tuple[Any, Any, Any, list[bool]]:
    """openpyxl's rows, the fast reader's, the fast reader's with the scan off; and whether each scanned stretch
    was read by the scan (True) or handed to expat (False)."""
    scanned: list[bool] = []
    real = fast_sheet._scan_rows

    def spy(*a: Any) -> Any:
        out = real(*a)
        scanned.append(out is not None)
        return out

    theirs = _rows(load_workbook(path, read_only=True, data_only=True), args)
    with monkeypatch.context() as m:
        m.setattr(fast_sheet, "_scan_rows", spy)
        ours = _rows(load_values_workbook(path), args)
    with monkeypatch.context() as m:
        m.setattr(fast_sheet, "_scan_rows", lambda *a: None)
        expat_only = _rows(load_values_workbook(path), args)
    return theirs, ours, expat_only, scanned


def same_three(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """All three agree for every slice; the scan log of the full read."""
    log: list[bool] = []
    for args in ARGS:
        theirs, ours, expat_only, scanned = read_three(path, monkeypatch, args)
        assert ours == theirs, args
        assert expat_only == theirs, args
        if not args:
            log = scanned
    return log


def _escape(text: str, refs: list[int]) -> str:
    """XML text for ``text``: & < > escaped as entities or character references (chosen by ``refs``)."""
    out = []
    for i, ch in enumerate(text):
        pick = refs[i % len(refs)] if refs else 0
        if ch in "&<>" or pick == 1:
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(ch, f"&#{ord(ch)};") if pick != 2
                       else f"&#x{ord(ch):X};")
        elif pick == 2:
            out.append(f"&#x{ord(ch):x};")
        elif ch == '"' and pick == 3:
            out.append("&quot;")
        elif ch == "'" and pick == 3:
            out.append("&apos;")
        else:
            out.append(ch)
    return "".join(out)


# characters XML allows in text (no CR: a parser turns it into LF; tested apart), CJK, outside the BMP
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
                   | st.sampled_from(list(" \t\n&<>\"'招商引资😀𠀀_x000D_")), max_size=10)
NUMBER = st.one_of(st.integers(-10**15, 10**15).map(str), st.sampled_from(
    ["1E-7", "1e-7", "1.5E3", repr(0.1 + 0.2), "0", "-0", "0.5", "45000", "45000.25", "12345678901234567"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr))


@st.composite
def cell_xml(draw: Any, row: int, column: int) -> tuple[str, bool]:
    """One cell's XML; whether it carries its ``r``."""
    from openpyxl.utils import get_column_letter

    kind = draw(st.sampled_from(["n", "", "s", "b", "e", "str", "inlineStr", "d", "empty"]))
    refs = draw(st.lists(st.integers(0, 3), max_size=4))
    with_ref = draw(st.booleans())
    attrs = []
    if with_ref:
        attrs.append(f'r="{get_column_letter(column)}{row}"')
    style = draw(st.sampled_from(["", "0", "1", "2", "3"]))
    if style:
        attrs.append(f's="{style}"')
    if kind not in ("", "empty"):
        attrs.append(f't="{kind}"')
    if draw(st.booleans()):
        attrs = draw(st.permutations(attrs))
    if draw(st.integers(0, 9)) == 0:
        attrs.append('cm="1"')
    head = "<c" + "".join(" " + a for a in attrs)
    formula = draw(st.sampled_from(["", "", "<f>A1&amp;B1</f>", '<f t="shared" si="0"/>']))
    if kind == "empty":
        return draw(st.sampled_from([head + "/>", head + "></c>", head + "><v></v></c>", head + "><v/></c>"])), with_ref
    if kind in ("n", "", "d"):
        value = draw(NUMBER) if kind != "d" else draw(st.sampled_from(["2026-03-05T00:00:00", "2026-03-05"]))
        if draw(st.integers(0, 5)) == 0:
            value = _escape(value, [1])  # digits as character references
        return f"{head}>{formula}<v>{value}</v></c>", with_ref
    if kind == "s":
        return f"{head}><v>{draw(st.integers(0, 3))}</v></c>", with_ref
    if kind == "b":
        return f"{head}>{formula}<v>{draw(st.sampled_from(['0', '1']))}</v></c>", with_ref
    if kind == "e":
        return f"{head}><v>{draw(st.sampled_from(['#N/A', '#DIV/0!', '#VALUE!', '#REF!']))}</v></c>", with_ref
    text = _escape(draw(XML_TEXT), refs)
    if kind == "str":
        return f"{head}>{formula}<v>{text}</v></c>", with_ref
    space = draw(st.sampled_from(["", ' xml:space="preserve"']))
    inner = draw(st.sampled_from([f"<t{space}>{text}</t>", f"<t{space}>{text}</t>", "<t/>", ""]))
    return draw(st.sampled_from([f"{head}><is>{inner}</is></c>", f"{head}><is>{inner}</is></c>",
                                 f"{head}><is/></c>"])), with_ref


# shapes the scan does not read: the sheet from there on goes to expat, and must still read the same
ODD = ["<!-- 注释 -->", "<![CDATA[x]]>", "\r\n", ' hidden = "0"', '<x:foo xmlns:x="urn:x"/>', "<?pi x?>"]


@st.composite
def sheet_xml(draw: Any) -> tuple[str, bool]:
    """A sheetData's rows; whether something the scan does not read was put in."""
    rows = []
    number = 0
    for _ in range(draw(st.integers(0, 6))):
        number += draw(st.integers(1, 3))
        with_ref = draw(st.booleans())
        attrs = draw(st.sampled_from(["", f' r="{number}"', f' r="{number}" spans="1:5"',
                                      f' spans="1:5" r="{number}" ht="20" customHeight="1"']))
        if not with_ref:
            attrs = draw(st.sampled_from(["", ' spans="1:5"']))
            number = 0 if not rows else number  # rows without r count from the previous row
        cells = []
        column = 0
        for _ in range(draw(st.integers(0, 6))):
            column += draw(st.integers(1, 3))
            xml, cell_ref = draw(cell_xml(number or 1, column))
            if not cell_ref:
                column = (column - 1) if cells else column
            cells.append(xml)
        sep = draw(st.sampled_from(["", "", "\n  "]))
        body = sep.join(cells)
        rows.append(f"<row{attrs}/>" if not cells and draw(st.booleans()) else f"<row{attrs}>{body}</row>")
    odd = False
    if rows and draw(st.integers(0, 4)) == 0:  # now and then something the scan leaves to expat
        at = draw(st.integers(0, len(rows) - 1))
        thing = draw(st.sampled_from(ODD))
        if thing == ' hidden = "0"':
            rows[at] = rows[at].replace("<row", "<row" + thing, 1)
        else:
            rows[at] = rows[at] + thing
        odd = True
    return draw(st.sampled_from(["", "\n"])).join(rows), odd


STRINGS = ('<si><t xml:space="preserve"> 招商 </t></si><si><r><t>重庆</t></r><r><t>巫溪</t></r></si>'
           '<si><t>甲&amp;乙</t></si><si><t/></si>')


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheet_xml(), prefix=st.sampled_from(["", "", "x"]), dim=st.booleans(), date1904=st.booleans())
def test_handwritten_sheets_read_the_same_three_ways(tmp_path_factory: Any, monkeypatch: pytest.MonkeyPatch,
                                                     sheet: tuple[str, bool], prefix: str, dim: bool,
                                                     date1904: bool) -> None:
    rows, odd = sheet
    if prefix:
        rows = (rows.replace("</", "\x00").replace("<", f"<{prefix}:").replace("\x00", f"</{prefix}:")
                .replace(f"<{prefix}:!", "<!").replace(f"<{prefix}:?", "<?").replace(f"<{prefix}:x:", "<x:"))
    path = handmade(tmp_path_factory.mktemp("scan") / "book.xlsx", rows, STRINGS, prefix,
                    (f'<{prefix}:dimension ref="A1:Z30"/>' if prefix else '<dimension ref="A1:Z30"/>') if dim else "",
                    date1904)
    log = same_three(path, monkeypatch)
    if not odd:
        assert all(log), rows  # a plain sheet is read by the scan, never by expat


def test_plain_and_odd_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c t="s" r="C1"><v>2</v></c><c r="D1"/></row>'
             '<row><c><v>1E-7</v></c><c><v>0.30000000000000004</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c>'
             '<c t="inlineStr"><is><t xml:space="preserve"> &#x1F600;&#128512; a&lt;b&gt;c\n</t></is></c>'
             '<c t="str"><f>A1</f><v>&#39033;&#30446;</v></c><c s="1"><v>45000</v></c><c s="3"><v>1.25</v></c></row>'
             '<row r="5" spans="1:3"/><row r="7" spans="1:3"><c r="B7" t="inlineStr"><is><t/></is></c>'
             '<c r="C7" t="inlineStr"><is/></c><c r="D7" t="inlineStr"/><c r="E7" t="d"><v>2026-03-05T00:00:00</v></c>'
             '</row>')
    log = same_three(handmade(tmp_path / "plain.xlsx", plain, STRINGS), monkeypatch)
    assert log == [True]
    _, ours, _, _ = read_three(tmp_path / "plain.xlsx", monkeypatch, {})
    assert ours[0][1][4] == " 😀😀 a<b>c\n" and ours[0][1][5] == "项目" and ours[0][1][:2] == (1e-7, 0.30000000000000004)
    for odd in ODD:
        path = handmade(tmp_path / f"odd{ODD.index(odd)}.xlsx", plain.replace("</row>", "</row>" + odd, 1)
                        if odd != ' hidden = "0"' else plain.replace('<row r="5"', '<row hidden = "0" r="5"'), STRINGS)
        log = same_three(path, monkeypatch)
        assert log == [False], odd


def test_bad_references_raise_as_expat_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for text in ("a & b", "&nbsp;", "&#0;", "&#xD800;"):
        path = handmade(tmp_path / "bad.xlsx", f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>')
        with pytest.raises(Exception):  # noqa: B017 - openpyxl's and expat's own errors
            _rows(load_workbook(path, read_only=True, data_only=True), {})
        with pytest.raises(Exception):  # noqa: B017
            _rows(load_values_workbook(path), {})
    assert unescape_texts({"&#21407;&amp;x", "&lt;"}) == {"&#21407;&amp;x": "原&x", "&lt;": "<"}
    assert unescape_texts({"a & b"}) is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.lists(st.one_of(st.none(), XML_TEXT, st.integers(-10**12, 10**12), st.booleans(),
                                          st.floats(allow_nan=False, allow_infinity=False),
                                          st.sampled_from([1e-7, 0.1 + 0.2, datetime(2026, 3, 5), "#N/A"])),
                                max_size=8), max_size=12),
       write_only=st.booleans())
def test_openpyxl_written_books_are_scanned(tmp_path_factory: Any, monkeypatch: pytest.MonkeyPatch,
                                            values: list[list[Any]], write_only: bool) -> None:
    path = tmp_path_factory.mktemp("opx") / "book.xlsx"
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("项目") if write_only else wb.active
    for row in values:
        ws.append(row)
    wb.save(path)
    log = same_three(path, monkeypatch)
    assert all(log)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_books_read_the_same_and_are_scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "台账.csv"
    rows = [["项目名称", "协议资金（万元）", "签约日期", "是否工业", "备注"],
            ["甲项目 ", "12000", "2026-03-05", "TRUE", " 前后空格 "],
            ["乙&丙<项目>", "1E-7", "2026/4/1", "FALSE", "行一\n行二"],
            ["", "0.30000000000000004", "", "", "😀𠀀"],
            ["丁项目", "-45000.25", "45000", "#N/A", "=1+1"]]
    with source.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    path = tmp_path / "台账.xlsx"
    log = same_three(path, monkeypatch)
    assert log and all(log)
    _, ours, _, _ = read_three(path, monkeypatch, {})
    assert ours[0][1][0] == "甲项目 " and ours[0][2][0] == "乙&丙<项目>"


SST = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{ns}" count="{n}" uniqueCount="{n}">{items}</sst>'


@st.composite
def sst_item(draw: Any) -> tuple[str, bool]:
    """One shared string's XML; whether it is of the plain shape the scan reads."""
    text = _escape(draw(XML_TEXT), draw(st.lists(st.integers(0, 3), max_size=4)))
    space = draw(st.sampled_from(["", ' xml:space="preserve"']))
    phonetic = draw(st.sampled_from(["", '<phoneticPr fontId="1" type="noConversion"/>']))
    plain = [f"<si><t{space}>{text}</t>{phonetic}</si>", "<si><t/></si>", "<si/>"]
    rich = [f'<si><r><rPr><b/><sz val="11"/></rPr><t{space}>{text}</t></r><r><t>乙</t></r></si>',
            f'<si><t>{text}</t><rPh sb="0" eb="1"><t>ふりがな</t></rPh>{phonetic}</si>', f"<si>\r\n<t>{text}</t></si>"]
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(rich)), False
    return draw(st.sampled_from(plain)), True


@settings(max_examples=150, deadline=None)
@given(items=st.lists(sst_item(), max_size=8), sep=st.sampled_from(["", "\n", "\n  "]))
def test_shared_strings_scan_reads_as_openpyxl(items: list[tuple[str, bool]], sep: str) -> None:
    from io import BytesIO

    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml.constants import SHEET_MAIN_NS

    xml = SST.format(ns=SHEET_MAIN_NS, n=len(items), items=sep.join(x for x, _ in items)).encode()
    theirs = read_string_table(BytesIO(xml))
    assert fast_sheet.read_shared_strings(xml) == theirs
    assert fast_sheet._parse_shared_strings(xml) == theirs
    scanned = fast_sheet._scan_shared_strings(xml)
    if all(p for _, p in items):
        assert scanned == theirs
    else:
        assert scanned is None


def test_shared_strings_left_to_expat() -> None:
    from openpyxl.xml.constants import SHEET_MAIN_NS

    good = SST.format(ns=SHEET_MAIN_NS, n=2, items="<si><t>甲&amp;&#20057;_x005F_x0041_</t></si><si/>")
    assert fast_sheet._scan_shared_strings(good.encode()) == ["甲&乙_x0041_", ""]
    for bad in (good.replace('encoding="UTF-8"', 'encoding="GBK"'), good.replace("<sst ", "<x:sst xmlns:x=\"urn:x\" "),
                good.replace("<si/>", "<!-- c --><si/>"), good.replace("</sst>", "</sst><!-- c -->"),
                good.replace(SHEET_MAIN_NS, "urn:other"), good.replace("<si/>", "<si><t>a&b</t></si>"),
                good.replace("<si/>", "<si><t>a]]>b</t></si>"), good.replace("_x005F", "\x01")):
        assert fast_sheet._scan_shared_strings(bad.encode()) is None, bad
