"""Whole-yuan splits of one project's money among its holders (SPEC §3.1).

The credited total of a project is ``amount × origin weight × Σ shares`` rounded half-up to the yuan;
each holder gets the whole-yuan floor of its exact part, and the yuan left over go one each to the
largest remainders. Remainder ties go to the holder listed first: the caller lists the lead unit first,
then the cooperating units in their sort order; persons in name order. So the parts always sum to the
total, and Σ holders' credited amounts = Σ projects' credited totals, to the yuan.

A negative amount (a funding correction) is split as the mirror image of its absolute value, so a
correction takes back exactly what the same positive amount gave.

The arithmetic is in integers over a common denominator (no ``Fraction`` per project): a board splits
tens of thousands of amounts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


class SplitPlan:
    """The split of any amount among fixed shares (``weight × share`` each), in tie order."""

    def __init__(self, weight: Fraction, shares: Sequence[Fraction]) -> None:
        exact = [Fraction(weight) * s for s in shares]
        self.denominator = math.lcm(1, *(e.denominator for e in exact))
        self.multipliers = [e.numerator * (self.denominator // e.denominator) for e in exact]

    def split(self, amount: int) -> list[int]:
        if amount < 0:
            return [-part for part in self.split(-amount)]
        d = self.denominator
        numerators = [amount * m for m in self.multipliers]
        if d == 1:
            return numerators
        total = (2 * sum(numerators) + d) // (2 * d)  # half-up, amount ≥ 0
        parts = [n // d for n in numerators]
        rest = total - sum(parts)
        if rest > 0:
            order = sorted(range(len(parts)), key=lambda i: (-(numerators[i] % d), i))
            for i in order[:rest]:
                parts[i] += 1
        return parts


def largest_remainder(amount: int, weight: Fraction, shares: Sequence[Fraction]) -> list[int]:
    """Whole-yuan parts of ``amount × weight × share`` for each share, in tie order; they sum to
    ``round_half_up(amount × weight × Σ shares)``."""
    return SplitPlan(weight, shares).split(amount)


def equal_split(amount: int, weight: Fraction, count: int) -> list[int]:
    """``amount × weight`` (half-up to the yuan) split equally among ``count`` holders in tie order: the
    first ``total mod count`` get one yuan more."""
    if count <= 0:
        return []
    if amount < 0:
        return [-part for part in equal_split(-amount, weight, count)]
    w = Fraction(weight)
    total = (2 * amount * w.numerator + w.denominator) // (2 * w.denominator)
    base, rest = divmod(total, count)
    return [base + 1 if i < rest else base for i in range(count)]


__all__ = ["SplitPlan", "equal_split", "largest_remainder"]
