"""The few WordprocessingML pieces python-docx has no API for, as small functions on its oxml layer.

Everything else in the Word export goes through python-docx's public API. Each function here
writes one element the way Word writes it, so WPS and LibreOffice read it too:

    set_doc_grid(section, line_pitch, char_space)    # <w:docGrid w:type="linesAndChars" …>
    add_page_field(paragraph, before, after, apply)  # "— " PAGE " —" as a field
    repeat_header(row), cant_split(row)              # <w:tblHeader/>, <w:cantSplit/>
    set_fonts(element, name)                         # <w:rFonts> ascii/hAnsi/eastAsia, theme fonts removed
    declare_fonts(font_table_part, {name: alt})      # fontTable <w:font w:name=…><w:altName/>
    set_border(paragraph_or_table, side, size, color, space)
    set_cell_margins(table, top, left, bottom, right)
    set_char_scale(run, percent)                     # <w:w>
    off_grid(paragraph)                              # <w:snapToGrid w:val="0"/>
    set_default_size(styles, half_points)            # docDefaults <w:sz>
    frame_at(paragraph, width, y, height)            # <w:framePr>, for the 版记 rows
    remove_table_borders(table, sides)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _child(parent: Any, tag: str, before: Iterable[str] = ()) -> Any:
    """The first `tag` child of `parent`, created (before the first of `before` present) if missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    for name in before:
        anchor = parent.find(qn(name))
        if anchor is not None:
            anchor.addprevious(element)
            return element
    parent.append(element)
    return element


def set_doc_grid(section: Section, line_pitch: int, char_space: int) -> None:
    """Document grid of `line_pitch` twips and characters `char_space`/4096 pt off the default size.

    ``type="linesAndChars"`` is what Word's 页面设置 › 文档网格 › "指定行和字符网格" writes; WPS
    shows the grid from it.
    """
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(line_pitch))
    grid.set(qn("w:charSpace"), str(char_space))


def _field_char(kind: str) -> Any:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def add_page_field(paragraph: Paragraph, before: str, after: str, style_run: Callable[[Run], object]) -> None:
    """``before`` PAGE ``after`` in `paragraph`, every run passed through `style_run` (fonts, size)."""
    def run_with(*children: Any, text: str | None = None) -> None:
        run = paragraph.add_run(text) if text is not None else paragraph.add_run()
        style_run(run)
        for child in children:
            run._r.append(child)

    run_with(text=before)
    run_with(_field_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    run_with(_field_char("separate"))
    run_with(text="1")  # the cached result, shown until the field is updated
    run_with(_field_char("end"))
    run_with(text=after)


def _row_flag(row: _Row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.append(OxmlElement(tag))


def repeat_header(row: _Row) -> None:
    """The row repeats at the top of every page the table runs onto (表格标题行重复)."""
    _row_flag(row, "w:tblHeader")


def cant_split(row: _Row) -> None:
    _row_flag(row, "w:cantSplit")


def set_fonts(r_pr_owner: Any, name: str) -> None:
    """Set ascii, hAnsi and eastAsia fonts to `name` on an element that has (or may get) an rPr.

    `r_pr_owner` is a ``CT_R`` (run), ``CT_Style`` or ``CT_RPr``; theme font attributes, which
    would win over the names, are removed.
    """
    r_pr = r_pr_owner if r_pr_owner.tag == qn("w:rPr") else r_pr_owner.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def declare_fonts(font_table: Any, alternatives: dict[str, str]) -> None:
    """``<w:font w:name=name><w:altName w:val=alt/>`` entries in word/fontTable.xml.

    python-docx keeps the font table as an opaque part (`font_table` is its ``Part``); the XML
    is parsed, the entries replaced and the bytes put back. The charset 86 says GB2312.
    """
    fonts = etree.fromstring(font_table.blob)
    for name, alt in alternatives.items():
        for existing in fonts.findall(qn("w:font")):
            if existing.get(qn("w:name")) == name:
                fonts.remove(existing)
        font = etree.SubElement(fonts, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "auto"),
                           ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    font_table._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _border(parent: Any, side: str, size: int, color: str, space: int) -> None:
    element = _child(parent, f"w:{side}")
    element.set(qn("w:val"), "single" if size else "nil")
    if size:
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), str(space))
        element.set(qn("w:color"), color)


_P_PR_AFTER_BDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                   "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")


