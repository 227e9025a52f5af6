"""Ledger settings (notice authority, backup folder, stale days …): small JSON values, audited."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..models import Setting
from .history import Change, ChangeRecord, operation

if TYPE_CHECKING:
    from ..ledger import Ledger


def set_settings(ledger: Ledger, values: Mapping[str, Any], label: str) -> Change:
    """Write several settings as one operation; unchanged values write no audit row."""
    with operation(ledger, label, undoable=False) as op:
        for key, value in values.items():
            row = op.session.get(Setting, key)
            before = None if row is None else {"key": key, "value": json.loads(row.value)}
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
            if row is None:
                op.session.add(Setting(key=key, value=text))
            else:
                row.value = text
            after = {"key": key, "value": value}
            if before != after:
                op.change.records.append(ChangeRecord("setting", 0, "update" if before else "insert", before, after))
    return op.change


def set_setting(ledger: Ledger, key: str, value: Any, label: str | None = None) -> Change:
    return set_settings(ledger, {key: value}, label or f"修改设置 {key}")
