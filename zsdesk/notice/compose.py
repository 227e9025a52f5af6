"""Compose a `NoticeDocument` into pages: 版头, 主体 (title, 主送, body, signature), attachments, 版记."""

from __future__ import annotations

import copy

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, String, UserNode
from reportlab.pdfgen.canvas import Canvas

from zsdesk.notice.fonts import FontSet, Role, default_fontset
from zsdesk.notice.layout import (
    BODY_CHAR_SPACE,
    BODY_SIZE,
    CHAR_PITCH,
    COLOPHON_SIZE,
    MM,
    PITCH,
    RED,
    TITLE_SIZE,
    TYPE_H,
    TYPE_W,
    DrawFn,
    Flow,
    Item,
    Page,
    render_pages,
    rule_item,
    text_item,
)
from zsdesk.notice.model import (
    Attachment,
    Block,
    Chart,
    Heading,
    NoticeDocument,
    PageBreak,
    Paragraph,
    Table,
    chinese_date,
)
from zsdesk.notice.tables import carry_table_tail, place_table
from zsdesk.notice.text import (
    Line,
    balanced_lines,
    break_lines,
    clean_text,
    measure,
    paragraph_lines,
    single_line,
)

HEADER_TOP = 35 * MM  # 发文机关标志 top edge below the type-area top
HEADER_SIZE = 42.0
HEADER_MIN_SCALE = 60.0  # narrowest horizontal scale before the size is reduced
HEADER_RULE = 2.0  # red rule under the document number
INDENT = 2 * CHAR_PITCH
HEADING_ROLES = {1: Role.HEADING1, 2: Role.HEADING2}
COLOPHON_ROW = 0.8 * PITCH
THICK_RULE = 0.35 * MM
THIN_RULE = 0.25 * MM


def _clean(text: str) -> str:
    return clean_text(text, keep_newlines=False).strip()


