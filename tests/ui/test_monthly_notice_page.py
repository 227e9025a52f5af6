"""The notice page with a month range (月度累计): the monthly notice, its own number series (issue 21 item 2)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

import ui  # noqa: F401 - installs the None guard before any Qt call
from ui.common import errors
from ui.common.context import LedgerContext
from ui.notice.notice_page import NoticePage
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.notice.issuing import list_issued

TODAY = date(2026, 9, 5)


@pytest.fixture
def page(ledger: Ledger, qtbot) -> Iterator[NoticePage]:
    build_demo(ledger, today=date(2026, 11, 20))
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


def test_month_range_gives_the_monthly_notice_and_its_series(qtbot, page: NoticePage) -> None:
    page.activated()
    page.picker.set_code("2026M01-08")  # as the chief picks 月度累计 1—8月
    assert page.picker.code() == "2026M01-08"
    page.period_changed("2026M01-08")
    assert page.shown_period == "2026M01-08"
    qtbot.waitUntil(lambda: page.draft is not None and not page.task.pending
                    and page.draft.figures["period"] == "2026M01-08", timeout=30000)
    assert page.draft.figures["kind"] == "monthly"
    text = _text(page.draft.pdf)
    assert "关于2026年1—8月全区" in text and "黔江招商督〔2026〕" in text and "项目落地情况" in text
    assert page.sections["highlights"].toPlainText() == ""  # the monthly default narrative is short
    assert page.next_number.text() == "下一个文号：黔江招商督〔2026〕1号"
    assert page.setting_edits["monthly_number_pattern"].text() == "黔江招商督〔{年}〕{号}号"

    page.ask_issue()
    assert "黔江招商督〔2026〕1号" in page.issue_box.text()
    page.issue_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.last_issued is not None, timeout=30000)
    assert page.last_issued.doc_number == "黔江招商督〔2026〕1号"
    assert page.next_number.text() == "下一个文号：黔江招商督〔2026〕2号"
    page.archive.close()

    page.picker.set_code("2026Q2")  # the quarterly series has not moved
    page.period_changed("2026Q2")
    assert page.next_number.text() == "下一个文号：黔江招商发〔2026〕1号"
    assert [i.doc_number for i in list_issued(page.context.ledger)] == ["黔江招商督〔2026〕1号"]
