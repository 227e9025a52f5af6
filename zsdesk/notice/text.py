"""Plain-text typesetting for the notice: cleaning, measuring, Chinese line breaking, drawing.

Text is never handed to a markup parser: every string is drawn glyph run by glyph run with
the canvas text operators, so ``<font>``, ``&amp;`` and ``<br/>`` print as typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from zsdesk.notice.fonts import SUBSTITUTE, FontSet, Role

# 避头: characters that must not start a line; 避尾: characters that must not end one.
NO_LINE_START = frozenset(
    "，。、；：？！）］｝〕〉》」』】〗〙〛’”…—～·・‥,.;:?!)]}%％‰℃°′″々ー"
)
NO_LINE_END = frozenset("（［｛〔〈《「『【〖〘〚‘“([{￥$＄")
# Pairs such as "——" and "……" are never split.
_JOINED_PAIRS = frozenset("—…")
_NEWLINES = "\r\n\u2028\u2029\x0b\x0c\x85\n"
_MAX_BACKTRACK = 4


def clean_text(text: object, keep_newlines: bool = True) -> str:
    """Text safe to draw: no control or format characters, no lone surrogates.

    Tabs become spaces, every line separator becomes "\\n" (or a space), format characters
    (zero-width, bidi marks, variation selectors) are dropped because they have no glyph of
    their own; unpaired surrogates, which cannot be encoded, become SUBSTITUTE.
    """
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n")
    out: list[str] = []
    for ch in s:
        code = ord(ch)
        if ch in _NEWLINES:
            out.append("\n" if keep_newlines else " ")
        elif ch == "\t":
            out.append(" ")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(SUBSTITUTE)
        elif code < 0x20 or 0x7F <= code < 0xA0:
            continue
        elif 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            continue
        elif code >= 0x2000 and unicodedata.category(ch) == "Cf":
            continue
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Glyph:
    ch: str
    font: str
    width: float  # natural advance at the line's size, in points


@dataclass(frozen=True, slots=True)
class Line:
    glyphs: tuple[Glyph, ...]
    char_space: float  # added after every glyph (PDF Tc)
    indent: float = 0.0

    @property
    def width(self) -> float:
        n = len(self.glyphs)
        return sum(g.width for g in self.glyphs) + self.char_space * max(n - 1, 0)

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)


def measure(text: str, role: Role, size: float, fonts: FontSet) -> list[Glyph]:
    out = []
    for ch in text:
        drawn, font = fonts.glyph(ch, role)
        out.append(Glyph(drawn, font, fonts.width(drawn, font, size)))
    return out


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A") and ord(ch) > 0x2000


def atoms(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Unbreakable pieces: one CJK character, one Latin word or number, one space."""
    out: list[list[Glyph]] = []
    word: list[Glyph] = []
    for g in glyphs:
        ch = g.ch
        if ch == " ":
            if word:
                out.append(word)
                word = []
            out.append([g])
        elif _is_wide(ch) or ch in _JOINED_PAIRS:
            if word:
                out.append(word)
                word = []
            if ch in _JOINED_PAIRS and out and out[-1][-1].ch == ch and len(out[-1]) == 1:
                out[-1].append(g)
            else:
                out.append([g])
        else:
            word.append(g)
    if word:
        out.append(word)
    return out


def _width(pieces: Sequence[Sequence[Glyph]], cs: float) -> float:
    """Advance of the pieces including each glyph's character spacing (so 28 × pitch = line)."""
    return sum(g.width + cs for p in pieces for g in p)


def _split_long(atom: list[Glyph], width: float, cs: float) -> list[list[Glyph]]:
    parts: list[list[Glyph]] = [[]]
    used = 0.0
    for g in atom:
        if parts[-1] and used + g.width + cs > width:
            parts.append([])
            used = 0.0
        parts[-1].append(g)
        used += g.width + cs
    return parts


def break_lines(glyphs: Sequence[Glyph], width: float, char_space: float = 0.0,
                first_indent: float = 0.0) -> list[list[Glyph]]:
    """Greedy line breaking with 避头尾 (kinsoku) rules; returns the glyphs of each line."""
    pending = atoms(glyphs)
    pending.reverse()  # pop() from the end is O(1)
    lines: list[list[Glyph]] = []
    tol = 0.01
    while pending:
        avail = width - (first_indent if not lines else 0.0)
        line: list[list[Glyph]] = []
        used = 0.0
        while pending and pending[-1][0].ch == " ":
            pending.pop()  # no line starts with a space
        while pending:
            atom = pending[-1]
            if used + _width([atom], char_space) <= avail + tol:
                used += _width([atom], char_space)
                line.append(pending.pop())
                continue
            if not line:  # a word longer than the line: break it by character
                parts = _split_long(pending.pop(), avail, char_space)
                line.append(parts[0])
                pending.extend(reversed(parts[1:]))
            break
        if pending and line:
            _apply_kinsoku(line, pending)
        while line and line[-1][0].ch == " ":
            line.pop()
        if line:
            lines.append([g for a in line for g in a])
    return lines


