"""Dates as clerks type them and as spreadsheets store them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from .errors import LedgerError

_EXCEL_EPOCH = date(1899, 12, 30)
_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


class DateError(LedgerError):
    pass


def parse_date(value: object) -> date | None:
    """``2026-03-01``, ``2026/3/1``, ``2026.3.1``, ``2026年3月1日``, ``20260301``, an Excel serial
    number, or a ``date``/``datetime``; ``None`` for a blank. Raises ``DateError`` otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateError(f"“{value}”不是有效的日期")
    if isinstance(value, (int, float)):
        return _from_excel_serial(value)
    text = " ".join(unicodedata.normalize("NFKC", str(value)).split())
    if not text:
        return None
    for pattern in _PATTERNS:
        m = pattern.match(text) or pattern.match(text.replace(" ", ""))
        if m:
            y, mo, d = (int(g) for g in m.groups()[:3])
            try:
                result = date(y, mo, d)
            except ValueError as err:
                raise DateError(f"“{value}”不是存在的日期") from err
            if not 1990 <= result.year <= 2100:
                raise DateError(f"“{value}”年份超出 1990—2100")
            return result
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_excel_serial(float(text))
    raise DateError(f"“{value}”不是有效的日期（应为 2026-03-01、2026/3/1 或 2026年3月1日）")


def _from_excel_serial(serial: float) -> date:
    if not 32874 <= serial <= 73415:  # 1990-01-01 .. 2100-12-31
        raise DateError(f"“{serial}”不是有效的日期")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def format_cn(d: date) -> str:
    """``2026年10月8日`` — the form of a signature date."""
    return f"{d.year}年{d.month}月{d.day}日"
