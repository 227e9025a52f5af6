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

Anything else (cells rather than values, formulas rather than their results, a sheet in the
strict-OOXML namespace) is openpyxl's own code. tests/xlsx/test_fast_sheet.py compares the two on generated and real workbooks.
"""

from __future__ import annotations

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
        kind = self.cell_type
        if kind == "inlineStr":
            if self.inline is None:
                return None
            return "".join(self.inline_plain) + "".join(self.inline_runs)
        value = self.value or None
        if value is None:
            return None
        if kind == "n":
            number: int | float = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
            if self.cell_style in self.date_formats:
                try:
                    return from_excel(number, self.epoch, timedelta=self.cell_style in self.timedelta_formats)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(value)]
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
            done = False
            while not done:
                chunk = src.read(_CHUNK)
                rows.feed(chunk, final=not chunk)
                done = not chunk
                if rows.foreign:  # not SpreadsheetML's namespace: openpyxl reads it (nothing yielded yet)
                    yield from super()._cells_by_row(min_col, min_row, max_col, max_row, values_only)
                    return
                ready, rows.rows = rows.rows, []
                for idx, cells in ready:
                    if max_row is not None and idx > max_row:
                        done = True  # as openpyxl: stop reading, then fill up to max_row below
                        break
                    for _ in range(counter, idx):  # some rows are missing
                        counter += 1
                        yield empty_row
                    if counter <= idx:
                        counter += 1
                        yield _values(cells, min_col, max_col)
        if max_row is not None and max_row < idx:
            for _ in range(counter, max_row + 1):
                yield empty_row


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
