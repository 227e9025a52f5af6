"""Fixtures for the notice: the bundled fonts (the same on every machine), a sample notice for the layout
tests, the demo district (built once) and its quarterly notice for the content tests."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.notice import FontSet
from zsdesk.notice.compose import render_notice
from zsdesk.notice.quarterly import render_quarterly_notice
from zsdesk.notice.sample import sample_document
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period

MM = 72 / 25.4


@dataclass(frozen=True)
class Shown:
    text: str
    x_mm: float  # from the left page edge
    y_mm: float  # baseline, from the top page edge
    size: float


def shown_text(pdf: bytes) -> list[list[Shown]]:
    """Every text-showing operation per page, with its position."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        items: list[Shown] = []

        def visit(text, cm, tm, font, size, items=items, height=height):
            if text.strip():
                x = tm[4] * cm[0] + cm[4]
                y = tm[5] * cm[3] + cm[5]
                items.append(Shown(text, x / MM, (height - y) / MM, size * tm[3] * cm[3]))

        page.extract_text(visitor_text=visit)
        pages.append(items)
    return pages


def flat_text(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return FontSet.bundled()


@pytest.fixture(scope="session")
def sample_pdf(fonts: FontSet) -> bytes:
    return render_notice(sample_document(fonts), fonts)


@pytest.fixture(scope="session")
def probe():
    """Helpers to look inside a PDF: probe.shown(pdf) and probe.flat(pdf)."""

    class Probe:
        shown = staticmethod(shown_text)
        flat = staticmethod(flat_text)

    return Probe


# --- the quarterly notice's content (was tests/notice_content/) ----------------------------
ISSUE_DATE = date(2025, 10, 10)
_DEMO: Path | None = None
PAGE_NUMBER = re.compile(r"—\d+—$")


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with all whitespace and the page number (— 3 —) removed."""
    return [PAGE_NUMBER.sub("", "".join(page.extract_text().split())) for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """The whole text, so that a sentence broken across lines or pages joins up again."""
    return "".join(page_texts(pdf))


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo district, 2024—2026, made once with a fixed seed and date."""
    global _DEMO
    if _DEMO is None or not _DEMO.exists():
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
        with open_unlocked(path, operator="测试员", create=True) as led:
            build_demo(led, seed=2026, today=date(2026, 11, 1))
        _DEMO = path
    return _DEMO


@pytest.fixture
def demo(demo_path: Path, tmp_path: Path) -> Iterator[Ledger]:
    """A private copy of the demo ledger (tests that issue or edit change it)."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_path, path)
    with open_unlocked(path, operator="测试员") as led:
        yield led


@pytest.fixture(scope="session")
def demo_pdf(demo_path: Path, fonts: FontSet) -> bytes:
    with open_unlocked(demo_path, operator="测试员") as led:
        return render_quarterly_notice(led, parse_period("2025Q3"), issue_date=ISSUE_DATE, fonts=fonts)
