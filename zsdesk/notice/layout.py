"""GB/T 9704-2012 page geometry, the page flow, and drawing the pages with reportlab.

Positions inside the type area are measured downwards from its top edge, in points; each
page is a list of placed items that know how to draw themselves.  Pages are composed first
and drawn afterwards, so the composer can still move lines (keep the signature with the
body) and knows which page holds only the 版记.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from reportlab import rl_config
from reportlab.lib.colors import CMYKColor, black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from zsdesk.notice.fonts import FontSet, Role
from zsdesk.notice.text import Line, draw_line, single_line

MM = 72 / 25.4
PAGE_W, PAGE_H = A4
TOP_MARGIN = 37 * MM
BINDING_MARGIN = 28 * MM  # left on odd pages
TYPE_W = 156 * MM
TYPE_H = 225 * MM
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
PITCH = TYPE_H / LINES_PER_PAGE  # ≈ 28.99 pt
BODY_SIZE = 16.0  # 3号
CHAR_PITCH = TYPE_W / CHARS_PER_LINE  # ≈ 15.79 pt: 28 characters fill a line
BODY_CHAR_SPACE = CHAR_PITCH - BODY_SIZE
TITLE_SIZE = 22.0  # 2号
PAGE_NUMBER_SIZE = 14.0  # 4号
COLOPHON_SIZE = 14.0  # 4号
ASCENT = 0.88  # ideographic em-box top above the baseline, in em: line tops sit on the grid
# Landscape pages: the portrait type area turned, binding margin at the top.
LAND_W, LAND_H = landscape(A4)
LAND_TOP = 28 * MM
LAND_LEFT = 37 * MM
LAND_TYPE_W = TYPE_H
LAND_TYPE_H = TYPE_W
PAGE_NUMBER_GAP = 7 * MM  # from the type-area bottom to the page number's dash
RED = CMYKColor(0, 1, 1, 0)
EPS = 0.01
_A85_LOCK = threading.Lock()

DrawFn = Callable[[Canvas, float, float], None]  # (canvas, type-area left x, item top y in PDF space)


@dataclass
class Item:
    height: float
    draw: DrawFn
    # "body" / "heading": a text line the composer may carry to the next page to keep it with
    # what follows; "table_title", "table_head", "table_caption", "table_row", "table_note": parts
    # of a table (see tables.place_table); anything else stays where it is.
    kind: str = "other"
    left: float | None = None  # where the text starts inside the type area, if it is left-aligned
    lead: tuple[Item, ...] = ()  # a table row's "续表" caption and header rows, for a page it is carried to


@dataclass
class Page:
    landscape: bool = False
    items: list[tuple[float, Item]] = field(default_factory=list)
    colophon_only: bool = False  # holds only the 版记: no page number (GB/T 9704 §7.5)

    @property
    def type_w(self) -> float:
        return LAND_TYPE_W if self.landscape else TYPE_W

    @property
    def type_h(self) -> float:
        return LAND_TYPE_H if self.landscape else TYPE_H


class Flow:
    """Places items down the type area, starting a new page when one does not fit."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.y = 0.0
        self.new_page()

    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def width(self) -> float:
        return self.page.type_w

    @property
    def height(self) -> float:
        return self.page.type_h

    def new_page(self, landscape: bool = False) -> None:
        self.pages.append(Page(landscape))
        self.y = 0.0

    def ensure_portrait(self) -> None:
        if self.page.landscape:
            self.new_page(False)

    def fits(self, height: float) -> bool:
        return self.y + height <= self.height + EPS

    def remaining(self) -> float:
        return self.height - self.y

    def place(self, item: Item) -> None:
        if not self.fits(item.height) and self.y > EPS:
            self.new_page(self.page.landscape)
        self.page.items.append((self.y, item))
        self.y += item.height

    def place_at(self, y: float, item: Item) -> None:
        self.page.items.append((y, item))

    def snap(self) -> None:
        """Move down to the next body-text grid line."""
        self.y = math.ceil((self.y - EPS) / PITCH) * PITCH

    def skip_lines(self, n: float) -> None:
        if self.y > EPS:
            self.y = min(self.y + n * PITCH, self.height)

    def new_page_keeping(self, max_lines: int = 1, landscape: bool | None = None) -> None:
        """Start a new page, carrying the last text lines along so they stay with what follows.

        Trailing "body" and "heading" lines are carried, at most `max_lines` of them and never
        all the page holds, stopping at the first one that starts on the type area's left edge —
        GB/T 9704 keeps a signature, and we keep a table, with the text leading up to it; the new
        page then also starts its text on the margin.
        """
        items = self.page.items
        carried: list[Item] = []
        while (items and len(items) > 1 and len(carried) < max_lines
               and items[-1][1].kind in ("body", "heading")):
            item = items.pop()[1]
            carried.insert(0, item)
            if item.left is not None and item.left < EPS:
                break
        self.new_page(self.page.landscape if landscape is None else landscape)
        for item in carried:
            self.place(item)


