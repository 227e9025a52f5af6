"""When a notice may be issued: on or after its period's end, and not more than 31 days ahead.

An issue date outside this window is almost always a typing error (``1990-01-01``, a wrong year),
and an issued notice is archived for ever. The command line refuses it unless ``--force-date``;
the window can call the same check before it issues.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import LedgerError
from ..periods import Period

ISSUE_DATE_AHEAD_DAYS = 31


def check_issue_date(period: Period, issue_date: date, today: date | None = None,
                     override_hint: str = "") -> None:
    """An issue date lies within [the period's end, today + 31 days]; else a ``LedgerError``
    (``override_hint`` says how to issue it anyway, e.g. the command line's ``--force-date``)."""
    today = today or date.today()
    latest = today + timedelta(days=ISSUE_DATE_AHEAD_DAYS)
    if issue_date < period.end:
        raise LedgerError(f"成文日期 {issue_date:%Y-%m-%d} 早于期间 {period.label} 的期末 {period.end:%Y-%m-%d}，"
                          f"通报不能在期末之前签发。{override_hint}")
    if issue_date > latest:
        raise LedgerError(f"成文日期 {issue_date:%Y-%m-%d} 晚于今天后 {ISSUE_DATE_AHEAD_DAYS} 天（{latest:%Y-%m-%d}），"
                          f"可能输错了年份。{override_hint}")
