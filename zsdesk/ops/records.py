"""Snapshots of records as plain JSON values, and writing a snapshot back (used by audit and undo)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, delete, insert, select
from sqlalchemy.orm import Session

from ..models import (
    Base,
    DictionaryEntry,
    Funding,
    Lead,
    LeadFollowup,
    Person,
    Project,
    ProjectCooperatingUnit,
    ProjectPerson,
    ProjectProgress,
    ProjectTag,
    Target,
    Trip,
    TripPerson,
    TripUnit,
    TripVisit,
    Unit,
)
from .totals import DERIVED_COLUMNS  # maintained sums: never in a snapshot

ENTITY_MODELS: dict[str, type[Base]] = {
    "unit": Unit,
    "person": Person,
    "dictionary": DictionaryEntry,
    "project": Project,
    "funding": Funding,
    "target": Target,
    "progress": ProjectProgress,
    "lead": Lead,
    "lead_followup": LeadFollowup,
    "trip": Trip,
    "trip_visit": TripVisit,
}
# Association lists that belong to a project record: field -> (table, column holding the other id)
PROJECT_LINKS: dict[str, tuple[type[ProjectCooperatingUnit | ProjectPerson | ProjectTag], str]] = {
    "cooperating_unit_ids": (ProjectCooperatingUnit, "unit_id"),
    "person_ids": (ProjectPerson, "person_id"),
    "tag_ids": (ProjectTag, "tag_id"),
}
TRIP_LINKS: dict[str, tuple[type[TripUnit | TripPerson], str]] = {
    "unit_ids": (TripUnit, "unit_id"),
    "person_ids": (TripPerson, "person_id"),
}
# Records whose snapshot carries association lists: entity -> (its lists, the column naming the owner).
ENTITY_LINKS: dict[str, tuple[dict[str, Any], str]] = {
    "project": (PROJECT_LINKS, "project_id"),
    "trip": (TRIP_LINKS, "trip_id"),
}
# Columns that bookkeeping owns; they never count as a user's change.
BOOKKEEPING = frozenset({"version", "updated_at", "created_at"})

Snapshot = dict[str, Any]


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(session: Session, entity: str, obj: Base) -> Snapshot:
    model = ENTITY_MODELS[entity]
    snap = {col.key: _to_json(getattr(obj, col.key)) for col in model.__table__.columns
            if col.key not in DERIVED_COLUMNS}
    if entity in ENTITY_LINKS:
        links, owner = ENTITY_LINKS[entity]
        for field, (link, column) in links.items():
            rows = session.scalars(select(getattr(link, column)).where(getattr(link, owner) == obj.id))  # type: ignore[attr-defined]  # obj is typed Base; every snapshotted record has an id
            snap[field] = sorted(rows)
    return snap


@cache
def _columns(entity: str) -> tuple[tuple[str, Any, bool], ...]:
    """(key, scalar default, is a date/time column) for each column of ``entity``'s table."""
    out = []
    for col in ENTITY_MODELS[entity].__table__.columns:
        if col.key in DERIVED_COLUMNS:
            continue
        default = col.default
        value = default.arg if default is not None and getattr(default, "is_scalar", False) else None
        out.append((col.key, value, isinstance(col.type, Date | DateTime)))
    return tuple(out)


def snapshot_from_values(entity: str, values: Mapping[str, Any],
                         links: Mapping[str, list[int]] | None = None) -> Snapshot:
    """The snapshot :func:`snapshot` would take of a row given as plain column values (a bulk insert's
    dict, a Core result row); absent columns take their scalar default, like the insert did."""
    snap: Snapshot = {}
    for key, default, timed in _columns(entity):
        value = values[key] if key in values else default
        snap[key] = _to_json(value) if timed and value is not None else value
    if entity in ENTITY_LINKS:
        links = links or {}
        for field in ENTITY_LINKS[entity][0]:
            snap[field] = sorted(links.get(field, ()))
    return snap


def _from_json(model: type[Base], key: str, value: Any) -> Any:
    if value is None:
        return None
    col_type = model.__table__.columns[key].type
    if isinstance(col_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(col_type, Date):
        return date.fromisoformat(value)
    return value


def same_content(a: Snapshot | None, b: Snapshot | None) -> bool:
    """Equal apart from bookkeeping columns."""
    if a is None or b is None:
        return a is b
    keys = (set(a) | set(b)) - BOOKKEEPING
    return all(a.get(k) == b.get(k) for k in keys)


def apply_snapshot(session: Session, entity: str, entity_id: int, snap: Snapshot | None) -> Base | None:
    """Make the stored record equal ``snap``; ``None`` removes a record that an undone insert made."""
    model = ENTITY_MODELS[entity]
    obj = session.get(model, entity_id)
    if snap is None:
        if obj is not None:
            if entity in ENTITY_LINKS:
                links, owner = ENTITY_LINKS[entity]
                for link, _ in links.values():
                    session.execute(delete(link).where(getattr(link, owner) == entity_id))
            session.delete(obj)
            session.flush()
        return None
    values = {k: _from_json(model, k, v) for k, v in snap.items() if k in model.__table__.columns}
    if obj is None:
        obj = model(**values)
        session.add(obj)
    else:
        for key, value in values.items():
            if key not in ("id", "version"):
                setattr(obj, key, value)
    session.flush()
    if entity in ENTITY_LINKS:
        set_links(session, entity, entity_id, {k: snap.get(k, []) for k in ENTITY_LINKS[entity][0]})
    return obj


def set_project_links(session: Session, project_id: int, links: dict[str, list[int]]) -> None:
    set_links(session, "project", project_id, links)


def set_links(session: Session, entity: str, owner_id: int, links: Mapping[str, list[int]]) -> None:
    """Replace the association lists named in ``links`` of one record (a project's units, a trip's …)."""
    known, owner = ENTITY_LINKS[entity]
    for field, ids in links.items():
        link, column = known[field]
        session.execute(delete(link).where(getattr(link, owner) == owner_id))
        if ids:
            session.execute(insert(link), [{owner: owner_id, column: i} for i in sorted(set(ids))])