def text_item(line: Line, size: float, align: str = "left", width: float = TYPE_W,
              right_space: float = 0.0, left_space: float = 0.0, color: object = black,
              height: float = PITCH, kind: str = "other", horizontal_scale: float = 100.0) -> Item:
    """One line of text in a cell of `height`, its em box top on the cell top."""
    line_w = line.width * horizontal_scale / 100.0

    def draw(c: Canvas, x: float, top: float) -> None:
        if align == "center":
            x0 = x + (width - line_w) / 2
        elif align == "right":
            x0 = x + width - right_space - line_w
        else:
            x0 = x + left_space
        c.setFillColor(color)
        draw_line(c, line, x0, top - ASCENT * size, size, horizontal_scale)

    left = left_space + line.indent if align == "left" and line.glyphs else None
    return Item(height, draw, kind, left)


def rule_item(width: float, thickness: float, color: object = black, height: float = 0.0) -> Item:
    def draw(c: Canvas, x: float, top: float) -> None:
        c.setStrokeColor(color)
        c.setLineWidth(thickness)
        c.line(x, top, x + width, top)

    return Item(height, draw)


def page_origin(page: Page, number: int, mirror: bool) -> tuple[float, float]:
    """(left x, top y) of the type area in PDF space; `mirror` puts even pages' binding on the right."""
    if page.landscape:
        return LAND_LEFT, LAND_H - LAND_TOP
    left = BINDING_MARGIN
    if mirror and number % 2 == 0:
        left = PAGE_W - BINDING_MARGIN - TYPE_W
    return left, PAGE_H - TOP_MARGIN


def draw_page_number(c: Canvas, page: Page, number: int, fonts: FontSet, x: float, top: float) -> None:
    """"— N —" in 4号 宋体, 7 mm under the type area; odd pages right, even pages left, one character in."""
    line = single_line(f"— {number} —", Role.PAGE_NUMBER, PAGE_NUMBER_SIZE, fonts)
    # The dash sits about 0.3 em above the baseline.
    baseline = top - page.type_h - PAGE_NUMBER_GAP - 0.3 * PAGE_NUMBER_SIZE
    if number % 2:
        x0 = x + page.type_w - PAGE_NUMBER_SIZE - line.width
    else:
        x0 = x + PAGE_NUMBER_SIZE
    c.setFillColor(black)
    draw_line(c, line, x0, baseline, PAGE_NUMBER_SIZE)


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Streams stored Flate-compressed only, not also ASCII85-armoured: ~11% smaller, ~10% faster.

    reportlab reads the process-wide ``rl_config.useA85`` while drawing and saving, so it is
    switched off for our rendering and put back afterwards (the lock keeps two renders on
    different threads from restoring each other's value mid-way).
    """
    with _A85_LOCK:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = saved


def render_pages(pages: list[Page], fonts: FontSet, title: str = "", author: str = "",
                 mirror: bool = False) -> bytes:
    """Draw composed pages; the same pages give the same bytes (reportlab invariant mode)."""
    with _binary_streams():
        return _render(pages, fonts, title, author, mirror)


def _render(pages: list[Page], fonts: FontSet, title: str, author: str, mirror: bool) -> bytes:
    buf = io.BytesIO()
    # The initial font is written into every page; a base-14 font there would not be embedded.
    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1,
               initialFontName=fonts.font_name(Role.BODY), initialFontSize=BODY_SIZE)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("zsdesk")
    c.setSubject("")
    for number, page in enumerate(pages, start=1):
        c.setPageSize((LAND_W, LAND_H) if page.landscape else (PAGE_W, PAGE_H))
        x, top = page_origin(page, number, mirror)
        for y, item in page.items:
            c.saveState()
            item.draw(c, x, top - y)
            c.restoreState()
        if not page.colophon_only:
            draw_page_number(c, page, number, fonts, x, top)
        c.showPage()
    c.save()
    return buf.getvalue()
