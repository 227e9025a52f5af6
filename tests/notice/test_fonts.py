from __future__ import annotations

from pathlib import Path

import pytest

from zsdesk.notice.fonts import BUNDLED_FILES, SUBSTITUTE, FontSet, Role, truetype_problem
from zsdesk.resources import resource

NOTICE_CHARS = "0123456789〔〕—…“”《》，。、；：（）％重庆市黔江区招商投资促进局文件抄送印发年月日"


@pytest.mark.parametrize("role", list(Role))
def test_bundled_fonts_are_truetype_with_notice_glyphs(fonts: FontSet, role: Role) -> None:
    path = resource("fonts", BUNDLED_FILES[role])
    assert truetype_problem(path) is None
    face = fonts.roles[role]
    assert face.source == "bundled"
    missing = [c for c in NOTICE_CHARS if ord(c) not in face.glyphs]
    assert missing == []


def test_bundled_fonts_stay_small() -> None:
    total = sum(p.stat().st_size for p in resource("fonts").glob("*.ttf"))
    assert total < 40 * 1024 * 1024


def test_cff_font_is_refused_with_a_note(tmp_path: Path) -> None:
    fake = tmp_path / "FZXBSJW.TTF"
    fake.write_bytes(b"OTTO" + b"\0" * 64)
    assert "CFF" in (truetype_problem(fake) or "")
    fs = FontSet.discover(overrides={Role.TITLE: fake}, use_system=False)
    assert fs.roles[Role.TITLE].source == "bundled"
    assert any("FZXBSJW.TTF" in n and "CFF" in n for n in fs.notes)


def test_system_font_dir_is_searched(tmp_path: Path) -> None:
    # A copy of a bundled TrueType font under an official name is picked up as "system".
    (tmp_path / "simhei.ttf").write_bytes(resource("fonts", "wqy-microhei.ttf").read_bytes())
    fs = FontSet.discover(font_dirs=[tmp_path])
    assert fs.roles[Role.HEADING1].source == "system"
    assert fs.roles[Role.HEADING1].path == tmp_path / "simhei.ttf"
    assert fs.roles[Role.BODY].source == "bundled"


def test_missing_character_falls_back_to_a_font_that_has_it(fonts: FontSet) -> None:
    body = fonts.roles[Role.BODY]
    wide = fonts.roles[Role.HEADING1]
    rare = next(chr(c) for c in range(0x4E00, 0x9FA6) if c not in body.glyphs and c in wide.glyphs)
    runs = fonts.runs(f"王{rare}同志", Role.BODY)
    assert runs == [(body.name, "王"), (wide.name, rare), (body.name, "同志")]


@pytest.mark.parametrize("text", ["😀", "\U00020000", "\u3400", "\U0010fffd"])
def test_character_no_font_has_becomes_visible_substitute(fonts: FontSet, text: str) -> None:
    if any(ord(text) in f.glyphs for f in fonts.chain):
        pytest.skip("a bundled font has this character")
    runs = fonts.runs(f"甲{text}乙", Role.BODY)
    assert "".join(t for _, t in runs) == f"甲{SUBSTITUTE}乙"
    font_of_mark = next(name for name, t in runs if SUBSTITUTE in t)
    assert any(f.name == font_of_mark and ord(SUBSTITUTE) in f.glyphs for f in fonts.chain)
