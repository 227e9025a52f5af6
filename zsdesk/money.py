"""Money: integer yuan everywhere; this module alone parses and formats it.

Clerks type amounts in 万元 (up to 4 decimals, i.e. exact to the yuan); ``亿`` and ``元``
suffixes are understood. Display rounds half-up, never banker's rounding.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import LedgerError

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000

_UNIT_FACTORS = {"元": 1, "万": YUAN_PER_WAN, "万元": YUAN_PER_WAN, "亿": YUAN_PER_YI, "亿元": YUAN_PER_YI}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:,\d{3})*|\d*)(?:\.(\d+))?$")


class MoneyError(LedgerError):
    pass


def parse_money(text: str | int | float | Decimal | None, default_unit: str = "万元",
                allow_negative: bool = False) -> int | None:
    """Parse what a clerk typed into integer yuan; ``None`` for a blank.

    ``"12345.6"`` is 万元 by default; ``"1,234.5万元"``, ``"3.2亿"``, ``"3.2亿元"``, ``"800元"``.
    Raises ``MoneyError`` with a Chinese reason when the text is not an amount, is finer than
    one yuan, or is negative where that is not allowed.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise MoneyError("不是有效的金额")
    if isinstance(text, (int, float, Decimal)):
        raw = format(Decimal(str(text)), "f")
        unit = default_unit
    else:
        raw = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "").replace("，", ",")
        if not raw:
            return None
        unit = default_unit
        for suffix in ("万元", "亿元", "万", "亿", "元"):
            if raw.endswith(suffix):
                unit, raw = suffix, raw[: -len(suffix)]
                break
        if raw.startswith("¥"):
            raw = raw[1:]
    if unit not in _UNIT_FACTORS:
        raise ValueError(f"unknown money unit {unit!r}")
    m = _NUMBER.match(raw)
    if not m or (not m.group(2) and not m.group(3)):
        raise MoneyError(f"“{text}”不是有效的金额")
    sign, whole, frac = m.group(1), (m.group(2) or "0").replace(",", ""), m.group(3) or ""
    try:
        value = Decimal(f"{whole}.{frac or '0'}") * _UNIT_FACTORS[unit]
    except InvalidOperation as err:  # pragma: no cover - regex already guards this
        raise MoneyError(f"“{text}”不是有效的金额") from err
    if value != value.to_integral_value():
        finest = {"元": "元", "万": "4 位小数", "万元": "4 位小数", "亿": "8 位小数", "亿元": "8 位小数"}[unit]
        raise MoneyError(f"“{text}”精确到了分以下（{unit}最多 {finest}）")
    yuan = int(value)
    if sign == "-":
        yuan = -yuan
    if yuan < 0 and not allow_negative:
        raise MoneyError(f"“{text}”不能为负数")
    if abs(yuan) > 10**16:
        raise MoneyError(f"“{text}”超出合理范围")
    return yuan


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_wan(yuan: int, places: int = 2) -> Decimal:
    return _round(Decimal(yuan) / YUAN_PER_WAN, places)


def to_yi(yuan: int, places: int = 2) -> Decimal:
    return _round(Decimal(yuan) / YUAN_PER_YI, places)


def format_wan(yuan: int | None, places: int = 2, unit: bool = False) -> str:
    """``593937500`` → ``"59393.75"`` (万元); ``None`` → ``""``."""
    if yuan is None:
        return ""
    text = f"{to_wan(yuan, places):,.{places}f}" if unit else f"{to_wan(yuan, places):.{places}f}"
    return f"{text}万元" if unit else text


def format_yi(yuan: int | None, places: int = 2, unit: bool = False) -> str:
    """``9503000000`` → ``"95.03"`` (亿元)."""
    if yuan is None:
        return ""
    text = f"{to_yi(yuan, places):.{places}f}"
    return f"{text}亿元" if unit else text


def format_input_wan(yuan: int | None) -> str:
    """Exact 万元 text for an edit field: no rounding, no trailing zeros (``12345000`` → ``"1234.5"``)."""
    if yuan is None:
        return ""
    value = Decimal(yuan) / YUAN_PER_WAN
    text = format(value.normalize(), "f")
    return text


def round_half_up(value: Decimal | float | int, places: int = 2) -> Decimal:
    return _round(Decimal(str(value)), places)


def percent(numerator: int, denominator: int | None, places: int = 2) -> Decimal | None:
    """``numerator ÷ denominator × 100`` rounded half-up; ``None`` when there is no denominator."""
    if not denominator:
        return None
    return _round(Decimal(numerator) * 100 / Decimal(denominator), places)
