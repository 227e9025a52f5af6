"""Scores and competition ranking (1, 2, 2, 4)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..rules import Rules


def competition_ranks(keys: Sequence[Any]) -> list[int]:
    """Rank of each key, higher first; equal keys share a rank and the next rank is skipped."""
    order = sorted(range(len(keys)), key=lambda i: keys[i], reverse=True)
    ranks = [0] * len(keys)
    for pos, i in enumerate(order):
        if pos and keys[order[pos - 1]] == keys[i]:
            ranks[i] = ranks[order[pos - 1]]
        else:
            ranks[i] = pos + 1
    return ranks


def _capped(rate: Fraction, cap: Fraction | None) -> Fraction:
    return rate if cap is None else min(rate, cap)


def scores(rules: Rules, rates: Mapping[Hashable, Mapping[str, Fraction | None]]) -> dict[Hashable, Decimal]:
    """Each holder's score from its completion rates as printed (SPEC §3.1): each rate (percent; ``None`` =
    no target) is first rounded half-up to 2 decimals, then capped, so anyone can recompute every score
    and rank from the printed notice.

    ``weighted``: Σ weight × min(rate, cap) ÷ Σ weight. ``efficiency`` (功效系数法): per item
    60 + 40 × (x − min) ÷ (max − min) over the holders that have the item (all 100 when max = min),
    then the same weighted mean. With ``no_target = "skip"`` an item without a target leaves the mean
    (the other weights are scaled up); with ``"zero"`` it counts as 0. A holder with no target
    at all scores 0. Scores are rounded half-up to 2 decimals.
    """
    items = rules.score_items
    values: dict[Hashable, dict[str, Fraction | None]] = {}
    for holder, holder_rates in rates.items():
        row: dict[str, Fraction | None] = {}
        for it in items:
            rate = printed(holder_rates.get(it.item))
            if rate is None and rules.no_target == "zero":
                rate = Fraction(0)
            row[it.item] = None if rate is None else _capped(rate, it.cap)
        values[holder] = row
    if rules.score_method == "efficiency":
        for it in items:
            present = [x for row in values.values() if (x := row[it.item]) is not None]
            if not present:
                continue
            low, high = min(present), max(present)
            for row in values.values():
                x = row[it.item]
                if x is not None:
                    row[it.item] = Fraction(100) if high == low else 60 + 40 * (x - low) / (high - low)
    result: dict[Hashable, Decimal] = {}
    for holder, row in values.items():
        used = [(it.weight, v) for it in items if (v := row[it.item]) is not None]
        total_weight = sum((w for w, _ in used), Fraction(0))
        if not used or not total_weight or all(rates[holder].get(it.item) is None for it in items):
            result[holder] = Decimal("0.00")
            continue
        score = sum((w * v for w, v in used), Fraction(0)) / total_weight
        result[holder] = fraction_to_decimal(score)
    return result


def printed(rate: Fraction | None) -> Fraction | None:
    """A rate as the notice prints it: half-up to 2 decimals."""
    return None if rate is None else Fraction(_half_up(rate, 2), 100)


def _half_up(value: Fraction, places: int) -> int:
    """``value × 10^places`` rounded half-up (away from zero), in integers (no Fraction or Decimal arithmetic:
    a board rounds thousands of rates)."""
    n, d = value.numerator, value.denominator
    whole = (abs(n) * 10**places * 2 + d) // (2 * d)
    return whole if n >= 0 else -whole


def fraction_to_decimal(value: Fraction, places: int = 2) -> Decimal:
    """Round half-up (away from zero) to ``places`` decimals."""
    return Decimal(_half_up(value, places)).scaleb(-places)


def rate(numerator: int, denominator: int | None) -> Fraction | None:
    """Exact completion rate in percent; ``None`` without a (positive) target."""
    if not denominator or denominator <= 0:
        return None
    return Fraction(numerator * 100, denominator)
