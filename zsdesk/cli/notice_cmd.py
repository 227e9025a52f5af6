"""``zsdesk notice --period 2026Q3 -o FILE.pdf [--issue [--number N] [--date YYYY-MM-DD]]``.

Without ``--issue`` it writes a draft: the document number's serial is left blank
(``黔江招商发〔2026〕　　号``) and nothing is stored. With ``--issue`` the notice is numbered, archived in
the ledger (PDF bytes and SHA-256) and the archived bytes are written to FILE. A month or month range
(``2026M01-08``) gives the monthly notice (月通报) with its own number series (``zsdesk.notice.monthly``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..dates import parse_date
from ..errors import LedgerError
from ..outputs import refuse_output, write_bytes_atomically
from ..periods import parse_period
from . import add_db_option, db_of, open_ledger


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("notice", help="生成季度通报或月通报（月份区间，如 2026M01-08）PDF（--issue 签发：编文号并存档）")
    add_db_option(p)
    p.add_argument("--period", required=True, help="期间：2026Q3（1—9月累计）、2026M08（8月）、2026M01-08（1—8月累计）或 2026（全年）")
    p.add_argument("-o", "--output", required=True, help="输出文件：.pdf（PDF）或 .docx（Word/WPS 工作底稿）")
    p.add_argument("--issue", action="store_true", help="签发：编文号、冻结数据并存档（签发后不能修改）")
    p.add_argument("--number", help="文号序号（默认：本年已用最大序号 + 1）；只能与 --issue 一起使用")
    p.add_argument("--date", help="成文日期 YYYY-MM-DD（默认：今天）；应在期末至今天后 31 天之间")
    p.add_argument("--force-date", action="store_true", help="允许期末之前或 31 天以后的成文日期（补签、预签）")
    p.set_defaults(run=run_notice)


MAX_SERIAL = 99999  # a bureau issues dozens a year; beyond this is a typing error
def _number(text: str | None) -> int | None:
    if text is None:
        return None
    raw = text.strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SERIAL:
        raise LedgerError(f"文号序号应为 1—{MAX_SERIAL} 之间的整数，而不是“{text}”。")
    return int(raw)


def _write(path: Path, data: bytes) -> None:
    """Through a temporary file in the same folder: a failed write leaves no half PDF."""
    write_bytes_atomically(path, data)


def run_notice(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (the notice loads reportlab and the board)
    from ..notice.issuing import issue_notice, issued_pdf
    from ..notice.monthly import render_notice_docx, render_notice_pdf

    period = parse_period(args.period)
    number = _number(args.number)
    if number is not None and not args.issue:
        raise LedgerError("--number 只能与 --issue 一起使用（草稿不编文号）。")
    issue_date = parse_date(args.date) if args.date is not None else None
    if args.date is not None and issue_date is None:
        raise LedgerError(f"无法识别的日期“{args.date}”，应为 YYYY-MM-DD。")
    if args.issue and not args.force_date:
        # local: keeps `zsdesk --help` fast (the notice loads reportlab and the board)
        from ..notice.issue_dates import check_issue_date

        check_issue_date(period, issue_date or date.today(), override_hint="确需如此请加 --force-date。")
    out = Path(args.output)
    word = out.suffix.lower() == ".docx"  # the format follows the extension
    if out.suffix.lower() != ".pdf" and not word:
        raise LedgerError(f"输出文件应以 .pdf 或 .docx 结尾：{out}")
    refuse_output(out, db_of(args))
    with open_ledger(args, write=args.issue) as ledger:
        if args.issue:
            info = issue_notice(ledger, period, number=number, issue_date=issue_date)
            if word:  # the archive keeps the PDF; the .docx is a working copy of the issued text
                _write(out, render_notice_docx(ledger, period, doc_number=info.doc_number,
                                               issue_date=info.issue_date, draft=False))
            else:
                _write(out, issued_pdf(ledger, info.id))
            sys.stdout.write(f"已签发：{info.doc_number}　{info.title}\n"
                             f"已存档（SHA-256 {info.sha256}），{'Word 工作底稿' if word else 'PDF'} 已写入 {out}\n")
        elif word:
            _write(out, render_notice_docx(ledger, period, issue_date=issue_date))
            sys.stdout.write(f"Word 征求意见稿已写入 {out}（工作底稿，签发以存档的 PDF 为准）\n")
        else:
            _write(out, render_notice_pdf(ledger, period, issue_date=issue_date))
            sys.stdout.write(f"草稿已写入 {out}（文号序号留空，签发时编号：zsdesk notice --period {period.code} "
                             f"-o {out.name} --issue）\n")
    return 0
