"""A stale edit on a shared ledger: refuse it and tell the editor what the other person changed.

Every editable record carries a version (migration 0006). An edit names the version it was based on;
when the stored record is newer, the audit log holds the record as the editor saw it (the ``before`` of
the first change after that version), so the refusal lists each field as it was → as it is now, and
who changed it. The window offers to re-apply the editor's own values on top (issue 17 item 6).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ConflictError, FieldChange
from ..labels import ENTITY_LABELS, ORIGIN_LABELS, UNIT_KIND_LABELS, field_label
from ..models import AuditEntry, Base, DictionaryEntry, Person, Unit
from ..money import format_money
from .records import BOOKKEEPING, Snapshot, snapshot

MONEY = frozenset({"planned_investment", "agreement_amount", "expected_output", "amount", "formal_amount",
                   "arrived_amount"})
_REFS: dict[str, type[Base]] = {"lead_unit_id": Unit, "landing_park_id": Unit, "unit_id": Unit,
                                 "cooperating_unit_ids": Unit, "person_ids": Person, "chain_id": DictionaryEntry,
                                 "tag_ids": DictionaryEntry}
_CHOICES = {"origin": ORIGIN_LABELS, "kind": UNIT_KIND_LABELS}
_QUIET = BOOKKEEPING | {"stage", "signed_date", "id"}
# Where a field's name means something else than on a project (labels.FIELD_LABELS is project-first).
_ENTITY_LABELS = {"unit": {"name": "单位名称"}, "person": {"name": "姓名", "unit_id": "所属单位"},
                  "dictionary": {"name": "名称"}, "progress": {"date": "进展日期", "text": "进展内容"}}


def show_value(session: Session, key: str, value: Any) -> str:
    """A stored value as the clerk would read it: names for ids, 万元 for money, 是/否, 空 for blank."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in MONEY and isinstance(value, int):
        return format_money(value, "wan", 2, suffix=True)
    if key in _REFS:
        model = _REFS[key]
        names = [getattr(session.get(model, v), "name", str(v)) for v in (value if isinstance(value, list) else [value])]
        return "、".join(names)
    if key in _CHOICES:
        return _CHOICES[key].get(str(value), str(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == 0


def differences(session: Session, old: Mapping[str, Any], new: Mapping[str, Any],
                labels: Mapping[str, str] | None = None) -> list[FieldChange]:
    """The fields that differ between two snapshots, as they are shown to a person."""
    changes = []
    for key in [k for k in new if k not in _QUIET] + [k for k in old if k not in new and k not in _QUIET]:
        before, after = old.get(key), new.get(key)
        if before != after and not (_blank(before) and _blank(after)):
            label = (labels or {}).get(key) or field_label(key)
            changes.append(FieldChange(key, label, show_value(session, key, old.get(key)),
                                       show_value(session, key, new.get(key)), old.get(key), new.get(key)))
    return changes


def describe(changes: list[FieldChange], limit: int = 8) -> str:
    lines = [f"{c.label}：{c.theirs} → {c.now}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"……另有 {len(changes) - limit} 处修改")
    return "\n".join(lines)


def stale_edit(session: Session, entity: str, obj: Base, expected_version: int) -> ConflictError:
    """The refusal of an edit based on ``expected_version`` of ``obj``, listing what changed since."""
    what = ENTITY_LABELS.get(entity, entity)
    entity_id = obj.id  # type: ignore[attr-defined]  # Base declares no id; every versioned model has one
    seen: Snapshot | None = None
    operators: list[str] = []
    rows = session.execute(select(AuditEntry.before, AuditEntry.operator).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)).all()
    for before, operator in rows:
        old = json.loads(before) if before else None
        if seen is None and old is not None and old.get("version") == expected_version:
            seen = old
        if seen is not None and operator not in operators:
            operators.append(operator)
    current = snapshot(session, entity, obj)
    changes = [] if seen is None else differences(session, seen, current, _ENTITY_LABELS.get(entity))
    who = "、".join(operators)
    head = f"这条{what}刚被其他人修改过{f'（{who}）' if who else ''}，为避免覆盖对方的修改，本次未保存。"
    detail = f"对方的修改（您看到的 → 现在）：\n{describe(changes)}\n" if changes else ""
    return ConflictError(f"{head}\n{detail}请核对后在最新内容上重新修改。",
                         changes=changes, current_version=getattr(obj, "version", None), by=who or "其他人")


def check_version(session: Session, entity: str, obj: Base, expected_version: int | None) -> None:
    """Raise :func:`stale_edit` when ``obj`` is newer than the version the edit was based on."""
    if expected_version is not None and getattr(obj, "version", expected_version) != expected_version:
        raise stale_edit(session, entity, obj, expected_version)


def stale_values(session: Session, what: str, seen: Mapping[str, Any], now: Mapping[str, Any],
                 labels: Mapping[str, str] | None = None, by: str = "") -> ConflictError:
    """The refusal of a write to a record without rows of its own (a setting, a narrative): what the
    editor loaded (``seen``) differs from what is stored (``now``)."""
    changes = differences(session, seen, now, labels)
    detail = f"对方的修改（您看到的 → 现在）：\n{describe(changes)}\n" if changes else ""
    return ConflictError(f"{what}刚被其他人修改过{f'（{by}）' if by else ''}，为避免覆盖对方的修改，本次未保存。\n{detail}"
                         "请核对后在最新内容上重新修改。", changes=changes, by=by)