class Composer:
    def __init__(self, doc: NoticeDocument, fonts: FontSet) -> None:
        self.doc = doc
        self.fonts = fonts
        self.flow = Flow()

    # -- 版头 -------------------------------------------------------------------------------
    def header(self) -> None:
        flow, fonts = self.flow, self.fonts
        authority = _clean(self.doc.authority)
        if authority:
            size, scale = HEADER_SIZE, 100.0
            line = single_line(authority, Role.TITLE, size, fonts)
            if line.width > TYPE_W:
                scale = max(HEADER_MIN_SCALE, 100.0 * TYPE_W / line.width)
                if line.width * scale / 100.0 > TYPE_W:
                    size = size * TYPE_W / (line.width * scale / 100.0)
                    line = single_line(authority, Role.TITLE, size, fonts)
            flow.y = HEADER_TOP
            flow.place(text_item(line, size, "center", TYPE_W, color=RED, height=size,
                                 horizontal_scale=scale))
            flow.y += 2 * PITCH  # 发文字号 two blank lines under the authority
        number = _clean(self.doc.doc_number)
        if number:
            lines = balanced_lines(number, Role.BODY, BODY_SIZE, fonts, TYPE_W)
            for k, line in enumerate(lines):
                height = BODY_SIZE if k == len(lines) - 1 else PITCH
                flow.place(text_item(line, BODY_SIZE, "center", TYPE_W, height=height))
        if authority or number:
            flow.y += 4 * MM
            flow.place(rule_item(TYPE_W, HEADER_RULE, RED))
            flow.y += 2 * PITCH  # title two blank lines under the red rule
        else:
            flow.y = 0.0

    # -- 主体 -------------------------------------------------------------------------------
    def title(self) -> None:
        text = clean_text(self.doc.title).strip()
        given = [clean_text(part, keep_newlines=False).strip() for part in self.doc.title_lines]
        if given and "".join(given) == "".join(text.split("\n")):
            text = "\n".join(given)
        for line in balanced_lines(text, Role.TITLE, TITLE_SIZE, self.fonts, TYPE_W):
            self.flow.place(text_item(line, TITLE_SIZE, "center", TYPE_W))
        self.flow.snap()

    def addressees(self) -> None:
        text = _clean(self.doc.addressees)
        if not text:
            return
        self.flow.skip_lines(1)
        if not text.endswith(("：", ":")):
            text += "："
        self.body_text(text, Role.BODY, indent=0.0, kind="other")

    def body_text(self, text: str, role: Role, indent: float = INDENT, kind: str = "body") -> None:
        for line in paragraph_lines(text, role, BODY_SIZE, self.fonts, self.flow.width,
                                    BODY_CHAR_SPACE, indent):
            self.flow.place(text_item(line, BODY_SIZE, "left", self.flow.width, kind=kind))

    def blocks(self, blocks: list[Block] | tuple[Block, ...]) -> None:
        flow = self.flow
        for i, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                for part in clean_text(block.text).split("\n"):
                    if part.strip():
                        self.body_text(part.strip(), Role.BODY)
            elif isinstance(block, Heading):
                role = HEADING_ROLES.get(block.level, Role.BODY)
                text = _clean(block.text)
                lines = paragraph_lines(text, role, BODY_SIZE, self.fonts, flow.width, BODY_CHAR_SPACE, INDENT)
                follows = i + 1 < len(blocks) and not isinstance(blocks[i + 1], PageBreak)
                # Keep a heading with the first line of what follows it.
                if not flow.fits((len(lines) + (1 if follows else 0)) * PITCH) and flow.y > 0:
                    flow.new_page(flow.page.landscape)
                for line in lines:
                    flow.place(text_item(line, BODY_SIZE, "left", flow.width, kind="heading"))
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)
            elif isinstance(block, PageBreak):
                if flow.y > 0:
                    flow.new_page(flow.page.landscape)
            else:
                raise TypeError(f"unknown notice block {type(block).__name__}")

    def table(self, table: Table) -> None:
        flow = self.flow
        was_landscape = flow.page.landscape
        if table.landscape and not was_landscape:
            flow.new_page(landscape=True)
        place_table(flow, table, self.fonts)
        if table.landscape and not was_landscape:
            flow.new_page(landscape=False)
        else:
            flow.snap()

    def chart(self, chart: Chart) -> None:
        flow = self.flow
        drawing = _embeddable(chart.drawing, self.fonts)
        w, h = float(chart.drawing.width), float(chart.drawing.height)
        scale = min(1.0, flow.width / w if w else 1.0, flow.height * 0.9 / h if h else 1.0)
        flow_width = flow.width

        def draw(c: Canvas, x: float, top: float) -> None:
            c.translate(x + (flow_width - w * scale) / 2, top - h * scale)
            c.scale(scale, scale)
            renderPDF.draw(drawing, c, 0, 0)

        flow.place(Item(h * scale, draw))
        caption = _clean(chart.caption)
        if caption:
            for line in paragraph_lines(caption, Role.BODY, COLOPHON_SIZE, self.fonts, flow.width, justify=False):
                flow.place(text_item(line, COLOPHON_SIZE, "center", flow.width, height=COLOPHON_SIZE * 1.6))
        flow.snap()

    def attachment_note(self, attachments: list[Attachment]) -> None:
        """附件说明: "附件：1.××" under the body, names aligned when they wrap."""
        if not attachments:
            return
        flow = self.flow
        label = single_line("附件：", Role.BODY, BODY_SIZE, self.fonts, BODY_CHAR_SPACE)
        label_w = label.width + BODY_CHAR_SPACE
        notes = []
        for i, att in enumerate(attachments, start=1):
            prefix = f"{i}." if len(attachments) > 1 else ""
            text = prefix + _clean(att.title)
            num_w = sum(g.width + BODY_CHAR_SPACE for g in measure(prefix, Role.BODY, BODY_SIZE, self.fonts))
            start = INDENT + label_w
            glyph_lines = break_lines(measure(text, Role.BODY, BODY_SIZE, self.fonts),
                                      TYPE_W - start - num_w, BODY_CHAR_SPACE, -num_w)
            for j, glyphs in enumerate(glyph_lines):
                indent = start if j == 0 else start + num_w
                if i == 1 and j == 0:
                    glyphs = list(label.glyphs) + glyphs
                    indent = INDENT
                line = Line(tuple(glyphs), BODY_CHAR_SPACE, indent)
                notes.append(text_item(line, BODY_SIZE, "left", TYPE_W, kind="body"))
        # The 附件说明 stays together and never opens a page without the body text it follows.
        if not flow.fits((1 + len(notes)) * PITCH) and flow.y > 0:
            flow.new_page_keeping(2, landscape=False)
        flow.skip_lines(1)
        for item in notes:
            flow.place(item)

    def signature(self) -> None:
        """发文机关署名 right, two characters in; 成文日期 below, starting two characters further right."""
        flow, fonts = self.flow, self.fonts
        flow.ensure_portrait()
        right = TYPE_W - 2 * CHAR_PITCH
        # A signatory too long for one line (joint issuers) wraps, each line right-aligned.
        sig_lines = paragraph_lines(_clean(self.doc.signatory), Role.BODY, BODY_SIZE, fonts, right,
                                    BODY_CHAR_SPACE, justify=False)
        dated = single_line(chinese_date(self.doc.sign_date), Role.BODY, BODY_SIZE, fonts, BODY_CHAR_SPACE)
        sig_x = [right - line.width for line in sig_lines]
        date_x = (sig_x[-1] if sig_x else right - dated.width) + 2 * CHAR_PITCH
        if date_x + dated.width > right:
            # 成文日期 longer than the signatory: the date keeps two characters right, the name centres over it.
            date_x = right - dated.width
            if len(sig_lines) == 1:
                sig_x = [max(0.0, date_x + (dated.width - sig_lines[0].width) / 2)]
        needed = (2 + len(sig_lines)) * PITCH
        if not flow.fits(needed) and flow.y > 0:
            # GB/T 9704: no page with the signature alone; the last body line goes with it.
            flow.new_page_keeping(2, landscape=False)
        flow.skip_lines(1)
        for line, x in zip(sig_lines, sig_x, strict=True):
            flow.place(text_item(line, BODY_SIZE, "left", TYPE_W, left_space=x))
        flow.place(text_item(dated, BODY_SIZE, "left", TYPE_W, left_space=max(0.0, date_x)))

    def attachments(self) -> None:
        count = len(self.doc.attachments)
        for i, att in enumerate(self.doc.attachments, start=1):
            flow = self.flow
            flow.new_page(landscape=att.landscape)
            label = "附件" + (str(i) if count > 1 else "")
            flow.place(text_item(single_line(label, Role.HEADING1, BODY_SIZE, self.fonts, BODY_CHAR_SPACE),
                                 BODY_SIZE, "left", flow.width))
            flow.skip_lines(1)
            title = clean_text(att.title).strip()
            for line in balanced_lines(title, Role.TITLE, TITLE_SIZE, self.fonts, flow.width):
                flow.place(text_item(line, TITLE_SIZE, "center", flow.width))
            flow.snap()
            flow.skip_lines(1)
            self.blocks(list(att.blocks))

    # -- 版记 -------------------------------------------------------------------------------
    def colophon(self) -> None:
        """版记 at the foot of the last page: thick rule, 抄送, thin rule, 印发机关 and date, thick rule."""
        doc, fonts = self.doc, self.fonts
        size = COLOPHON_SIZE
        rows: list[Item] = []
        cc = _clean(doc.cc)
        if cc:
            if not cc.endswith("。"):
                cc += "。"
            label = single_line("抄送：", Role.BODY, size, fonts)
            glyph_lines = break_lines(measure(cc, Role.BODY, size, fonts), TYPE_W - 2 * size - label.width)
            for j, glyphs in enumerate(glyph_lines):
                glyphs_all = (list(label.glyphs) if j == 0 else []) + glyphs
                indent = size if j == 0 else size + label.width
                rows.append(text_item(Line(tuple(glyphs_all), 0.0, indent), size, "left", TYPE_W,
                                      height=COLOPHON_ROW))
        cc_rows = len(rows)
        printer = _clean(doc.printer)
        printed = f"{chinese_date(doc.print_date)}印发" if doc.print_date else ""
        if printer or printed:
            right = single_line(printed, Role.BODY, size, fonts, 0.0)
            avail = TYPE_W - 3 * size - right.width
            printer_lines = break_lines(measure(printer, Role.BODY, size, fonts), max(avail, 4 * size)) or [[]]
            for k, glyphs in enumerate(printer_lines):
                a = text_item(Line(tuple(glyphs), 0.0, size), size, "left", TYPE_W, height=COLOPHON_ROW)
                b = text_item(right, size, "right", TYPE_W, right_space=size, height=COLOPHON_ROW)
                rows.append(_pair(a, b) if k == 0 else a)
        if not rows:
            return
        height = len(rows) * COLOPHON_ROW
        flow = self.flow
        needed = height + PITCH / 2
        if not flow.page.landscape and not flow.fits(needed):
            # A table ending at the page foot takes its last row onto the 版记's page ("续表"),
            # rather than leaving the 版记 on a page of its own.
            carry_table_tail(flow)
        if flow.page.landscape or not flow.fits(needed):
            # After a landscape attachment, or text that cannot be carried: GB/T 9704 puts the
            # 版记 on a page of its own, unnumbered, 抄送 and 印发机关 one character in.
            flow.new_page(False)
            flow.page.colophon_only = True
        # Row tops are offset so each row's text sits centred between its rules.
        pad = (COLOPHON_ROW - size) / 2
        if height > TYPE_H:  # absurdly long 抄送: let it run over pages rather than off the paper
            flow.place(rule_item(TYPE_W, THICK_RULE))
            for row in rows:
                flow.place(Item(COLOPHON_ROW, _shifted(row, pad)))
            flow.place(rule_item(TYPE_W, THICK_RULE))
            return
        y = TYPE_H - height
        flow.place_at(y, rule_item(TYPE_W, THICK_RULE))
        for k, row in enumerate(rows):
            if k == cc_rows and 0 < cc_rows < len(rows):
                flow.place_at(y, rule_item(TYPE_W, THIN_RULE))
            flow.place_at(y + pad, row)
            y += COLOPHON_ROW
        flow.place_at(TYPE_H, rule_item(TYPE_W, THICK_RULE))
        flow.y = TYPE_H

    def compose(self) -> list[Page]:
        self.header()
        self.title()
        self.addressees()
        self.blocks(list(self.doc.blocks))
        self.attachment_note(list(self.doc.attachments))
        self.signature()
        self.attachments()
        self.colophon()
        return self.flow.pages


