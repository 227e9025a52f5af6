"""Issuing a notice (季度通报, or 月通报 for a month range): number it in its series, freeze its figures,
archive the PDF with its SHA-256.

An issued notice never changes; editing projects afterwards changes only future notices. A correction
is a new notice with a new number.

Public API::

    issue_notice(ledger, period, number=None, issue_date=None, narrative=None, settings=None, fonts=None)
        -> IssuedNoticeInfo                      # LedgerError (Chinese) for a number already used
    next_serial(ledger, year, period=None) -> int   # max serial of that year in the period's series + 1
                                                 # (monthly 月通报 for month ranges, else quarterly)
    list_issued(ledger) -> list[IssuedNoticeInfo]   # newest first
    issued_pdf(ledger, notice_id) -> bytes       # verified against the stored SHA-256
    issued_figures(ledger, notice_id) -> dict    # the frozen figures
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..access import require
from ..audit_guard import chain_head
from ..errors import LedgerError
from ..models import IssuedNotice
from ..ops.history import ChangeRecord, operation
from ..periods import Period, parse_period
from .compose import render_notice
from .fonts import FontSet
from .monthly import build_notice, is_monthly, series_settings
from .narrative import Narrative, NoticeSettings, format_doc_number, load_settings

if TYPE_CHECKING:
    from ..ledger import Ledger


@dataclass(frozen=True)
class IssuedNoticeInfo:
    id: int
    period: str
    doc_number: str
    serial: int
    year: int
    issue_date: date
    title: str
    sha256: str
    size: int  # PDF bytes
    issued_at: datetime
    operator: str


def _info(row: IssuedNotice, title: str | None = None, size: int | None = None) -> IssuedNoticeInfo:
    if title is None:
        try:
            title = str(json.loads(row.figures).get("title", ""))
        except (ValueError, AttributeError):
            title = ""
    return IssuedNoticeInfo(row.id, row.period, row.doc_number, row.serial, row.year, row.issue_date, title,
                            row.sha256, len(row.pdf) if size is None else size, row.issued_at, row.operator)


def _series_used(s: Any, year: int, period: Period, settings: NoticeSettings) -> set[int]:
    """Serials used in ``year`` by the period's series: month periods (月通报) and the rest (季度通报)
    are numbered independently — unless both series share one 文号格式, then they share the numbers."""
    rows = s.execute(select(IssuedNotice.serial, IssuedNotice.period).where(IssuedNotice.year == year)).all()
    if settings.monthly_number_pattern == settings.number_pattern:
        return {serial for serial, _ in rows}
    monthly = is_monthly(period)
    return {serial for serial, code in rows if _monthly_code(code) == monthly}


def _monthly_code(code: str) -> bool:
    try:
        return is_monthly(parse_period(code))  # the archive holds the period as text
    except LedgerError:  # an archived period code this version does not read: the quarterly series
        return False


def next_serial(ledger: Ledger, year: int, period: Period | None = None,
                settings: NoticeSettings | None = None) -> int:
    """The next serial of ``year`` in the series of ``period`` (None: the quarterly series)."""
    period = period or Period(year, "Q", 4)
    settings = settings or load_settings(ledger)
    with ledger.reading() as s:
        return max(_series_used(s, year, period, settings), default=0) + 1


def issue_notice(ledger: Ledger, period: Period, number: int | None = None, issue_date: date | None = None,
                 narrative: Narrative | None = None, settings: NoticeSettings | None = None,
                 fonts: FontSet | None = None) -> IssuedNoticeInfo:
    """Number, render and archive the notice for ``period`` in one transaction with its audit row.

    The serial counts per issuing year (the year of ``issue_date``): the next after the year's highest,
    or ``number`` when given — a number already used that year is refused.
    """
    require(ledger, "issue_notices")  # 只有科长可以签发通报, before any figure is computed
    issue_date = issue_date or date.today()
    settings = settings or load_settings(ledger)
    pattern = series_settings(settings, period).number_pattern
    year = issue_date.year
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
        raise LedgerError(f"文号序号应为正整数，而不是“{number}”。")
    with operation(ledger, f"签发通报 {period.label}", undoable=False) as op:
        s = op.session
        used = _series_used(s, year, period, settings)
        serial = number if number is not None else max(used, default=0) + 1
        doc_number = format_doc_number(pattern, year, serial)
        if serial in used:
            raise LedgerError(f"{year}年的{serial}号已经用过，不能重复使用文号（{doc_number}）。"
                              f"如需更正，请用新的文号（下一个可用序号为 {max(used) + 1}）。")
        clash = s.scalar(select(IssuedNotice.id).where(IssuedNotice.doc_number == doc_number))
        if clash is not None:
            raise LedgerError(f"文号“{doc_number}”已经用过，不能重复使用。")
        doc, figures = build_notice(ledger, period, narrative, settings, doc_number, issue_date, fonts)
        pdf = render_notice(doc, fonts)
        digest = hashlib.sha256(pdf).hexdigest()
        # The audit chain's head as issued: `zsdesk check` verifies the chain still passes through it.
        head_id, head_hash = chain_head(s)
        row = IssuedNotice(period=period.code, doc_number=doc_number, serial=serial, year=year,
                           issue_date=issue_date, figures=json.dumps(figures, ensure_ascii=False, sort_keys=True),
                           pdf=pdf, sha256=digest, issued_at=op.now, operator=ledger.operator or "",
                           chain_head_id=head_id or None, chain_head_hash=head_hash or None)
        s.add(row)
        s.flush()
        op.change.records.append(ChangeRecord("notice", row.id, "insert", None, {
            "id": row.id, "period": row.period, "doc_number": doc_number, "serial": serial, "year": year,
            "issue_date": issue_date.isoformat(), "title": doc.title, "sha256": digest, "size": len(pdf),
            "operator": row.operator, "chain_head": [head_id, head_hash]}))
        info = _info(row, doc.title, len(pdf))
    return info


def list_issued(ledger: Ledger) -> list[IssuedNoticeInfo]:
    """Every issued notice, newest first (without loading the PDFs' bytes into the list)."""
    with ledger.reading() as s:
        rows = s.execute(select(IssuedNotice.id, IssuedNotice.period, IssuedNotice.doc_number, IssuedNotice.serial,
                                IssuedNotice.year, IssuedNotice.issue_date, IssuedNotice.figures,
                                IssuedNotice.sha256, func.length(IssuedNotice.pdf), IssuedNotice.issued_at,
                                IssuedNotice.operator)
                         .order_by(IssuedNotice.issue_date.desc(), IssuedNotice.id.desc())).all()
    out = []
    for r in rows:
        try:
            title = str(json.loads(r[6]).get("title", ""))
        except (ValueError, AttributeError):
            title = ""
        out.append(IssuedNoticeInfo(r[0], r[1], r[2], r[3], r[4], r[5], title, r[7], int(r[8] or 0), r[9], r[10]))
    return out


def _row(ledger: Ledger, notice_id: int) -> tuple[bytes, str, str, str]:
    with ledger.reading() as s:
        row = s.get(IssuedNotice, notice_id)
        if row is None:
            raise LedgerError(f"没有编号为 {notice_id} 的已签发通报。")
        return bytes(row.pdf), row.sha256, row.doc_number, row.figures


def issued_pdf(ledger: Ledger, notice_id: int) -> bytes:
    """The archived PDF, byte for byte as issued; a mismatch with its stored SHA-256 is refused."""
    pdf, digest, doc_number, _ = _row(ledger, notice_id)
    if hashlib.sha256(pdf).hexdigest() != digest:
        raise LedgerError(f"已签发通报“{doc_number}”的存档文件校验失败（SHA-256 不符），文件可能已被改动。"
                          "请从备份中恢复台账。")
    return pdf


def issued_figures(ledger: Ledger, notice_id: int) -> dict[str, Any]:
    _, _, _, figures = _row(ledger, notice_id)
    return dict(json.loads(figures))
