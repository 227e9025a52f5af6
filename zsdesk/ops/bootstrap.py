"""What a new ledger starts with: the default dictionaries and settings (no units)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from ..models import DictionaryEntry, Setting
from ..resources import resource
from .history import ChangeRecord, operation

if TYPE_CHECKING:
    from ..ledger import Ledger


def default_dictionaries() -> dict[str, Any]:
    text = resource("defaults", "dictionaries.json").read_text(encoding="utf-8")
    return json.loads(text)


def ensure_defaults(ledger: Ledger) -> None:
    """Fill an empty ledger's dictionaries and settings; leaves existing entries alone."""
    data = default_dictionaries()
    with operation(ledger, "初始化字典", undoable=False) as op:
        s = op.session
        have = {(k, n) for k, n in s.execute(select(DictionaryEntry.kind, DictionaryEntry.name))}
        rows = []
        for kind, entries in (("chain", data["chains"]), ("investor_tag", data["investor_tags"])):
            for order, entry in enumerate(entries):
                if (kind, entry["name"]) not in have:
                    rows.append({"kind": kind, "name": entry["name"], "sort_order": order, "active": True,
                                 "flags": entry.get("flags", "")})
        if rows:
            s.execute(insert(DictionaryEntry), rows)
            added = {(r["kind"], r["name"]) for r in rows}
            for entry in s.scalars(select(DictionaryEntry).order_by(DictionaryEntry.id)):
                if (entry.kind, entry.name) in added:
                    op.record("dictionary", entry, "insert", None)
        keys = set(s.scalars(select(Setting.key)))
        for key, value in data["settings"].items():
            if key not in keys:
                s.add(Setting(key=key, value=json.dumps(value, ensure_ascii=False)))
                op.change.records.append(ChangeRecord("setting", 0, "insert", None, {"key": key, "value": value}))
