"""Ruled tables that split across pages, repeating their header rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from zsdesk.notice.fonts import FontSet, Role
from zsdesk.notice.layout import ASCENT, Flow, Item, text_item
from zsdesk.notice.model import Table
from zsdesk.notice.text import Glyph, Line, break_lines, clean_text, draw_line, measure, paragraph_lines

PAD_X = 3.0
# The first column's text sits closer to the rule so that a left-aligned first cell starts within
# 1 mm of the type area's edge (28 mm + 2 pt = 28.7 mm), like the body text above the table.
PAD_FIRST = 2.0
PAD_Y = 2.5
LINE_FACTOR = 1.3
RULE = 0.6
BALANCE_BELOW = 0.4  # a wrapped cell whose last line fills less than this share is rebalanced
_NUMBER = re.compile(r"^[-+−]?[\d,，.]+(%|％|‰)?$")


@dataclass
class Cell:
    lines: list[Line]
    align: str


@dataclass
class Row:
    cells: list[Cell]
    height: float
    header: bool


def _column_widths(table: Table, total: float, columns: int) -> list[float]:
    weights = list(table.col_widths or [])[:columns]
    weights += [1.0] * (columns - len(weights))
    weights = [max(float(w), 0.01) for w in weights]
    scale = total / sum(weights)
    return [w * scale for w in weights]


def _cell_lines(text: str, role: Role, size: float, fonts: FontSet, width: float) -> list[Line]:
    lines: list[Line] = []
    for part in clean_text(text).split("\n"):
        glyphs = measure(part, role, size, fonts)
        glyph_lines = break_lines(glyphs, width) or [[]]
        if 1 < len(glyph_lines) <= 4 and _short(glyph_lines[-1], width):
            glyph_lines = _balanced(glyphs, glyph_lines, width)
        lines += [Line(tuple(g), 0.0) for g in glyph_lines]
    return lines


def _short(glyphs: Sequence[Glyph], width: float) -> bool:
    return sum(g.width for g in glyphs) < BALANCE_BELOW * width


def _balanced(glyphs: list[Glyph], greedy: list[list[Glyph]], width: float) -> list[list[Glyph]]:
    """The same number of lines at the narrowest width: no "有限公/司" with one character left over."""
    count = len(greedy)
    lo, hi = sum(g.width for g in glyphs) / count, width
    best = greedy
    for _ in range(8):
        mid = (lo + hi) / 2
        trial = break_lines(glyphs, mid)
        if len(trial) <= count:
            hi, best = mid, trial
        else:
            lo = mid
    return best


def _build_rows(table: Table, fonts: FontSet, widths: list[float], max_height: float) -> tuple[list[Row], list[Row]]:
    size = table.font_size
    line_h = size * LINE_FACTOR
    max_lines = max(int((max_height - 2 * PAD_Y) // line_h), 1)

    def build(values: Sequence[object], header: bool) -> list[Row]:
        cells = []
        for i, w in enumerate(widths):
            value = values[i] if i < len(values) else ""
            text = "" if value is None else str(value)
            role = Role.HEADING1 if header else Role.BODY
            lines = _cell_lines(text, role, size, fonts, w - 2 * PAD_X)
            if header:
                align = "center"
            elif table.align and i < len(table.align):
                align = table.align[i]
            else:
                align = "right" if _NUMBER.match(text.strip()) else "left"
            cells.append(Cell(lines, align))
        n = max(len(c.lines) for c in cells)
        # A row taller than a page is cut into page-sized pieces instead of overflowing.
        out = []
        for start in range(0, n, max_lines):
            part = [Cell(c.lines[start:start + max_lines], c.align) for c in cells]
            k = max(len(c.lines) for c in part) or 1
            out.append(Row(part, k * line_h + 2 * PAD_Y, header))
        return out

    header_rows = [r for values in table.header_rows for r in build(values, True)]
    body_rows = [r for values in table.rows for r in build(values, False)]
    return header_rows, body_rows


def _row_item(row: Row, widths: list[float], size: float, kind: str, lead: tuple[Item, ...] = ()) -> Item:
    line_h = size * LINE_FACTOR

    def draw(c: Canvas, x: float, top: float) -> None:
        c.setStrokeColor(black)
        c.setLineWidth(RULE)
        bottom = top - row.height
        total = sum(widths)
        c.line(x, top, x + total, top)
        c.line(x, bottom, x + total, bottom)
        edge = x
        c.line(edge, top, edge, bottom)
        c.setFillColor(black)
        for k, (cell, w) in enumerate(zip(row.cells, widths, strict=True)):
            # Vertically centre the cell's lines in the row.
            block = len(cell.lines) * line_h
            y = top - (row.height - block) / 2 - (line_h - size) / 2 - ASCENT * size
            for line in cell.lines:
                if cell.align == "center":
                    x0 = edge + (w - line.width) / 2
                elif cell.align == "right":
                    x0 = edge + w - PAD_X - line.width
                else:
                    x0 = edge + (PAD_FIRST if k == 0 else PAD_X)
                draw_line(c, line, x0, y, size)
                y -= line_h
            edge += w
            c.line(edge, top, edge, bottom)

    return Item(row.height, draw, kind, lead=lead)


def place_table(flow: Flow, table: Table, fonts: FontSet) -> None:
    """Lay `table` out from the flow's position; continuation pages get "续表" and the header rows."""
    size = table.font_size
    columns = max([len(r) for r in [*table.header_rows, *table.rows]] or [1])
    widths = _column_widths(table, flow.width, columns)
    caption_h = size * LINE_FACTOR + 2 * PAD_Y
    header_rows, body_rows = _build_rows(table, fonts, widths, flow.height * 0.5)
    header_h = sum(r.height for r in header_rows)
    title_lines: list[Line] = []
    if table.title:
        title_lines = paragraph_lines(clean_text(table.title, keep_newlines=False), Role.HEADING1,
                                      size + 2, fonts, flow.width, justify=False)
    title_h = len(title_lines) * (size + 2) * 1.6
    first_row_h = body_rows[0].height if body_rows else 0.0
    if not flow.fits(title_h + header_h + first_row_h) and flow.y > 0:
        # The sentence leading up to the table ("……排名如下：") goes with it, and the new page's
        # text then starts on the margin rather than with the centred title or a padded cell.
        flow.new_page_keeping(max_lines=3)
    for line in title_lines:
        flow.place(text_item(line, size + 2, "center", flow.width, height=(size + 2) * 1.6, kind="table_title"))
    heads = [_row_item(row, widths, size, "table_head") for row in header_rows]
    for item in heads:
        flow.place(item)
    cont = clean_text(f"{table.title}（续表）" if table.title else "续表", keep_newlines=False)
    # Text on the type area's left edge marks the continuation (and the margin).
    caption = text_item(Line(tuple(measure(cont, Role.BODY, size, fonts)), 0.0), size, "left", flow.width,
                        height=caption_h, kind="table_caption")
    lead = (caption, *heads)
    for row in body_rows:
        if not flow.fits(row.height):
            flow.new_page(flow.page.landscape)
            for item in lead:
                flow.place(item)
        flow.place(_row_item(row, widths, size, "table_row", lead))
    if table.note:
        for line in paragraph_lines(clean_text(table.note, keep_newlines=False), Role.BODY, size,
                                    fonts, flow.width, justify=False):
            flow.place(text_item(line, size, "left", flow.width, height=size * 1.6, kind="table_note"))


def carry_table_tail(flow: Flow) -> bool:
    """Start a new page taking the last table row (and the note under it) along.

    Used when what must follow the table — the 版记 — does not fit under it: the new page then
    opens with "续表" and the header rows, as any continuation page does, instead of holding the
    版记 alone. Returns False, changing nothing, when the page does not end with a table.
    """
    items = flow.page.items
    k = len(items)
    while k and items[k - 1][1].kind == "table_note":
        k -= 1
    if not k or items[k - 1][1].kind != "table_row":
        return False
    k -= 1
    row = items[k][1]
    start = k
    while start and items[start - 1][1].kind in ("table_title", "table_head", "table_caption"):
        start -= 1
    if start == 0:
        # The row is all the table on this page: moving it would leave a blank page. The note
        # (which starts on the margin) moves instead, if there is one.
        start = k + 1
        if start == len(items):
            return False
    carried = [item for _, item in items[start:]]
    if start == k:
        carried = [*row.lead, *carried]
    del items[start:]
    flow.new_page_keeping(max_lines=3)
    for item in carried:
        flow.place(item)
    return True
