"""Saved column mappings: named, kept in the ledger (one setting, written by the audited settings op),
found again by a sheet's headers, and exchanged as a JSON file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LedgerError
from ..ops.history import Change
from ..ops.settings import set_setting
from ..outputs import write_atomically
from .columns import normalize_header
from .mapping import ColumnRule, SheetMapping, Vocabulary, header_signature
from .mapping_sheet import SheetSample, fill_value_maps, read_samples, suggest_for, vocabulary

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

if TYPE_CHECKING:
    from ..ledger import Ledger

SETTING_KEY = "import_mappings"  # a JSON list of mappings
FILE_FORMAT = "zsdesk-import-mapping"
FILE_VERSION = 1


def saved_mappings(ledger: Ledger) -> list[SheetMapping]:
    """Every saved mapping, in the order saved (a malformed entry is skipped, never fatal)."""
    out = []
    for item in ledger.get_setting(SETTING_KEY, []) or []:
        try:
            out.append(SheetMapping.from_json(item))
        except LedgerError:
            continue
    return out


def save_mapping(ledger: Ledger, mapping: SheetMapping) -> Change:
    """Save (or replace, by name) one named mapping, as one audited settings operation."""
    name = mapping.name.strip()
    if not name:
        raise LedgerError("请给导入对照起一个名字。")
    if len(name) > 50:
        raise LedgerError("导入对照的名字最多 50 字。")
    mapping.name = name
    kept = [m.to_json() for m in saved_mappings(ledger) if m.name != name]
    return set_setting(ledger, SETTING_KEY, [*kept, mapping.to_json()], f"保存导入对照“{name}”")


def delete_mapping(ledger: Ledger, name: str) -> Change:
    kept = [m.to_json() for m in saved_mappings(ledger) if m.name != name]
    return set_setting(ledger, SETTING_KEY, kept, f"删除导入对照“{name}”")


def find_saved(mappings: Sequence[SheetMapping], headers: list[str]) -> SheetMapping | None:
    """The saved mapping for a sheet with these headers (the same set of column names), newest first."""
    signature = header_signature(headers)
    for mapping in reversed(list(mappings)):
        if mapping.signature() == signature:
            return mapping
    return None


def fitted(mapping: SheetMapping, headers: list[str]) -> SheetMapping:
    """A mapping laid over a sheet whose columns are the same set in another order: rules follow headers."""

    by_header = {normalize_header(c.header): c for c in mapping.columns}
    columns = []
    for h in headers:
        rule = by_header.get(normalize_header(h))
        columns.append(ColumnRule(h, rule.field, rule.unit) if rule else ColumnRule(h))
    return SheetMapping(columns, mapping.name, {k: dict(v) for k, v in mapping.values.items()},
                        mapping.stage_rule, mapping.stage_date_column)


def merged_by_headers(mappings: Sequence[SheetMapping]) -> list[SheetMapping]:
    """One mapping per set of headers (sheets of several years share one), value maps united (first wins)."""
    out: dict[tuple[str, ...], SheetMapping] = {}
    for m in mappings:
        first = out.setdefault(m.signature(), fitted(m, m.headers))
        if first is not m:
            for category, words in m.values.items():
                kept = first.values.setdefault(category, {})
                for word, to in words.items():
                    kept.setdefault(word, to)
    return list(out.values())


def write_mapping_file(mappings: Sequence[SheetMapping], path: str | Path) -> Path:

    data = {"format": FILE_FORMAT, "version": FILE_VERSION, "mappings": [m.to_json() for m in mappings]}
    text = json.dumps(data, ensure_ascii=False, indent=2)

    def write(tmp: Any) -> None:
        Path(tmp).write_text(text, encoding="utf-8")
    return write_atomically(Path(path), write, suffix=".json")


def read_mapping_file(path: str | Path) -> list[SheetMapping]:
    """The mappings of a JSON file written by :func:`write_mapping_file` (or a bare mapping / list)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as err:
        raise LedgerError(f"找不到导入对照文件：{path}") from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise LedgerError(f"{path.name} 不是有效的导入对照文件（应为 JSON）。") from err
    if isinstance(data, dict) and "mappings" in data:
        items = data["mappings"]
    elif isinstance(data, dict):
        items = [data]
    else:
        items = data
    if not isinstance(items, list) or not items:
        raise LedgerError(f"{path.name} 中没有导入对照。")
    return [SheetMapping.from_json(item) for item in items]




@dataclass
class SheetPlan:
    """One sheet of a workbook, the mapping proposed for it, and whether it is imported."""

    sample: SheetSample
    mapping: SheetMapping
    saved_name: str = ""  # the saved mapping chosen automatically ("" : a suggestion)
    include: bool = True


def plan_workbook(ledger: Ledger, path: str | Path, progress: Progress | None = None,
                  cancel: Cancel | None = None) -> tuple[list[SheetPlan], Vocabulary]:
    """Every sheet of a workbook read, each with a mapping: the saved one for its headers, else a suggestion;
    value maps filled for the words a saved map does not know yet. Also the ledger's names, for pick lists."""

    samples = read_samples(path, full=True, progress=progress, cancel=cancel)
    with ledger.reading() as session:
        vocab = vocabulary(session)
    saved = saved_mappings(ledger)
    plans: list[SheetPlan] = []
    shared: dict[tuple[str, ...], SheetPlan] = {}
    for sample in samples:
        first = shared.get(header_signature(sample.headers))
        if first is not None and first.sample.headers == sample.headers:
            # one sheet per year: the same columns share one mapping, so a choice made on one holds for all
            fill_value_maps(sample, first.mapping, vocab)
            plans.append(SheetPlan(sample, first.mapping, first.saved_name))
            continue
        found = find_saved(saved, sample.headers)
        if found is not None:
            mapping = fitted(found, sample.headers)
            fill_value_maps(sample, mapping, vocab)
            plans.append(SheetPlan(sample, mapping, found.name))
        else:
            plans.append(SheetPlan(sample, suggest_for(sample, vocab)))
        shared.setdefault(header_signature(sample.headers), plans[-1])
    return plans, vocab


__all__ = ["SETTING_KEY", "SheetPlan", "delete_mapping", "plan_workbook", "find_saved", "fitted", "merged_by_headers", "read_mapping_file", "save_mapping",
           "saved_mappings", "write_mapping_file"]
