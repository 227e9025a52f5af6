"""Report workbooks: the page furniture every export shares.

A ``ReportSheet`` writes one sheet in openpyxl's write-only mode: a merged title row, a unit row
(``单位：亿元、个``), one or two header rows, the data rows, a totals row, frozen headers, column
widths that fit Chinese text, and print setup (A4 landscape, one page wide, header rows repeated).
Text that starts with ``=``, ``+``, ``-`` or ``@`` is stored as text, never as a formula.

Exporters only describe their columns and yield rows; they never touch styles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from ..errors import LedgerError
from ..money import YUAN_PER_WAN, to_wan, to_yi
from ..outputs import write_atomically

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

APP_NAME = "招商桌面"
FONT_NAME = "宋体"
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_TEXT = 32767  # Excel's limit for one cell
WIDTH_SAMPLE = 200  # rows looked at to size the columns

# Column kinds and their number formats.
FORMATS = {
    "text": None,
    "int": "0",
    # Amounts with thousands separators, as the window shows them (1,469,500.00); still numbers.
    "money_wan": "#,##0.00##",  # exact 万元 (up to 4 decimals = exact yuan), at least 2 shown
    "money_yi": "#,##0.00",
    "money_wan2": "#,##0.00",
    "rate": "0.00%",
    "number": "0.00",
    "date": "yyyy-mm-dd",
}


class ExportCancelled(LedgerError):
    """The user cancelled a long export; no file was written."""


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # a key of FORMATS
    width: float | None = None  # in Excel character units; None: fit the header and the first rows
    group: str | None = None  # upper header row, merged over neighbouring columns with the same group
    total: bool = False  # summed in the totals row


def display_width(text: str) -> int:
    """Excel width units: a CJK (wide) character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def clean_text(value: str) -> str:
    """Show control characters xlsx cannot hold (XML 1.0 forbids them) as their Unicode control
    pictures (U+2400 block: \x07 → ␇), so nothing vanishes silently; cut to the cell limit."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub(lambda m: chr(0x2400 + ord(m.group())), value)
    return value[:MAX_TEXT]


def yuan_to_wan(yuan: int | None) -> float | None:
    """Exact 万元 for a re-importable file (4 decimals are exact yuan)."""
    return None if yuan is None else yuan / YUAN_PER_WAN


def yuan_to_yi_rounded(yuan: int | None) -> float | None:
    """亿元 rounded half-up to 2 decimals, exactly what the notice prints."""
    return None if yuan is None else float(to_yi(yuan))


def yuan_to_wan_rounded(yuan: int | None) -> float | None:
    return None if yuan is None else float(to_wan(yuan))


def rate_value(rate: Decimal | float | None) -> float | None:
    """A completion rate in percent (59.39) as the fraction Excel's ``0.00%`` shows as 59.39%."""
    return None if rate is None else float(Decimal(str(rate)) / 100)


_PLAIN = StyleArray()  # shared, never changed: a cell without a style
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def new_workbook(title: str, subject: str = "", operator: str = "") -> Workbook:
    wb = Workbook(write_only=True)
    props = wb.properties
    props.title = title
    props.subject = subject or title
    props.creator = APP_NAME
    props.lastModifiedBy = operator or APP_NAME
    props.keywords = "招商引资"
    props.created = datetime.now().replace(microsecond=0)
    props.modified = props.created
    return wb


