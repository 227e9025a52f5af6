"""Reading a bureau's own sheets for a column mapping: every sheet's header row (under merged title rows,
a ``单位：亿元`` line, two-row headers), a sample of values per column, and on demand all data rows.

The sample is the first rows below the header only (``SAMPLE_ROWS``): suggesting a mapping for a
10,000-row sheet never reads the whole sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import LedgerError
from ..models import DictionaryEntry, Person, Unit
from .columns import normalize_header
from .mapping import CATEGORY_OF, SheetMapping, Vocabulary, norm_text, suggest_mapping, suggest_values
from .reader import (
    HEADER_SEARCH_ROWS,
    SKIP_SHEETS,
    TOTAL_LABELS,
    ImportProblem,
    _combined,
    _merged_targets,
    _open,
    _unmerged_rows,
)
from .safety import MAX_ROWS, BadFile, SheetScan, check_file, scan_sheets
from .workbook import ExportCancelled

SAMPLE_ROWS = 200
_UNIT_LINE = re.compile(r"单位[:：]\s*(亿元|万元|元)")


@dataclass
class SheetSample:
    sheet: str
    header_row: int  # Excel row number of the (last) header row; 0: no header found
    headers: list[str]  # one per column, "" for a blank header
    samples: list[list[Any]]  # per column, the values of the first rows below the header
    default_unit: str | None = None  # from a “单位：亿元” line above the header
    rows: list[tuple[int, list[Any]]] | None = None  # every data row, once read (``read_rows``)
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.headers)

    def preview_rows(self, count: int = 20) -> list[list[Any]]:
        """The first ``count`` rows, one value per column (from the sample)."""
        out = []
        for i in range(min(count, max((len(s) for s in self.samples), default=0))):
            out.append([col[i] if i < len(col) else None for col in self.samples])
        return out


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, str) and value.strip() else ""


def _header_row(rows: list[list[Any]]) -> int:
    """Index (0-based) of the header among the first rows: the first with most of the widest row's distinct
    text cells. A merged title row holds one text repeated, a unit line one cell: neither wins."""
    distinct = [len({_text(v) for v in row if _text(v) and not _is_number_text(v)}) for row in rows]
    best = max(distinct, default=0)
    if best == 0:
        return -1
    need = max(2, int(best * 0.6 + 0.999)) if best >= 2 else 1
    return next(i for i, d in enumerate(distinct) if d >= need)


def _is_number_text(value: Any) -> bool:
    return bool(re.fullmatch(r"[\d.,\-\s/年月日]+", str(value)))


def _sheet_scan(scans: dict[str, SheetScan], ws: Any) -> SheetScan | None:
    member = getattr(ws, "_worksheet_path", None)
    return scans.get(member.lstrip("/")) if member else None


def read_samples(path: str | Path, sample_rows: int = SAMPLE_ROWS, full: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None, max_rows: int = MAX_ROWS) -> list[SheetSample]:
    """Every sheet with a header row, with a sample of its values (and, with ``full``, all its rows).

    Raises ``BadFile`` (a ``LedgerError``) for a bad file, as the importer does.
    """
    path = Path(path)
    check_file(path)
    scans = scan_sheets(path, max_rows)
    wb = _open(path)
    out: list[SheetSample] = []
    try:
        for ws in wb.worksheets:
            if ws.title.strip() in SKIP_SHEETS:
                continue
            scan = _sheet_scan(scans, ws)
            merges = scan.merged if scan else []
            rows, ranges = _unmerged_rows(ws, merges)
            index = _header_row(rows)
            if index < 0:
                continue
            header = rows[index]
            default_unit = next((m.group(1) for row in rows[:index] for v in row
                                 if isinstance(v, str) and (m := _UNIT_LINE.search(normalize_header(v)))), None)
            # a two-row header: group names merged over the row below (金额 over 协议资金 / 计划总投资)
            spans_across = any(r1 - 1 == index and c1 < c2 for r1, c1, _r2, c2, _ in ranges)
            if spans_across and index + 1 < len(rows) and sum(1 for v in rows[index + 1] if _text(v)) >= 2 \
                    and not any(isinstance(v, (int, float)) for v in rows[index + 1]):
                header = _combined(header, rows[index + 1])
                index += 1
            while header and not _text(header[-1]):
                header = header[:-1]
            headers = [_text(v) if isinstance(v, str) else ("" if v is None else str(v)) for v in header]
            # the same text over several columns (an unmerged merged header) names only the first
            seen: set[str] = set()
            for i, h in enumerate(headers):
                if h in seen:
                    headers[i] = f"{h}（{i + 1}）"
                seen.add(h)
            sample = SheetSample(ws.title, index + 1, headers, [[] for _ in headers], default_unit)
            limit = None if full else sample_rows
            data = _data_rows(ws, scan, sample, limit, progress, cancel, max_rows, path)
            for _number, values in data[:sample_rows]:
                for i, value in enumerate(values):
                    sample.samples[i].append(value)
            if full:
                sample.rows = data
            out.append(sample)
    finally:
        wb.close()
    if not out:
        raise BadFile(f"{path.name} 中找不到表头行：前 {HEADER_SEARCH_ROWS} 行中没有列名。")
    return out


def _data_rows(ws: Any, scan: SheetScan | None, sample: SheetSample, limit: int | None,
               progress: Callable[[int, int], None] | None, cancel: Callable[[], bool] | None,
               max_rows: int, path: Path) -> list[tuple[int, list[Any]]]:
    """Data rows below the header: merged cells (a unit named once over several rows) filled down, blank
    and total rows skipped, text trimmed."""
    width = sample.width
    header_row = sample.header_row
    merged = _merged_targets(scan.merged if scan else [], header_row)
    origins = set(merged.values())
    origin_values: dict[tuple[int, int], Any] = {}
    total = scan.rows if scan else 0
    out: list[tuple[int, list[Any]]] = []
    last = None if limit is None else header_row + limit
    for number, raw in enumerate(ws.iter_rows(min_row=header_row + 1, max_row=last, max_col=max(width, 1),
                                              values_only=True), start=header_row + 1):
        if number % 2000 == 0:
            if cancel is not None and cancel():
                raise ExportCancelled("已取消导入，没有写入任何数据。")
            if progress is not None:
                progress(number, total)
        if number - header_row > max_rows:
            raise BadFile(f"{path.name} 的行数超过一次导入的上限 {max_rows:,} 行。请拆分成几个文件分批导入。")
        values = list(raw) + [None] * (width - len(raw))
        for i in range(width):
            value = values[i]
            if merged:
                if (number, i) in origins:
                    origin_values[(number, i)] = value
                elif value is None and (number, i) in merged:
                    value = origin_values.get(merged[(number, i)])
            if isinstance(value, str):
                value = value.strip() or None
            values[i] = value
        if all(v is None for v in values):
            continue
        label = next((v for v in values[:3] if isinstance(v, str)), "")
        if label.replace(" ", "") in TOTAL_LABELS:
            sample.notes.append(f"已跳过第 {number} 行的“{label}”行。")
            continue
        out.append((number, values))
    return out


def distinct_words(sample: SheetSample, index: int, limit: int = 500) -> list[str]:
    """The distinct words of one column (all rows once read, else the sample), split at 、 for lists."""
    rows = sample.rows
    values = [r[index] for _, r in rows] if rows is not None else sample.samples[index]
    seen: dict[str, None] = {}
    for value in values:
        if value is None:
            continue
        for part in re.split(r"[、,，;；/\n]", norm_text(value)):
            if part.strip():
                seen[part.strip()] = None
                if len(seen) >= limit:
                    return list(seen)
    return list(seen)


def suggest_for(sample: SheetSample, vocab: Vocabulary) -> SheetMapping:
    """A whole suggestion for one sheet: the columns from headers and sampled values, and a value map for
    each categorical column from its distinct words (all rows once read, else the sample)."""
    mapping = suggest_mapping(sample.headers, sample.samples, vocab, sample.default_unit)
    fill_value_maps(sample, mapping, vocab)
    return mapping


def fill_value_maps(sample: SheetSample, mapping: SheetMapping, vocab: Vocabulary) -> None:
    """Add a suggested ledger value for each word of a categorical column not yet in the mapping's maps."""
    for i, col in enumerate(mapping.columns):
        category = CATEGORY_OF.get(col.field)
        if category is None or i >= sample.width:
            continue
        words = mapping.values.setdefault(category, {})
        new = [w for w in distinct_words(sample, i) if w not in words]
        for word, found in suggest_values(category, new, vocab).items():
            if found and found != word:
                words[word] = found


def vocabulary(session: Session) -> Vocabulary:
    """The ledger's unit names and short names, chains, tags and persons, for suggestions."""

    units: dict[str, str] = {}
    parks = set()
    for unit in session.scalars(select(Unit).where(Unit.deleted_at.is_(None))):
        if unit.short_name:
            units.setdefault(norm_text(unit.short_name), unit.name)
        units[norm_text(unit.name)] = unit.name
        if unit.kind == "park":
            parks.add(unit.name)
    chains: set[str] = set()
    tags: set[str] = set()
    for entry in session.scalars(select(DictionaryEntry).where(DictionaryEntry.deleted_at.is_(None))):
        (chains if entry.kind == "chain" else tags).add(norm_text(entry.name))
    persons = {norm_text(p.name) for p in session.scalars(select(Person).where(Person.deleted_at.is_(None)))}
    return Vocabulary(units, frozenset(parks), frozenset(chains), frozenset(tags), frozenset(persons))


__all__ = ["SAMPLE_ROWS", "LedgerError", "SheetSample", "distinct_words", "fill_value_maps", "read_samples",
           "suggest_for", "vocabulary"]
