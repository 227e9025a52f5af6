"""Reading a workbook's cell values at the speed of the XML parser (issue 20: an import as fast as
reading the file).

openpyxl's read-only mode builds an ElementTree element for every cell and row and, for a sheet
written without a size tag, parses the whole sheet once more just to size it; its shared strings
become a ``Text`` object each. Here the same workbook object is built by openpyxl (workbook part,
styles and their date formats, sheet names and order, the 1900/1904 epoch), but three steps are
done with the C expat parser and plain Python values:

- the shared-strings table (the same texts: ``t`` and runs' ``t``, phonetic guides left out, the
  ``_x005F_`` escape undone as openpyxl does);
- the sheet size, read from the ``dimension`` tag before ``sheetData`` (absent: unknown, as openpyxl);
- ``iter_rows(values_only=True)``: rows and values exactly as openpyxl gives them (gaps filled, the
  same numbers, dates, booleans, errors and inline strings; openpyxl's own conversions are used).

Faster still for the plain shape every writer we know uses (openpyxl, Excel, WPS, LibreOffice): sheetData's
rows and the shared strings are scanned with regular expressions, one match per cell or string, and the texts
holding references are decoded by expat in one parse (``_scan_rows``, ``_scan_shared_strings``). Whatever
the scan does not recognise hands the rest of the part to the expat reading above, so the values are the same
(tests/xlsx/test_fast_scan.py reads hand-written, openpyxl and LibreOffice files three ways).

Anything else (cells rather than values, formulas rather than their results, a sheet in the
strict-OOXML namespace) is openpyxl's own code. tests/xlsx/test_fast_sheet.py compares the two on generated and real workbooks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

_NS = SHEET_MAIN_NS + "}"
_CHUNK = 1 << 16


def _local(name: str) -> str | None:
    """The element's name in the SpreadsheetML namespace, else None (expat gives ``ns}local``)."""
    return name[len(_NS):] if name.startswith(_NS) else None


def read_shared_strings(data: bytes) -> list[str]:
    """The shared-strings part as openpyxl reads it (``Text.content``): an item's own ``t`` first,
    then its runs' ``t``; phonetic guides (``rPh``) left out."""
    plain_table = _scan_shared_strings(data)
    if plain_table is not None:
        return plain_table
    return _parse_shared_strings(data)


def _parse_shared_strings(data: bytes) -> list[str]:
    """``read_shared_strings`` by expat, for any well-formed part."""
    out: list[str] = []
    plain: list[str] = []
    runs: list[str] = []
    path: list[str | None] = []
    collecting: list[str] | None = None

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal collecting
        local = _local(name)
        if local == "si":
            plain.clear()
            runs.clear()
        elif local == "t" and path:
            parent = path[-1]
            if parent == "si":
                collecting = plain
            elif parent == "r" and len(path) >= 2 and path[-2] == "si":
                collecting = runs
        path.append(local)

    def end(name: str) -> None:
        nonlocal collecting
        local = path.pop()
        if local == "t":
            collecting = None
        elif local == "si":
            out.append(("".join(plain) + "".join(runs)).replace("x005F_", ""))

    def text(data: str) -> None:
        if collecting is not None:
            collecting.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.Parse(data, True)
    return out


class _Stop(Exception):
    """Ends a parse early (the size tag was found, or sheetData began)."""


