"""Tolerant reading of a unit's xlsx: find the sheet and its header row, then the data rows.

The header may sit below a title row, use full- or half-width brackets, carry a unit
(``协议资金（亿元）``) or be one of our own export headers. Blank rows, a totals row and merged
cells are handled; formulas are read through their saved results. Nothing here checks values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from ..errors import LedgerError
from .columns import ImportColumn, header_key, kind_columns
from .safety import MAX_ROWS, BadFile, check_file, scan_sheets
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
    keys = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            keys.setdefault(header_key(name)[0], col)
    matched, seen = [], set()
    for i, value in enumerate(values):
        if value is None or not isinstance(value, str):
            continue
        base, unit = header_key(value)
        col = keys.get(base)
        if col is not None and col.field not in seen:
            seen.add(col.field)
            matched.append(MatchedColumn(i, col, value.strip(), unit))
    return matched


def _open(path: Path, data_only: bool = True) -> Any:
    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except BadFile:
        raise
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise BadFile(f"{path.name} 已损坏或不是标准的 Excel 工作簿，无法读取（{type(err).__name__}：{err}）。"
                      "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。") from err


def _find_header(wb: Any, columns: tuple[ImportColumn, ...]) -> tuple[Any, int, list[MatchedColumn]]:
    best: tuple[int, Any, int, list[MatchedColumn]] | None = None
    any_rows = False
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows") or ws.title.strip() in SKIP_SHEETS:
            continue
        for number, values in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
            if any(v not in (None, "") for v in values):
                any_rows = True
            matched = _match_row(values, columns)
            if matched and (best is None or len(matched) > best[0]):
                best = (len(matched), ws, number, matched)
    if best is None:
        if not any_rows:
            raise BadFile("工作簿是空的：没有任何内容。")
        expected = "、".join(c.header for c in columns if c.required) or columns[0].header
        raise BadFile(f"找不到表头行：前 {HEADER_SEARCH_ROWS} 行中没有“{expected}”等列名。请使用本软件的导入模板。")
    return best[1], best[2], best[3]


def read_table(path: str | Path, kind: str, progress: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None, max_rows: int = MAX_ROWS) -> SheetTable:
    """Read the rows of a ``kind`` import file. Raises ``BadFile`` (a ``LedgerError``) for a bad file."""
    path = Path(path)
    check_file(path)
    _, columns = kind_columns(kind)
    scans = scan_sheets(path, max_rows)
    wb = _open(path)
    try:
        ws, header_row, matched = _find_header(wb, columns)
        sheet = ws.title
        member = getattr(ws, "_worksheet_path", None)
        scan = scans.get(member.lstrip("/")) if member else None
        table = SheetTable(sheet, header_row, matched, [], {m.column.field: m.header for m in matched})
        present = {m.column.field for m in matched}
        missing = [c.header for c in columns if c.required and c.field not in present]
        if missing:
            raise BadFile(f"工作表“{sheet}”缺少必填列：{'、'.join(missing)}（表头在第 {header_row} 行）。")
        headers = next(ws.iter_rows(min_row=header_row, max_row=header_row, values_only=True))
        table.ignored_headers = [str(h).strip() for i, h in enumerate(headers)
                                 if h not in (None, "") and i not in {m.index for m in matched}]
        merged = _merged_targets(scan.merged if scan else [], header_row)
        merge_origins = set(merged.values())
        origin_values: dict[tuple[int, int], Any] = {}
        total = scan.rows if scan else 0
        formula_cells = _formula_cells(path, sheet, header_row) if scan and scan.formulas else set()
        uncalculated = 0
        width = max(m.index for m in matched) + 1  # never pad rows to a (possibly huge) declared sheet width
        for number, values in enumerate(ws.iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
                                        start=header_row + 1):
            if number % 2000 == 0:
                if cancel is not None and cancel():
                    raise ExportCancelled("已取消导入，没有写入任何数据。")
                if progress is not None:
                    progress(number, total)
            if number - header_row > max_rows:
                raise BadFile(f"{path.name} 的行数超过一次导入的上限 {max_rows:,} 行。请拆分成几个文件分批导入。")
            row: dict[str, Any] = {}
            for m in matched:
                value = values[m.index] if m.index < len(values) else None
                if merged:
                    if (number, m.index) in merge_origins:
                        origin_values[(number, m.index)] = value
                    elif value is None and (number, m.index) in merged:
                        value = origin_values.get(merged[(number, m.index)])
                if value is None and (number, m.index) in formula_cells:
                    uncalculated += 1
                    table.problems.append(ImportProblem(sheet, number, m.header,
                                                        "是公式，但文件中没有保存计算结果"))
                if isinstance(value, str):
                    value = value.strip() or None
                row[m.column.field] = value
            if all(v is None for v in row.values()):
                continue
            label = next((v for v in values[:3] if isinstance(v, str) and v.strip()), "")
            if label.replace(" ", "") in TOTAL_LABELS:
                table.notes.append(f"已跳过第 {number} 行的“{label.strip()}”行。")
                continue
            table.rows.append((number, row))
        if progress is not None:
            progress(total, total)
        if formula_cells:
            if uncalculated:
                table.notes.append(f"文件中有 {uncalculated} 个公式没有保存计算结果：请在 Excel 或 WPS 中打开，"
                                   "保存一次后再导入（本软件不计算公式）。")
            else:
                table.notes.append(f"文件中有 {len(formula_cells)} 个公式，已按文件保存的计算结果导入。")
        if not table.rows:
            raise BadFile(f"工作表“{sheet}”在表头（第 {header_row} 行）下面没有数据。")
        return table
    finally:
        wb.close()


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


def _formula_cells(path: Path, sheet: str, header_row: int) -> set[tuple[int, int]]:
    wb = _open(path, data_only=False)
    try:
        cells = set()
        for number, values in enumerate(wb[sheet].iter_rows(min_row=header_row + 1, values_only=True),
                                        start=header_row + 1):
            for i, value in enumerate(values):
                if isinstance(value, str) and value.startswith("="):
                    cells.add((number, i))
        return cells
    finally:
        wb.close()


__all__ = ["BadFile", "ImportProblem", "LedgerError", "MatchedColumn", "SheetTable", "read_table"]
