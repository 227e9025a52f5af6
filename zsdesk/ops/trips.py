"""外出招商 (SPEC §10): trips, their units and persons, and the companies visited — audited, undoable.

Public functions:

- ``create_trip(ledger, fields, visits=()) -> Change`` — fields: ``departure_date`` (required),
  ``return_date``, ``province``, ``city``, ``leader``, ``level`` (``district_leader``/``department`` or
  区领导带队/部门带队), ``unit_ids`` (ids or names, at least one), ``person_ids``, ``notes``; each visit:
  ``company`` (required), ``date`` (within the trip's dates), ``outcome`` (``intention``/``general``/
  ``none`` or 有合作意向/一般/无意向), ``notes``. New trip id: ``change.ids("trip", "insert")[0]``.
- ``update_trip(ledger, trip_id, changes, visits=None, expected_version=None) -> Change`` — with
  ``visits`` the trip's visit list is made equal to it: a visit with an ``id`` is updated, one without
  is added, a live visit not listed is deleted. ``ConflictError`` on a stale ``expected_version``.
- ``delete_trips(ledger, ids)`` / ``restore_trips(ledger, ids)`` — soft delete.
- ``lead_from_visit(ledger, visit_id, fields=None) -> Change`` — a 新线索 from a visited company
  (received = the visit's date, unit = the trip's first unit, source 其他 unless ``fields`` say),
  linked from the visit; refused in Chinese when the visit already has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ..errors import ConflictError, FieldProblem, LedgerError, NotFound, ValidationError
from ..labels import TRIP_LEVEL_LABELS, VISIT_OUTCOME_LABELS
from ..models import Lead, Trip, TripUnit, TripVisit
from .crud import EntitySpec, coerce_fields, create_in, get_live, set_deleted, update_in
from .fields import Choice, DateField, PersonRefs, Text, UnitRefs
from .history import Change, Operation, operation
from .leads import create_lead_in
from .records import TRIP_LINKS, set_links

if TYPE_CHECKING:
    from ..ledger import Ledger


def trip_rules(values: Mapping[str, Any]) -> list[FieldProblem]:
    """Cross-field rules that need no database (the xlsx importer uses them too)."""
    problems = []
    leave, back = values.get("departure_date"), values.get("return_date")
    if leave and back and back < leave:
        problems.append(FieldProblem("return_date", "返回日期", f"{back:%Y-%m-%d} 早于出发日期 {leave:%Y-%m-%d}"))
    if "unit_ids" in values and not values.get("unit_ids"):
        problems.append(FieldProblem("unit_ids", "参加单位", "至少要有一个参加单位"))
    return problems


def _check(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    return trip_rules(values)


TRIP = EntitySpec("trip", Trip, {
    "departure_date": DateField(required=True), "return_date": DateField(),
    "province": Text(50), "city": Text(50), "leader": Text(50), "level": Choice(TRIP_LEVEL_LABELS),
    "unit_ids": UnitRefs(), "person_ids": PersonRefs(), "notes": Text(20000, strip=False),
}, check=_check, defaults={"province": "", "city": "", "leader": "", "level": "department", "notes": "",
                           "person_ids": []},
    title=lambda t: f"{t.departure_date:%Y-%m-%d} {t.province}{t.city}")
VISIT = EntitySpec("trip_visit", TripVisit, {
    "company": Text(200, required=True), "date": DateField(), "outcome": Choice(VISIT_OUTCOME_LABELS),
    "notes": Text(500),
}, defaults={"outcome": "general", "notes": ""}, title=lambda v: v.company)


def _trip_links(session: Session, trip_id: int) -> dict[str, list[int]]:
    return {field: sorted(session.scalars(select(getattr(link, col)).where(link.trip_id == trip_id)))
            for field, (link, col) in TRIP_LINKS.items()}


def _prepare(op: Operation, trip: Any) -> None:
    trip.created_at = op.now
    trip.updated_at = op.now


def _after_write(op: Operation, trip: Any, links: dict[str, Any]) -> None:
    trip.updated_at = op.now
    if links:
        op.session.flush()
        set_links(op.session, "trip", trip.id, {k: v for k, v in links.items() if k in TRIP_LINKS})


def check_visits(session: Session, visits: Sequence[Mapping[str, Any]], leave: date | None,
                 back: date | None) -> list[dict[str, Any]]:
    """Coerce every visit row; ``ValidationError`` names the row (第 N 家) and field of each problem."""
    out, problems = [], []
    for n, raw in enumerate(visits, start=1):
        fields = {k: v for k, v in raw.items() if k != "id"}
        values, row_problems = coerce_fields(session, VISIT, {**VISIT.defaults, **{"company": None}, **fields})
        on = values.get("date")
        if on and leave and on < leave:
            row_problems.append(FieldProblem("date", "拜访日期", f"{on:%Y-%m-%d} 早于出发日期 {leave:%Y-%m-%d}"))
        if on and back and on > back:
            row_problems.append(FieldProblem("date", "拜访日期", f"{on:%Y-%m-%d} 晚于返回日期 {back:%Y-%m-%d}"))
        problems += [FieldProblem(p.field, f"第 {n} 家拜访企业的{p.label}", p.reason) for p in row_problems]
        out.append({**values, **({"id": raw["id"]} if raw.get("id") else {})})
    if problems:
        raise ValidationError(problems)
    return out


def _write_visits(op: Operation, trip: Trip, visits: Sequence[Mapping[str, Any]], replace: bool) -> None:
    rows = check_visits(op.session, visits, trip.departure_date, trip.return_date)
    existing = {v.id: v for v in op.session.scalars(select(TripVisit).where(
        TripVisit.trip_id == trip.id, TripVisit.deleted_at.is_(None)))}
    kept = set()
    for row in rows:
        visit_id = row.pop("id", None)
        if visit_id is not None:
            visit = existing.get(int(visit_id))
            if visit is None:
                raise NotFound(f"找不到这条走访企业记录（编号 {visit_id}），可能已被删除。")
            kept.add(visit.id)
            update_in(op, VISIT, visit, row)
        else:
            visit = TripVisit(trip_id=trip.id, **row)
            op.session.add(visit)
            op.session.flush()
            op.record("trip_visit", visit, "insert", None)
    if replace:
        for visit_id, visit in existing.items():
            if visit_id not in kept:
                before = op.snapshot("trip_visit", visit)
                visit.deleted_at = op.now
                op.record("trip_visit", visit, "delete", before)


def create_trip_in(op: Operation, fields: Mapping[str, Any], visits: Sequence[Mapping[str, Any]] = ()) -> Trip:
    """Insert one trip with its visits inside an operation that is already open (an import)."""
    raw = {"unit_ids": [], **fields}
    trip = cast(Trip, create_in(op, TRIP, raw, after_write=_after_write, prepare=_prepare))
    _write_visits(op, trip, visits, replace=False)
    return trip


def create_trip(ledger: Ledger, fields: Mapping[str, Any], visits: Sequence[Mapping[str, Any]] = ()) -> Change:
    with operation(ledger, "新增外出招商") as op:
        trip = create_trip_in(op, fields, visits)
        op.change.label = f"新增外出招商“{TRIP.title(trip)}”"
    return op.change


def update_trip_in(op: Operation, trip_id: int, changes: Mapping[str, Any],
                   visits: Sequence[Mapping[str, Any]] | None = None) -> Trip:
    """Change one live trip (and with ``visits``, make its visit list equal) inside an open operation."""
    trip = cast(Trip, get_live(op.session, TRIP, trip_id))
    links = _trip_links(op.session, trip_id)
    merged = {**{k: v for k, v in links.items() if k not in changes}, **changes}
    update_in(op, TRIP, trip, merged, after_write=_after_write)
    if visits is not None:
        _write_visits(op, trip, visits, replace=True)
        if any(r.entity == "trip_visit" for r in op.change.records):
            # a change of visits alone still moves the trip's version: another window's form is stale
            trip.updated_at = op.now
            flag_modified(trip, "updated_at")
            op.session.flush()
    return trip


def update_trip(ledger: Ledger, trip_id: int, changes: Mapping[str, Any],
                visits: Sequence[Mapping[str, Any]] | None = None, expected_version: int | None = None) -> Change:
    with operation(ledger, "修改外出招商") as op:
        trip = cast(Trip, get_live(op.session, TRIP, trip_id))
        if expected_version is not None and trip.version != expected_version:
            raise ConflictError("这条外出招商记录刚被其他人修改过，为避免覆盖对方的修改，本次未保存。请刷新后重新修改。")
        update_trip_in(op, trip_id, changes, visits)
        op.change.label = f"修改外出招商“{TRIP.title(trip)}”"
    return op.change


def delete_trips(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, TRIP, ids, True)


def restore_trips(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, TRIP, ids, False)


def lead_from_visit(ledger: Ledger, visit_id: int, fields: Mapping[str, Any] | None = None) -> Change:
    """A 新线索 from a visited company, linked from the visit (one undoable step)."""
    with operation(ledger, "由走访企业生成线索") as op:
        visit = op.session.get(TripVisit, visit_id)
        if visit is None or visit.deleted_at is not None:
            raise NotFound(f"找不到这条走访企业记录（编号 {visit_id}），可能已被删除。")
        trip = cast(Trip, get_live(op.session, TRIP, visit.trip_id))
        if visit.lead_id is not None:
            existing = op.session.get(Lead, visit.lead_id)
            if existing is not None and existing.deleted_at is None:
                raise LedgerError(f"走访企业“{visit.company}”已生成过线索，不能重复生成。")
        first_unit = op.session.scalar(select(TripUnit.unit_id).where(TripUnit.trip_id == trip.id)
                                       .order_by(TripUnit.unit_id).limit(1))
        raw = {"received_date": visit.date or trip.departure_date, "company": visit.company, "source_id": "其他",
               "unit_id": first_unit, "notes": f"外出招商（{trip.province}{trip.city}，{trip.leader or '—'}带队）"
                                               f"拜访时收集。{visit.notes}".strip()}
        raw.update(fields or {})
        lead = create_lead_in(op, raw)
        before = op.snapshot("trip_visit", visit)
        visit.lead_id = lead.id
        op.record("trip_visit", visit, "update", before)
        op.change.label = f"由走访企业“{visit.company}”生成线索"
    return op.change


__all__ = ["TRIP", "VISIT", "check_visits", "create_trip", "create_trip_in", "delete_trips", "lead_from_visit",
           "restore_trips", "trip_rules", "update_trip", "update_trip_in"]
