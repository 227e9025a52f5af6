"""Fixtures for the notice PDF: the bundled fonts (the same on every machine) and a sample notice."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from zsdesk.notice import FontSet
from zsdesk.notice.compose import render_notice
from zsdesk.notice.sample import sample_document

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
