from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zsdesk.dates import DateError, format_cn, parse_date


@pytest.mark.parametrize("text", ["2026-03-01", "2026/3/1", "2026.3.1", "2026年3月1日", "20260301", "２０２６-０３-０１",
                                  "2026-03-01 00:00:00", 46082, "46082", datetime(2026, 3, 1, 8, 30)])
def test_date_forms(text):
    assert parse_date(text) == date(2026, 3, 1)


@pytest.mark.parametrize("text", ["2026-02-30", "昨天", "3/1/2026", "1899-01-01", True, 12])
def test_bad_dates_are_refused_in_chinese(text):
    with pytest.raises(DateError, match="日期|年份"):
        parse_date(text)


def test_blank_is_none():
    assert parse_date("  ") is None
    assert parse_date(None) is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_form_round_trips(d):
    for text in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", format_cn(d)):
        assert parse_date(text) == d
