"""Rows pasted from Excel/WPS (tab-separated text), checked and imported exactly like an xlsx file.

The clipboard holds what the clerk copied: tab-separated cells, one line per row, cells with a tab
or line break quoted (``"a""b"``). :func:`parse_pasted` turns it into rows; :func:`import_rows` takes
a header and rows, matches the header against the import columns of ``kind`` (the same headers and
aliases as the xlsx import), and runs the importer's own row checks and write: the same report (row,
column, reason), every row or none, one undoable operation. Rows are numbered as the clerk sees them
in the paste grid: the first data row is row 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import LedgerError, ValidationError
from ..ops.history import operation
from .columns import ImportColumn, header_key, kind_columns
from .importer import Cancel, Context, ImportReport, Progress, _check, _readers, _Rejected, _scaled, apply_plans
from .reader import ImportProblem, MatchedColumn, SheetTable
from .safety import MAX_ROWS

if TYPE_CHECKING:
    from ..ledger import Ledger

SHEET = "粘贴内容"
SOURCE = "粘贴的内容"
MAX_CELL = 32_767  # Excel's own cell limit
# The funding grid's own columns: a pasted block without a header row is read in this order.
FUNDING_GRID_HEADERS = ("项目", "到位日期", "到位金额（万元）", "备注")
PROJECT_PSEUDO = "项目"  # "2026-0003 某某项目", a code, or a name: split into 项目编号 / 项目名称

__all__ = ["FUNDING_GRID_HEADERS", "SHEET", "grid_headers", "import_rows", "looks_like_header",
           "parse_pasted"]


def parse_pasted(text: str) -> list[list[str]]:
    """Excel/WPS clipboard text → rows of cells. Quoted cells may hold tabs, line breaks and ``""``."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i, n = 0, len(text)
    at_cell_start = True
    while i < n:
        ch = text[i]
        if at_cell_start and ch == '"':
            # a quoted cell: up to the closing quote that is followed by a tab, a line end or the end
            j = i + 1
            buf: list[str] = []
            while j < n:
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    if j + 1 >= n or text[j + 1] in "\t\r\n":
                        break
                buf.append(text[j])
                j += 1
            if j < n:  # properly closed
                cell.extend(buf)
                i = j + 1
                at_cell_start = False
                continue
            # no closing quote: the quote is an ordinary character
        if ch == "\t":
            row.append("".join(cell))
            cell, at_cell_start = [], True
        elif ch in "\r\n":
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            row.append("".join(cell))
            rows.append(row)
            row, cell, at_cell_start = [], [], True
        else:
            cell.append(ch)
            at_cell_start = False
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    while rows and all(not c.strip() for c in rows[-1]):
        rows.pop()
    return rows


def _keys(columns: Sequence[ImportColumn]) -> dict[str, ImportColumn]:
    keys: dict[str, ImportColumn] = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            keys.setdefault(header_key(name)[0], col)
    return keys


def grid_headers(kind: str) -> list[str]:
    """The columns a paste grid shows for ``kind`` (the import template's headers, in order)."""
    if kind == "funding":
        return list(FUNDING_GRID_HEADERS)
    return [c.header for c in kind_columns(kind)[1]]


def looks_like_header(kind: str, cells: Sequence[str]) -> bool:
    """Is this pasted row a header (two or more known column names, or the only required one)?"""
    keys = _keys(kind_columns(kind)[1])
    known = sum(1 for c in cells if header_key(c)[0] in keys or (kind == "funding" and c.strip() == PROJECT_PSEUDO))
    return known >= 2 or (known == 1 and len([c for c in cells if c.strip()]) == 1)


