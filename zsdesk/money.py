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


def format_money(yuan: int | None, unit: str = "wan", places: int = 2, suffix: bool = False,
                 grouped: bool = True) -> str:
    """The one way an amount is shown: ``1469500000`` → ``"146,950.00"`` (万元, thousands separators).

    ``unit``: ``"wan"`` (万元), ``"yi"`` (亿元), ``"yuan"`` (元) or ``"auto"`` — 亿元 from one 亿 up, else
    万元 (``13283800000000`` → ``"132.84亿元"`` rather than ``"1328380.00万元"``; ``auto`` always names
    its unit). ``suffix`` appends the unit; ``grouped=False`` gives plain digits (files, edit fields).
    Rounds half-up; ``None`` → ``""``.
    """
    if yuan is None:
        return ""
    if unit == "auto":
        unit, suffix = ("yi" if abs(yuan) >= YUAN_PER_YI else "wan"), True
    if unit == "wan":
        value, name = to_wan(yuan, places), "万元"
    elif unit == "yi":
        value, name = to_yi(yuan, places), "亿元"
    elif unit == "yuan":
        value, name = _round(Decimal(yuan), places), "元"
    else:
        raise ValueError(f"unknown money unit {unit!r}")
    text = f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"
    return f"{text}{name}" if suffix else text


def format_wan(yuan: int | None, places: int = 2, unit: bool = False, grouped: bool | None = None) -> str:
    """``593937500`` → ``"59393.75"`` (万元); with ``unit`` → ``"59,393.75万元"``; ``None`` → ``""``.

    Plain digits by default (exports and files read them back); ``grouped=True`` for display.
    """
    return format_money(yuan, "wan", places, suffix=unit, grouped=unit if grouped is None else grouped)


def format_yi(yuan: int | None, places: int = 2, unit: bool = False, grouped: bool | None = None) -> str:
    """``9503000000`` → ``"95.03"`` (亿元); ``grouped=True`` adds thousands separators."""
    return format_money(yuan, "yi", places, suffix=unit, grouped=bool(grouped))


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
