"""Wording shared by the board, the notice and the xlsx reports."""

from __future__ import annotations

from decimal import Decimal


def growth_text(pct: Decimal | float | int | None, places: int = 2) -> str:
    """``同比增长 12.30%`` / ``同比下降 4.50%`` / ``与上年同期持平``; ``None`` (no base) → ``上年同期无基数``.

    Never "增长-X%": the sign chooses the verb and the number printed is its absolute value.
    """
    if pct is None:
        return "上年同期无基数"
    value = Decimal(str(pct))
    shown = f"{abs(value):.{places}f}"
    if Decimal(shown) == 0:
        return "与上年同期持平"
    return f"同比增长 {shown}%" if value > 0 else f"同比下降 {shown}%"


def rate_text(rate: Decimal | float | None) -> str:
    """A completion rate for print: ``59.39%``; no target → ``—``."""
    return "—" if rate is None else f"{Decimal(str(rate)):.2f}%"
