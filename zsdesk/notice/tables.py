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
from zsdesk.notice.text import Line, break_lines, clean_text, draw_line, measure, paragraph_lines

PAD_X = 3.0
PAD_Y = 2.5
LINE_FACTOR = 1.3
RULE = 0.6
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
        glyph_lines = break_lines(measure(part, role, size, fonts), width) or [[]]
        lines += [Line(tuple(g), 0.0) for g in glyph_lines]
    return lines


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


def _row_item(row: Row, widths: list[float], size: float) -> Item:
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
        for cell, w in zip(row.cells, widths, strict=True):
            # Vertically centre the cell's lines in the row.
            block = len(cell.lines) * line_h
            y = top - (row.height - block) / 2 - (line_h - size) / 2 - ASCENT * size
            for line in cell.lines:
                if cell.align == "center":
                    x0 = edge + (w - line.width) / 2
                elif cell.align == "right":
                    x0 = edge + w - PAD_X - line.width
                else:
                    x0 = edge + PAD_X
                draw_line(c, line, x0, y, size)
                y -= line_h
            edge += w
            c.line(edge, top, edge, bottom)

    return Item(row.height, draw)


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
        flow.new_page(flow.page.landscape)
    for line in title_lines:
        flow.place(text_item(line, size + 2, "center", flow.width, height=(size + 2) * 1.6))
    for row in header_rows:
        flow.place(_row_item(row, widths, size))
    cont = clean_text(f"{table.title}（续表）" if table.title else "续表", keep_newlines=False)
    for row in body_rows:
        if not flow.fits(row.height):
            flow.new_page(flow.page.landscape)
            # Text on the type area's left edge marks the continuation (and the margin).
            line = Line(tuple(measure(cont, Role.BODY, size, fonts)), 0.0)
            flow.place(text_item(line, size, "left", flow.width, height=caption_h))
            for hrow in header_rows:
                flow.place(_row_item(hrow, widths, size))
        flow.place(_row_item(row, widths, size))
    if table.note:
        for line in paragraph_lines(clean_text(table.note, keep_newlines=False), Role.BODY, size,
                                    fonts, flow.width, justify=False):
            flow.place(text_item(line, size, "left", flow.width, height=size * 1.6))
