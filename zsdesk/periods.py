"""Reporting periods: ``2026Q3`` (1—9月, year to date), ``2026M08`` (August alone), ``2026M01-08`` (1—8月
cumulative; any month range ``YYYYMaa-bb`` within one year, e.g. ``2026M07-09``), ``2026`` (the year).

Public API::

    parse_period(text: str) -> Period           # LedgerError with a Chinese message on bad input
    Period.start / .end                         # the board's date range (inclusive)
    Period.alone() -> Period                    # the quarter alone (2026Q3 → 7—9月), a month or year itself
    Period.ytd() -> Period                      # the year to date through .end (2026M08 → 1—8月)
    Period.previous_ytd() -> Period | None      # year to date before .alone() (2026Q3 → 1—6月); None in Q1/M01
    Period.last_year() -> Period                # the same period of the previous year, for 同比
    Period.label / .alone_label                 # "2026年1—9月", "2026年三季度", "2026年8月", "2026年",
                                                # "2026年1—8月" (2026M01-08), "2026年7—9月" (2026M07-09)
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import LedgerError

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
_FORMS = (
    (re.compile(r"^(\d{4})Q(\d+)$"), "Q"),
    (re.compile(r"^(\d{4})M(\d{1,2})\s*[-—–~～至]\s*M?(\d{1,2})$"), "R"),
    (re.compile(r"^(\d{4})M(\d{1,2})$"), "M"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "M"),
    (re.compile(r"^(\d{4})$"), "Y"),
)


class PeriodError(LedgerError):
    pass


@dataclass(frozen=True)
class Period:
    """A date range the board is computed for.

    ``kind`` is "Q" (year to date through quarter ``number``), "M" (month ``number`` alone), "Y" (the
    year), "QA" (quarter ``number`` alone), "YTD" (January through the end of month ``number``, written
    ``2026M01-08``) or "R" (months ``number`` through ``last``, ``2026M07-09``; never starting in January).
    """

    year: int
    kind: str
    number: int = 0
    last: int = 0

    @property
    def code(self) -> str:
        if self.kind == "Q":
            return f"{self.year}Q{self.number}"
        if self.kind == "M":
            return f"{self.year}M{self.number:02d}"
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "QA":
            return f"{self.year}Q{self.number}-alone"
        return f"{self.year}M{self.first_month:02d}-{self.last_month:02d}"

    @property
    def first_month(self) -> int:
        return {"Q": 1, "M": self.number, "Y": 1, "QA": 3 * self.number - 2, "YTD": 1, "R": self.number}[self.kind]

    @property
    def last_month(self) -> int:
        return {"Q": 3 * self.number, "M": self.number, "Y": 12, "QA": 3 * self.number, "YTD": self.number,
                "R": self.last}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def is_ytd(self) -> bool:
        return self.first_month == 1

    def alone(self) -> Period:
        """The quarter alone for a quarter period; a month or a year is its own ``alone``."""
        if self.kind == "Q":
            return Period(self.year, "QA", self.number)
        if self.kind == "YTD":
            return Period(self.year, "M", self.number)
        return self

    def ytd(self) -> Period:
        """January 1 through ``end``."""
        if self.is_ytd:
            return self
        return Period(self.year, "Q", self.number) if self.kind == "QA" else Period(self.year, "YTD", self.last_month)

    def previous_ytd(self) -> Period | None:
        """The year to date that ends just before ``alone()`` starts; ``None`` when that is empty."""
        months = self.alone().first_month - 1
        if months == 0:
            return None
        return Period(self.year, "Q", months // 3) if months % 3 == 0 else Period(self.year, "YTD", months)

    def last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.number, self.last)

    @property
    def label(self) -> str:
        """``2026年1—9月`` / ``2026年8月`` / ``2026年`` / ``2026年三季度``."""
        first, last = self.first_month, self.last_month
        if self.kind == "Y":
            return f"{self.year}年"
        if self.kind == "QA":
            return f"{self.year}年{QUARTER_NAMES[self.number]}季度"
        if first == last:
            return f"{self.year}年{first}月"
        return f"{self.year}年{first}—{last}月"

    @property
    def alone_label(self) -> str:
        return self.alone().label

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    """``2026Q3``, ``2026M08`` (or ``2026-08``, ``2026M8``), ``2026M01-08`` (1—8月 cumulative, the same as
    ``2026M08`` year to date) or any ``YYYYMaa-bb`` within a year, ``2026``; raises ``PeriodError``."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip().upper()
    for pattern, kind in _FORMS:
        m = pattern.match(raw)
        if not m:
            continue
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            raise PeriodError(f"期间“{text}”的年份应在 2000—2100 之间")
        if kind == "Y":
            return Period(year, "Y")
        number = int(m.group(2))
        if kind == "Q" and not 1 <= number <= 4:
            raise PeriodError(f"无法识别的期间“{text}”：季度应为 1—4（如 {year}Q3）")
        if kind in ("M", "R") and not 1 <= number <= 12:
            raise PeriodError(f"期间“{text}”的月份应为 01—12")
        if kind == "R":
            last = int(m.group(3))
            if not 1 <= last <= 12:
                raise PeriodError(f"期间“{text}”的月份应为 01—12")
            if last < number:
                raise PeriodError(f"期间“{text}”的起始月份晚于截止月份，应为如 {year}M01-08（1—8月累计）")
            if number == last:
                return Period(year, "M", number)
            if number == 1:
                return Period(year, "YTD", last)
            return Period(year, "R", number, last)
        return Period(year, kind, number)
    if not raw:
        raise PeriodError("未填写期间，应为 2026Q3（1—9月累计）、2026M08（8月）、2026M01-08（1—8月累计）或 2026（全年）")
    raise PeriodError(f"无法识别的期间“{text}”，应为 2026Q3（1—9月累计）、2026M08（8月）、2026M01-08（1—8月累计）"
                      "或 2026（全年）")
