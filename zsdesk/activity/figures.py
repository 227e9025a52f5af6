"""招商活动 figures (SPEC §10) per unit and for the district, for any ``Period``.

- A trip counts in the period of its departure date, once for each unit taking part; the district
  counts each trip once (distinct trips). Its companies visited and intentions (有合作意向) count with it;
  it is under quota when it visited fewer than ``rules.trip_min_companies`` companies or brought back
  fewer than ``rules.trip_min_intentions`` intentions (the rules of the period's year).
- A lead counts in the period of its received date, for its assigned unit (the district: every lead);
  ``converted_leads`` are those of them converted to a project (a lead is never counted twice), and
  ``conversion_rate`` = converted ÷ received × 100, two decimals half-up, ``None`` with no lead.
- ``new_negotiations``: projects whose first contact (在谈) falls in the period, for their lead unit;
  withdrawn (退库) projects count nowhere.
Deleted records count nowhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Lead, Project, Trip, TripUnit, TripVisit, Unit
from ..periods import Period
from ..rules import load_rules

FIGURES = ("trips", "leader_led_trips", "companies_visited", "intentions", "trips_under_quota", "new_leads",
           "converted_leads", "new_negotiations", "conversion_rate")
FIGURE_LABELS = {
    "trips": "外出招商（次）", "leader_led_trips": "区领导带队（次）", "companies_visited": "拜访企业（家）",
    "intentions": "有效意向（个）", "trips_under_quota": "未达标（次）", "new_leads": "新增线索（条）",
    "converted_leads": "转化项目（个）", "new_negotiations": "新增在谈项目（个）", "conversion_rate": "线索转化率（%）",
}


@dataclass
class ActivityFigures:
    trips: int = 0
    leader_led_trips: int = 0
    companies_visited: int = 0
    intentions: int = 0
    trips_under_quota: int = 0
    new_leads: int = 0
    converted_leads: int = 0
    new_negotiations: int = 0

    @property
    def conversion_rate(self) -> Decimal | None:
        if not self.new_leads:
            return None
        return (Decimal(self.converted_leads * 100) / Decimal(self.new_leads)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        rate = self.conversion_rate
        out["conversion_rate"] = None if rate is None else float(rate)
        return out

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass
class UnitActivity:
    unit_id: int
    unit: str
    short_name: str
    figures: ActivityFigures


@dataclass
class Activity:
    period: Period
    district: ActivityFigures
    units: list[UnitActivity]
    min_companies: int
    min_intentions: int


@dataclass(frozen=True)
class _TripStat:
    leader_led: bool
    companies: int
    intentions: int
    under_quota: bool


def _trip_stats(session: Session, period: Period, min_companies: int, min_intentions: int) -> dict[int, _TripStat]:
    """Each live trip departing in the period with its live visits and intentions: one pass over the trips'
    departure index and the visits' (trip, deleted, outcome) index, no table lookups."""
    intention = func.sum(case((TripVisit.outcome == "intention", 1), else_=0))
    query = (select(Trip.id, Trip.level, func.count(TripVisit.id), intention)
             .outerjoin(TripVisit, (TripVisit.trip_id == Trip.id) & TripVisit.deleted_at.is_(None))
             .where(Trip.deleted_at.is_(None), Trip.departure_date.between(period.start, period.end))
             .group_by(Trip.id, Trip.level))
    out = {}
    for trip_id, level, companies, intentions in session.execute(query):
        companies, intentions = int(companies), int(intentions or 0)
        out[trip_id] = _TripStat(level == "district_leader", companies, intentions,
                                 companies < min_companies or intentions < min_intentions)
    return out


def _add_trip(f: ActivityFigures, stat: _TripStat) -> None:
    f.trips += 1
    f.leader_led_trips += stat.leader_led
    f.companies_visited += stat.companies
    f.intentions += stat.intentions
    f.trips_under_quota += stat.under_quota


def compute_activity(session: Session, period: Period, unit_ids: Iterable[int] | None = None) -> Activity:
    """The figures of ``period``; ``unit_ids`` limits the unit list (the district is always whole)."""
    rules = load_rules(session, period.year)
    stats = _trip_stats(session, period, rules.trip_min_companies, rules.trip_min_intentions)
    district = ActivityFigures()
    by_unit: dict[int, ActivityFigures] = defaultdict(ActivityFigures)
    for stat in stats.values():
        _add_trip(district, stat)
    if stats:
        in_period = (select(Trip.id).where(Trip.deleted_at.is_(None),
                                           Trip.departure_date.between(period.start, period.end)))
        for trip_id, unit_id in session.execute(select(TripUnit.trip_id, TripUnit.unit_id)
                                                .where(TripUnit.trip_id.in_(in_period))):
            _add_trip(by_unit[unit_id], stats[trip_id])
    converted = func.sum(case((Lead.status == "converted", 1), else_=0))
    for unit_id, received, done in session.execute(
            select(Lead.unit_id, func.count(), converted)
            .where(Lead.deleted_at.is_(None), Lead.received_date.between(period.start, period.end))
            .group_by(Lead.unit_id)):
        for f in (district, by_unit[unit_id]) if unit_id is not None else (district,):
            f.new_leads += int(received)
            f.converted_leads += int(done or 0)
    for lead_unit, count in session.execute(
            select(Project.lead_unit_id, func.count())
            .where(Project.deleted_at.is_(None), Project.stage != "withdrawn",
                   Project.first_contact_date.between(period.start, period.end))
            .group_by(Project.lead_unit_id)):
        district.new_negotiations += int(count)
        if lead_unit is not None:
            by_unit[lead_unit].new_negotiations += int(count)
    wanted = None if unit_ids is None else set(unit_ids)
    units = []
    for uid, name, short, active in session.execute(
            select(Unit.id, Unit.name, Unit.short_name, Unit.active).where(Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)):
        if wanted is not None and uid not in wanted:
            continue
        f = by_unit.get(uid, ActivityFigures())
        if active or not f.is_empty():
            units.append(UnitActivity(uid, name, short or name, f))
    return Activity(period, district, units, rules.trip_min_companies, rules.trip_min_intentions)


def activity_to_json(activity: Activity) -> dict[str, Any]:
    """``zsdesk activity --json`` (SPEC §10): ``{"period", "start", "end", "district": {…}, "units": [{"unit", …}]}``."""
    p = activity.period
    return {"period": p.code, "start": p.start.isoformat(), "end": p.end.isoformat(),
            "district": activity.district.as_dict(),
            "units": [{"unit": u.unit, **u.figures.as_dict()} for u in activity.units]}
