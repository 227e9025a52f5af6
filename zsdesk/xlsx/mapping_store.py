"""Saved column mappings: named, kept in the ledger (one setting, written by the audited settings op),
found again by a sheet's headers, and exchanged as a JSON file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LedgerError
from ..ops.history import Change
from ..ops.settings import set_setting
from .mapping import SheetMapping, header_signature

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
    from .columns import normalize_header
    from .mapping import ColumnRule

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
    from ..outputs import write_atomically

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


__all__ = ["SETTING_KEY", "delete_mapping", "find_saved", "fitted", "merged_by_headers", "read_mapping_file", "save_mapping",
           "saved_mappings", "write_mapping_file"]