class _RowParser:
    """Feeds a sheet's XML to expat; collects (row number, [(column, value), …]) as openpyxl's
    ``WorkSheetParser.parse``/``parse_row``/``parse_cell`` would with ``data_only=True``."""

    def __init__(self, strings: list[str], epoch: Any, date_formats: set[int], timedelta_formats: set[int]) -> None:
        self.strings, self.epoch = strings, epoch
        self.date_formats, self.timedelta_formats = date_formats, timedelta_formats
        self.rows: list[tuple[int, list[tuple[int, Any]]]] = []
        self.row_counter = 0
        self.col_counter = 0
        self.cells: list[tuple[int, Any]] | None = None
        self.depth = 0  # element depth inside the current cell (1 = the cell itself)
        self.cell_type = "n"
        self.cell_style = 0
        self.cell_column = 0
        self.value: str | None = None  # the first <v>'s text
        self.value_seen = False
        self.inline: list[str] | None = None  # an inline string's ``is`` element: its own t, then runs
        self.inline_plain: list[str] = []
        self.inline_runs: list[str] = []
        self.collect: list[str] | None = None
        self.path: list[str | None] = []
        self.dates: dict[tuple[str, str], Any] = {}  # (a v's text, its style) → the date it reads as (the scan)
        self.foreign: bool | None = None  # is the root element outside SpreadsheetML (strict OOXML)?
        self.prefix: str | None = None  # SpreadsheetML's prefix in this part ("" when it is the default)
        # Names as written (no namespace processing: a third faster); the root says which prefix is ours.
        p = expat.ParserCreate()
        p.buffer_text = True
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._text
        self.parser = p

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.parser.Parse(chunk, final)

    def _root(self, attrs: dict[str, str]) -> None:
        for key, value in attrs.items():
            if value == SHEET_MAIN_NS and (key == "xmlns" or key.startswith("xmlns:")):
                self.prefix = key[6:] + ":" if key != "xmlns" else ""
                break
        self.foreign = self.prefix is None

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        """The root element: which prefix is ours; every later element goes to ``_start_inner``."""
        self._root(attrs)
        self.parser.StartElementHandler = self._start_inner
        self._start_inner(name, attrs)

    def _start_inner(self, name: str, attrs: dict[str, str]) -> None:
        # The local name and a cell's start written out here: this runs for every element of the sheet (193k for
        # 5,000 rows of 14 cells), and the calls were a fifth of its time.
        prefix = self.prefix
        if prefix:
            local = name[len(prefix):] if name.startswith(prefix) else None
        else:
            local = None if ":" in name else name
        path = self.path
        if self.cells is not None and path and path[-1] == "row" and local is not None:
            self.depth = 1
            self.cell_type = attrs.get("t", "n")
            style = attrs.get("s", 0)
            self.cell_style = int(style) if style else 0
            ref = attrs.get("r")
            if ref:
                column = self.col_counter = self.cell_column = column_index_from_string(ref.rstrip("0123456789"))
            else:
                column = self.col_counter = self.col_counter + 1
                self.cell_column = column
            self.value, self.value_seen, self.inline, self.collect = None, False, None, None
        elif self.depth:
            self.depth += 1
            parent = path[-1]
            if local == "v" and parent == "c" and not self.value_seen:
                self.value_seen = True
                self.collect = []
            elif local == "is" and parent == "c" and self.inline is None:
                self.inline = []
                self.inline_plain, self.inline_runs = [], []
            elif local == "t" and parent == "is":
                self.collect = self.inline_plain
            elif local == "t" and parent == "r" and len(path) >= 2 and path[-2] == "is":
                self.collect = self.inline_runs
        elif local == "row":
            r = attrs.get("r")
            if r is not None:
                try:
                    self.row_counter = int(r)
                except ValueError:
                    number = float(r)
                    if not number.is_integer():
                        raise ValueError(f"{r} is not a valid row number") from None
                    self.row_counter = int(number)
            else:
                self.row_counter += 1
            self.col_counter = 0
            self.cells = []
        path.append(local)

    def _end(self, _name: str) -> None:
        path = self.path
        local = path.pop()  # the name _start kept for this element
        depth = self.depth
        if depth:
            depth = self.depth = depth - 1
            if depth == 0:
                assert self.cells is not None
                self.cells.append((self.cell_column, self._value()))
            elif local == "v" and self.collect is not None and self.value is None and path[-1] == "c":
                self.value = "".join(self.collect)
                self.collect = None
            elif local == "t":
                self.collect = None
        elif local == "row" and self.cells is not None:
            self.rows.append((self.row_counter, self.cells))
            self.cells = None

    def _text(self, data: str) -> None:
        if self.collect is not None:
            self.collect.append(data)

    def _value(self) -> Any:
        inline = None
        if self.inline is not None:
            inline = "".join(self.inline_plain) + "".join(self.inline_runs)
        return _convert(self, self.cell_type, self.cell_style, self.value, inline)


