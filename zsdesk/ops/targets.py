"""Annual targets (目标任务); a target with no unit is the district's own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import FieldProblem
from ..models import Target
from .crud import EntitySpec, create, set_deleted, update
from .fields import Count, MoneyField, UnitRef
from .history import Change

if TYPE_CHECKING:
    from ..ledger import Ledger


class DistrictOrUnit(UnitRef):
    def coerce(self, session: Session, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() in ("全区", "区级", ""):
            return None
        return super().coerce(session, value)


def _check(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    if "unit_id" not in values or "year" not in values:
        return []
    unit_cond = Target.unit_id.is_(None) if values["unit_id"] is None else Target.unit_id == values["unit_id"]
    clash = session.scalar(select(Target.id).where(unit_cond, Target.year == values["year"],
                                                   Target.deleted_at.is_(None), Target.id != (existing_id or -1)))
    if clash is not None:
        return [FieldProblem("year", "年度", f"{values['year']} 年已有这个单位的目标任务，请修改那一条")]
    return []


TARGET = EntitySpec("target", Target, {
    "unit_id": DistrictOrUnit(), "year": Count(2000, 2100),
    "major_count": Count(), "large_count": Count(), "key_count": Count(),
    "agreement_amount": MoneyField(), "formal_amount": MoneyField(), "arrived_amount": MoneyField(),
}, check=_check, title=lambda t: f"{t.year}年")


def set_target(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    return create(ledger, TARGET, fields)


def update_target(ledger: Ledger, target_id: int, changes: Mapping[str, Any],
                  expected_version: int | None = None) -> Change:
    return update(ledger, TARGET, target_id, changes, expected_version=expected_version)


def delete_targets(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, TARGET, ids, True)


def restore_targets(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, TARGET, ids, False)
