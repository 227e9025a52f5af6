"""The notice as a Word/WPS .docx working copy, from the same `NoticeDocument` the PDF is drawn from.

Leadership revises drafts in WPS; the issued PDF stays the record. The page set-up follows
GB/T 9704-2012 like the PDF: A4, margins 37/35/28/26 mm, a 22 lines × 28 characters document
grid, fonts by their official names with the bundled stand-ins as fall-backs, the red 版头,
`— N —` page numbers as a PAGE field (odd pages right, even pages left), attachments in
landscape sections where the PDF turns the page, and the 版记 at the foot of the last page.

Public API::

    notice_docx(doc, draft=True, fonts=None) -> bytes
        ``draft`` marks page 1 "征求意见稿" (the notice is not issued yet); the properties say
        草稿 either way — the .docx is never the record.
    render_quarterly_docx(ledger, period, narrative=None, settings=None, doc_number=None,
                          issue_date=None, fonts=None, draft=True) -> bytes
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.section import Section
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from reportlab.graphics import renderPDF

from . import docx_oxml as ox
from .compose import _embeddable
from .fonts import FontSet, Role, default_fontset
from .model import Attachment, Block, Chart, Heading, NoticeDocument, PageBreak, Paragraph, Table, chinese_date
from .quarterly import build_quarterly_notice
from .tables import _NUMBER as NUMBER  # numbers right-aligned, as in the PDF's tables
from .text import break_lines, clean_text, measure, single_line

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..periods import Period
    from .narrative import Narrative, NoticeSettings

#: GB/T 9704 names the fonts; WPS and Word find them by these names on the PC.
OFFICIAL_FONTS: dict[Role, str] = {
    Role.TITLE: "方正小标宋简体",
    Role.BODY: "仿宋_GB2312",
    Role.HEADING1: "黑体",
    Role.HEADING2: "楷体_GB2312",
    Role.PAGE_NUMBER: "宋体",
}
#: The family names of the fonts zsdesk bundles (resources/fonts), named as each official font's fall-back.
STAND_IN_FONTS: dict[Role, str] = {
    Role.TITLE: "ZsdeskTitleSerif",
    Role.BODY: "ZsdeskFang",
    Role.HEADING1: "WenQuanYi Micro Hei",
    Role.HEADING2: "AR PL KaitiM GB",
    Role.PAGE_NUMBER: "AR PL SungtiL GB",
}

# Page set-up (GB/T 9704-2012 §5.2): type area 156 × 225 mm, 22 lines of 28 characters.
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TYPE_W_MM, TYPE_H_MM = 156.0, 225.0
LAND_TOP, LAND_BOTTOM, LAND_LEFT, LAND_RIGHT = Mm(28), Mm(26), Mm(37), Mm(35)
LINE_PITCH = 579  # twips: 225 mm / 22 lines, rounded down so that 22 lines fit (Word's own value)
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
SMALL_PT = 14.0  # 4号: page numbers, 版记
CHAR_PITCH_PT = TYPE_W_MM / 25.4 * 72 / 28  # ≈ 15.79 pt
# Character grid: each character advances (default size + charSpace/4096) pt, i.e. 28 to a line.
CHAR_SPACE = round((CHAR_PITCH_PT - BODY_PT) * 4096)  # -849
CONDENSE = -5  # twentieths of a point: 16 − 0.25 = 15.75 pt a character, 28 to the 442 pt line
PITCH = Twips(LINE_PITCH)
INDENT = Pt(2 * CHAR_PITCH_PT)
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"
MARK_GREY = RGBColor(0xB4, 0xB4, 0xB4)
HEADER_PT = 42.0  # 发文机关标志, shrunk or narrowed to fit one line as in the PDF
HEADER_MIN_SCALE = 60.0
HEADER_TOP = Mm(35)  # its top below the type area's top
FOOTER_DISTANCE = Mm(24)  # "— N —" 7 mm under the type area
DRAFT_MARK = "征求意见稿"
TABLE_LINE = 1.3  # table text line height, in font sizes (as the PDF's tables)
TABLE_PAD_Y = Pt(2.5)
COLOPHON_ROW = Twips(round(0.8 * LINE_PITCH))
THICK_RULE = 8  # eighths of a point: 1 pt ≈ 0.35 mm
THIN_RULE = 6  # 0.75 pt ≈ 0.25 mm


def _style_run(run: Run, role: Role, size: float = BODY_PT, bold: bool = False,
               color: RGBColor | None = None) -> Run:
    ox.set_fonts(run._r, OFFICIAL_FONTS[role])
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _exact(paragraph: DocxParagraph, line: Any = PITCH, before: Any = 0, after: Any = 0) -> DocxParagraph:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = before
    fmt.space_after = after
    ox.no_auto_space(paragraph)
    return paragraph


def _clean(text: str) -> str:
    return clean_text(text, keep_newlines=False).strip()


class DocxWriter:
    """Writes one `NoticeDocument` into a python-docx `Document`, section by section."""

    def __init__(self, doc: NoticeDocument, fonts: FontSet, draft: bool) -> None:
        self.doc = doc
        self.fonts = fonts
        self.draft = draft
        self.word: DocxDocument = Document()
        self.landscape = False

    # -- set-up --------------------------------------------------------------------------------
    def setup(self) -> None:
        word = self.word
        styles = word.styles
        normal = styles["Normal"]
        ox.set_fonts(normal.element, OFFICIAL_FONTS[Role.BODY])
        normal.font.size = Pt(BODY_PT)
        _exact_style(normal)
        # Defaults: the character grid's charSpace is relative to the default font size.
        ox.set_default_size(styles, int(BODY_PT * 2))
        # 28 characters a line whatever the application does with the grid: LibreOffice gives a
        # 16 pt character two 15.79 pt grid cells, so text is set off the grid, 0.25 pt condensed.
        ox.off_grid(normal)
        ox.set_char_spacing(normal, CONDENSE)
        ox.no_auto_space(normal)
        for level, role in ((1, Role.HEADING1), (2, Role.HEADING2)):
            style = styles[f"Heading {level}"]
            ox.set_fonts(style.element, OFFICIAL_FONTS[role])
            style.font.size = Pt(BODY_PT)
            style.font.bold = False
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            _exact_style(style)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.first_line_indent = INDENT
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        ox.declare_fonts(_font_table(word), {OFFICIAL_FONTS[role]: STAND_IN_FONTS[role] for role in Role})
        word.settings.odd_and_even_pages_header_footer = True
        self._core_properties()
        section = word.sections[0]
        self._page(section, landscape=False)
        self._footers(section)
        if self.draft:
            self._draft_mark(section)

    def _core_properties(self) -> None:
        props = self.word.core_properties
        doc = self.doc
        props.title = _clean(doc.title)
        props.subject = _clean(doc.doc_number)
        props.author = _clean(doc.signatory)
        props.last_modified_by = "招商桌面"
        props.category = "草稿"
        props.keywords = "草稿；工作底稿；通报"
        props.comments = ("草稿（工作底稿）：由招商桌面导出，供修改。签发以存档的 PDF 为准"
                          + ("；尚未签发（征求意见稿）。" if self.draft else "。"))
        props.content_status = "草稿"
        stamp = datetime.combine(doc.sign_date, time(0, 0))
        props.created = stamp
        props.modified = stamp
        props.revision = 1

    def _page(self, section: Section, landscape: bool) -> None:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            section.top_margin, section.bottom_margin = LAND_TOP, LAND_BOTTOM
            section.left_margin, section.right_margin = LAND_LEFT, LAND_RIGHT
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.top_margin, section.bottom_margin = TOP, BOTTOM
            section.left_margin, section.right_margin = LEFT, RIGHT
        section.gutter = 0
        section.header_distance = Mm(15)
        section.footer_distance = FOOTER_DISTANCE
        ox.set_doc_grid(section, LINE_PITCH, CHAR_SPACE)
        self.landscape = landscape

    def _page_number(self, paragraph: DocxParagraph, odd: bool) -> None:
        _exact(paragraph, Pt(SMALL_PT * 1.2))
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        if odd:
            fmt.right_indent = Pt(SMALL_PT)
        else:
            fmt.left_indent = Pt(SMALL_PT)
        ox.add_page_field(paragraph, "— ", " —", lambda run: _style_run(run, Role.PAGE_NUMBER, SMALL_PT))

    def _footers(self, section: Section) -> None:
        """"— N —" in 4号 宋体, one character in: odd pages right, even pages left (GB/T 9704 §7.5)."""
        self._page_number(section.footer.paragraphs[0], odd=True)
        self._page_number(section.even_page_footer.paragraphs[0], odd=False)

    def _draft_mark(self, section: Section) -> None:
        """A light-grey "征求意见稿" at the top right of page 1 only (its own first-page header)."""
        section.different_first_page_header_footer = True
        header = section.first_page_header.paragraphs[0]
        _exact(header, Pt(BODY_PT * 1.3))
        header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _style_run(header.add_run(DRAFT_MARK), Role.HEADING1, BODY_PT, color=MARK_GREY)
        self._page_number(section.first_page_footer.paragraphs[0], odd=True)

    def new_section(self, landscape: bool) -> None:
        section = self.word.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        self._page(section, landscape)

    @property
    def type_width(self) -> float:
        """The type area's width in points."""
        return (225.0 if self.landscape else TYPE_W_MM) / 25.4 * 72

    # -- paragraphs ----------------------------------------------------------------------------
    def para(self, text: str = "", role: Role = Role.BODY, size: float = BODY_PT,
             align: WD_ALIGN_PARAGRAPH | None = None, indent: Any = None, line: Any = PITCH,
             before: Any = 0, after: Any = 0, color: RGBColor | None = None,
             style: str | None = None) -> DocxParagraph:
        paragraph = self.word.add_paragraph(style=style)
        _exact(paragraph, line, before, after)
        fmt = paragraph.paragraph_format
        if align is not None:
            fmt.alignment = align
        if indent is not None:
            fmt.first_line_indent = indent
        if text:
            _style_run(paragraph.add_run(text), role, size, color=color)
        return paragraph

    def blank(self, lines: int = 1) -> None:
        for _ in range(lines):
            self.para()

    # -- 版头 ------------------------------------------------------------------------------------
    def header(self) -> None:
        authority = _clean(self.doc.authority)
        number = _clean(self.doc.doc_number)
        if authority:
            # The same fitting as the PDF: narrow to 60 %, then shrink, to keep one line.
            type_w = TYPE_W_MM / 25.4 * 72
            size, scale = HEADER_PT, 100.0
            width = single_line(authority, Role.TITLE, size, self.fonts).width
            if width > type_w:
                scale = max(HEADER_MIN_SCALE, 100.0 * type_w / width)
                if width * scale / 100.0 > type_w:
                    size = size * type_w / (width * scale / 100.0)
            # Whole-percent scaling and half-point sizes, rounded down so the line still fits.
            paragraph = self.para(align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(size * 1.15),
                                  before=HEADER_TOP - Pt(size * 0.15), after=Emu(2 * PITCH - Pt(size * 0.15)))
            ox.off_grid(paragraph)
            run = _style_run(paragraph.add_run(authority), Role.TITLE, int(size * 2) / 2, color=RED)
            if scale < 100.0:
                ox.set_char_scale(run, int(scale))
            paragraph.paragraph_format.keep_with_next = True
        if number:
            paragraph = self.para(number, align=WD_ALIGN_PARAGRAPH.CENTER)
            # The red rule 4 mm under the document number, the width of the type area.
            ox.set_border(paragraph, "bottom", 16, RED_HEX, 11)
        if authority or number:
            self.para(line=Emu(2 * PITCH - Pt(11 + 2)))
        self.title(_clean(self.doc.title), self.doc.title_lines)

    def title(self, text: str, lines: Sequence[str] = ()) -> None:
        given = [_clean(part) for part in lines]
        parts = given if given and "".join(given) == text.replace("\n", "") else text.split("\n")
        paragraph = self.para(align=WD_ALIGN_PARAGRAPH.CENTER)
        for k, part in enumerate(parts):
            run = _style_run(paragraph.add_run(part), Role.TITLE, TITLE_PT)
            if k < len(parts) - 1:
                run.add_break(WD_BREAK.LINE)
        paragraph.paragraph_format.keep_with_next = True

    # -- 主体 ------------------------------------------------------------------------------------
    def addressees(self) -> None:
        text = _clean(self.doc.addressees)
        if not text:
            return
        self.blank()
        if not text.endswith(("：", ":")):
            text += "："
        self.para(text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    def blocks(self, blocks: Sequence[Block]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                for part in clean_text(block.text).split("\n"):
                    if part.strip():
                        self.para(part.strip(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
            elif isinstance(block, Heading):
                if block.level in (1, 2):
                    paragraph = self.word.add_paragraph(style=f"Heading {block.level}")
                    paragraph.add_run(_clean(block.text))
                else:
                    paragraph = self.para(_clean(block.text), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
                    paragraph.paragraph_format.keep_with_next = True
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)
            elif isinstance(block, PageBreak):
                self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            else:
                raise TypeError(f"unknown notice block {type(block).__name__}")

    def table(self, table: Table) -> None:
        turned = table.landscape and not self.landscape
        if turned:
            self.new_section(landscape=True)
        size = table.font_size
        columns = max([len(r) for r in [*table.header_rows, *table.rows]] or [1])
        weights = [max(float(w), 0.01) for w in list(table.col_widths or [])[:columns]]
        weights += [1.0] * (columns - len(weights))
        total = self.type_width
        widths = [Pt(total * w / sum(weights)) for w in weights]
        if table.title:
            title = self.para(_clean(table.title), Role.HEADING1, size + 2, WD_ALIGN_PARAGRAPH.CENTER,
                              line=Pt((size + 2) * 1.6))
            title.paragraph_format.keep_with_next = True
        grid = self.word.add_table(rows=0, cols=columns)
        grid.alignment = WD_TABLE_ALIGNMENT.LEFT
        grid.autofit = False
        ox.set_table_borders(grid, {side: 5 for side in ("top", "left", "bottom", "right", "insideH", "insideV")})
        ox.set_cell_margins(grid, 0, 40, 0, 60)
        ox.set_table_indent(grid, 0)
        for k, width in enumerate(widths):
            grid.columns[k].width = width
        for values, header in [*((v, True) for v in table.header_rows), *((v, False) for v in table.rows)]:
            row = grid.add_row()
            ox.cant_split(row)
            if header:
                ox.repeat_header(row)
            for k, cell in enumerate(row.cells):
                cell.width = widths[k]
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                value = values[k] if k < len(values) else ""
                text = "" if value is None else str(value)
                paragraph = cell.paragraphs[0]
                _exact(paragraph, Pt(size * TABLE_LINE), TABLE_PAD_Y, TABLE_PAD_Y)
                ox.off_grid(paragraph)
                if header:
                    align = WD_ALIGN_PARAGRAPH.CENTER
                elif table.align and k < len(table.align):
                    align = _ALIGN[table.align[k]]
                else:
                    align = WD_ALIGN_PARAGRAPH.RIGHT if NUMBER.match(text.strip()) else WD_ALIGN_PARAGRAPH.LEFT
                paragraph.paragraph_format.alignment = align
                lines = clean_text(text).split("\n")
                for j, line in enumerate(lines):
                    run = _style_run(paragraph.add_run(line), Role.HEADING1 if header else Role.BODY, size)
                    if j < len(lines) - 1:
                        run.add_break(WD_BREAK.LINE)
        if table.note:
            self.para(_clean(table.note), size=size, line=Pt(size * 1.6))
        if turned:
            self.new_section(landscape=False)
        else:
            # Word needs a paragraph between a table and what follows; keep it one small line.
            self.para(line=Pt(size * 0.6))

    def chart(self, chart: Chart) -> None:
        png, w, h = _chart_png(chart, self.fonts)
        type_h = (TYPE_W_MM if self.landscape else TYPE_H_MM) / 25.4 * 72
        scale = min(1.0, self.type_width / w if w else 1.0, type_h * 0.9 / h if h else 1.0)
        paragraph = self.word.add_paragraph()
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact would clip the picture
        paragraph.add_run().add_picture(io.BytesIO(png), width=Pt(w * scale), height=Pt(h * scale))
        caption = _clean(chart.caption)
        if caption:
            self.para(caption, size=SMALL_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(SMALL_PT * 1.6))

    def attachment_note(self) -> None:
        """附件说明: "附件：1.××" one line under the body, names aligned when they wrap."""
        atts = list(self.doc.attachments)
        if not atts:
            return
        self.blank()
        label = single_line("附件：", Role.BODY, BODY_PT, self.fonts).width + 3 * (CHAR_PITCH_PT - BODY_PT)
        for i, att in enumerate(atts, start=1):
            prefix = f"{i}." if len(atts) > 1 else ""
            number_w = sum(g.width for g in measure(prefix, Role.BODY, BODY_PT, self.fonts))
            paragraph = self.para(align=WD_ALIGN_PARAGRAPH.LEFT)
            fmt = paragraph.paragraph_format
            fmt.left_indent = INDENT + Pt(label + number_w)
            fmt.first_line_indent = -Pt(label + number_w) if i == 1 else -Pt(number_w)
            fmt.keep_with_next = True
            _style_run(paragraph.add_run(("附件：" if i == 1 else "") + prefix + _clean(att.title)), Role.BODY)

    def signature(self) -> None:
        """署名 right, two characters in; 成文日期 under it, starting two characters further right."""
        if self.landscape:
            self.new_section(landscape=False)
        body = self.word.paragraphs
        if body:
            body[-1].paragraph_format.keep_with_next = True
        type_w = TYPE_W_MM / 25.4 * 72
        space = CHAR_PITCH_PT - BODY_PT
        right = type_w - 2 * CHAR_PITCH_PT
        signatory = _clean(self.doc.signatory)
        dated = chinese_date(self.doc.sign_date)
        sig_w = single_line(signatory, Role.BODY, BODY_PT, self.fonts, space).width
        date_w = single_line(dated, Role.BODY, BODY_PT, self.fonts, space).width
        sig_x = right - sig_w
        date_x = sig_x + 2 * CHAR_PITCH_PT
        if date_x + date_w > right:
            date_x = right - date_w
            sig_x = max(0.0, date_x + (date_w - sig_w) / 2)
        self.para().paragraph_format.keep_with_next = True
        if sig_x > 0:
            sig = self.para(signatory, align=WD_ALIGN_PARAGRAPH.LEFT)
            sig.paragraph_format.left_indent = Pt(sig_x)
        else:  # joint issuers too long for one line: right-aligned, two characters in
            sig = self.para(signatory, align=WD_ALIGN_PARAGRAPH.RIGHT)
            sig.paragraph_format.right_indent = Pt(2 * CHAR_PITCH_PT)
        sig.paragraph_format.keep_with_next = True
        when = self.para(dated, align=WD_ALIGN_PARAGRAPH.LEFT)
        when.paragraph_format.left_indent = Pt(max(0.0, date_x))

    def attachments(self) -> None:
        atts: list[Attachment] = list(self.doc.attachments)
        for i, att in enumerate(atts, start=1):
            self.new_section(att.landscape)
            label = "附件" + (str(i) if len(atts) > 1 else "")
            self.para(label, Role.HEADING1, align=WD_ALIGN_PARAGRAPH.LEFT)
            self.blank()
            self.title(_clean(att.title))
            self.blank()
            self.blocks(list(att.blocks))

    # -- 版记 ------------------------------------------------------------------------------------
    def colophon(self) -> None:
        """版记 at the foot of the last page: thick rule, 抄送, thin rule, 印发机关 and date, thick rule."""
        doc = self.doc
        cc = _clean(doc.cc)
        printer = _clean(doc.printer)
        printed = f"{chinese_date(doc.print_date)}印发" if doc.print_date else ""
        rows: list[tuple[str, str]] = []
        if cc:
            rows.append(("抄送：" + cc + ("" if cc.endswith("。") else "。"), ""))
        if printer or printed:
            rows.append((printer, printed))
        if not rows:
            return
        if self.landscape:
            self.new_section(landscape=False)
        width = Pt(self.type_width)
        # Each row a frame of its own, stacked up from the type area's foot; a row's height is its
        # line count (抄送 may wrap after "抄送：") times the row pitch.
        heights = [self._colophon_lines(left, width.pt) * COLOPHON_ROW for left, _ in rows]
        y = round(Mm(TYPE_H_MM).twips) - sum(round(Emu(h).twips) for h in heights)
        for k, ((left, right), height) in enumerate(zip(rows, heights, strict=True)):
            paragraph = self.para(size=SMALL_PT, line=COLOPHON_ROW, align=WD_ALIGN_PARAGRAPH.LEFT)
            ox.frame_at(paragraph, round(width.twips), y, round(Emu(height).twips))
            y += round(Emu(height).twips)
            ox.off_grid(paragraph)
            fmt = paragraph.paragraph_format
            fmt.left_indent = Pt(SMALL_PT)
            fmt.right_indent = Pt(SMALL_PT)
            if not right and left.startswith("抄送："):
                fmt.left_indent = Pt(SMALL_PT + 3 * SMALL_PT)
                fmt.first_line_indent = -Pt(3 * SMALL_PT)  # wrapped lines align after "抄送："
            if right:
                fmt.tab_stops.add_tab_stop(width - Pt(2 * SMALL_PT), WD_TAB_ALIGNMENT.RIGHT)
            if k == 0:
                ox.set_border(paragraph, "top", THICK_RULE, space=0)
            ox.set_border(paragraph, "bottom", THICK_RULE if k == len(rows) - 1 else THIN_RULE, space=0)
            _style_run(paragraph.add_run(left + ("\t" + right if right else "")), Role.BODY, SMALL_PT)
        self.para(line=Pt(1))  # the frames' anchor: a document does not end inside a frame

    def _colophon_lines(self, text: str, width: float) -> int:
        glyphs = measure(text, Role.BODY, SMALL_PT, self.fonts)
        return max(1, len(break_lines(glyphs, width - 2 * SMALL_PT - 3 * SMALL_PT)))

    def build(self) -> bytes:
        self.setup()
        self.header()
        self.addressees()
        self.blocks(list(self.doc.blocks))
        self.attachment_note()
        self.signature()
        self.attachments()
        self.colophon()
        buf = io.BytesIO()
        self.word.save(buf)
        return buf.getvalue()


_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _exact_style(style: Any) -> None:
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _font_table(word: DocxDocument) -> Any:
    return word.part.part_related_by(RT.FONT_TABLE)


def _chart_png(chart: Chart, fonts: FontSet) -> tuple[bytes, float, float]:
    """The chart drawn as in the PDF (notice fonts), rasterised at 200 dpi; its size in points."""
    # local: pypdfium2 loads only when a chart goes into a .docx
    import pypdfium2 as pdfium

    drawing = _embeddable(chart.drawing, fonts)
    w, h = float(chart.drawing.width), float(chart.drawing.height)
    pdf = pdfium.PdfDocument(renderPDF.drawToString(drawing))
    try:
        image = pdf[0].render(scale=200 / 72).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), w, h


def notice_docx(doc: NoticeDocument, draft: bool = True, fonts: FontSet | None = None) -> bytes:
    """The notice as .docx bytes: a working copy (properties 草稿; page 1 "征求意见稿" while `draft`)."""
    return DocxWriter(doc, fonts or default_fontset(), draft).build()


def render_quarterly_docx(ledger: Ledger, period: Period, narrative: Narrative | None = None,
                          settings: NoticeSettings | None = None, doc_number: str | None = None,
                          issue_date: date | None = None, fonts: FontSet | None = None,
                          draft: bool = True) -> bytes:
    """The quarterly notice for `period` as .docx — the same content as `render_quarterly_notice`."""
    doc, _ = build_quarterly_notice(ledger, period, narrative, settings, doc_number, issue_date, fonts)
    return notice_docx(doc, draft=draft, fonts=fonts)
