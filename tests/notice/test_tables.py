"""Tables at page breaks: a table starting a page keeps the text leading up to it, a table ending at
the page foot takes its last row to the 版记's page, and wrapped cells leave no lone character."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from zsdesk.notice import Attachment, FontSet, NoticeDocument, Paragraph, Table, render_notice
from zsdesk.notice.compose import compose_notice
from zsdesk.notice.fonts import Role
from zsdesk.notice.layout import Page
from zsdesk.notice.tables import _cell_lines

# The shared contract checker lives beside the checkout (../shared), as CI and every worktree lay it out.
CHECKER = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "check_notice_layout.py"


def small_doc(**changes: object) -> NoticeDocument:
    doc = NoticeDocument(
        authority="重庆市黔江区招商投资促进局文件", doc_number="黔江招商发〔2026〕12号",
        title="关于2026年1—9月全区招商引资工作情况的通报", addressees="各园区管委会，各乡镇人民政府、街道办事处",
        blocks=[Paragraph("全区新签约项目86个。")], signatory="重庆市黔江区招商投资促进局", sign_date=date(2026, 10, 8),
        cc="区委办公室，区政府办公室", printer="重庆市黔江区招商投资促进局办公室", print_date=date(2026, 10, 9))
    return dataclasses.replace(doc, **changes)

# A table with nothing on the type area's left edge: centred title, centred and right-aligned cells.
CENTRED = Table(header_rows=[["排名", "单位", "金额"]], rows=[[str(i), f"单位{i}", "1.00"] for i in range(1, 9)],
                title="表1　测试排名", align=["center", "center", "right"], col_widths=[1, 3, 2])


def _filler(lines: int) -> Paragraph:
    """A paragraph of `lines` body lines whose last line starts on the margin."""
    return Paragraph("招" * (28 * lines - 2 - 5))


def _kinds(page: Page) -> list[str]:
    return [item.kind for _, item in page.items]


def _check(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "n.pdf"
    path.write_bytes(pdf)
    return subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True).stdout


def test_table_starting_a_page_takes_the_last_body_line_along(fonts: FontSet, probe, tmp_path: Path) -> None:
    moved = []
    for lines in range(14, 40):
        pages = compose_notice(small_doc(blocks=[_filler(lines), CENTRED]), fonts)
        at = next(i for i, p in enumerate(pages) if "table_title" in _kinds(p))
        kinds = _kinds(pages[at])
        before = kinds[:kinds.index("table_title")]
        assert before, lines  # the centred title never opens a page after body text
        if at > 0 and before == ["body"]:
            moved.append(lines)
    assert moved, "no filler length pushed the table onto a new page"
    pdf = render_notice(small_doc(blocks=[_filler(moved[0]), CENTRED]), fonts)
    for items in probe.shown(pdf):
        assert 27.0 <= min(s.x_mm for s in items) <= 29.0
    if CHECKER.exists():
        assert ": 0 layout problems" in _check(pdf, tmp_path)


def test_colophon_never_alone_after_a_portrait_table(fonts: FontSet, probe, tmp_path: Path) -> None:
    carried = []
    for n in range(8, 40):
        rows = [[str(i), f"项目{i}", "1.00"] for i in range(1, n + 1)]
        table = Table([["序号", "项目名称", "协议资金"]], rows, align=["center", "left", "right"], font_size=10.5,
                      note="注：金额单位为亿元。")
        pages = compose_notice(small_doc(attachments=[Attachment("签约项目清单", [table])]), fonts)
        last = pages[-1]
        assert not last.colophon_only, n
        kinds = _kinds(last)
        if kinds[0] == "table_caption" and kinds.count("table_row") == 1:
            y, item = pages[-2].items[-1]
            row = next(it for _, it in last.items if it.kind == "table_row")
            if pages[-2].type_h - (y + item.height) >= row.height:  # it would have fitted: it was carried
                carried.append(n)
        assert any(item.left == 0 for _, item in last.items), n  # something starts on the margin
    assert carried, "no row count left the 版记 without room"
    rows = [[str(i), f"项目{i}", "1.00"] for i in range(1, carried[0] + 1)]
    table = Table([["序号", "项目名称", "协议资金"]], rows, align=["center", "left", "right"], font_size=10.5,
                  note="注：金额单位为亿元。")
    pdf = render_notice(small_doc(attachments=[Attachment("签约项目清单", [table])]), fonts)
    last = probe.flat(pdf)[-1]
    assert last.startswith("续表序号项目名称") and f"项目{carried[0]}" in last and "印发" in last
    assert f"—{len(probe.flat(pdf))}—" in last  # the page holds the attachment too, so it is numbered
    if CHECKER.exists():
        assert ": 0 layout problems" in _check(pdf, tmp_path)


@pytest.mark.parametrize("text", ["浙江丽水宏达畜牧有限公司", "重庆黔江高新技术产业开发区", "舟台工业园区"])
def test_wrapped_cells_leave_no_lone_character(fonts: FontSet, text: str) -> None:
    size = 10.5
    for chars in (5.5, 9.5, 11.5):  # column widths that would leave one character over
        lines = _cell_lines(text, Role.BODY, size, fonts, chars * size)
        if len(lines) > 1:
            assert len(lines[-1].glyphs) >= 2, (text, chars, [line.text for line in lines])
        assert "".join(line.text for line in lines) == text


def test_title_lines_given_by_the_author_are_kept(fonts: FontSet) -> None:
    import io

    from pypdf import PdfReader

    title = "关于2026年1—9月全区招商引资工作情况的通报"
    chosen = ("关于2026年1—9月全区招商引资", "工作情况的通报")  # not what balancing by length gives
    lines = ["".join(line.split()) for line in
             PdfReader(io.BytesIO(render_notice(small_doc(title=title, title_lines=chosen), fonts))).pages[0]
             .extract_text().splitlines()]
    assert lines[lines.index(chosen[0]) + 1] == chosen[1]
    # Lines that do not spell the title are ignored rather than printed.
    lines = ["".join(line.split()) for line in
             PdfReader(io.BytesIO(render_notice(small_doc(title=title, title_lines=("别的", "标题")), fonts)))
             .pages[0].extract_text().splitlines()]
    assert "别的" not in lines and "".join(lines).count(title) == 1


def test_streams_are_binary_and_the_global_setting_is_restored(fonts: FontSet) -> None:
    from reportlab import rl_config

    before = rl_config.useA85
    pdf = render_notice(small_doc(), fonts)
    assert b"ASCII85Decode" not in pdf and b"FlateDecode" in pdf
    assert rl_config.useA85 == before