def _convert(rows: _RowParser, kind: str, style: int, value: str | None, inline: str | None) -> Any:
    """A cell's value as openpyxl's ``parse_cell`` gives it: ``value`` is the first ``v``'s text, ``inline``
    the ``is`` element's text (None when the cell has none)."""
    if kind == "inlineStr":
        return inline
    value = value or None
    if value is None:
        return None
    if kind == "n":
        number: int | float = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
        if style in rows.date_formats:
            try:
                return from_excel(number, rows.epoch, timedelta=style in rows.timedelta_formats)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return rows.strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value  # "str" (a formula's text), "e" (an error such as #N/A)


class FastSheet(ReadOnlyWorksheet):
    """A read-only worksheet whose values come from ``_RowParser``."""

    def _get_size(self) -> None:
        found: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "dimension":
                found.append(attrs.get("ref", ""))
                raise _Stop
            if local == "sheetData":
                raise _Stop

        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = start
        try:
            with self._get_source() as src:
                while chunk := src.read(_CHUNK):
                    parser.Parse(chunk, False)
        except _Stop:
            pass
        if found and found[0]:
            # openpyxl's own reading of the tag, for the very same boundaries
            from openpyxl.worksheet.dimensions import SheetDimension  # local: used only when a size tag exists

            bounds = SheetDimension(ref=found[0]).boundaries
            self._min_column, self._min_row, self._max_column, self._max_row = bounds

    def _cells_by_row(self, min_col: int, min_row: int, max_col: int | None, max_row: int | None,
                      values_only: bool = False) -> Iterator[Any]:
        if not values_only:
            yield from super()._cells_by_row(min_col, min_row, max_col, max_row, values_only)
            return
        max_col = max_col or self.max_column
        max_row = max_row or self.max_row
        empty_row: Any = []  # openpyxl's own filler when the width is unknown (a list, not a tuple)
        if max_col is not None:
            empty_row = (None,) * (max_col + 1 - min_col)
        counter = min_row
        idx = 1
        parent = self.parent
        rows = _RowParser(self._shared_strings, parent.epoch, parent._date_formats, parent._timedelta_formats)
        with self._get_source() as src:
            for ready in _row_batches(rows, src):
                if rows.foreign:  # not SpreadsheetML's namespace: openpyxl reads it (nothing yielded yet)
                    yield from super()._cells_by_row(min_col, min_row, max_col, max_row, values_only)
                    return
                stop = False
                for idx, cells in ready:
                    if max_row is not None and idx > max_row:
                        stop = True  # as openpyxl: stop reading, then fill up to max_row below
                        break
                    for _ in range(counter, idx):  # some rows are missing
                        counter += 1
                        yield empty_row
                    if counter <= idx:
                        counter += 1
                        yield _values(cells, min_col, max_col)
                if stop:
                    break
        if max_row is not None and max_row < idx:
            for _ in range(counter, max_row + 1):
                yield empty_row


# The scan of sheetData by regular expressions (issue 20): one match per cell of the common, plain shape
# ``<c r="B3" s="5" t="s"><v>12</v></c>``; expat's callbacks cost six Python calls per cell. A stretch of
# whole rows is scanned only when every character of it belongs to a recognised token; anything else (a
# comment, CDATA, an attribute written with spaces around "=", a namespace declared inside, a carriage
# return, a character XML forbids, an unknown child of a cell…) hands that stretch and the rest of the
# sheet to the expat parser above, which is openpyxl's reading.
_ATTR = r'[ \t\n]+[A-Za-z_][\w.:-]*="[^"<&>]*"'
_ATTR_PAIR = re.compile(r'([A-Za-z_][\w.:-]*)="([^"<&>]*)"')
_CELL_REF = re.compile(r"([A-Z]{1,3})[1-9][0-9]*")
_DIGITS = re.compile(r"[0-9]+")
_LETTERS = re.compile(r"[A-Za-z]+")
_ROW_R = re.compile(r' r="([0-9]+)"')
_ENTITY_TEXT = re.compile(r">([^<]*&[^<]*)<")  # a text with references (its tag's ">" is the first in the run)
# bytes XML forbids (control characters; U+FFFE/U+FFFF below), "]]>" in text, and CR (a parser turns CR LF
# into LF): ``bytes.translate`` deletes every other byte, at memory speed
_UNSAFE_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]) + b"\r"
_SAFE_BYTES = bytes(b for b in range(256) if b not in _UNSAFE_BYTES)
_DECL = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[ \t\n]+version=\"1\.0\"(?:[ \t\n]+encoding=\"[Uu][Tt][Ff]-8\")?"
                   rb"(?:[ \t\n]+standalone=\"(?:yes|no)\")?[ \t\n]*\?>)?[ \t\n]*<(?!\?)")