def _table(kind: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> SheetTable:
    _, columns = kind_columns(kind)
    keys = _keys(columns)
    matched: list[MatchedColumn] = []
    seen: set[str] = set()
    ignored: list[str] = []
    project_index: int | None = None
    for i, text in enumerate(header):
        text = str(text or "").strip()
        if not text:
            continue
        if kind == "funding" and text == PROJECT_PSEUDO:
            project_index = i
            continue
        base, unit = header_key(text)
        col = keys.get(base)
        if col is not None and col.field not in seen:
            seen.add(col.field)
            matched.append(MatchedColumn(i, col, text, unit))
        else:
            ignored.append(text)
    table = SheetTable(SHEET, 0, list(matched), [], {m.column.field: m.header for m in matched}, ignored_headers=ignored)
    if project_index is not None:
        by_field = {c.field: c for c in columns}
        for field_name in ("code", "name"):
            if field_name not in seen:
                table.columns.append(MatchedColumn(-1, by_field[field_name], PROJECT_PSEUDO, None))
                table.headers[field_name] = PROJECT_PSEUDO
                seen.add(field_name)
    missing = [c.header for c in columns if c.required and c.field not in seen]
    if missing:
        raise LedgerError(f"粘贴的内容缺少必填列：{'、'.join(missing)}。请连同表头一起复制，"
                          f"或按“{'、'.join(grid_headers(kind))}”的列顺序粘贴。")
    if len(rows) > MAX_ROWS:
        raise LedgerError(f"粘贴的行数超过一次导入的上限 {MAX_ROWS:,} 行。请分批粘贴。")
    for number, values in enumerate(rows, start=1):
        row: dict[str, Any] = {}
        for m in matched:
            value = values[m.index] if m.index < len(values) else None
            if isinstance(value, str):
                if len(value) > MAX_CELL:
                    table.problems.append(ImportProblem(SHEET, number, m.header,
                                                        f"内容过长（{len(value):,} 字，上限 {MAX_CELL:,} 字）"))
                    value = value[:MAX_CELL]
                value = value.strip() or None
            row[m.column.field] = value
        if project_index is not None:
            text = str(values[project_index] if project_index < len(values) else "").strip()
            code, _, name = text.partition(" ")
            if "code" not in table.headers or table.headers["code"] == PROJECT_PSEUDO:
                row["code"] = code if name or _looks_like_code(code) else None
            if "name" not in table.headers or table.headers["name"] == PROJECT_PSEUDO:
                row["name"] = (name.strip() or None) if name else (None if _looks_like_code(code) else text or None)
        if all(v is None for v in row.values()):
            continue
        table.rows.append((number, row))
    if not table.rows:
        raise LedgerError("粘贴的内容中没有数据行。")
    return table


def _looks_like_code(text: str) -> bool:
    return len(text) >= 6 and text[:4].isdigit() and text[4:5] == "-" and text[5:].isdigit()


def import_rows(ledger: Ledger, kind: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
                dry_run: bool = True, progress: Progress | None = None, cancel: Cancel | None = None,
                source: str = SOURCE) -> ImportReport:
    """Check (and unless ``dry_run``, write) rows given as a table: the xlsx importer's checks and report.

    A header missing a required column raises a ``LedgerError``; row problems come back in
    ``report.problems`` and nothing is written.
    """
    label, _ = kind_columns(kind)
    reader = _readers()[kind]
    table = _table(kind, header, rows)
    report = ImportReport(kind, source, table.sheet, table.header_row, len(table.rows), list(table.problems),
                          notes=list(table.notes), ignored_headers=table.ignored_headers, dry_run=dry_run)
    if dry_run:
        with ledger.reading() as session:
            _check(Context(session, table, report), reader, _scaled(progress, 0, 100), cancel)
        return report
    try:
        with operation(ledger, f"粘贴{label}") as op:
            plans = _check(Context(op.session, table, report), reader, _scaled(progress, 0, 50), cancel)
            if report.problems:
                raise _Rejected
            apply_plans(op, reader, plans, _scaled(progress, 50, 100), cancel)
            op.change.label = f"粘贴{label}（新增 {report.would_create} 条，更新 {report.would_update} 条）"
    except _Rejected:
        return report
    except ValidationError as err:  # a rule only the write itself could see; nothing was written
        report.problems.append(ImportProblem(table.sheet, 0, "", str(err)))
        return report
    report.written = True
    report.change = op.change
    return report