def save_workbook(wb: Workbook, path: str | Path) -> Path:
    """Save through a temporary file beside the target (``zsdesk.outputs``), so a failed export never
    leaves half a file and never destroys the previous one."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(target, wb.save, suffix=".xlsx")


class ReportSheet:
    """One report sheet in a write-only workbook. Call :meth:`append` per row, then :meth:`close`."""

    def __init__(self, wb: Workbook, name: str, title: str, unit_text: str, columns: Sequence[Column],
                 freeze_cols: int = 0, bordered: bool = True, note: str = "") -> None:
        self.wb = wb
        self.ws = wb.create_sheet(title=name[:31])
        self.title = title
        self.unit_text = unit_text
        self.columns = list(columns)
        self.freeze_cols = freeze_cols
        self.bordered = bordered
        self.note = note
        self.rows_written = 0
        self._buffer: list[list[Any]] = []
        self._started = False
        self._sums: list[Any] = [0 for _ in self.columns]
        self._total_indices = [i for i, c in enumerate(self.columns) if c.total]
        self._header_rows = 2 if any(c.group for c in self.columns) else 1
        self._protos = self._make_protos()
        self._column_styles = [self._column_style(c) for c in self.columns]
        self.ws._values_to_row = self._values_to_row

    # -- styles ---------------------------------------------------------------------------------
    def _proto(self, number_format: str | None = None, font: Font | None = None, alignment: Alignment | None = None,
               fill: PatternFill | None = None, border: bool | None = None, quote: bool = False) -> Cell:
        cell = WriteOnlyCell(self.ws)
        if number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        if self.bordered if border is None else border:
            cell.border = BORDER
        if quote:
            cell.quotePrefix = True
        return cell

    def _make_protos(self) -> dict[str, Cell]:
        body = Font(name=FONT_NAME, size=10)
        protos = {kind: self._proto(fmt, font=body if self.bordered else None) for kind, fmt in FORMATS.items()}
        protos["safe_text"] = self._proto(None, font=body if self.bordered else None, quote=True)
        protos["title"] = self._proto(None, Font(name="黑体", size=16, bold=True), Alignment(horizontal="center",
                                      vertical="center"), border=False)
        protos["unit"] = self._proto(None, Font(name=FONT_NAME, size=10), Alignment(horizontal="right"), border=False)
        protos["header"] = self._proto(None, Font(name="黑体", size=10, bold=True), CENTER,
                                       PatternFill("solid", fgColor="D9E1F2"), border=True)
        protos["total_label"] = self._proto(None, Font(name=FONT_NAME, size=10, bold=True), CENTER, border=True)
        for kind, fmt in FORMATS.items():
            protos[f"total_{kind}"] = self._proto(fmt, Font(name=FONT_NAME, size=10, bold=True), border=True)
        protos["note"] = self._proto(None, Font(name=FONT_NAME, size=9), Alignment(wrap_text=True, vertical="top"),
                                     border=False)
        return protos

    def styled(self, value: Any, proto: str) -> Cell:
        cell = WriteOnlyCell(self.ws, value)
        # Share the prototype's style array: far cheaper than setting styles cell by cell.
        cell._style = self._protos[proto]._style
        return cell

    def _column_style(self, column: Column) -> StyleArray:
        if column.kind == "text" and not self.bordered:
            return _PLAIN
        return self._protos[column.kind]._style

    def _values_to_row(self, values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
        """Replaces openpyxl's per-row conversion for this sheet: one reused cell, styles shared from
        the prototypes, no exceptions for styled cells — as cheap as writing bare values."""
        cell = WriteOnlyCell(self.ws)
        styles = self._column_styles
        safe = self._protos["safe_text"]._style
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                value.column, value.row = col_idx, row_idx
                yield value
                continue
            style = styles[col_idx - 1] if col_idx <= len(styles) else _PLAIN
            kind = type(value)
            text: Any  # the cell's stored value: str, number, date or bool
            if kind is str:
                text = clean_text(value)
                cell.data_type = "s"
                if text and (text[0] in FORMULA_STARTS or text in ERROR_CODES):
                    style = safe
            elif kind is float or kind is int:
                text, cell.data_type = value, "n"
            elif kind is date or kind is datetime:
                text, cell.data_type = value, "d"
                if style is _PLAIN:
                    style = self._protos["date"]._style
            elif kind is bool:
                text, cell.data_type = value, "b"
            elif isinstance(value, Decimal):
                text, cell.data_type = float(value), "n"
            else:
                text, cell.data_type = clean_text(str(value)), "s"
            cell._value = text
            cell._style = style
            cell.column, cell.row = col_idx, row_idx
            yield cell

    # -- layout ---------------------------------------------------------------------------------
    @property
    def first_data_row(self) -> int:
        return 2 + self._header_rows + 1

    def _widths(self) -> list[float]:
        widths = []
        for i, col in enumerate(self.columns):
            if col.width is not None:
                widths.append(col.width)
                continue
            longest = display_width(col.header) // (2 if self._header_rows == 1 and len(col.header) > 6 else 1)
            for row in self._buffer:
                value = row[i]
                if value is None:
                    continue
                if isinstance(value, (date, datetime)):
                    size = 10
                elif isinstance(value, float):
                    size = len(f"{value:.2f}")
                else:
                    size = display_width(str(value).split("\n", 1)[0])
                longest = max(longest, size)
            widths.append(min(max(longest + 2, 6), 50))
        return widths

    def _start(self) -> None:
        self._started = True
        ws = self.ws
        ncols = len(self.columns)
        last = get_column_letter(ncols)
        for i, width in enumerate(self._widths(), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.row_dimensions[1].height = 30
        header_first = 3
        header_last = header_first + self._header_rows - 1
        ws.freeze_panes = f"{get_column_letter(self.freeze_cols + 1)}{header_last + 1}"
        ws.print_title_rows = f"{header_first}:{header_last}"
        setup = ws.page_setup
        setup.orientation = "landscape"
        setup.paperSize = 9  # A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        # Everything above goes before the first row: write-only mode streams the sheet head then.
        ws.append([self.styled(self.title, "title")] + [None] * (ncols - 1))
        ws.merged_cells.add(f"A1:{last}1")
        ws.append([self.styled(self.unit_text, "unit")] + [None] * (ncols - 1))
        ws.merged_cells.add(f"A2:{last}2")
        if self._header_rows == 2:
            upper: list[Any] = []
            lower: list[Any] = []
            i = 0
            while i < ncols:
                col = self.columns[i]
                if not col.group:
                    upper.append(self.styled(col.header, "header"))
                    lower.append(self.styled(None, "header"))
                    ws.merged_cells.add(f"{get_column_letter(i + 1)}3:{get_column_letter(i + 1)}4")
                    i += 1
                    continue
                j = i
                while j + 1 < ncols and self.columns[j + 1].group == col.group:
                    j += 1
                for k in range(i, j + 1):
                    upper.append(self.styled(col.group if k == i else None, "header"))
                    lower.append(self.styled(self.columns[k].header, "header"))
                if j > i:
                    ws.merged_cells.add(f"{get_column_letter(i + 1)}3:{get_column_letter(j + 1)}3")
                i = j + 1
            ws.append(upper)
            ws.append(lower)
        else:
            ws.append([self.styled(c.header, "header") for c in self.columns])
        for row in self._buffer:
            self._write(row)
        self._buffer = []

    def _write(self, values: Sequence[Any]) -> None:
        for i in self._total_indices:
            if values[i] is not None:
                self._sums[i] += values[i]
        self.ws.append(values)
        self.rows_written += 1

    def append(self, values: Sequence[Any]) -> None:
        if self._started:
            self._write(values)
            return
        self._buffer.append(list(values))
        if len(self._buffer) >= WIDTH_SAMPLE:
            self._start()

    def close(self, totals: Sequence[Any] | None = None, label: str = "合计") -> None:
        """Finish the sheet; ``totals`` overrides the automatic sums (``None`` entries stay blank)."""
        if not self._started:
            self._start()
        if totals is not None or any(c.total for c in self.columns):
            values = list(totals) if totals is not None else [
                (self._round_total(c, s) if c.total else None) for c, s in zip(self.columns, self._sums, strict=True)]
            values[0] = label
            cells: list[Any] = [self.styled(label, "total_label")]
            for col, value in zip(self.columns[1:], values[1:], strict=True):
                cells.append(self.styled(value, f"total_{col.kind}") if self.bordered or value is not None else None)
            self.ws.append(cells)
        if self.note:
            self.ws.append([self.styled(self.note, "note")])
            row = self.first_data_row + self.rows_written + 1
            self.ws.merged_cells.add(f"A{row}:{get_column_letter(len(self.columns))}{row}")

    @staticmethod
    def _round_total(column: Column, total: Any) -> Any:
        if column.kind == "money_yi" and isinstance(total, float):
            return float(Decimal(str(total)).quantize(Decimal("0.01")))
        if isinstance(total, float):
            return round(total, 4)
        return total


def iter_progress(rows: Iterable[Any], total: int, progress: Progress | None, cancel: Cancel | None,
                  every: int = 1000) -> Iterable[Any]:
    """Report progress and honour a cancel flag every ``every`` rows."""
    for i, row in enumerate(rows):
        if i % every == 0:
            if cancel is not None and cancel():
                raise ExportCancelled("已取消导出，没有生成文件。")
            if progress is not None:
                progress(i, total)
        yield row
    if progress is not None:
        progress(total, total)


__all__ = [
    "Column", "ExportCancelled", "ReportSheet", "clean_text", "display_width", "iter_progress",
    "new_workbook", "rate_value", "save_workbook", "yuan_to_wan", "yuan_to_wan_rounded", "yuan_to_yi_rounded",
]