def _pair(a: Item, b: Item) -> Item:
    def draw(c: Canvas, x: float, top: float) -> None:
        a.draw(c, x, top)
        b.draw(c, x, top)

    return Item(a.height, draw)


def _shifted(item: Item, dy: float) -> DrawFn:
    def draw(c: Canvas, x: float, top: float) -> None:
        item.draw(c, x, top - dy)

    return draw


def _embeddable(drawing: Drawing, fonts: FontSet) -> Drawing:
    """A copy of `drawing`, widgets expanded, whose strings use notice fonts and clean text.

    The PDF base-14 fonts reportlab charts default to are not embedded; the copy leaves the
    caller's drawing untouched (reportlab's own expandUserNodes cannot copy every shape).
    """
    body = fonts.font_name(Role.BODY)
    registered = {f.name for f in fonts.chain}

    def expand(node: object) -> object:
        while isinstance(node, UserNode):
            node = node.provideNode()
        if isinstance(node, String):
            text = copy.copy(node)
            if text.fontName not in registered:
                text.fontName = body
            text.text = clean_text(text.text, keep_newlines=False)
            return text
        if isinstance(node, Group):
            group = copy.copy(node)
            group.contents = [expand(child) for child in node.contents]
            return group
        return node

    result = expand(drawing)
    assert isinstance(result, Drawing)
    result.initialFontName = body  # the renderer otherwise selects Times-Roman first
    return result


def compose_notice(doc: NoticeDocument, fonts: FontSet | None = None) -> list[Page]:
    return Composer(doc, fonts or default_fontset()).compose()


def render_notice(doc: NoticeDocument, fonts: FontSet | None = None, mirror_margins: bool = False) -> bytes:
    """The notice as PDF bytes; the same document and fonts give byte-identical output."""
    fonts = fonts or default_fontset()
    pages = Composer(doc, fonts).compose()
    return render_pages(pages, fonts, title=_clean(doc.title), author=_clean(doc.signatory),
                        mirror=mirror_margins)
