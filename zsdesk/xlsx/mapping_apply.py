"""Apply column mappings: a bureau's sheets → the importer's canonical rows → its own checks and write.

:func:`canonical_table` turns one sheet's rows into the ``SheetTable`` the project reader checks (the
same problems, in Chinese, by row and by the sheet's own column header). :func:`import_mapped` runs
several sheets of one workbook as one set: every sheet checked (one reader, so a project in two sheets
is caught), nothing written unless every sheet is clean, then one operation — one transaction, audited,
undoable — with a report per sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import parse_date
from ..errors import LedgerError, ValidationError
from ..labels import STAGE_LABELS
from ..money import format_wan, parse_money
from ..ops.fields import split_list
from ..ops.history import Change, operation
from .importer import (
    Cancel,
    Context,
    ImportReport,
    Progress,
    _check,
    _create_missing,
    _readers,
    _Rejected,
    _scaled,
    apply_plans,
)
from .mapping import (
    CATEGORY_OF,
    DATE_FIELDS,
    FIELD_COLUMNS,
    IGNORE,
    KEEP_AS_TEXT,
    NOTES,
    STAGE,
    STAGE_BY_LABEL,
    STAGE_DATE,
    STAGE_DATE_FIELD,
    SheetMapping,
    norm_text,
    stage_of_word,
)
from .mapping_sheet import SheetSample
from .reader import ImportProblem, MatchedColumn, SheetTable
from .rows_base import collector_paused
from .rows_projects import money_value

if TYPE_CHECKING:
    from ..ledger import Ledger

NOTES_HEADER = "备注"
LIST_FIELDS = ("cooperating_unit_ids", "tag_ids", "person_ids")


def _mapped(value: Any, words: dict[str, str]) -> Any:
    if value is None or not words:
        return value
    text = norm_text(value)
    return words.get(text) or value


def _mapped_list(value: Any, words: dict[str, str]) -> Any:

    if value is None or not words:
        return value
    return "、".join(words.get(norm_text(p)) or str(p) for p in split_list(value))


def canonical_rows(sample: SheetSample, mapping: SheetMapping,
                   rows: Sequence[tuple[int, Sequence[Any]]] | None = None) -> tuple[
        list[tuple[int, dict[str, Any]]], list[str]]:
    """Rows as the importer reads them (field → value, before its checks) and notes on what was done.

    Words go through the value maps; several columns mapped to 备注 are joined as “列名：值”; a stage word
    fills its stage's date from the chosen column or, with no date, stays as text in 备注 — no date is made up.
    """
    data = rows if rows is not None else (sample.rows if sample.rows is not None else
                                          [(sample.header_row + 1 + i, r) for i, r in enumerate(sample.preview_rows(
                                              10**9))])
    cols = mapping.columns
    fields = [(i, c) for i, c in enumerate(cols) if c.field not in (IGNORE, NOTES, STAGE) and i < sample.width]
    notes_cols = [(i, c) for i, c in enumerate(cols) if c.field == NOTES and i < sample.width]
    stage_col = next((i for i, c in enumerate(cols) if c.field == STAGE and i < sample.width), None)
    date_col = next((i for i, c in enumerate(cols) if c.header == mapping.stage_date_column), None) \
        if mapping.stage_rule == STAGE_DATE else None
    stage_words = mapping.values.get("stage", {})
    out: list[tuple[int, dict[str, Any]]] = []
    notes: list[str] = []
    kept_as_text = 0
    for number, values in data:
        row: dict[str, Any] = {}
        for i, col in fields:
            value = values[i] if i < len(values) else None
            words = mapping.values.get(CATEGORY_OF.get(col.field, ""), {})
            row[col.field] = _mapped_list(value, words) if col.field in LIST_FIELDS else _mapped(value, words)
        texts = []
        for i, col in notes_cols:
            value = values[i] if i < len(values) else None
            if value is not None:
                text = str(value)
                texts.append(text if col.header.startswith((NOTES_HEADER, "说明")) else f"{col.header}：{text}")
        if stage_col is not None:
            word = values[stage_col] if stage_col < len(values) else None
            if word is not None:
                target = stage_words.get(norm_text(word))
                stage = STAGE_BY_LABEL.get(target) if target else stage_of_word(word)
                date_field = STAGE_DATE_FIELD.get(stage or "") if target != KEEP_AS_TEXT else None
                when = values[date_col] if date_col is not None and date_col < len(values) else None
                if date_col is not None and date_field and when is not None:
                    if row.get(date_field) is None:
                        row[date_field] = when
                else:
                    texts.append(f"{cols[stage_col].header}：{word}")
                    if date_col is not None and date_field:
                        kept_as_text += 1
        if texts or notes_cols or stage_col is not None:
            row[NOTES] = "；".join(texts) if texts else None
        out.append((number, row))
    if kept_as_text:
        notes.append(f"{kept_as_text} 行的进展没有日期：日期留空，进展文字记入备注（不会自动生成日期）。")
    return out, notes


def canonical_table(sample: SheetSample, mapping: SheetMapping,
                    rows: Sequence[tuple[int, Sequence[Any]]] | None = None) -> SheetTable:
    """The mapped sheet as the importer's table: its columns carry the sheet's own headers and units."""
    data, notes = canonical_rows(sample, mapping, rows)
    columns: list[MatchedColumn] = []
    headers: dict[str, str] = {}
    for i, col in enumerate(mapping.columns):
        if col.field in (IGNORE, NOTES, STAGE) or col.field in headers:
            continue
        columns.append(MatchedColumn(i, FIELD_COLUMNS[col.field], col.header, col.unit))
        headers[col.field] = col.header
    stage = next((c for c in mapping.columns if c.field == STAGE), None)
    if stage is not None and mapping.stage_rule == STAGE_DATE:
        for name in DATE_FIELDS:
            if name not in headers and any(name in r for _, r in data):
                columns.append(MatchedColumn(-1, FIELD_COLUMNS[name], stage.header, None))
                headers[name] = f"{stage.header}→{FIELD_COLUMNS[name].header}"
    if any(NOTES in r for _, r in data) and NOTES not in headers:
        notes_col = next((c for c in mapping.columns if c.field == NOTES), stage)
        header = notes_col.header if notes_col is not None else NOTES_HEADER
        columns.append(MatchedColumn(-1, FIELD_COLUMNS[NOTES], header, None))
        headers[NOTES] = header
    # a date filled from a stage word only on some rows: the others keep the field out (blank ≠ clear)
    for _, r in data:
        for name in headers:
            r.setdefault(name, None)
    table = SheetTable(sample.sheet, sample.header_row, columns, list(data), headers,
                       notes=list(sample.notes) + notes, problems=list(sample.problems))
    table.ignored_headers = [c.header for c in mapping.columns if c.field == IGNORE and c.header]
    return table


def preview(sample: SheetSample, mapping: SheetMapping, count: int = 20) -> tuple[list[str], list[list[str]]]:
    """The first rows as they will be stored: (column labels, rows of display text). Amounts in 万元."""

    table = canonical_table(sample, mapping, [(n, r) for n, r in
                                              ((sample.header_row + 1 + i, r)
                                               for i, r in enumerate(sample.preview_rows(count)))])
    labels = [c.column.header for c in table.columns]
    out = []
    for _n, row in table.rows:
        line = []
        for c in table.columns:
            value = row.get(c.column.field)
            if value is not None and c.column.kind == "money":
                try:
                    yuan = parse_money(money_value(value, c.unit), allow_negative=True)
                    value = format_wan(yuan) if yuan is not None else None
                except (LedgerError, ValueError):  # the check reports it; the preview shows it as typed
                    value = f"{value}（无法识别）"
            elif value is not None and c.column.kind == "date":

                try:
                    parsed = parse_date(value)
                    value = parsed.isoformat() if parsed else None
                except LedgerError:  # the check reports it; the preview shows it as typed
                    value = f"{value}（无法识别）"
            line.append("" if value is None else str(value))
        out.append(line)
    return labels, out


@dataclass
class WorkbookReport:
    """The per-sheet reports of one mapped workbook, checked (and written) as one set."""

    path: str
    sheets: list[ImportReport] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False
    change: Change | None = None
    problems: list[ImportProblem] = field(default_factory=list)  # about the set, not one sheet

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.ok for r in self.sheets)

    @property
    def rows_read(self) -> int:
        return sum(r.rows_read for r in self.sheets)

    @property
    def would_create(self) -> int:
        return sum(r.would_create for r in self.sheets)

    @property
    def would_update(self) -> int:
        return sum(r.would_update for r in self.sheets)

    def all_problems(self) -> list[ImportProblem]:
        return self.problems + [p for r in self.sheets for p in r.problems]

    def summary(self) -> str:
        name = Path(self.path).name
        count = len(self.all_problems())
        if count:
            return f"{name}：{len(self.sheets)} 个工作表共 {self.rows_read} 行，发现 {count} 个问题，未写入任何数据。"
        verb = "已" if self.written else "将"
        tail = "（试运行，未写入）" if self.dry_run else ""
        return (f"{name}：{len(self.sheets)} 个工作表共 {self.rows_read} 行，{verb}新增 {self.would_create} 条、"
                f"更新 {self.would_update} 条{tail}。")

    def sheet_lines(self) -> list[str]:
        return [f"  {r.summary()}" for r in self.sheets]


def _merged_missing(reports: list[ImportReport]) -> ImportReport:
    merged = ImportReport("projects", "")
    for r in reports:
        for mine, theirs in ((merged.missing_units, r.missing_units), (merged.missing_persons, r.missing_persons),
                             (merged.missing_chains, r.missing_chains), (merged.missing_tags, r.missing_tags),
                             (merged.missing_parks, r.missing_parks)):
            mine.extend(n for n in theirs if n not in mine)
    return merged


def _check_all(session: Any, tables: list[SheetTable], path: str, dry_run: bool, progress: Progress | None,
               cancel: Cancel | None) -> tuple[list[ImportReport], list[Any], Any]:
    reader = _readers()["projects"]  # one reader for every sheet: a project twice in the workbook is caught
    reports, plans = [], []
    total = max(sum(len(t.rows) for t in tables), 1)
    done = 0
    for table in tables:
        report = ImportReport("projects", path, table.sheet, table.header_row, len(table.rows), list(table.problems),
                              notes=list(table.notes), ignored_headers=table.ignored_headers, dry_run=dry_run)
        if table.rows:
            step = None if progress is None else (lambda d, _t, base=done: progress(base + d, total))
            plans.append(_check(Context(session, table, report), reader, step, cancel))
        else:
            plans.append([])
        done += len(table.rows)
        reports.append(report)
    return reports, plans, reader


def import_mapped(ledger: Ledger, path: str | Path, sheets: Sequence[tuple[SheetSample, SheetMapping]],
                  dry_run: bool = True, add_missing: bool = False, progress: Progress | None = None,
                  cancel: Cancel | None = None) -> WorkbookReport:
    """Check (and unless ``dry_run``, write) several mapped sheets as one set; every sheet's rows must be read
    (``read_samples(full=True)``). Problems come back per sheet; nothing is written unless all are clean."""
    with collector_paused():
        return _import_mapped(ledger, path, sheets, dry_run, add_missing, progress, cancel)


def _import_mapped(ledger: Ledger, path: str | Path, sheets: Sequence[tuple[SheetSample, SheetMapping]],
                   dry_run: bool, add_missing: bool, progress: Progress | None, cancel: Cancel | None) -> WorkbookReport:
    result = WorkbookReport(str(path), dry_run=dry_run)
    tables = []
    for sample, mapping in sheets:
        unsettled = mapping.problems()
        if unsettled:
            result.problems += [ImportProblem(sample.sheet, 0, "", p) for p in unsettled]
        tables.append(canonical_table(sample, mapping))
    if result.problems:
        return result
    if dry_run:
        with ledger.reading() as session:
            result.sheets, _, _ = _check_all(session, tables, str(path), True, _scaled(progress, 0, 100), cancel)
        return result
    names = "、".join(t.sheet for t in tables)
    try:
        with operation(ledger, f"导入项目（按对照）：{Path(path).name}") as op:
            reports, plans, reader = _check_all(op.session, tables, str(path), False, _scaled(progress, 0, 50), cancel)
            if any(r.problems for r in reports) and add_missing and any(r.missing_any for r in reports):
                merged = _merged_missing(reports)
                _create_missing(op, merged)
                reports, plans, reader = _check_all(op.session, tables, str(path), False, _scaled(progress, 0, 50),
                                                    cancel)
                reports[0].created = merged.created
            result.sheets = reports
            if any(r.problems for r in reports):
                raise _Rejected
            every = [p for sheet_plans in plans for p in sheet_plans]
            apply_plans(op, reader, every, _scaled(progress, 50, 100), cancel)
            op.change.label = (f"导入项目：{Path(path).name}（{names}；新增 {result.would_create} 条，"
                               f"更新 {result.would_update} 条）")
    except _Rejected:
        for r in result.sheets:
            r.created = []
        return result
    except ValidationError as err:  # a rule only the write itself could see; nothing was written
        result.problems.append(ImportProblem(tables[0].sheet if tables else "", 0, "", str(err)))
        return result
    result.written = True
    result.change = op.change
    for r in result.sheets:
        r.written = True
    return result


def stage_choices() -> list[str]:
    """What a stage word can be mapped to in the value step: each stage, or keep as text."""
    return [*STAGE_LABELS.values(), KEEP_AS_TEXT]


__all__ = ["WorkbookReport", "canonical_rows", "canonical_table", "import_mapped", "preview", "stage_choices"]
