"""The notice as a Word/WPS .docx: read back with python-docx, converted with LibreOffice, checked like the PDF."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.notice import Heading, NoticeDocument, Paragraph, Table
from zsdesk.notice import docx_oxml as ox
from zsdesk.notice.docx_export import (
    DRAFT_MARK,
    LINE_PITCH,
    OFFICIAL_FONTS,
    STAND_IN_FONTS,
    notice_docx,
    render_quarterly_docx,
)
from zsdesk.notice.fonts import Role
from zsdesk.notice.quarterly import build_quarterly_notice, render_quarterly_notice
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period
from zsdesk.resources import resource

ROOT = Path(__file__).resolve().parents[2]
ISSUE_DATE = date(2025, 10, 8)
CHECKER = next((d / "tools" / "check_notice_layout.py" for d in (ROOT.parent / "shared",)
                if (d / "tools" / "check_notice_layout.py").exists()), None)  # ../shared beside the checkout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_unlocked(path, operator="测试员", create=True) as led:
        build_demo(led, seed=2026, today=date(2026, 11, 1))
    return path


@pytest.fixture(scope="module")
def demo_notice(demo_db: Path) -> dict[str, Any]:
    """The demo's 2025Q3 notice: the document, its figures, the .docx and the zsdesk PDF."""
    with open_unlocked(demo_db, read_only=True) as led:
        doc, figures = build_quarterly_notice(led, parse_period("2025Q3"), issue_date=ISSUE_DATE)
        data = render_quarterly_docx(led, parse_period("2025Q3"), issue_date=ISSUE_DATE)
        pdf = render_quarterly_notice(led, parse_period("2025Q3"), issue_date=ISSUE_DATE)
    return {"doc": doc, "figures": figures, "docx": data, "pdf": pdf}


def _all_text(word: Any) -> str:
    """Body text, tables and frames included, in document order."""
    return "".join(t.text or "" for t in word.element.body.iter(qn("w:t")))


# ---- the oxml helper ------------------------------------------------------------------------------

def test_oxml_helper_writes_what_python_docx_cannot(tmp_path: Path) -> None:
    word = docx.Document()
    section = word.sections[0]
    ox.set_doc_grid(section, 579, -849)
    paragraph = word.add_paragraph()
    ox.add_page_field(paragraph, "— ", " —", lambda run: ox.set_fonts(run._r, "宋体"))
    table = word.add_table(rows=2, cols=2)
    ox.repeat_header(table.rows[0])
    ox.cant_split(table.rows[1])
    framed = word.add_paragraph("抄送：区委办公室。")
    ox.frame_at(framed, 8844, 11000, 463)
    ox.set_border(framed, "top", 8)
    ox.off_grid(framed)
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    ox.declare_fonts(word.part.part_related_by(RT.FONT_TABLE), {"仿宋_GB2312": "ZsdeskFang"})
    path = tmp_path / "h.docx"
    word.save(path)

    back = docx.Document(path)
    grid = back.sections[0]._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch")), grid.get(qn("w:charSpace"))) == (
        "linesAndChars", "579", "-849")
    p = back.paragraphs[0]._p
    assert [f.get(qn("w:fldCharType")) for f in p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
    assert "".join(i.text for i in p.iter(qn("w:instrText"))).strip() == "PAGE"
    assert back.paragraphs[0].text == "— 1 —"
    assert all(r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体" for r in p.iter(qn("w:r")))
    rows = back.tables[0].rows
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None
    frame_p = back.paragraphs[1]._p.pPr
    frame = frame_p.find(qn("w:framePr"))
    assert (frame.get(qn("w:y")), frame.get(qn("w:vAnchor")), frame.get(qn("w:w"))) == ("11000", "margin", "8844")
    # Schema order: framePr before pBdr before snapToGrid (Word refuses files with children out of order).
    tags = [c.tag.split("}")[1] for c in frame_p]
    assert tags.index("framePr") < tags.index("pBdr") < tags.index("snapToGrid")
    font_table = back.part.part_related_by(RT.FONT_TABLE).blob.decode()
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="ZsdeskFang"/>', font_table)


# ---- read back ------------------------------------------------------------------------------------

def test_page_setup_sections_and_fonts(demo_notice: dict[str, Any]) -> None:
    word = docx.Document(io.BytesIO(demo_notice["docx"]))
    sections = word.sections
    # Body, 附件1 (landscape, as in the PDF), 附件2, and 附件3 逾期未落地项目清单 (issue 18; portrait, so the 版记
    # shares its last page).
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT,
                                                 WD_ORIENT.PORTRAIT]
    for s in sections:
        land = s.orientation == WD_ORIENT.LANDSCAPE
        size = (s.page_width, s.page_height)
        assert tuple(round(v / Mm(1)) for v in size) == ((297, 210) if land else (210, 297))
        margins = [round(v / Mm(1)) for v in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)]
        assert margins == ([28, 26, 37, 35] if land else [37, 35, 28, 26])
        grid = s._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == str(LINE_PITCH)
        # 22 lines of 28 characters: the pitch fits 22 lines in 225 mm, the character space 28 in 156 mm.
        assert 22 * LINE_PITCH <= Mm(225).twips < 23 * LINE_PITCH
        char = 16 + int(grid.get(qn("w:charSpace"))) / 4096
        assert 28 * char <= Mm(156).pt < 29 * char
    assert word.settings.odd_and_even_pages_header_footer
    styles = word.styles
    east = {name: styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) for name in ("Normal", "Heading 1", "Heading 2")}
    assert east == {"Normal": "仿宋_GB2312", "Heading 1": "黑体", "Heading 2": "楷体_GB2312"}
    assert styles["Normal"].font.size.pt == 16
    run_fonts = {r.get(qn("w:eastAsia")) for r in word.element.body.iter(qn("w:rFonts"))}
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= run_fonts
    title_runs = [r for p in word.paragraphs for r in p.runs if "关于" in r.text and "通报" in "".join(
        x.text for x in p.runs)]
    assert title_runs and title_runs[0].font.size.pt == 22
    assert title_runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    # The stand-ins as fall-backs in the font table.
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    table_xml = word.part.part_related_by(RT.FONT_TABLE).blob.decode()
    for role in Role:
        assert f'w:name="{OFFICIAL_FONTS[role]}"><w:altName w:val="{STAND_IN_FONTS[role]}"/>' in table_xml


