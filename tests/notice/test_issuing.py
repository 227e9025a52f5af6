"""Issuing numbers, freezes and archives a notice; what was issued never changes."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select, update

from zsdesk import ops
from zsdesk.errors import LedgerError
from zsdesk.models import AuditEntry, IssuedNotice, Project
from zsdesk.notice.issuing import issue_notice, issued_figures, issued_pdf, list_issued, next_serial
from zsdesk.notice.quarterly import render_quarterly_notice
from zsdesk.periods import parse_period

from .conftest import flat


def test_issue_numbers_archives_and_reprints_identically(demo, fonts):  # type: ignore[no-untyped-def]
    first = issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 10, 10), fonts=fonts)
    assert (first.serial, first.year, first.doc_number) == (1, 2025, "黔江招商发〔2025〕1号")
    pdf = issued_pdf(demo, first.id)
    assert hashlib.sha256(pdf).hexdigest() == first.sha256 and len(pdf) == first.size
    text = flat(pdf)
    assert "黔江招商发〔2025〕1号" in text and "2025年10月10日" in text
    # The archive returns the same bytes every time.
    assert issued_pdf(demo, first.id) == pdf
    second = issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 10, 20), fonts=fonts)
    assert second.serial == 2 and second.doc_number == "黔江招商发〔2025〕2号"
    assert next_serial(demo, 2025) == 3 and next_serial(demo, 2026) == 1
    listed = list_issued(demo)
    assert [n.doc_number for n in listed] == ["黔江招商发〔2025〕2号", "黔江招商发〔2025〕1号"]
    assert listed[1].sha256 == first.sha256 and listed[1].title == "关于2025年1—9月全区招商引资工作情况的通报"
    # A new year starts again at 1; a given number is used as given.
    third = issue_notice(demo, parse_period("2025"), issue_date=date(2026, 1, 15), number=7, fonts=fonts)
    assert third.doc_number == "黔江招商发〔2026〕7号"
    with demo.reading() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "notice")).all()
    assert len(audit) == 3 and all('"pdf"' not in a.after and len(a.after) < 2000 for a in audit)
    assert first.sha256 in audit[0].after


def test_duplicate_number_refused(demo, fonts):  # type: ignore[no-untyped-def]
    issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 10, 10), number=12, fonts=fonts)
    with pytest.raises(LedgerError, match="12号已经用过"):
        issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 12, 1), number=12, fonts=fonts)
    with pytest.raises(LedgerError, match="正整数"):
        issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 12, 1), number=0, fonts=fonts)
    assert len(list_issued(demo)) == 1
    # The next free number follows the highest used one.
    assert issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 12, 1), fonts=fonts).serial == 13


def test_issued_notice_unchanged_after_project_edit(demo, fonts):  # type: ignore[no-untyped-def]
    info = issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 10, 10), fonts=fonts)
    before_pdf, before_figures = issued_pdf(demo, info.id), issued_figures(demo, info.id)
    formal_before = before_figures["board"]["district"]["formal_amount"]
    with demo.reading() as s:
        pid, amount = s.execute(select(Project.id, Project.agreement_amount)
                                .where(Project.formal_date.between(date(2025, 7, 1), date(2025, 9, 30)),
                                       Project.deleted_at.is_(None), Project.withdrawn_date.is_(None))
                                .order_by(Project.agreement_amount.desc()).limit(1)).one()
    ops.update_project(demo, pid, {"agreement_amount": amount + 100_000_000})
    draft = render_quarterly_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 10, 10), fonts=fonts,
                                    doc_number=info.doc_number)
    assert draft != before_pdf  # the edit does change a new notice …
    assert issued_pdf(demo, info.id) == before_pdf  # … but not the issued one
    after = issued_figures(demo, info.id)
    assert after == before_figures and after["board"]["district"]["formal_amount"] == formal_before


def test_tampered_archive_is_refused(demo, fonts):  # type: ignore[no-untyped-def]
    info = issue_notice(demo, parse_period("2025Q3"), issue_date=date(2025, 10, 10), fonts=fonts)
    with demo.session() as s:
        pdf = s.get(IssuedNotice, info.id).pdf
        middle = len(pdf) // 2
        changed = pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1:]  # one bit flipped
        s.execute(update(IssuedNotice).where(IssuedNotice.id == info.id).values(pdf=changed))
        s.commit()
    with pytest.raises(LedgerError, match="校验失败"):
        issued_pdf(demo, info.id)
    with pytest.raises(LedgerError, match="没有编号为"):
        issued_pdf(demo, 9999)
