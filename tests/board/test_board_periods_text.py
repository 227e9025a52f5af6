"""Periods, growth wording, competition ranks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zsdesk.board import competition_ranks, growth, growth_text, rate_text
from zsdesk.errors import LedgerError
from zsdesk.periods import parse_period


def test_quarter_is_year_to_date_with_its_quarter_alone():
    p = parse_period("2026Q3")
    assert (p.start, p.end, p.label) == (date(2026, 1, 1), date(2026, 9, 30), "2026年1—9月")
    a = p.alone()
    assert (a.start, a.end, a.label) == (date(2026, 7, 1), date(2026, 9, 30), "2026年三季度")
    prev = p.previous_ytd()
    assert prev is not None and (prev.start, prev.end) == (date(2026, 1, 1), date(2026, 6, 30))
    ly = p.last_year()
    assert (ly.start, ly.end, ly.code) == (date(2025, 1, 1), date(2025, 9, 30), "2025Q3")
    assert parse_period("2026Q1").previous_ytd() is None
    assert parse_period("2026q4").label == "2026年1—12月"


def test_month_alone_and_its_year_to_date():
    p = parse_period("2024M02")
    assert (p.start, p.end, p.label, p.code) == (date(2024, 2, 1), date(2024, 2, 29), "2024年2月", "2024M02")
    y = p.ytd()
    assert (y.start, y.end, y.label) == (date(2024, 1, 1), date(2024, 2, 29), "2024年1—2月")
    prev = p.previous_ytd()
    assert prev is not None and prev.end == date(2024, 1, 31)
    assert parse_period("2026-8").code == "2026M08"


def test_year():
    p = parse_period("2025")
    assert (p.start, p.end, p.label) == (date(2025, 1, 1), date(2025, 12, 31), "2025年")
    assert p.alone() == p and p.previous_ytd() is None


@pytest.mark.parametrize("text", ["2026Q5", "2026M13", "2026M00", "26Q1", "", "二〇二六", "1999"])
def test_bad_periods_are_refused_in_chinese(text):  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerError) as err:
        parse_period(text)
    assert "期间" in str(err.value)


def test_growth_text_never_says_growth_minus():
    assert growth_text(Decimal("22.05")) == "同比增长 22.05%"
    assert growth_text(Decimal("-25")) == "同比下降 25.00%"
    assert growth_text(-3.456) == "同比下降 3.46%"
    assert growth_text(0) == "与上年同期持平"
    assert growth_text(None) == "上年同期无基数"
    assert rate_text(None) == "—" and rate_text(Decimal("59.39")) == "59.39%"


def test_growth_rounds_half_up_and_needs_a_base():
    assert growth(9503, 7786) == Decimal("22.05")
    assert growth(1259, 814) == Decimal("54.67")
    assert growth(10, 0) is None
    assert growth(1, 8) == Decimal("-87.50")
    assert growth(100125, 100000) == Decimal("0.13")  # 0.125 → 0.13, not banker's 0.12


def test_competition_ranks():
    assert competition_ranks([5, 9, 5, 1]) == [2, 1, 2, 4]
    assert competition_ranks([(3, 1), (3, 2), (3, 1)]) == [2, 1, 2]
    assert competition_ranks([]) == []