def test_content_is_the_notices(demo_notice: dict[str, Any]) -> None:
    word = docx.Document(io.BytesIO(demo_notice["docx"]))
    doc: NoticeDocument = demo_notice["doc"]
    figures = demo_notice["figures"]
    text = _all_text(word)
    assert doc.title in text
    assert "黔江招商发〔2025〕" in text and doc.doc_number in text
    assert "重庆市黔江区招商投资促进局文件" in text
    values = figures["placeholders"]
    for key in ("正式合同额", "到位资金", "签约项目数", "正式合同完成率", "无签约单位"):
        assert values[key] in text, key
    for unit in figures["board"]["units"]:
        assert unit["unit"] in text
    assert "附件1" in text and "附件2" in text and "抄送：" in text and "2025年10月8日印发" in text
    assert "2025年10月8日" in text
    # Every paragraph and heading of the body, in order.
    flat = re.sub(r"\s", "", text)
    at = 0
    for block in doc.blocks:
        if isinstance(block, Heading | Paragraph):
            piece = re.sub(r"\s", "", block.text)
            found = flat.find(piece, at)
            assert found >= 0, piece[:30]
            at = found + len(piece)
    # Headings by style, so WPS's navigation pane lists them.
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "一、总体情况") in styled and ("Heading 2", "（一）单位排名") in styled
    # Tables: header rows repeat on every page; the signed-projects table is in the last section.
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(word.tables) >= len(tables) + 2
    for table in word.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_page_numbers_odd_right_even_left_and_draft_marks(demo_notice: dict[str, Any], demo_db: Path) -> None:
    word = docx.Document(io.BytesIO(demo_notice["docx"]))
    first = word.sections[0]
    odd, even = first.footer.paragraphs[0], first.even_page_footer.paragraphs[0]
    for paragraph, align in ((odd, WD_ALIGN_PARAGRAPH.RIGHT), (even, WD_ALIGN_PARAGRAPH.LEFT)):
        assert paragraph.alignment == align
        assert paragraph.text == "— 1 —"
        assert "PAGE" in "".join(i.text for i in paragraph._p.iter(qn("w:instrText")))
    props = word.core_properties
    assert props.category == "草稿" and "草稿" in props.keywords and "PDF" in props.comments
    # Until issued: "征求意见稿" on page 1 only (its first-page header), light grey.
    assert first.different_first_page_header_footer
    mark = first.first_page_header.paragraphs[0]
    assert mark.text == DRAFT_MARK
    assert mark.runs[0].font.color.rgb is not None and min(mark.runs[0].font.color.rgb) >= 0x99
    assert first.first_page_footer.paragraphs[0].text == "— 1 —"
    assert not any(s.different_first_page_header_footer for s in word.sections[1:])
    with open_unlocked(demo_db, read_only=True) as led:
        issued = render_quarterly_docx(led, parse_period("2025Q3"), doc_number="黔江招商发〔2025〕7号", issue_date=ISSUE_DATE,
                                       draft=False)
    back = docx.Document(io.BytesIO(issued))
    assert DRAFT_MARK not in _all_text(back) and not back.sections[0].different_first_page_header_footer
    assert "黔江招商发〔2025〕7号" in _all_text(back)
    assert back.core_properties.category == "草稿"  # still a working copy: the archive keeps the PDF