_TOKENS: dict[str, re.Pattern[str]] = {}


def _sheet_tokens(prefix: str) -> re.Pattern[str]:
    """One match per token of sheetData written with ``prefix`` (``""`` or ``"x:"``). Groups: a cell's column
    letters, style, type (fixed order r, s, t) or its other attributes; its first ``v``'s text; an ``is``
    element and its ``t``'s text; a row's start tag and "/" when it closes itself; a row's end; any other
    character (the stretch is not read here)."""
    pattern = _TOKENS.get(prefix)
    if pattern is None:
        p = re.escape(prefix)
        # "(?:X|)" rather than "(?:X)?": the same matches, and sre runs it twice as fast (no REPEAT opcode)
        cell = (rf'<{p}c(?:(?: r="([A-Z]{{1,3}})[1-9][0-9]*"|)(?: s="([0-9]+)"|)(?: t="([A-Za-z]+)"|)'
                rf'|((?:{_ATTR})+))[ \t\n]*'
                rf'(?:/>|>(?:<{p}f(?:{_ATTR})*[ \t\n]*(?:/>|>[^<]*</{p}f>)|)'
                rf'(?:<{p}v>([^<]*)</{p}v>|<{p}v/>'
                rf'|(<{p}is>(?:<{p}t(?: xml:space="preserve"|)>([^<]*)</{p}t>|<{p}t/>|)</{p}is>|<{p}is/>)|)'
                rf'</{p}c>)')
        pattern = _TOKENS[prefix] = re.compile(
            rf'[ \t\n]*(?:{cell}|(<{p}row(?:{_ATTR})*)[ \t\n]*(/?)>|(</{p}row>))|([\s\S])')
    return pattern


def unescape_texts(texts: set[str]) -> dict[str, str] | None:
    """Each text with XML references (``&amp;``, ``&#21407;``) as expat reads it, all in one parse; None when
    one of them is not well-formed."""
    pieces = list(texts)
    if not pieces:
        return {}
    out: list[str] = []
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 4 * max(len(t) for t in pieces) + 16
    parser.StartElementHandler = _IGNORE  # a C callable: each <b/> ends one text (buffered text is flushed)
    parser.CharacterDataHandler = out.append
    try:
        parser.Parse("<a>" + "".join([f"x{t}<b/>" for t in pieces]) + "</a>", True)
    except expat.ExpatError:
        return None
    if len(out) != len(pieces):
        return None
    return {t: d[1:] for t, d in zip(pieces, out, strict=True)}


_COLUMNS: dict[str, int] = {}
_IGNORE: Any = {}.get


