from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zsdesk.money import MoneyError, format_input_wan, format_wan, format_yi, parse_money, percent


@pytest.mark.parametrize(("text", "yuan"), [
    ("12345.6", 123_456_000),
    ("1,234.5万元", 12_345_000),
    ("3.2亿", 320_000_000),
    ("3.2亿元", 320_000_000),
    ("800元", 800),
    ("０.０００１", 1),          # full-width digits, 1 yuan
    (" 2,000 万 ", 20_000_000),
    ("", None),
    (None, None),
    (12.5, 125_000),
])
def test_parse_money_forms(text, yuan):
    assert parse_money(text) == yuan


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12,34", "万元", "0.00001", "1.123456789亿", "--5"])
def test_parse_money_rejects_with_chinese_reason(text):
    with pytest.raises(MoneyError) as err:
        parse_money(text)
    assert "金额" in str(err.value) or "精确" in str(err.value)


def test_negative_only_when_allowed():
    with pytest.raises(MoneyError, match="负数"):
        parse_money("-5")
    assert parse_money("-5", allow_negative=True) == -50_000


def test_display_rounds_half_up_not_bankers():
    # 59.39375 亿 → 59.39; 0.125 万 → 0.13 (banker's rounding would give 0.12)
    assert format_yi(5_939_375_000) == "59.39"
    assert format_wan(1_250) == "0.13"
    assert format_wan(1_150) == "0.12"  # 0.115 → 0.12 half-up
    assert format_yi(9_503_000_000, unit=True) == "95.03亿元"
    assert percent(9_503_000_000, 16_000_000_000) == Decimal("59.39")
    assert percent(1_259_000_000, 2_500_000_000) == Decimal("50.36")
    assert percent(5, 0) is None


@given(st.integers(min_value=0, max_value=10**15))
def test_wan_text_round_trips_exactly(yuan):
    assert parse_money(format_input_wan(yuan)) == yuan


@given(st.integers(min_value=0, max_value=10**7), st.sampled_from(["万元", "万", "亿", "亿元", "元"]))
def test_unit_suffixes_scale(yuan, unit):
    factor = {"万元": 10_000, "万": 10_000, "亿": 10**8, "亿元": 10**8, "元": 1}[unit]
    assert parse_money(f"{yuan}{unit}") == yuan * factor
    assert parse_money(f"{yuan:,}{unit}") == yuan * factor


@given(st.decimals(min_value=0, max_value=10**8, places=4))
def test_four_decimals_of_wan_are_exact_yuan(value):
    yuan = parse_money(str(value))
    assert yuan == int(value * 10_000)
