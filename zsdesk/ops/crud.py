"""Create, update, soft-delete and restore, shared by every entity.

An ``EntitySpec`` names the model, its fields and their kinds, and a ``check`` for rules that
span fields. Every call is one operation: validated first, one transaction, audit rows, undoable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from ..errors import FieldProblem, NotFound, ValidationError
from ..labels import ENTITY_LABELS, field_label
from ..models import Base
from .conflicts import check_version
from .fields import Invalid
from .history import Change, Operation, operation

if TYPE_CHECKING:
    from ..ledger import Ledger


class FieldKind(Protocol):
    def coerce(self, session: Session, value: Any) -> Any: ...


# check(session, values, existing_id) -> problems; values holds every field after the change.
Check = Callable[[Session, dict[str, Any], int | None], list[FieldProblem]]


@dataclass(frozen=True)
class EntitySpec:
    entity: str
    model: type[Base]
    fields: dict[str, FieldKind]
    check: Check | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    title: Callable[[Any], str] = lambda obj: str(getattr(obj, "name", getattr(obj, "id", "")))

    @property
    def label(self) -> str:
        return ENTITY_LABELS.get(self.entity, self.entity)


def coerce_fields(session: Session, spec: EntitySpec, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, value in raw.items():
        kind = spec.fields.get(name)
        if kind is None:
            problems.append(FieldProblem(name, field_label(name), "不是可以修改的字段"))
            continue
        try:
            values[name] = kind.coerce(session, value)
        except Invalid as err:
            problems.append(FieldProblem(name, field_label(name), err.reason))
    return values, problems


def current_values(spec: EntitySpec, obj: Base) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in spec.fields if hasattr(type(obj), name)}


def validate(session: Session, spec: EntitySpec, raw: Mapping[str, Any], existing: Base | None) -> dict[str, Any]:
    """Coerce and check; raise ``ValidationError`` listing every problem. Returns the coerced changes."""
    if existing is None:
        raw = {**{k: v for k, v in spec.defaults.items() if k not in raw}, **raw}
        # Missing required fields must be reported too.
        raw = {**{k: None for k in spec.fields if k not in raw}, **raw}
    values, problems = coerce_fields(session, spec, raw)
    if spec.check is not None:
        # Cross-field rules run even when some fields failed, on the fields that did not, so the
        # clerk sees every problem at once; a check skips a rule whose fields are missing.
        failed = {p.field for p in problems}
        merged = ({} if existing is None else current_values(spec, existing)) | values
        merged = {k: v for k, v in merged.items() if k not in failed}
        problems += spec.check(session, merged, None if existing is None else existing.id)  # type: ignore[attr-defined]  # Base declares no id; every EntitySpec model has one
    if problems:
        raise ValidationError(problems)
    return values


def _assign(obj: Base, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set plain columns on ``obj``; return the values that are not columns (links)."""
    rest = {}
    for name, value in values.items():
        if name in type(obj).__table__.columns:
            setattr(obj, name, value)
        else:
            rest[name] = value
    return rest


AfterWrite = Callable[[Operation, Base, dict[str, Any]], None]


def create(ledger: Ledger, spec: EntitySpec, raw: Mapping[str, Any], label: str | None = None,
           after_write: AfterWrite | None = None, prepare: Callable[[Operation, Base], None] | None = None) -> Change:
    with operation(ledger, label or f"新增{spec.label}") as op:
        obj = create_in(op, spec, raw, after_write, prepare)
        if label is None:
            op.change.label = f"新增{spec.label}“{spec.title(obj)}”"
    return op.change


def create_in(op: Operation, spec: EntitySpec, raw: Mapping[str, Any], after_write: AfterWrite | None = None,
              prepare: Callable[[Operation, Base], None] | None = None) -> Base:
    """Validate and insert one record inside an operation that is already open (e.g. an import)."""
    values = validate(op.session, spec, raw, None)
    obj = spec.model()
    rest = _assign(obj, values)
    if prepare is not None:
        prepare(op, obj)
    op.session.add(obj)
    op.session.flush()
    if after_write is not None:
        after_write(op, obj, rest)
    op.record(spec.entity, obj, "insert", None)
    return obj


def get_live(session: Session, spec: EntitySpec, entity_id: int, allow_deleted: bool = False) -> Base:
    obj = session.get(spec.model, entity_id)
    if obj is None or (not allow_deleted and obj.deleted_at is not None):  # type: ignore[attr-defined]  # Base declares no deleted_at; every EntitySpec model has one
        raise NotFound(f"找不到这条{spec.label}记录（编号 {entity_id}），可能已被删除。")
    return obj


def update(ledger: Ledger, spec: EntitySpec, entity_id: int, raw: Mapping[str, Any], label: str | None = None,
           after_write: AfterWrite | None = None, expected_version: int | None = None) -> Change:
    with operation(ledger, label or f"修改{spec.label}") as op:
        obj = get_live(op.session, spec, entity_id)
        check_version(op.session, spec.entity, obj, expected_version)
        update_in(op, spec, obj, raw, after_write)
        if label is None:
            op.change.label = f"修改{spec.label}“{spec.title(obj)}”"
    return op.change


def update_in(op: Operation, spec: EntitySpec, obj: Base, raw: Mapping[str, Any],
              after_write: AfterWrite | None = None) -> Base:
    """Validate and apply changes to one live record inside an operation that is already open."""
    before = op.snapshot(spec.entity, obj)
    values = validate(op.session, spec, raw, obj)
    rest = _assign(obj, values)
    if after_write is not None:
        after_write(op, obj, rest)
    op.record(spec.entity, obj, "update", before)
    return obj


def set_deleted(ledger: Ledger, spec: EntitySpec, ids: Iterable[int], deleted: bool,
                guard: Callable[[Session, Base], None] | None = None) -> Change:
    ids = list(ids)
    verb = "删除" if deleted else "恢复"
    with operation(ledger, f"{verb}{spec.label}") as op:
        titles = []
        for entity_id in ids:
            obj = get_live(op.session, spec, entity_id, allow_deleted=True)
            if (obj.deleted_at is not None) == deleted:  # type: ignore[attr-defined]  # Base declares no deleted_at; every EntitySpec model has one
                continue
            if guard is not None:
                guard(op.session, obj)
            before = op.snapshot(spec.entity, obj)
            obj.deleted_at = datetime.now().replace(microsecond=0) if deleted else None  # type: ignore[attr-defined]  # Base declares no deleted_at; every EntitySpec model has one
            if hasattr(obj, "updated_at"):
                obj.updated_at = op.now
            op.record(spec.entity, obj, "delete" if deleted else "restore", before)
            titles.append(spec.title(obj))
        if len(titles) == 1:
            op.change.label = f"{verb}{spec.label}“{titles[0]}”"
        elif titles:
            op.change.label = f"{verb} {len(titles)} 条{spec.label}"
    return op.change
