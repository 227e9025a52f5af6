"""Ledger settings (notice authority, backup folder, stale days …): small JSON values, audited."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEntry, Setting
from .conflicts import stale_values
from .history import Change, ChangeRecord, operation

if TYPE_CHECKING:
    from ..ledger import Ledger


def set_settings(ledger: Ledger, values: Mapping[str, Any], label: str, expected: Mapping[str, Any] | None = None,
                 what: str = "设置", labels: Mapping[str, str] | None = None,
                 missing: Mapping[str, Any] | None = None) -> Change:
    """Write several settings as one operation; unchanged values write no audit row.

    ``expected`` (shared ledgers): the stored values the editor started from, by key (None: not saved);
    when one differs now, nothing is written and the ``ConflictError`` lists what changed (a dict value
    field by field, labelled by ``labels``); ``missing`` gives what an unsaved key counts as (its default)."""
    with operation(ledger, label, undoable=False) as op:
        if expected:
            _check_unchanged(op.session, expected, what, labels, missing or {})
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


def _check_unchanged(session: Session, expected: Mapping[str, Any], what: str,
                     labels: Mapping[str, str] | None, missing: Mapping[str, Any]) -> None:
    for key, seen in expected.items():
        row = session.get(Setting, key)
        now = None if row is None else json.loads(row.value)
        if now is None:
            now = missing.get(key)
        if now != seen:
            by = session.scalar(select(AuditEntry.operator).where(AuditEntry.entity == "setting")
                                .where(AuditEntry.after.like(f'%"key":{json.dumps(key, ensure_ascii=False)}%'))
                                .order_by(AuditEntry.id.desc()).limit(1)) or ""
            old = seen if isinstance(seen, dict) else {key: seen}
            new = now if isinstance(now, dict) else {key: now}
            raise stale_values(session, what, old, new, labels, by)


def set_setting(ledger: Ledger, key: str, value: Any, label: str | None = None) -> Change:
    return set_settings(ledger, {key: value}, label or f"修改设置 {key}")
