"""Units (责任单位) and persons (竞榜个人)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..errors import FieldProblem, LedgerError
from ..models import Person, Project, ProjectCooperatingUnit, Unit
from .crud import EntitySpec, create, set_deleted, update
from .fields import UNIT_KIND, Count, Flag, Text, UnitRef
from .history import Change

if TYPE_CHECKING:
    from ..ledger import Ledger


def _check_unit(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    if "name" not in values:
        return []
    others = (Unit.id != (existing_id or -1), Unit.deleted_at.is_(None))
    clash = session.scalar(select(Unit.id).where(Unit.name == values["name"], Unit.id != (existing_id or -1)))
    if clash is not None:
        return [FieldProblem("name", "单位名称", f"已有同名单位“{values['name']}”")]
    problems: list[FieldProblem] = []
    # Imports and the type-ahead find a unit by its name or its 简称: a name that is another unit's
    # 简称 (or a 简称 that is another unit's name or 简称) would make later files land on the wrong unit.
    # Checked when the name or 简称 is new or changed: an older ledger's clash does not block other edits.
    stored = session.execute(select(Unit.name, Unit.short_name).where(Unit.id == existing_id)).first() \
        if existing_id else None
    owner = None
    if stored is None or stored[0] != values["name"]:
        owner = session.scalar(select(Unit.name).where(Unit.short_name == values["name"], *others))
    if owner is not None:
        problems.append(FieldProblem("name", "单位名称", f"“{values['name']}”是单位“{owner}”的简称，"
                                                        "单位名称不能与其他单位的简称相同，否则导入时会认错单位"))
    short = values.get("short_name") or ""
    if short and short != values["name"] and (stored is None or stored[1] != short):
        owner = session.scalar(select(Unit.name).where((Unit.name == short) | (Unit.short_name == short), *others))
        if owner is not None:
            problems.append(FieldProblem("short_name", "简称", f"“{short}”已是单位“{owner}”的名称或简称"))
    return problems


UNIT = EntitySpec("unit", Unit, {
    "name": Text(100, required=True), "short_name": Text(50), "kind": UNIT_KIND,
    "active": Flag(), "sort_order": Count(0, 100000),
}, check=_check_unit, defaults={"kind": "other", "active": True, "sort_order": 0, "short_name": ""})


def _check_person(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    if "name" not in values or "unit_id" not in values:
        return []
    clash = session.scalar(select(Person.id).where(Person.name == values["name"], Person.unit_id == values["unit_id"],
                                                   Person.id != (existing_id or -1)))
    if clash is not None:
        return [FieldProblem("name", "姓名", f"该单位已有“{values['name']}”")]
    return []


PERSON = EntitySpec("person", Person, {"name": Text(50, required=True), "unit_id": UnitRef(), "active": Flag()},
                    check=_check_person, defaults={"active": True})


def create_unit(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    return create(ledger, UNIT, fields)


def update_unit(ledger: Ledger, unit_id: int, changes: Mapping[str, Any],
                expected_version: int | None = None) -> Change:
    return update(ledger, UNIT, unit_id, changes, expected_version=expected_version)


def _unit_in_use(session: Session, unit: Any) -> None:
    used = session.scalar(select(exists().where(Project.deleted_at.is_(None), (Project.lead_unit_id == unit.id)
                                                | (Project.landing_park_id == unit.id))))
    used = used or session.scalar(select(exists().where(ProjectCooperatingUnit.unit_id == unit.id,
                                                        ProjectCooperatingUnit.project_id == Project.id,
                                                        Project.deleted_at.is_(None))))
    if used:
        raise LedgerError(f"单位“{unit.name}”仍有项目，不能删除；可以把它设为停用。")


def delete_units(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, UNIT, ids, True, guard=_unit_in_use)


def restore_units(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, UNIT, ids, False)


def create_person(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    return create(ledger, PERSON, fields)


def update_person(ledger: Ledger, person_id: int, changes: Mapping[str, Any],
                  expected_version: int | None = None) -> Change:
    return update(ledger, PERSON, person_id, changes, expected_version=expected_version)


def delete_persons(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, PERSON, ids, True)


def restore_persons(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, PERSON, ids, False)
