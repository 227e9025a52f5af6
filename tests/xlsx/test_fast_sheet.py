"""The fast value reader (zsdesk/xlsx/fast_sheet.py) gives exactly what openpyxl's read-only mode gives.

Differential: generated workbooks (every kind of value, gaps, number formats, rich text, formulas,
write-only files without a size tag) and hand-written XML (no cell references, phonetic guides,
inline strings, a namespace prefix, 1904 dates) are read both ways and must agree row for row.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from zsdesk.xlsx.fast_sheet import load_values_workbook, read_shared_strings


def both(path: Path, **iter_args: Any) -> tuple[list[list[tuple[Any, ...]]], list[list[tuple[Any, ...]]]]:
    """Every sheet's rows, read by openpyxl and by the fast reader."""
    out = []
    for wb in (load_workbook(path, read_only=True, data_only=True), load_values_workbook(path)):
        out.append([list(ws.iter_rows(values_only=True, **iter_args)) for ws in wb.worksheets])
        wb.close()
    return out[0], out[1]


def same(path: Path) -> None:
    theirs, ours = both(path)
    assert ours == theirs
    for args in ({"min_row": 2}, {"max_row": 3}, {"min_row": 2, "max_col": 4}, {"min_col": 2, "max_col": 3},
                 {"min_row": 5, "max_row": 9, "max_col": 2}):
        theirs, ours = both(path, **args)
        assert ours == theirs, args


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \t\n_x005F_x000D_招商"),
               max_size=12)
VALUE = st.one_of(
    st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(), TEXT, st.dates(date(1901, 1, 1), date(2100, 12, 31)),
    st.datetimes(datetime(1901, 1, 1), datetime(2100, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.times().map(lambda t: t.replace(microsecond=0)), st.sampled_from(["=1+1", "=SUM(A1:A2)", "#N/A"]),
)
FORMATS = st.sampled_from(["General", "0.00", "yyyy-mm-dd", "yyyy年m月d日", "[h]:mm:ss", "h:mm", "@", "0%"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 6), VALUE, FORMATS), max_size=40),
       write_only=st.booleans(), epoch1904=st.booleans())
def test_generated_workbooks_read_the_same(tmp_path_factory: Any, cells: list[tuple[int, int, Any, str]],
                                           write_only: bool, epoch1904: bool) -> None:
    path = tmp_path_factory.mktemp("fast") / "book.xlsx"
    if write_only:  # no size tag, rows as appended (gaps where a row is empty)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("数据")
        grid: dict[int, dict[int, Any]] = {}
        for r, c, v, _ in cells:
            grid.setdefault(r, {})[c] = v
        for r in range(1, max(grid, default=0) + 1):
            row = grid.get(r, {})
            ws.append([row.get(c) for c in range(1, max(row, default=0) + 1)])
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = "项目"
        for r, c, v, fmt in cells:
            cell = ws.cell(row=r, column=c, value=v)
            if v is not None and not isinstance(v, (str, bool)):
                cell.number_format = fmt
        if cells:
            ws.cell(row=1, column=7, value=CellRichText(["甲", TextBlock(InlineFont(b=True), "乙 ")]))
        wb.create_sheet("空表")
    if epoch1904:
        wb.epoch = datetime(1904, 1, 1) if not write_only else wb.epoch
    wb.save(path)
    same(path)


SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<{p}worksheet xmlns{colon}{prefix}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{dim}<{p}sheetData>{rows}'
         '</{p}sheetData></{p}worksheet>')


def handmade(path: Path, rows: str, strings: str = "", prefix: str = "", dim: str = "", date1904: bool = False,
             styles: str = "") -> Path:
    """A minimal workbook whose sheet and shared strings are exactly the XML given."""
    p = f"{prefix}:" if prefix else ""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    pr = ' date1904="1"' if date1904 else ""
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships"><workbookPr{pr}/>'
            '<sheets><sheet name="项目" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst {ns}>{strings}</sst>',
        "xl/styles.xml": (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}>{styles or _STYLES}</styleSheet>'),
        "xl/worksheets/sheet1.xml": SHEET.format(p=p, colon=":" if prefix else "", prefix=prefix, dim=dim,
                                                 rows=rows),
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


_STYLES = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
           '</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
           '</borders><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
           '<xf numFmtId="46"/></cellXfs>')


def test_handmade_sheets_read_the_same(tmp_path: Path) -> None:
    strings = ('<si><t xml:space="preserve"> 招商 </t></si>'
               '<si><r><t>重庆</t></r><r><rPr><b/></rPr><t>巫溪</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>'
               '<si><t>甲_x005F_x000D_乙</t><phoneticPr fontId="1"/></si><si><t/></si>')
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c>'
            '<c r="E1" t="s"><v>3</v></c></row>'
            '<row r="3" spans="1:5"><c t="n"><v>12</v></c><c><v>1.5E3</v></c><c t="b"><v>1</v></c>'
            '<c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>公式结果</v></c></row>'
            '<row><c r="B4" s="1"><v>45000</v></c><c r="C4" s="2"><v>45000.5</v></c><c r="D4" s="3"><v>1.25</v></c>'
            '<c r="E4" t="inlineStr"><is><t>内联</t><r><t>文字</t></r></is></c><c r="F4" t="inlineStr"/></row>'
            '<row r="6"><c r="A6"><f>1+1</f></c><c r="B6"><v></v></c><c r="C6" t="d"><v>2026-03-05T00:00:00</v></c>'
            '</row><row r="7"/>')
    for prefix in ("", "x"):
        for dim in ("", '<dimension ref="A1:F7"/>'):
            for date1904 in (False, True):
                path = handmade(tmp_path / f"h{prefix}{len(dim)}{date1904}.xlsx", rows.replace("<", f"<{prefix}:")
                                .replace(f"<{prefix}:/", f"</{prefix}:") if prefix else rows, strings, prefix,
                                dim.replace("<", f"<{prefix}:") if prefix else dim, date1904)
                same(path)
    theirs, ours = both(path)
    assert ours[0][0][0] == " 招商 " and ours[0][0][2] == "重庆巫溪" and ours[0][0][3] == "甲_x000D_乙"  # openpyxl undoes only the _x005F_ escape


def test_shared_strings_as_openpyxl_reads_them() -> None:
    from io import BytesIO

    from openpyxl.reader.strings import read_string_table

    xml = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si>'
           b'<si><r><t>b</t></r><r><t xml:space="preserve"> c</t></r></si><si><t>d</t><rPh sb="0" eb="1"><t>x</t></rPh></si>'
           b'<si/><si><t>&amp;&lt;_x005F_x0041_</t></si></sst>')
    assert read_shared_strings(xml) == read_string_table(BytesIO(xml)) == ["a", "b c", "d", "", "&<_x0041_"]


def test_the_import_reads_the_same_rows_through_the_fast_reader(tmp_path: Path) -> None:
    """read_table on a real template-shaped file: dates become dates, amounts numbers, blanks None."""
    from zsdesk.xlsx.reader import read_table

    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["项目名称", "投资方", "正式合同签订日期", "协议资金（万元）", "牵头单位"])
    ws.append(["甲项目", "甲公司", datetime(2026, 3, 5), 12000, "甲园区"])
    ws.append([None, None, None, None, None])
    ws.append(["乙项目", "乙公司", "2026-4-1", "1.5亿", "乙街道"])
    path = tmp_path / "导入.xlsx"
    wb.save(path)
    table = read_table(path, "projects")
    numbers = [n for n, _ in table.rows]
    assert numbers == [2, 4]
    first = dict(table.rows[0][1])
    assert first["formal_date"] == datetime(2026, 3, 5) and first["agreement_amount"] == 12000