def set_border(paragraph: Paragraph, side: str, size: int, color: str = "000000", space: int = 1) -> None:
    """A paragraph rule on `side` ("top"/"bottom"), `size` in eighths of a point, `space` in points."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = _child(p_pr, "w:pBdr", before=_P_PR_AFTER_BDR)
    _border(borders, side, size, color, space)


_TBL_PR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                 "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
                 "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _tbl_child(table: Table, tag: str) -> Any:
    tbl_pr = table._tbl.tblPr
    found = tbl_pr.find(qn(tag))
    if found is not None:
        return found
    later = _TBL_PR_ORDER[_TBL_PR_ORDER.index(tag) + 1:]
    return _child(tbl_pr, tag, before=later)


def set_table_borders(table: Table, sizes: dict[str, int], color: str = "000000") -> None:
    """Table borders by side (top/left/bottom/right/insideH/insideV), size in eighths of a point; 0 = none."""
    borders = _tbl_child(table, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side in sizes:
            _border(borders, side, sizes[side], color, 0)


def set_cell_margins(table: Table, top: int, left: int, bottom: int, right: int) -> None:
    """Default cell margins in twips."""
    margins = _tbl_child(table, "w:tblCellMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        element = _child(margins, f"w:{side}")
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")


def set_table_indent(table: Table, twips: int) -> None:
    element = _tbl_child(table, "w:tblInd")
    element.set(qn("w:w"), str(twips))
    element.set(qn("w:type"), "dxa")


def frame_at(paragraph: Paragraph, width: int, y: int, height: int) -> None:
    """Put the paragraph in a frame of `width` × `height` twips, `y` twips below the type area's top.

    The 版记 rows are placed this way, one frame each, at the foot of the last page: LibreOffice
    7.4 lays a full-width floating table inline, ignores ``yAlign="bottom"`` once paragraphs in
    one frame differ in their rules, and honours absolute frame positions as Word and WPS do.
    """
    p_pr = paragraph._p.get_or_add_pPr()
    frame = _child(p_pr, "w:framePr", before=("w:widowControl", "w:numPr", "w:suppressLineNumbers",
                                              "w:pBdr", *_P_PR_AFTER_BDR))
    for attr, value in (("w:w", str(width)), ("w:h", str(height)), ("w:hRule", "exact"),
                        ("w:wrap", "around"), ("w:vAnchor", "margin"), ("w:hAnchor", "margin"),
                        ("w:x", "0"), ("w:y", str(y))):
        frame.set(qn(attr), value)


_R_PR_AFTER_W = ("w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                 "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                 "w:eastAsianLayout", "w:specVanish", "w:oMath")


def off_grid(paragraph: Any) -> None:
    """The paragraph (or paragraph style) ignores the document grid (``<w:snapToGrid w:val="0"/>``)."""
    p_pr = (paragraph._p if isinstance(paragraph, Paragraph) else paragraph.element).get_or_add_pPr()
    later = _P_PR_AFTER_BDR[_P_PR_AFTER_BDR.index("w:snapToGrid") + 1:]
    _child(p_pr, "w:snapToGrid", before=later).set(qn("w:val"), "0")


def set_default_size(styles: Any, half_points: int) -> None:
    """The document default font size (docDefaults), which the character grid's charSpace is relative to."""
    defaults = _child(styles.element, "w:docDefaults", before=("w:latentStyles", "w:style"))
    r_pr_default = _child(defaults, "w:rPrDefault")
    r_pr = _child(r_pr_default, "w:rPr")
    for tag in ("w:sz", "w:szCs"):
        _child(r_pr, tag, before=_R_PR_AFTER_W[_R_PR_AFTER_W.index(tag) + 1:]).set(qn("w:val"), str(half_points))


def no_auto_space(style: Any) -> None:
    """No extra space between Chinese and Latin letters or digits (autoSpaceDE/DN off), as in the PDF."""
    p_pr = (style._p if isinstance(style, Paragraph) else style.element).get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        later = _P_PR_AFTER_BDR[_P_PR_AFTER_BDR.index(tag) + 1:]
        _child(p_pr, tag, before=later).set(qn("w:val"), "0")


def set_char_spacing(style: Any, twentieths: int) -> None:
    """Character spacing (字符间距) of a style in twentieths of a point, e.g. -5 for "紧缩 0.25 磅"."""
    r_pr = style.element.get_or_add_rPr()
    _child(r_pr, "w:spacing", before=("w:w", *_R_PR_AFTER_W)).set(qn("w:val"), str(twentieths))


def set_char_scale(run: Run, percent: int) -> None:
    """Horizontal character scaling (字符缩放), e.g. 80 for a long issuing-authority name."""
    scale = _child(run._r.get_or_add_rPr(), "w:w", before=_R_PR_AFTER_W)
    scale.set(qn("w:val"), str(int(percent)))
