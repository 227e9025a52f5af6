"""Whole-yuan splits of one project's money among its holders (SPEC §3.1).

The credited total of a project is ``amount × origin weight × Σ shares`` rounded half-up to the yuan;
each holder gets the whole-yuan floor of its exact part, and the yuan left over go one each to the
largest remainders. Remainder ties go to the holder listed first: the caller lists the lead unit first,
then the cooperating units in their sort order; persons in name order. So the parts always sum to the
total, and Σ holders' credited amounts = Σ projects' credited totals, to the yuan.

A negative amount (a funding correction) is split as the mirror image of its absolute value, so a
correction takes back exactly what the same positive amount gave.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .figures import round_half_up


def largest_remainder(amount: int, weight: Fraction, shares: Sequence[Fraction]) -> list[int]:
    """Whole-yuan parts of ``amount × weight × share`` for each share, in tie order; they sum to
    ``round_half_up(amount × weight × Σ shares)``."""
    if amount < 0:
        return [-part for part in largest_remainder(-amount, weight, shares)]
    exact = [amount * weight * s for s in shares]
    total = round_half_up(sum(exact, Fraction(0)))
    parts = [e.numerator // e.denominator for e in exact]
    rest = total - sum(parts)
    if rest > 0:
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in order[:rest]:
            parts[i] += 1
    return parts


def equal_split(amount: int, weight: Fraction, count: int) -> list[int]:
    """``amount × weight`` (half-up to the yuan) split equally among ``count`` holders in tie order: the
    first ``total mod count`` get one yuan more."""
    if count <= 0:
        return []
    if amount < 0:
        return [-part for part in equal_split(-amount, weight, count)]
    total = round_half_up(amount * weight)
    base, rest = divmod(total, count)
    return [base + 1 if i < rest else base for i in range(count)]


__all__ = ["equal_split", "largest_remainder"]
