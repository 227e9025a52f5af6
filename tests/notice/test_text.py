from __future__ import annotations

from zsdesk.notice.fonts import FontSet, Role
from zsdesk.notice.layout import BODY_CHAR_SPACE, BODY_SIZE, TYPE_W
from zsdesk.notice.text import NO_LINE_END, NO_LINE_START, balanced_lines, clean_text, paragraph_lines


def test_clean_text_strips_controls_and_keeps_text() -> None:
    assert clean_text("a\x00b\x07c\u200bd\ufe0fe\tf\r\ng") == "abcde f\ng"
    assert clean_text("x\ud800y") == "x〓y"
    assert clean_text(None) == ""


def test_28_characters_fill_a_body_line(fonts: FontSet) -> None:
    lines = paragraph_lines("国" * 60, Role.BODY, BODY_SIZE, fonts, TYPE_W, BODY_CHAR_SPACE)
    assert [len(line.glyphs) for line in lines] == [28, 28, 4]
    assert abs(lines[0].width - TYPE_W) < 0.5


def test_no_line_starts_with_closing_punctuation(fonts: FontSet) -> None:
    text = "招商引资工作成效明显，" * 3 + "项目落地“提速”，《通报》要求；到位资金（亿元）。" * 12
    for indent in (0.0, 2 * 15.8):
        lines = paragraph_lines(text, Role.BODY, BODY_SIZE, fonts, TYPE_W, BODY_CHAR_SPACE, indent)
        assert "".join(line.text for line in lines) == text
        for line in lines[1:]:
            assert line.text[0] not in NO_LINE_START, line.text
        for line in lines[:-1]:
            assert line.text[-1] not in NO_LINE_END, line.text
            assert line.width <= TYPE_W - line.indent + 0.5


def test_long_title_lines_are_balanced(fonts: FontSet) -> None:
    title = "关于2026年第三季度全区招商引资工作及招商英雄榜赛马榜排名情况的通报"
    lines = balanced_lines(title, Role.TITLE, 22, fonts, TYPE_W)
    assert len(lines) == 2
    assert "".join(line.text for line in lines) == title
    widths = [line.width for line in lines]
    assert max(widths) - min(widths) < 2 * 22
