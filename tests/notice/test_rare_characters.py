"""生僻字 in the notice: CJK Extension B and beyond print with the HanaMin fall-back (fonts-hanazono),
embedded in the PDF, and read back as the same characters; emoji (no free TrueType font) stay 〓."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from zsdesk import ops
from zsdesk.ledger import Ledger
from zsdesk.notice.fonts import SUBSTITUTE, FontSet, Role, default_fontset
from zsdesk.periods import parse_period

RARE = "𠀀𪚥"  # U+20000 (Extension B, first), U+2A6A5 (Extension B)

needs_hanazono = pytest.mark.skipif(
    not any(Path(d, "truetype/hanazono/HanaMinB.ttf").exists() for d in ("/usr/share/fonts",)),
    reason="fonts-hanazono is not installed (scripts/setup.sh installs it)")


@needs_hanazono
def test_rare_characters_use_hanamin_as_the_last_fall_back() -> None:
    fonts = FontSet.discover()
    before = [f.path.name for f in fonts.chain]
    assert not any(n.lower().startswith("hanamin") for n in before)  # not loaded until needed
    for ch in RARE:
        drawn, name = fonts.glyph(ch, Role.BODY)
        face = next(f for f in fonts.chain if f.name == name)
        assert drawn == ch and face.path.name.startswith("HanaMin"), face.path
    assert fonts.glyph("中", Role.BODY)[1] == fonts.font_name(Role.BODY)  # common text keeps its font
    # Emoji: HanaMin happens to have a few (😀); the rest have no free TrueType font and stay 〓.
    assert fonts.glyph("🏭", Role.BODY)[0] == SUBSTITUTE


@needs_hanazono
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_notice_prints_and_embeds_rare_characters(ledger: Ledger, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from zsdesk.notice.quarterly import render_quarterly_notice

    ops.create_unit(ledger, {"name": "经开区", "kind": "园区"})
    ops.create_project(ledger, {"name": f"{RARE}精密制造项目", "investor": f"{RARE}投资有限公司",
                                "agreement_amount": "2亿", "framework_date": "2026-02-03", "lead_unit_id": "经开区"})
    pdf = render_quarterly_notice(ledger, parse_period("2026Q1"))
    path = tmp_path / "通报.pdf"
    path.write_bytes(pdf)
    assert any(f.path.name.startswith("HanaMin") for f in default_fontset().chain)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in listing.splitlines() if "HanaMin" in line]
    assert rows, listing
    assert all(" yes " in row for row in rows), rows  # embedded (subset)
    text = "".join("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"{RARE}精密制造项目" in text, text[:500]
