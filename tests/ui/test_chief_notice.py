"""季度通报 page: narrative → PDF, print through QPrinter, issue → archive with the same hash."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

import ui  # noqa: F401 - installs the None guard before any Qt call
from ui.common import errors
from ui.common.context import LedgerContext
from ui.notice.notice_page import NoticePage, char_count
from ui.notice.pdf_preview import print_pdf_to_file
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.notice.issuing import issued_pdf, list_issued

TODAY = date(2026, 11, 20)
A4 = (595, 842)


@pytest.fixture
def page(ledger: Ledger, qtbot) -> Iterator[NoticePage]:
    build_demo(ledger, today=TODAY)
    errors.MODAL = False
    errors.shown.clear()
    context = LedgerContext(ledger)
    context.today = TODAY
    notice = NoticePage(context)
    qtbot.addWidget(notice)
    notice.show()
    yield notice
    context.runner.wait()


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


def test_narrative_edit_reaches_the_pdf_and_placeholders_are_filled(qtbot, page: NoticePage) -> None:
    assert page.picker.code() == "2026Q3"
    page.activated()
    qtbot.waitUntil(lambda: page.draft is not None and not page.task.pending, timeout=30000)
    values = page.draft.figures["placeholders"]
    assert "{正式合同额}" in page.figures_view.toPlainText()

    edit = page.sections["problems"]
    edit.setPlainText("")
    page.section_tabs.setCurrentIndex(1)
    edit.insertPlainText("三是园区配套滞后，本期到位资金")
    item = next(page.placeholders.item(i) for i in range(page.placeholders.count())
                if page.placeholders.item(i).text() == "{到位资金}")
    page.insert_placeholder(item)
    assert edit.toPlainText().endswith("{到位资金}")
    assert page.counts["problems"].text() == f"{char_count(edit.toPlainText())} 字"
    assert "预览不是最新的" in page.preview.message.text()

    old = page.draft
    page.render_preview()
    qtbot.waitUntil(lambda: page.draft is not old and page.draft is not None, timeout=30000)
    text = _text(page.draft.pdf)
    assert "三是园区配套滞后" in text
    assert f"本期到位资金{values['到位资金']}" in text  # the placeholder became the engine's figure
    assert page.preview.page_count >= 2


def test_printing_through_qprinter_gives_an_a4_pdf(qtbot, page: NoticePage, tmp_path) -> None:
    page.activated()
    qtbot.waitUntil(lambda: page.draft is not None and not page.task.pending, timeout=30000)
    out = tmp_path / "printed.pdf"
    pages = print_pdf_to_file(page.draft.pdf, out, dpi=60)
    source = PdfReader(io.BytesIO(page.draft.pdf))
    printed = PdfReader(str(out))
    assert pages == len(source.pages) == len(printed.pages)
    sizes = [tuple(sorted((round(float(p.mediabox.width)), round(float(p.mediabox.height))))) for p in printed.pages]
    assert set(sizes) == {A4}
    # landscape attachment pages stay landscape on paper
    for src, out_page in zip(source.pages, printed.pages, strict=True):
        assert (float(src.mediabox.width) > float(src.mediabox.height)) == (
            float(out_page.mediabox.width) > float(out_page.mediabox.height))


def test_issue_asks_then_archives_the_exact_pdf(qtbot, page: NoticePage, tmp_path) -> None:
    page.sections["highlights"].setPlainText("（一）本季度印发测试亮点。")
    page.ask_issue()
    box = page.issue_box
    assert box is not None and "黔江招商发〔2026〕1号" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert list_issued(page.context.ledger) == []  # no means nothing is issued

    page.ask_issue()
    page.issue_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.last_issued is not None, timeout=30000)
    info = page.last_issued
    assert info.doc_number == "黔江招商发〔2026〕1号"
    assert "下一个文号：黔江招商发〔2026〕2号" == page.next_number.text()

    archive = page.archive
    assert archive.table.rowCount() == 1
    assert archive.table.item(0, 0).text() == info.doc_number
    assert archive.table.item(0, 5).text() == info.sha256
    saved = archive.save_selected(str(tmp_path / "reprint.pdf"))
    data = (tmp_path / "reprint.pdf").read_bytes()
    assert saved and hashlib.sha256(data).hexdigest() == info.sha256
    assert data == issued_pdf(page.context.ledger, info.id)
    assert archive.preview.data == data  # the archive shows the archived bytes
    assert "本季度印发测试亮点" in _text(data)
    assert "黔江招商发〔2026〕1号" in _text(data)
    archive.close()


def test_preview_fits_the_page_width_of_its_viewport(qtbot, page: NoticePage) -> None:
    """Fit width means the whole page is visible across, whatever size the window was when it loaded."""
    page.resize(1500, 950)
    page.activated()
    qtbot.waitUntil(lambda: page.draft is not None and not page.task.pending, timeout=30000)
    preview = page.preview
    preview.fit_width()

    def first_page_fits() -> bool:  # every page, landscape attachments included, fits across
        canvas, viewport = preview.canvas.width(), preview.view.viewport().width()
        return 0.8 * viewport < canvas <= viewport

    qtbot.waitUntil(first_page_fits, timeout=3000)
    page.resize(1100, 800)
    qtbot.waitUntil(first_page_fits, timeout=3000)