def _apply_kinsoku(line: list[list[Glyph]], pending: list[list[Glyph]]) -> None:
    """Move atoms to the next line so it does not start with ，。 etc. and this one does not end with （《."""
    moved = 0
    while (len(line) > 1 and moved < _MAX_BACKTRACK and pending
           and pending[-1][0].ch in NO_LINE_START):
        pending.append(line.pop())
        moved += 1
    if pending and pending[-1][0].ch in NO_LINE_START:
        # Could not pull back far enough: squeeze the mark onto this line instead.
        for _ in range(moved):
            line.append(pending.pop())
        line.append(pending.pop())
        return
    while len(line) > 1 and line[-1][-1].ch in NO_LINE_END and moved < _MAX_BACKTRACK:
        pending.append(line.pop())
        moved += 1


def paragraph_lines(text: str, role: Role, size: float, fonts: FontSet, width: float,
                    char_space: float = 0.0, first_indent: float = 0.0,
                    justify: bool = True) -> list[Line]:
    """Lines of one paragraph, justified to `width` except the last."""
    glyph_lines = break_lines(measure(text, role, size, fonts), width, char_space, first_indent)
    out = []
    for i, gl in enumerate(glyph_lines):
        indent = first_indent if i == 0 else 0.0
        cs = char_space
        if justify and i < len(glyph_lines) - 1 and len(gl) > 1:
            natural = sum(g.width for g in gl)
            stretched = (width - indent - natural) / (len(gl) - 1)
            # A line cut short by a long word stays ragged rather than letter-spaced apart.
            if stretched - char_space < 0.5 * size:
                cs = stretched
        out.append(Line(tuple(gl), cs, indent))
    return out


def balanced_lines(text: str, role: Role, size: float, fonts: FontSet, width: float) -> list[Line]:
    """Centred-title lines of near-equal length, in as few lines as fit `width`."""
    out: list[Line] = []
    for part in text.split("\n"):
        glyphs = measure(part, role, size, fonts)
        if not glyphs:
            continue
        greedy = break_lines(glyphs, width)
        count = len(greedy)
        if count == 1 or count > 6:  # balancing matters for a title, not for a runaway text
            out += [Line(tuple(gl), 0.0) for gl in greedy]
            continue
        lo = _width([glyphs], 0.0) / count
        hi = width
        for _ in range(16):
            mid = (lo + hi) / 2
            if len(break_lines(glyphs, mid)) <= count:
                hi = mid
            else:
                lo = mid
        out += [Line(tuple(gl), 0.0) for gl in break_lines(glyphs, hi)]
    return out


def single_line(text: str, role: Role, size: float, fonts: FontSet, char_space: float = 0.0) -> Line:
    return Line(tuple(measure(text, role, size, fonts)), char_space)


def draw_line(canvas: Canvas, line: Line, x: float, baseline: float, size: float,
              horizontal_scale: float = 100.0) -> None:
    """Draw one line at (x, baseline); colour is the canvas fill colour."""
    if not line.glyphs:
        return
    t = canvas.beginText()
    t.setCharSpace(line.char_space)
    if horizontal_scale != 100.0:
        t.setHorizScale(horizontal_scale)
    scale = horizontal_scale / 100.0
    pos = x + line.indent
    run_start = pos
    run: list[str] = []
    font = line.glyphs[0].font
    for g in line.glyphs:
        if g.font != font:
            _emit(t, run_start, baseline, font, size, run)
            run_start = pos
            run = []
            font = g.font
        run.append(g.ch)
        pos += (g.width + line.char_space) * scale
    _emit(t, run_start, baseline, font, size, run)
    canvas.drawText(t)


def _emit(t: PDFTextObject, x: float, y: float, font: str, size: float, chars: list[str]) -> None:
    if not chars:
        return
    t.setTextOrigin(x, y)
    t.setFont(font, size)
    t.textOut("".join(chars))
