"""How an operation-log entry reads in the window: one row of Chinese words per audit entry.

Used by the 操作日志 page and a project's 历史 tab.
"""

from __future__ import annotations

import json
from typing import Any

from zsdesk.labels import ACTION_LABELS, field_label
from zsdesk.money import format_wan

from .. import strings as S


def describe_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """``协议资金：0 → 320000000；阶段：lead → formal`` — what an audit row changed, in Chinese labels."""
    if before is None or after is None:
        return ""
    parts = []
    for key in sorted(set(before) | set(after)):
        if key in ("version", "updated_at", "created_at"):
            continue
        if before.get(key) != after.get(key):
            parts.append(S.AUDIT_CHANGED.format(field=field_label(key), before=_show(before.get(key), key),
                                                after=_show(after.get(key), key)))
    return "；".join(parts)


MONEY_KEYS = frozenset({"planned_investment", "agreement_amount", "expected_output", "amount", "formal_amount",
                        "arrived_amount", "intended_investment"})


# Code values the 操作日志 shows as words ("lead" → 线索), never as codes.
def _code_labels() -> dict[str, dict[str, str]]:
    from zsdesk.labels import (
        DICTIONARY_KIND_LABELS,
        LEAD_STATUS_LABELS,
        ORIGIN_LABELS,
        STAGE_LABELS,
        TRIP_LEVEL_LABELS,
        UNIT_KIND_LABELS,
        VISIT_OUTCOME_LABELS,
    )

    return {"stage": STAGE_LABELS, "origin": ORIGIN_LABELS, "kind": {**UNIT_KIND_LABELS, **DICTIONARY_KIND_LABELS},
            "status": LEAD_STATUS_LABELS, "level": TRIP_LEVEL_LABELS, "outcome": VISIT_OUTCOME_LABELS}


def _show(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and value in _code_labels().get(key, {}):
        return _code_labels()[key][value]
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T" and value[:4].isdigit():
        return value[:19].replace("T", " ")  # an ISO timestamp as the clerk writes it
    if key in MONEY_KEYS and isinstance(value, int):
        return format_wan(value, 4 if value % 100 else 2, unit=True)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def audit_rows(entries: list[Any]) -> list[tuple[str, ...]]:
    from zsdesk.labels import ENTITY_LABELS

    rows: list[tuple[str, ...]] = []
    for e in entries:
        before = json.loads(e.before) if e.before else None
        after = json.loads(e.after) if e.after else None
        rows.append((e.at.strftime("%Y-%m-%d %H:%M:%S"), e.operator, e.op_label, ENTITY_LABELS.get(e.entity, e.entity),
                     ACTION_LABELS.get(e.action, e.action), str(e.entity_id), describe_change(before, after)))
    return rows
