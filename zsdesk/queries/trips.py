"""Finding trips (SPEC §10): one filter + sort → one SQL query of ids; rows by page; a trip's visits.

- ``TripQuery(...)`` — filters: ``text`` (destination, leader, notes, a visited company), ``unit_id`` (a unit
  taking part), ``level``, ``departed_from``/``departed_to`` (dates), ``under_quota_only`` (fewer than
  ``min_companies`` visits or ``min_intentions`` 有合作意向); ``sort`` one of ``SORT_KEYS``.
  ``.ids(session)``, ``.count(session)``.
- ``fetch_trip_rows(session, ids, min_companies=3, min_intentions=3) -> dict[id, TripRow]``.
- ``under_quota_trip_ids(session, start, end, min_companies=3, min_intentions=3)``.
- ``trip_visits(session, trip_id) -> list[VisitRow]`` (in date order), ``trip_detail(session, trip_id)``.
- ``TripRow.leads``: visits that produced a live lead (产生线索数); ``trip_leaders(session)``: type-ahead names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from ..models import Lead, Person, Trip, TripPerson, TripUnit, TripVisit, Unit
from ..rules import DEFAULT_TRIP_MIN_COMPANIES, DEFAULT_TRIP_MIN_INTENTIONS
from .leads import fetch_ids_dated
from .projects import _escape_like


def companies_expr() -> Any:
    """Live visits of the trip (companies visited)."""
    return (select(func.count()).where(TripVisit.trip_id == Trip.id, TripVisit.deleted_at.is_(None))
            .correlate(Trip).scalar_subquery())


def intentions_expr() -> Any:
    """Live visits of the trip whose outcome is 有合作意向."""
    return (select(func.count()).where(TripVisit.trip_id == Trip.id, TripVisit.deleted_at.is_(None),
                                       TripVisit.outcome == "intention").correlate(Trip).scalar_subquery())


def leads_expr() -> Any:
    """Live visits of the trip that produced a live lead (产生线索数)."""
    return (select(func.count()).select_from(TripVisit).join(Lead, Lead.id == TripVisit.lead_id)
            .where(TripVisit.trip_id == Trip.id, TripVisit.deleted_at.is_(None), Lead.deleted_at.is_(None))
            .correlate(Trip).scalar_subquery())


def under_quota_condition(min_companies: Any, min_intentions: Any) -> ColumnElement[bool]:
    return or_(companies_expr() < min_companies, intentions_expr() < min_intentions)


_SORT_COLUMNS: dict[str, Any] = {
    "departure_date": Trip.departure_date, "return_date": Trip.return_date, "destination": Trip.province,
    "leader": Trip.leader, "level": Trip.level, "updated_at": Trip.updated_at,
}
SORT_KEYS = (*_SORT_COLUMNS, "companies", "intentions", "under_quota")


@dataclass(frozen=True)
class TripQuery:
    text: str = ""
    unit_id: int | None = None
    level: str | None = None
    departed_from: date | None = None
    departed_to: date | None = None
    under_quota_only: bool = False
    min_companies: int = DEFAULT_TRIP_MIN_COMPANIES
    min_intentions: int = DEFAULT_TRIP_MIN_INTENTIONS
    sort: str = "departure_date"
    descending: bool = True

    def conditions(self) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [Trip.deleted_at.is_(None)]
        text = self.text.strip()
        if text:
            like = f"%{_escape_like(text)}%"
            conds.append(or_(Trip.province.like(like, escape="\\"), Trip.city.like(like, escape="\\"),
                             Trip.leader.like(like, escape="\\"), Trip.notes.like(like, escape="\\"),
                             exists().where(TripVisit.trip_id == Trip.id, TripVisit.deleted_at.is_(None),
                                            TripVisit.company.like(like, escape="\\"))))
        if self.unit_id is not None:
            conds.append(exists().where(TripUnit.trip_id == Trip.id, TripUnit.unit_id == self.unit_id))
        if self.level:
            conds.append(Trip.level == self.level)
        if self.departed_from is not None:
            conds.append(Trip.departure_date >= self.departed_from)
        if self.departed_to is not None:
            conds.append(Trip.departure_date <= self.departed_to)
        if self.under_quota_only:
            conds.append(under_quota_condition(self.min_companies, self.min_intentions))
        return conds

    def select(self) -> Select[int]:
        stmt = select(Trip.id).where(*self.conditions())
        key = self.sort if self.sort in SORT_KEYS else "departure_date"
        if key in _SORT_COLUMNS:
            order: Any = _SORT_COLUMNS[key]
        elif key == "companies":
            order = companies_expr()
        elif key == "intentions":
            order = intentions_expr()
        else:
            order = case((under_quota_condition(self.min_companies, self.min_intentions), 0), else_=1)
        direction = order.desc() if self.descending else order.asc()
        tie = Trip.id.desc() if self.descending else Trip.id.asc()
        return stmt.order_by(direction, tie)

    def ids(self, session: Session) -> list[int]:
        return fetch_ids_dated(session, self.select())

    def count(self, session: Session) -> int:
        return session.scalar(select(func.count()).select_from(Trip).where(*self.conditions())) or 0


def under_quota_trip_ids(session: Session, start: date | None = None, end: date | None = None,
                         min_companies: int = DEFAULT_TRIP_MIN_COMPANIES,
                         min_intentions: int = DEFAULT_TRIP_MIN_INTENTIONS) -> list[int]:
    return TripQuery(departed_from=start, departed_to=end, under_quota_only=True, min_companies=min_companies,
                     min_intentions=min_intentions, sort="departure_date", descending=False).ids(session)


@dataclass(frozen=True)
class TripRow:
    id: int
    departure_date: date
    return_date: date | None
    province: str
    city: str
    leader: str
    level: str
    units: str
    persons: str
    companies: int
    intentions: int
    under_quota: bool
    notes: str
    version: int
    leads: int = 0  # visits that produced a (live) lead

    @property
    def destination(self) -> str:
        return f"{self.province}{self.city}"


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


@lru_cache(maxsize=1)
def _rows_statement() -> Select[*tuple[Any, ...]]:
    companies, intentions = companies_expr(), intentions_expr()
    return select(Trip.id, Trip.departure_date, Trip.return_date, Trip.province, Trip.city, Trip.leader, Trip.level,
                  Trip.notes, Trip.version, companies, intentions, leads_expr()).where(Trip.id.in_(_IDS))


@lru_cache(maxsize=1)
def _links_statement() -> Select[Any]:
    parts = [select(literal(0).label("kind"), TripUnit.trip_id.label("tid"), Unit.name.label("name"),
                    Unit.sort_order.label("sort"))
             .join(Unit, Unit.id == TripUnit.unit_id).where(TripUnit.trip_id.in_(_IDS)),
             select(literal(1), TripPerson.trip_id, Person.name, cast(literal(0), Integer))
             .join(Person, Person.id == TripPerson.person_id).where(TripPerson.trip_id.in_(_IDS))]
    union = parts[0].union_all(parts[1]).subquery()
    return select(union.c.kind, union.c.tid, union.c.name).order_by(union.c.kind, union.c.tid, union.c.sort,
                                                                     union.c.name)


def fetch_trip_rows(session: Session, ids: Sequence[int], min_companies: int = DEFAULT_TRIP_MIN_COMPANIES,
                    min_intentions: int = DEFAULT_TRIP_MIN_INTENTIONS) -> dict[int, TripRow]:
    if not ids:
        return {}
    params = {"ids": list(ids)}
    units: dict[int, list[str]] = {}
    persons: dict[int, list[str]] = {}
    for kind, tid, name in session.execute(_links_statement(), params):
        (units if kind == 0 else persons).setdefault(tid, []).append(name)
    rows = {}
    for (tid, leave, back, province, city, leader, level, notes, version, companies, intentions,
         leads) in session.execute(_rows_statement(), params):
        rows[tid] = TripRow(tid, leave, back, province, city, leader, level, "、".join(units.get(tid, ())),
                            "、".join(persons.get(tid, ())), int(companies), int(intentions),
                            companies < min_companies or intentions < min_intentions, notes, version, int(leads))
    return rows


@dataclass(frozen=True)
class VisitRow:
    id: int
    company: str
    date: date | None
    outcome: str
    lead_id: int | None
    notes: str


def trip_leaders(session: Session, limit: int = 200) -> list[str]:
    """Leaders who led live trips, most trips first (the trip form's type-ahead for 带队领导)."""
    return [name for name, _n in session.execute(
        select(Trip.leader, func.count()).where(Trip.deleted_at.is_(None), Trip.leader != "")
        .group_by(Trip.leader).order_by(func.count().desc(), Trip.leader).limit(limit))]


def trip_visits(session: Session, trip_id: int) -> list[VisitRow]:
    return [VisitRow(*r) for r in session.execute(
        select(TripVisit.id, TripVisit.company, TripVisit.date, TripVisit.outcome, TripVisit.lead_id, TripVisit.notes)
        .where(TripVisit.trip_id == trip_id, TripVisit.deleted_at.is_(None))
        .order_by(TripVisit.date.is_(None), TripVisit.date, TripVisit.id))]


@dataclass(frozen=True)
class TripDetail:
    """The trip form's values (``unit_ids``/``person_ids`` as ids) and its visits."""

    id: int
    values: dict[str, Any]
    visits: list[VisitRow]
    version: int


def trip_detail(session: Session, trip_id: int) -> TripDetail | None:
    trip = session.get(Trip, trip_id)
    if trip is None or trip.deleted_at is not None:
        return None
    values: dict[str, Any] = {k: getattr(trip, k) for k in ("departure_date", "return_date", "province", "city",
                                                            "leader", "level", "notes")}
    values["unit_ids"] = sorted(session.scalars(select(TripUnit.unit_id).where(TripUnit.trip_id == trip_id)))
    values["person_ids"] = sorted(session.scalars(select(TripPerson.person_id).where(TripPerson.trip_id == trip_id)))
    return TripDetail(trip.id, values, trip_visits(session, trip_id), trip.version)