def _scan_rows(rows: _RowParser, data: bytes, prefix: str) -> list[tuple[int, list[tuple[int, Any]]]] | None:
    """The rows of ``data`` (whole rows of sheetData, nothing else), or None when it is not all of the plain shape."""
    if (data.translate(None, _SAFE_BYTES) or b"]]>" in data or b"\xef\xbf\xbe" in data
            or b"\xef\xbf\xbf" in data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    table: dict[str, str] = {}
    if "&" in text:  # the texts with references, read by expat in one go
        found = unescape_texts(set(_ENTITY_TEXT.findall(text)))
        if found is None:
            return None
        table = found
    dates = rows.dates
    out: list[tuple[int, list[tuple[int, Any]]]] = []
    row_counter = rows.row_counter
    col_counter = 0
    cells: list[tuple[int, Any]] | None = None
    columns = _COLUMNS
    strings, date_formats = rows.strings, rows.date_formats
    row_tag = len(prefix) + 4
    for letters, style, kind, attrs, v, inline, t, row_open, row_close, row_end, bad in _sheet_tokens(prefix).findall(text):
        if letters:  # the usual cell: r, s, t in this order
            try:
                column = columns[letters]
            except KeyError:
                column = columns[letters] = column_index_from_string(letters)
        elif row_open or row_end or bad or attrs:
            if bad:
                return None
            if attrs:  # a cell's attributes in another order, or others besides r, s, t
                names = _ATTR_PAIR.findall(attrs)
                given = dict(names)
                if len(given) != len(names) or any(n.startswith("xmlns") for n in given):
                    return None
                ref, style, kind = given.get("r", ""), given.get("s", ""), given.get("t", "")
                if (style and not _DIGITS.fullmatch(style)) or (kind and not _LETTERS.fullmatch(kind)):
                    return None
                if "t" in given and not kind:
                    return None  # t="": openpyxl's type "", not "n"
                if ref:
                    m = _CELL_REF.fullmatch(ref)
                    if m is None:
                        return None
                    column = column_index_from_string(m[1])
                else:
                    column = col_counter + 1
            elif row_open:
                if cells is not None:
                    return None
                row_attrs = row_open[row_tag:]
                if row_attrs:
                    m = _ROW_R.match(row_attrs)
                    if m is not None and m.end() == len(row_attrs):
                        row_counter = int(m[1])
                    else:
                        names = _ATTR_PAIR.findall(row_attrs)
                        given = dict(names)
                        if len(given) != len(names) or any(n.startswith("xmlns") for n in given):
                            return None
                        r = given.get("r")
                        if r is None:
                            row_counter += 1
                        elif _DIGITS.fullmatch(r):
                            row_counter = int(r)
                        else:
                            return None
                else:
                    row_counter += 1
                col_counter = 0
                if row_close:
                    out.append((row_counter, []))
                else:
                    cells = []
                continue
            else:  # the row's end
                if cells is None:
                    return None
                out.append((row_counter, cells))
                cells = None
                continue
        else:  # a cell without r: the next column
            column = col_counter + 1
        if cells is None:
            return None
        col_counter = column
        if v and "&" in v:
            try:
                v = table[v]
            except KeyError:
                return None
        if kind == "s" and v:
            cells.append((column, strings[int(v)]))
        elif not kind or kind == "n":
            if not v:
                cells.append((column, None))
            elif style and int(style) in date_formats:
                key = (v, style)
                value = dates.get(key, dates)
                if value is dates:  # many cells hold the same dates: each read once
                    value = dates[key] = _convert(rows, "n", int(style), v, None)
                cells.append((column, value))
            else:
                cells.append((column, float(v) if ("." in v or "E" in v or "e" in v) else int(v)))
        elif kind == "inlineStr":
            if not inline:
                cells.append((column, None))
            elif "&" in t:
                try:
                    cells.append((column, table[t]))
                except KeyError:
                    return None
            else:
                cells.append((column, t))
        else:
            cells.append((column, _convert(rows, kind, int(style) if style else 0, v, None)))
    if cells is not None:
        return None
    rows.row_counter = row_counter
    return out


def _row_batches(rows: _RowParser, src: Any) -> Iterator[list[tuple[int, list[tuple[int, Any]]]]]:
    """The sheet's rows, a stretch at a time: the part before sheetData and after it go to expat, the rows in
    between to ``_scan_rows`` while they have the plain shape, then (from the first stretch that has not) to expat."""
    head = b""
    while True:  # up to sheetData's start tag
        chunk = src.read(_CHUNK)
        head += chunk
        found = _SHEET_DATA.search(head)
        if found is not None or not chunk or len(head) > _HEAD_LIMIT:
            break
    plain = (found is not None and _DECL.match(head) is not None and b"<!DOCTYPE" not in head[:found.start()])
    if found is None or not plain:
        rows.feed(head, final=not chunk)
        yield _take(rows)
        if not chunk:
            return
    else:
        rows.feed(head[:found.end()])
        prefix = found[1].decode("ascii")
        body = head[found.end():]
        if (rows.foreign or rows.prefix != prefix or len(rows.path) != 2 or rows.path[1] != "sheetData"
                or rows.cells is not None or rows.depth):
            rows.feed(body)  # expat's state is not "just inside sheetData": it reads the rest
            yield _take(rows)
        else:
            row_end = f"</{prefix}row>".encode()
            data_end = re.compile(rf"</{re.escape(prefix)}sheetData[ \t\n]*>".encode())
            while True:
                end = data_end.search(body)
                if end is not None:  # the rows up to sheetData's end
                    last = end.start()
                else:  # the whole rows read so far
                    last = body.rfind(row_end)
                    last = last + len(row_end) if last >= 0 else 0
                if last > 0:
                    stretch = body[:last]
                    batch = _scan_rows(rows, stretch.rstrip(b" \t\n"), prefix)
                    if batch is None:
                        break  # expat reads from this stretch on
                    body = body[last:]
                    yield batch
                if end is not None or not chunk:
                    break
                chunk = src.read(_CHUNK)
                body += chunk
            rows.feed(body, final=not chunk)
            yield _take(rows)
            if not chunk:
                return
    while True:
        chunk = src.read(_CHUNK)
        rows.feed(chunk, final=not chunk)
        yield _take(rows)
        if not chunk:
            return


def _take(rows: _RowParser) -> list[tuple[int, list[tuple[int, Any]]]]:
    ready, rows.rows = rows.rows, []
    return ready


_SST_ROOT = re.compile(rf'<sst((?:{_ATTR})*)[ \t\n]*>'.encode())
_SST_ITEMS = re.compile(r'[ \t\n]*(?:<si>(?:<t(?: xml:space="preserve"|)>([^<]*)</t>|<t/>)'
                        rf'(?:<phoneticPr(?:{_ATTR})*[ \t\n]*/>|)</si>|(<si/>)|(</sst>[ \t\n]*\Z))|([\s\S])')


def _scan_shared_strings(data: bytes) -> list[str] | None:
    """The shared strings when every item is one plain ``t`` (with a phonetic-properties tag at most), the
    part in UTF-8 and SpreadsheetML the default namespace; else None (expat reads it)."""
    head = _DECL.match(data)
    root = _SST_ROOT.match(data, head.end() - 1) if head is not None else None
    if root is None or (data.translate(None, _SAFE_BYTES) or b"]]>" in data or b"\xef\xbf\xbe" in data
                        or b"\xef\xbf\xbf" in data):
        return None
    names = _ATTR_PAIR.findall(root[1].decode("utf-8", "replace"))
    given = dict(names)
    if len(given) != len(names) or given.get("xmlns") != SHEET_MAIN_NS:
        return None
    try:
        text = data[root.end():].decode("utf-8")
    except UnicodeDecodeError:
        return None
    out: list[str] = []
    ended = False
    for item, _empty, end, bad in _SST_ITEMS.findall(text):
        if bad or ended:
            return None
        if end:
            ended = True
        else:
            out.append(item)
    if not ended:
        return None
    if "&" in text:
        table = unescape_texts({t for t in out if "&" in t})
        if table is None:
            return None
        out = [table[t] if "&" in t else t for t in out]
    if "x005F_" in text:
        out = [t.replace("x005F_", "") for t in out]
    return out


_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData[ \t\n]*>")
_HEAD_LIMIT = 1 << 22  # a part before sheetData longer than this is read by expat


def _values(cells: list[tuple[int, Any]], min_col: int, max_col: int | None) -> tuple[Any, ...]:
    """openpyxl's ``_get_row`` for values: always the same width, missing cells None."""
    if not cells and not max_col:
        return ()
    last = max_col or cells[-1][0]
    row: list[Any] = [None] * (last + 1 - min_col)
    for column, value in cells:
        if min_col <= column <= last:
            row[column - min_col] = value
    return tuple(row)


class _FastReader(ExcelReader):
    def read_strings(self) -> None:
        ct = self.package.find(SHARED_STRINGS)
        self.shared_strings = []
        if ct is not None:
            self.shared_strings = read_shared_strings(self.archive.read(ct.PartName[1:]))

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            ws = FastSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def load_values_workbook(path: str | Path) -> Any:
    """``load_workbook(path, read_only=True, data_only=True)`` with the fast steps above."""
    reader = _FastReader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb
