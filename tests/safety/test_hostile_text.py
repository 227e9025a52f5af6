"""Hostile text is stored exactly and read back equal; over-long input gets a clear Chinese message.

End to end (SPEC §7 “user text reaches the PDF and xlsx as text”): projects named with markup,
formula starters, control characters, emoji and rare CJK are exported to xlsx (read back as text
cells equal to the stored text) and printed in the quarterly notice (markup appears literally;
characters no font has show the visible substitute 〓).

Control characters \x00–\x1f other than tab, line feed and carriage return cannot be stored in an
xlsx (XML 1.0 forbids them): the export shows each as its Unicode control picture (\x07 → ␇,
``zsdesk.xlsx.workbook.clean_text``), so the clerk sees something was there. The PDF drops them (``zsdesk.notice.text.clean_text``: no glyph); tab
and line breaks become spaces there. The ledger keeps them exactly in the notes; one-line fields
(names, investor, leader) drop control and text-direction characters and turn line breaks into a
space (issue 13 “Text”: “A\u202eTXT.EXE” must not display reversed), ``zsdesk.ops.fields.clean_line``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.errors import ValidationError
from zsdesk.ledger import Ledger
from zsdesk.models import Project, Unit
from zsdesk.ops.fields import clean_line
from zsdesk.periods import parse_period

HOSTILE = [
    '<font color="red">红色</font>&amp;<br/><para>',
    "=HYPERLINK(\"http://evil.example\",\"点我\")",
    "+1", "-2+3", "@SUM(A1:A9)", "=1+1",
    "控制\x01字符\x07与\x1b[31m转义\u200b零宽\u202e反向",
    "表情😀🏭🚀 与罕见字𠀀㐀𪚥",
    "单引号' 双引号\" 反斜杠\\ 百分号% 下划线_",
    "'; DROP TABLE projects; --",
]


def one_line(text: str) -> str:
    """What a one-line field stores: control and bidi characters removed, line breaks as a space."""
    return clean_line(text).strip()


def test_one_line_fields_drop_bidi_and_control_characters(ledger: Ledger) -> None:
    change = ops.create_project(ledger, {"name": "A\u202eTXT.EXE", "investor": "甲\u2066公司\n二行\x07",
                                         "leader": "\u200f王\u0085区长", "notes": "保留\u202e\n原样"})
    with ledger.reading() as s:
        p = s.get(Project, change.ids("project")[0])
        assert p is not None
        assert (p.name, p.investor, p.leader, p.notes) == ("ATXT.EXE", "甲公司 二行", "王 区长", "保留\u202e\n原样")


@pytest.mark.parametrize("text", HOSTILE)
def test_names_and_notes_round_trip_exactly(ledger: Ledger, text: str) -> None:
    ops.create_unit(ledger, {"name": "经开区", "kind": "园区"})
    notes = f"\n  {text}\n第二行\t制表\r\n"
    change = ops.create_project(ledger, {"name": text, "investor": text, "notes": notes, "leader": text[:100]})
    pid = change.ids("project")[0]
    line = one_line(text)
    with ledger.reading() as s:
        p = s.get(Project, pid)
        assert p is not None
        assert (p.name, p.investor, p.notes, p.leader) == (line, line, notes, one_line(text[:100]))
    assert change.records[0].after is not None and change.records[0].after["name"] == line
    ops.update_project(ledger, pid, {"notes": notes + text})
    ops.undo(ledger)
    with ledger.reading() as s:
        assert s.get(Project, pid).notes == notes  # type: ignore[union-attr]
    assert check_ledger(ledger.path).healthy  # type: ignore[arg-type]


def test_long_strings(ledger: Ledger) -> None:
    notes = ("长备注𠀀😀<b>&amp;" * 2000)[:20000]
    change = ops.create_project(ledger, {"name": "长" * 200, "investor": "甲", "notes": notes})
    with ledger.reading() as s:
        p = s.get(Project, change.ids("project")[0])
        assert p is not None and p.notes == notes and len(p.name) == 200
    with pytest.raises(ValidationError) as info:
        ops.create_project(ledger, {"name": "名" * 10000, "investor": "乙", "notes": "x" * 20001})
    message = str(info.value)
    assert "项目名称：不能超过 200 个字（现有 10000 个）" in message
    assert "不能超过 20000 个字（现有 20001 个）" in message
    assert len(message) < 200  # the clerk sees the counts, not the 10,000 characters


def test_unit_names_with_markup_and_rare_characters_are_found_by_name(ledger: Ledger) -> None:
    name = "<b>𠀀㐀</b>&园区"
    ops.create_unit(ledger, {"name": name, "kind": "园区"})
    change = ops.create_project(ledger, {"name": "项目", "framework_date": "2026-01-01", "lead_unit_id": name})
    with ledger.reading() as s:
        p = s.get(Project, change.ids("project")[0])
        unit = s.query(Unit).filter_by(name=name).one()
        assert p is not None and p.lead_unit_id == unit.id


def test_blank_required_name_gets_a_clear_message(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match="项目名称：必填"):
        ops.create_project(ledger, {"name": " \t\n", "investor": "甲"})


# -- end to end: xlsx export and the quarterly notice -------------------------------------------------

CONTROL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")
LONG = ("长备注𠀀😀<font color=red>&amp;<br/>=SUM(A1)" * 400)[:10_000]
E2E = [  # (name, investor, notes) — names within the 200-character limit, long text in the notes
    ("<font color=red>红字项目</font>", "&amp;<br/>公司", "<b>粗体</b> &lt; &amp; <br/> <para>"),
    ('=HYPERLINK("http://x","y")', "@SUM(A1)", "=1+1\n+1\n-1\n@SUM(A1)"),
    ("+1", "-1", "-1"),
    ("@SUM(A1)", "=HYPERLINK(\"http://evil.example\",\"点我\")", LONG),
    (f"控制{CONTROL}字符项目", f"制表\t投资方{CONTROL[:5]}", f"第一行\n{CONTROL}\t第二行"),
    ("表情😀🏭与罕见字𠀀㐀项目", "𠀀㐀投资有限公司", "😀" * 10 + "𠀀" * 10),
    ("长" * 200, "投" * 200, "注" * 20_000),
]


def xlsx_text(text: str) -> str:
    """What the export writes for a stored text: control characters become their control pictures."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: chr(0x2400 + ord(m.group())), text)


@pytest.fixture
def hostile_ledger(ledger: Ledger) -> tuple[Ledger, list[int]]:
    ops.create_unit(ledger, {"name": "经开区", "short_name": "经开", "kind": "园区"})
    ids = []
    for i, (name, investor, notes) in enumerate(E2E):
        change = ops.create_project(ledger, {
            "name": name, "investor": investor, "notes": notes, "agreement_amount": f"{i + 1}亿",
            "framework_date": f"2026-02-{i + 2:02d}", "lead_unit_id": "经开区", "leader": name[:100]})
        ids.append(change.ids("project")[0])
    with ledger.reading() as s:  # notes stored exactly, control characters included; names on one line
        for pid, (name, investor, notes) in zip(ids, E2E, strict=True):
            p = s.get(Project, pid)
            assert p is not None and (p.name, p.investor, p.notes) == (one_line(name), one_line(investor), notes)
    return ledger, ids


def test_export_writes_hostile_text_as_text_cells(hostile_ledger: tuple[Ledger, list[int]], tmp_path: Path) -> None:
    from zsdesk.xlsx.ledger_export import export_ledger

    ledger, _ = hostile_ledger
    result = export_ledger(ledger, tmp_path / "台账.xlsx")
    assert result.rows == len(E2E)
    ws = load_workbook(result.path).worksheets[0]
    header_row = next(r for r in ws.iter_rows() if any(c.value == "项目名称" for c in r))
    col = {c.value: c.column for c in header_row}
    found = {}
    for row in ws.iter_rows(min_row=header_row[0].row + 1):
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        name = row[col["项目名称"] - 1]
        if name.value is None or name.value.startswith("合计"):
            continue
        found[name.value] = (name, row[col["投资方"] - 1], row[col["备注"] - 1], row[col["挂帅领导"] - 1])
    assert len(found) == len(E2E)
    for name, investor, notes in E2E:
        cells = found[xlsx_text(one_line(name))]
        stored_values = (one_line(name), one_line(investor), notes, one_line(name[:100]))
        for cell, stored in zip(cells, stored_values, strict=True):
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            assert cell.value == xlsx_text(stored), cell.coordinate
    # control characters show as control pictures; tab and line breaks stay as they are
    controls = found[one_line(E2E[4][0])]
    assert controls[0].value.startswith("控制") and controls[0].value.endswith("字符项目")
    assert not ILLEGAL_CHARACTERS_RE.search(controls[0].value)  # dropped from the one-line name
    assert controls[2].value.startswith("第一行\n␀")  # kept, as pictures, in the notes
    assert found[xlsx_text(E2E[3][0])][2].value == LONG  # 10,000 characters, whole


def test_quarterly_notice_prints_hostile_text_literally(hostile_ledger: tuple[Ledger, list[int]]) -> None:
    from pypdf import PdfReader

    from zsdesk.notice.fonts import SUBSTITUTE
    from zsdesk.notice.quarterly import render_quarterly_notice

    ledger, _ = hostile_ledger
    pdf = render_quarterly_notice(ledger, parse_period("2026Q1"))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    flat = "".join(text.split())  # table cells wrap long names over lines
    for literal in ("<font color=red>", "</font>", "&amp;", "<br/>", '=HYPERLINK("http://x","y")', "@SUM(A1)"):
        assert "".join(literal.split()) in flat, literal
    assert "红字项目" in flat and "控制字符项目" in flat  # control characters dropped, the rest printed
    assert "长" * 50 in flat  # a 200-character name wraps in its cell but is all there
    # Each rare character is printed, or replaced one for one by the visible 〓 (here: no bundled font
    # has 𠀀 (Ext B), 㐀 (Ext A) or emoji, so all four show 〓).
    sub = re.escape(SUBSTITUTE)
    assert re.search(f"表情[😀{sub}][🏭{sub}]与罕见字[𠀀{sub}][㐀{sub}]项目", flat), flat
    assert re.search(f"[𠀀{sub}][㐀{sub}]投资有限公司", flat)