def test_small_notice_without_attachments_or_colophon() -> None:
    """Edge: no 版头, no attachments, no 版记 — still a valid one-section document."""
    doc = NoticeDocument(authority="", doc_number="", title="测试通报", addressees="各单位", signatory="某局",
                         sign_date=ISSUE_DATE, blocks=[Paragraph("正文。")])
    word = docx.Document(io.BytesIO(notice_docx(doc)))
    assert len(word.sections) == 1
    assert "测试通报" in _all_text(word) and "抄送" not in _all_text(word)


def test_landscape_body_table_gets_its_own_section() -> None:
    """A body table marked landscape turns the page and back, as the PDF engine does."""
    wide = Table(header_rows=[["单位", "金额"]], rows=[["甲", "1.00"], ["乙", "2.00"]], landscape=True, title="表1")
    doc = NoticeDocument(authority="某局文件", doc_number="某发〔2026〕1号", title="测试通报", addressees="各单位",
                         signatory="某局", sign_date=ISSUE_DATE, cc="区委办公室", printer="某局", print_date=ISSUE_DATE,
                         blocks=[Paragraph("前。"), wide, Paragraph("后。")])
    word = docx.Document(io.BytesIO(notice_docx(doc, draft=False)))
    assert [s.orientation for s in word.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    cells = word.tables[0].rows[2].cells
    assert [c.text for c in cells] == ["乙", "2.00"]
    assert cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # numbers right, as in the PDF
    assert not word.sections[0].different_first_page_header_footer  # issued: no 征求意见稿 page


# ---- the command line ---------------------------------------------------------------------------------

def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_writes_docx_by_extension(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    shutil.copy(demo_db, db)
    out = tmp_path / "通报.docx"
    run = _cli("notice", "--db", str(db), "--period", "2025Q3", "-o", str(out), "--date", "2025-10-08", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "征求意见稿" in run.stdout
    word = docx.Document(out)
    assert "黔江招商发〔2025〕" in _all_text(word) and DRAFT_MARK in word.sections[0].first_page_header.paragraphs[0].text
    bad = tmp_path / "通报.odt"
    run = _cli("notice", "--db", str(db), "--period", "2025Q3", "-o", str(bad), cwd=tmp_path)
    assert run.returncode == 2 and ".docx" in run.stderr and not bad.exists()
    assert len(run.stderr.strip().splitlines()) == 1
    # Issuing to a .docx: the archive keeps the PDF, the .docx carries the number and no draft mark.
    issued = tmp_path / "签发.docx"
    run = _cli("notice", "--db", str(db), "--period", "2025Q3", "-o", str(issued), "--issue", "--number", "9",
               "--date", "2025-10-08", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    word = docx.Document(issued)
    assert "黔江招商发〔2025〕9号" in _all_text(word) and DRAFT_MARK not in _all_text(word)
    with open_unlocked(db, read_only=True) as led:
        from zsdesk.notice.issuing import issued_pdf, list_issued

        [info] = list_issued(led)
        assert issued_pdf(led, info.id).startswith(b"%PDF")


# ---- LibreOffice ----------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@contextlib.contextmanager
def _fresh_office_home(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A fresh profile, the bundled fonts, and fontconfig rules naming them for the official fonts.

    On a PC without 仿宋_GB2312 & co. Word and WPS take the font table's ``altName``; LibreOffice
    does not read it, so the rules stand in for it here — otherwise it would set the notice in
    whatever CJK font it finds and the page count would say nothing about the document.
    """
    home = tmp_path / "office-home"
    fonts = home / ".fonts"
    fonts.mkdir(parents=True)
    for f in resource("fonts").glob("*.ttf"):
        shutil.copy(f, fonts / f.name)
    aliases = "".join(f"<alias binding='strong'><family>{OFFICIAL_FONTS[r]}</family>"
                      f"<prefer><family>{STAND_IN_FONTS[r]}</family></prefer></alias>" for r in Role)
    conf = home / ".config" / "fontconfig"
    conf.mkdir(parents=True)
    (conf / "fonts.conf").write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        f"<include ignore_missing='yes'>/etc/fonts/fonts.conf</include><dir>{fonts}</dir>{aliases}</fontconfig>",
        encoding="utf-8")
    yield {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}


def _convert(data: bytes, tmp_path: Path) -> Path:
    src = tmp_path / "notice.docx"
    src.write_bytes(data)
    out = tmp_path / "converted"
    with _fresh_office_home(tmp_path) as env:
        run = subprocess.run([str(SOFFICE), "--headless", "--convert-to", "pdf", "--outdir", str(out), str(src)],
                             env=env, capture_output=True, text=True, timeout=300)
    pdf = out / "notice.pdf"
    if not pdf.exists() and "could not be loaded" in run.stderr + run.stdout:
        pytest.skip("LibreOffice has no Writer here (apt package libreoffice-writer)")
    assert pdf.exists(), run.stderr
    return pdf


def _checker_problems(pdf: Path) -> tuple[list[str], str]:
    """Run the shared layout checker's own code on `pdf`; its problem lines and its summary."""
    spec = importlib.util.spec_from_file_location("check_notice_layout", CHECKER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        module.main(str(pdf))
    lines = buf.getvalue().strip().splitlines()
    return lines[:-1], lines[-1]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_pages_and_type_area(demo_notice: dict[str, Any], tmp_path: Path) -> None:
    pdf = _convert(demo_notice["docx"], tmp_path)
    ours = len(PdfReader(io.BytesIO(demo_notice["pdf"])).pages)
    theirs = PdfReader(pdf)
    assert abs(len(theirs.pages) - ours) <= 1, (len(theirs.pages), ours)
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in theirs.pages]
    assert (842, 595) in sizes and sizes[0] == (595, 842)  # the landscape attachment stays landscape
    problems, summary = _checker_problems(pdf)
    # The checker's type-area test within 2 mm: continuation pages of a table start with its header
    # rows (Word repeats them) where the PDF also prints "续表" on the margin, so a centred first
    # column may start a little right of 28 mm. Everything else it checks (A4, page numbers
    # "— N —", embedded fonts) must pass as it stands.
    for line in problems:
        found = re.match(r"page (\d+): text starts ([\d.]+) mm from the left edge", line)
        assert found, line
        odd = int(found.group(1)) % 2 == 1
        low, high = (27.0, 29.0) if odd else (25.0, 29.0)
        assert low - 2 <= float(found.group(2)) <= high + 2, line
    assert summary.startswith(f"{len(theirs.pages)} pages")
    text = "".join(p.extract_text() for p in theirs.pages)
    assert "征求意见稿" in "".join(theirs.pages[0].extract_text().split())
    flat = "".join(text.split())
    assert "—1—" in flat and "抄送：" in flat
    # The 版记 is at the foot of the last page, its last rule on the type area's bottom edge (262 mm).
    last = theirs.pages[-1]
    ys: list[float] = []

    def visit(t: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if "印" in t:
            ys.append(float(last.mediabox.height) - (tm[5] * cm[3] + cm[5]))

    last.extract_text(visitor_text=visit)
    assert ys and 250 <= ys[-1] * 25.4 / 72 <= 262, ys


# ---- the notice page's 导出 Word -------------------------------------------------------------------

def test_notice_page_exports_word_with_the_unsaved_text(qtbot: Any, ledger: Ledger, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    import ui  # noqa: F401 - installs the None guard before any Qt call
    from ui import strings as S
    from ui.common import errors
    from ui.common.context import LedgerContext
    from ui.notice.notice_page import NoticePage

    build_demo(ledger, today=date(2026, 11, 20))
    errors.MODAL = False
    errors.shown.clear()
    context = LedgerContext(ledger)
    context.today = date(2026, 11, 20)
    page = NoticePage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.save_docx_button.text() == S.ACT_NOTICE_SAVE_DOCX
    assert S.ACT_NOTICE_SAVE_DOCX in [a.text() for a in page.menu_actions()]
    page.sections["problems"].setPlainText("三是园区配套滞后，尚未保存的一句话。")
    out = tmp_path / "导出"  # no extension typed: .docx is added
    asked: list[str] = []

    def answer(parent: Any, title: str, suggested: str, filters: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(out), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    qtbot.mouseClick(page.save_docx_button, Qt.MouseButton.LeftButton)
    written = out.with_suffix(".docx")
    qtbot.waitUntil(lambda: written.exists() and bool(errors.shown), timeout=60000)
    context.runner.wait()
    assert asked and asked[0].endswith("2026年1—9月招商引资工作情况通报（征求意见稿）.docx")
    word = docx.Document(written)
    text = _all_text(word)
    assert "三是园区配套滞后，尚未保存的一句话。" in text  # what is on screen, saved or not
    assert "关于2026年1—9月全区招商引资工作情况的通报" in text
    assert word.sections[0].first_page_header.paragraphs[0].text == DRAFT_MARK
    assert errors.shown[-1][0] == S.ACT_NOTICE_SAVE_DOCX and str(written) in errors.shown[-1][1]
    assert not list(tmp_path.glob(".*.part"))
