"""Fixtures for the quarterly notice's content: the demo district (built once) and small hand-made ledgers."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.notice import FontSet
from zsdesk.notice.quarterly import render_quarterly_notice

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
def fonts() -> FontSet:
    return FontSet.bundled()


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo district, 2024—2026, made once with a fixed seed and date."""
    global _DEMO
    if _DEMO is None or not _DEMO.exists():
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
        with Ledger.open(path, operator="测试员", create=True) as led:
            build_demo(led, seed=2026, today=date(2026, 11, 1))
        _DEMO = path
    return _DEMO


@pytest.fixture
def demo(demo_path: Path, tmp_path: Path) -> Iterator[Ledger]:
    """A private copy of the demo ledger (tests that issue or edit change it)."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_path, path)
    with Ledger.open(path, operator="测试员") as led:
        yield led


@pytest.fixture(scope="session")
def demo_pdf(demo_path: Path, fonts: FontSet) -> bytes:
    with Ledger.open(demo_path, operator="测试员") as led:
        return render_quarterly_notice(led, "2025Q3", issue_date=ISSUE_DATE, fonts=fonts)
