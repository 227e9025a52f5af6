"""The notice title breaks between words, never inside one (招/商), and prints as the content chose."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from zsdesk.notice import render_notice
from zsdesk.notice.quarterly import build_quarterly_notice
from zsdesk.periods import parse_period


def first_page_lines(pdf: bytes) -> list[str]:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()

WORDS = ("关于", "全区", "招商引资", "工作情况", "的通报")


@pytest.mark.parametrize("period", ["2025Q3", "2025", "2026M08", "2026M12", "2024Q4"])
def test_title_breaks_between_words(build, period: str) -> None:  # type: ignore[no-untyped-def]
    build.unit("城东街道", "乡镇街道")
    doc, figures = build_quarterly_notice(build.ledger, parse_period(period), issue_date=date(2026, 10, 8))
    assert "".join(doc.title_lines) == doc.title == figures["title"]
    assert "\n" not in doc.title
    assert len(doc.title_lines) == 2  # none of these is short enough for one line
    first, second = doc.title_lines
    assert first.startswith("关于") and first.endswith("全区") and second == "招商引资工作情况的通报"
    for word in WORDS:  # no word straddles the break
        assert word in first or word in second
    lines = ["".join(line.split()) for line in first_page_lines(render_notice(doc))]
    at = lines.index(first)  # printed on the lines the content chose
    assert lines[at + 1] == second
