"""Tolerant reading of a unit's xlsx: find the sheet and its header row, then the data rows.

The header may sit below a title row, use full- or half-width brackets, carry a unit
(``协议资金（亿元）``) or be one of our own export headers. Blank rows, a totals row and merged
cells are handled; formulas are read through their saved results. Nothing here checks values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from ..errors import LedgerError
from .columns import ImportColumn, header_key, kind_columns
from .fast_sheet import load_values_workbook
from .safety import MAX_ROWS, BadFile, SheetScan, check_file, scan_sheets
from .workbook import ExportCancelled

HEADER_SEARCH_ROWS = 30
SKIP_SHEETS = ("填写说明", "说明", "选项")
TOTAL_LABELS = ("合计", "总计", "小计")


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int  # Excel row number (1-based); 0 for the whole file
    column: str  # header text ("" when not about one column)
    reason: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{self.sheet} {where}{'“' + self.column + '”' if self.column else ''}：{self.reason}"


@dataclass
class MatchedColumn:
    index: int  # 0-based column index in the sheet
    column: ImportColumn
    header: str  # as written in the file
    unit: str | None  # a unit given in the header: 万元 / 亿元 / 元 / 个


@dataclass
class SheetTable:
    sheet: str
    header_row: int
    columns: list[MatchedColumn]
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, field → value)
    headers: dict[str, str] = field(default_factory=dict)  # field → header as written
    notes: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def _match_row(values: tuple[Any, ...], columns: tuple[ImportColumn, ...]) -> list[MatchedColumn]:
    keys: dict[str, ImportColumn] = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            keys.setdefault(header_key(name)[0], col)
    matched: list[MatchedColumn] = []
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value is None or not isinstance(value, str):
            continue
        base, unit = header_key(value)
        found = keys.get(base)
        if found is not None and found.field not in seen:
            seen.add(found.field)
            matched.append(MatchedColumn(i, found, value.strip(), unit))
    return matched


def _open(path: Path, data_only: bool = True) -> Any:
    """The workbook, read-only; its values (``data_only``) through the fast reader (fast_sheet.py)."""
    try:
        if data_only:
            return load_values_workbook(path)
        return load_workbook(path, read_only=True, data_only=False)
    except BadFile:
        raise
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise BadFile(f"{path.name} 已损坏或不是标准的 Excel 工作簿，无法读取（{type(err).__name__}：{err}）。"
                      "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。") from err


@dataclass
class HeaderFound:
    ws: Any
    row: int  # the last header row: data starts below it
    matched: list[MatchedColumn]
    values: list[Any]  # the header as read (merged cells unmerged, two header rows combined)
    spans: dict[int, tuple[int, str]] = field(default_factory=dict)  # column → (last column, "C1:D1")


def _ranges(refs: list[str], max_row: int) -> list[tuple[int, int, int, int, str]]:
    """Merged ranges that start within the first ``max_row`` rows: (row1, col1, row2, col2, ref), 1-based."""
    out = []
    for ref in refs:
        m = _RANGE.fullmatch(ref)
        if m:
            c1, r1, c2, r2 = column_index_from_string(m[1]), int(m[2]), column_index_from_string(m[3]), int(m[4])
            if r1 <= max_row and (c2 - c1 + 1) <= 16_384:
                out.append((r1, c1, r2, c2, ref))
    return out


def _unmerged_rows(ws: Any, refs: list[str]) -> tuple[list[list[Any]], list[tuple[int, int, int, int, str]]]:
    """The first rows with every merged cell holding its range's value (Excel keeps it top-left only)."""
    rows = [list(v) for v in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
    ranges = _ranges(refs, HEADER_SEARCH_ROWS)
    for r1, c1, r2, c2, _ in ranges:
        if r1 > len(rows):
            continue
        value = rows[r1 - 1][c1 - 1] if c1 - 1 < len(rows[r1 - 1]) else None
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            for c in range(c1, c2 + 1):
                row[c - 1] = value
    return rows, ranges


def _combined(upper: list[Any], lower: list[Any]) -> list[Any]:
    """Two header rows as one: the lower row's name (a 分项), the upper row's unit when it has none."""
    out = []
    for i in range(max(len(upper), len(lower))):
        top = upper[i] if i < len(upper) else None
        low = lower[i] if i < len(lower) else None
        if not isinstance(low, str) or not low.strip() or low == top:
            out.append(top)
            continue
        unit = header_key(top)[1] if isinstance(top, str) else None
        out.append(f"{low.strip()}（{unit}）" if unit and header_key(low)[1] is None else low)
    return out


def _find_header(wb: Any, columns: tuple[ImportColumn, ...], merges: Callable[[Any], list[str]]) -> HeaderFound:
    best: tuple[int, HeaderFound] | None = None
    any_rows = False
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows") or ws.title.strip() in SKIP_SHEETS:
            continue
        rows, ranges = _unmerged_rows(ws, merges(ws))
        for number, values in enumerate(rows, start=1):
            if any(v not in (None, "") for v in values):
                any_rows = True
            candidates = [(number, values)]
            if number > 1:  # a two-row header: 金额（亿元） over 协议资金 / 计划总投资 (first: it wins a tie)
                candidates.insert(0, (number, _combined(rows[number - 2], values)))
            for row, header in candidates:
                matched = _match_row(tuple(header), columns)
                if matched and (best is None or len(matched) > best[0]):
                    best = (len(matched), HeaderFound(ws, row, matched, header))
    if best is None:
        if not any_rows:
            raise BadFile("工作簿是空的：没有任何内容。")
        expected = "、".join(c.header for c in columns if c.required) or columns[0].header
        raise BadFile(f"找不到表头行：前 {HEADER_SEARCH_ROWS} 行中没有“{expected}”等列名。请使用本软件的导入模板。")
    found = best[1]
    # A header cell merged across several columns names the first of them (where Excel keeps the
    # value of cells merged the same way below); data in the others is reported, never dropped.
    for m in found.matched:
        for r1, c1, r2, c2, ref in _ranges(merges(found.ws), HEADER_SEARCH_ROWS):
            if c1 < c2 and r1 <= found.row <= r2 and c1 - 1 <= m.index <= c2 - 1:
                found.spans[m.index] = (c2 - 1, ref)
    return found


def read_table(path: str | Path, kind: str, progress: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None, max_rows: int = MAX_ROWS) -> SheetTable:
    """Read the rows of a ``kind`` import file. Raises ``BadFile`` (a ``LedgerError``) for a bad file."""
    with TableReading(path, kind, progress, cancel, max_rows) as reading:
        for _row in reading:
            pass
        return reading.table  # no data rows: the importer reports “没有可导入的行” and writes nothing (SPEC §5)


class TableReading:
    """``read_table`` a row at a time, so a caller can check the first rows while the rest are read (the import's
    helper, ``check_worker``). Made: the header is found (``table``, its rows still empty; ``total``, the sheet's
    rows, an upper bound of its data rows); iterated: each data row, also appended to ``table.rows``; once the
    iteration ends, ``table`` holds what only the whole sheet can say (the formula notes). Close it (``with``)."""

    def __init__(self, path: str | Path, kind: str, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None, max_rows: int = MAX_ROWS) -> None:
        self.path = path = Path(path)
        self.progress, self.cancel, self.max_rows = progress, cancel, max_rows
        check_file(path)
        _, columns = kind_columns(kind)
        scans = scan_sheets(path, max_rows)
        self.wb = wb = _open(path)

        def scan_of(ws: Any) -> SheetScan | None:
            member = getattr(ws, "_worksheet_path", None)
            return scans.get(member.lstrip("/")) if member else None

        def merges_of(ws: Any) -> list[str]:
            found_scan = scan_of(ws)
            return found_scan.merged if found_scan else []

        try:
            self.found = found = _find_header(wb, columns, merges_of)
            ws, header_row, matched = found.ws, found.row, found.matched
            sheet = ws.title
            scan = scan_of(ws)
            self.table = table = SheetTable(sheet, header_row, matched, [], {m.column.field: m.header for m in matched})
            present = {m.column.field for m in matched}
            missing = [c.header for c in columns if c.required and c.field not in present]
            if missing:
                raise BadFile(f"工作表“{sheet}”缺少必填列：{'、'.join(missing)}（表头在第 {header_row} 行）。")
            spanned = {i for m in matched if m.index in found.spans
                       for i in range(m.index, found.spans[m.index][0] + 1)}
            used = {m.index for m in matched} | spanned
            seen_headers: set[str] = set()
            for i, h in enumerate(found.values):
                text = str(h).strip() if h not in (None, "") else ""
                if text and i not in used and text not in seen_headers:
                    table.ignored_headers.append(text)
                    seen_headers.add(text)
            self.merged = _merged_targets(scan.merged if scan else [], header_row)
            self.total = scan.rows if scan else 0
            # never pad rows to a (possibly huge) declared sheet width
            self.width = max([m.index for m in matched] + [last for last, _ in found.spans.values()]) + 1
            self.formula_cells = _formula_cells(path, sheet, header_row, self.width) \
                if scan and scan.formulas else set()
            self.stray: dict[int, tuple[MatchedColumn, int, str]] = {}  # column under a merged header → its owner
            for m in matched:
                if m.index in found.spans:
                    last, ref = found.spans[m.index]
                    for i in range(m.index + 1, last + 1):
                        self.stray[i] = (m, m.index, ref)
        except BaseException:
            wb.close()
            raise

    def __enter__(self) -> TableReading:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.wb.close()

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        table, found, merged, stray = self.table, self.found, self.merged, self.stray
        sheet, header_row, matched = table.sheet, table.header_row, table.columns
        formula_cells, total, path = self.formula_cells, self.total, self.path
        merge_origins = set(merged.values())
        origin_values: dict[tuple[int, int], Any] = {}
        uncalculated = 0
        for number, values in enumerate(found.ws.iter_rows(min_row=header_row + 1, max_col=self.width,
                                                           values_only=True), start=header_row + 1):
            if number % 2000 == 0:
                if self.cancel is not None and self.cancel():
                    raise ExportCancelled("已取消导入，没有写入任何数据。")
                if self.progress is not None:
                    self.progress(number, total)
            if number - header_row > self.max_rows:
                raise BadFile(f"{path.name} 的行数超过一次导入的上限 {self.max_rows:,} 行。请拆分成几个文件分批导入。")
            row: dict[str, Any] = {}
            for m in matched:
                value = values[m.index] if m.index < len(values) else None
                if merged:
                    if (number, m.index) in merge_origins:
                        origin_values[(number, m.index)] = value
                    elif value is None and (number, m.index) in merged:
                        value = origin_values.get(merged[(number, m.index)])
                if value is None and formula_cells and (number, m.index) in formula_cells:
                    uncalculated += 1
                    table.problems.append(ImportProblem(sheet, number, m.header,
                                                        "是公式，但文件中没有保存计算结果"))
                if isinstance(value, str):
                    value = value.strip() or None
                row[m.column.field] = value
            for i, (m, first, ref) in stray.items():
                extra = values[i] if i < len(values) else None
                if extra not in (None, "") and merged.get((number, i)) != (number, first):
                    table.problems.append(ImportProblem(sheet, number, m.header, (
                        f"表头“{m.header}”是合并单元格 {ref}，跨了 {len(range(first, found.spans[first][0] + 1))} 列；"
                        f"{get_column_letter(i + 1)}{number} 中的“{extra}”不在首列 {get_column_letter(first + 1)}，"
                        "无法确定它属于哪一列。请取消表头的合并，每列写一个列名后再导入")))
            if all(v is None for v in row.values()):
                continue
            label = next((v for v in values[:3] if isinstance(v, str) and v.strip()), "")
            if label.replace(" ", "") in TOTAL_LABELS:
                table.notes.append(f"已跳过第 {number} 行的“{label.strip()}”行。")
                continue
            table.rows.append((number, row))
            yield number, row
        if self.progress is not None:
            self.progress(total, total)
        if formula_cells:
            if uncalculated:
                table.notes.append(f"文件中有 {uncalculated} 个公式没有保存计算结果：请在 Excel 或 WPS 中打开，"
                                   "保存一次后再导入（本软件不计算公式）。")
            else:
                table.notes.append(f"文件中有 {len(formula_cells)} 个公式，已按文件保存的计算结果导入。")


_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


def _merged_targets(ranges: list[str], header_row: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Cells inside a merged range below the header: (row, col) → its top-left cell (0-based col)."""
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    for ref in ranges:
        m = _RANGE.fullmatch(ref)
        if not m:
            continue
        c1, r1, c2, r2 = column_index_from_string(m[1]), int(m[2]), column_index_from_string(m[3]), int(m[4])
        if r1 <= header_row or (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    cells[(r, c - 1)] = (r1, c1 - 1)
    return cells


def _formula_cells(path: Path, sheet: str, header_row: int, width: int) -> set[tuple[int, int]]:
    wb = _open(path, data_only=False)
    try:
        cells = set()
        for number, values in enumerate(wb[sheet].iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
                                        start=header_row + 1):
            for i, value in enumerate(values):
                if isinstance(value, str) and value.startswith("="):
                    cells.add((number, i))
        return cells
    finally:
        wb.close()


__all__ = ["BadFile", "ImportProblem", "LedgerError", "MatchedColumn", "SheetTable", "read_table"]
