"""Leads (线索) and trips (外出招商) out to xlsx, and their import templates (SPEC §10).

- ``export_leads(ledger, path, period=None, with_contacts=False, ids=None) -> ExportResult`` — the 线索
  template's columns (so the file imports back) plus 转化项目 and 最近跟进; phone numbers masked
  (138****5678) unless ``with_contacts`` (含联系方式). The choice is written to the operation log
  (entity ``export``): always with contacts (a read-only ledger refuses it), otherwise when writable.
- ``export_trips(ledger, path, period=None, ids=None) -> ExportResult`` — one row per company visited
  (a trip without visits: one row with 拜访企业 blank), the 外出招商 template's columns.
- ``make_activity_template(kind, ledger, path)`` — ``kind`` "leads" / "trips"; the drop-down lists hold
  the ledger's units, chains and 线索来源 when a ledger is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..errors import LedgerError
from ..labels import LEAD_STATUS_LABELS, TRIP_LEVEL_LABELS, VISIT_OUTCOME_LABELS
from ..models import Lead, LeadFollowup, Project, Trip, TripUnit, TripVisit
from ..money import YUAN_PER_WAN
from ..ops.history import ChangeRecord, operation
from ..periods import Period
from ..queries.leads import mask_phone
from .columns import LEAD_COLUMNS, TRIP_COLUMNS
from .ledger_export import ExportResult, Names, origin_place
from .template import make_template
from .workbook import Column, ReportSheet, new_workbook, save_workbook

if TYPE_CHECKING:
    from ..ledger import Ledger

CHUNK = 900


def _columns(source: Sequence[Any]) -> list[Column]:
    kinds = {"date": "date", "money": "money_wan"}
    return [Column(c.header, kinds.get(c.kind, "text"), c.width) for c in source]


def record_export(ledger: Ledger, what: str, path: str | Path, rows: int, with_contacts: bool) -> None:
    """Write who exported which personal data to the operation log (SPEC §10: 含联系方式 is recorded)."""
    if ledger.read_only_reason is not None:
        if with_contacts:
            raise LedgerError("导出含联系方式的线索要记入操作日志，台账以只读方式打开时不能导出；请不勾选“含联系方式”。")
        return
    label = f"导出{what}：{Path(path).name}（{'含联系方式' if with_contacts else '联系电话已遮蔽'}）"
    with operation(ledger, label, undoable=False) as op:
        op.change.records.append(ChangeRecord("export", 0, "insert", None, {
            "what": what, "file": Path(path).name, "rows": rows, "with_contacts": with_contacts}))


def _lead_ids(session: Any, period: Period | None, ids: Sequence[int] | None) -> list[int]:
    if ids is not None:
        return list(ids)
    query = select(Lead.id).where(Lead.deleted_at.is_(None))
    if period is not None:
        query = query.where(Lead.received_date.between(period.start, period.end))
    return list(session.scalars(query.order_by(Lead.received_date, Lead.id)))


def _lead_rows(session: Any, ids: list[int], with_contacts: bool) -> Iterator[list[Any]]:
    names = Names(session)
    statuses = LEAD_STATUS_LABELS
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        found = {r.id: r for r in session.execute(select(Lead).where(Lead.id.in_(part))).scalars()}
        codes = dict(session.execute(select(Project.id, Project.code).where(
            Project.id.in_([r.project_id for r in found.values() if r.project_id]))).all())
        last: dict[int, Any] = dict(session.execute(
            select(LeadFollowup.lead_id, LeadFollowup.date).where(LeadFollowup.lead_id.in_(part),
                                                                  LeadFollowup.deleted_at.is_(None))
            .order_by(LeadFollowup.lead_id, LeadFollowup.date)).all())
        for lid in part:
            lead = found.get(lid)
            if lead is None:
                continue
            status = statuses.get(lead.status, lead.status)
            if lead.status == "invalid" and lead.status_reason:
                status = f"无效：{lead.status_reason}"
            phone = lead.phone if with_contacts else mask_phone(lead.phone)
            yield [lead.received_date, names.dictionary.get(lead.source_id) if lead.source_id else None,
                   lead.company, lead.contact_name or None, phone or None,
                   names.dictionary.get(lead.chain_id) if lead.chain_id else None,
                   lead.intended_investment / YUAN_PER_WAN or None,
                   names.units.get(lead.unit_id) if lead.unit_id else None,
                   names.persons.get(lead.person_id) if lead.person_id else None, status, lead.notes or None,
                   codes.get(lead.project_id) if lead.project_id else None, last.get(lid)]
        session.expunge_all()


def export_leads(ledger: Ledger, path: str | Path, period: Period | None = None, with_contacts: bool = False,
                 ids: Sequence[int] | None = None) -> ExportResult:
    district = ledger.get_setting("district_name", "") or ""
    title = f"{district}招商线索{f'（{period.label}）' if period else ''}"
    wb = new_workbook(title, "招商线索", ledger.operator)
    columns = [*_columns(LEAD_COLUMNS), Column("转化项目", width=11), Column("最近跟进", "date", 12)]
    with ledger.reading() as session:
        lead_ids = _lead_ids(session, period, ids)
        sheet = ReportSheet(wb, "线索", title, "单位：万元" + ("" if with_contacts else "；联系电话已遮蔽"), columns,
                            freeze_cols=3, bordered=False)
        for row in _lead_rows(session, lead_ids, with_contacts):
            sheet.append(row)
        sheet.close()
    save_workbook(wb, path)
    record_export(ledger, "招商线索", path, sheet.rows_written, with_contacts)
    return ExportResult(Path(path), sheet.rows_written)


def _trip_rows(session: Any, ids: list[int]) -> Iterator[list[Any]]:
    names = Names(session)
    levels, outcomes = TRIP_LEVEL_LABELS, VISIT_OUTCOME_LABELS
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        trips = {t.id: t for t in session.execute(select(Trip).where(Trip.id.in_(part))).scalars()}
        units: dict[int, list[int]] = defaultdict(list)
        for tid, uid in session.execute(select(TripUnit.trip_id, TripUnit.unit_id).where(TripUnit.trip_id.in_(part))
                                        .order_by(TripUnit.trip_id, TripUnit.unit_id)):
            units[tid].append(uid)
        visits: dict[int, list[TripVisit]] = defaultdict(list)
        for visit in session.scalars(select(TripVisit).where(TripVisit.trip_id.in_(part), TripVisit.deleted_at.is_(None))
                                     .order_by(TripVisit.trip_id, TripVisit.date, TripVisit.id)):
            visits[visit.trip_id].append(visit)
        for tid in part:
            trip = trips.get(tid)
            if trip is None:
                continue
            head = [trip.departure_date, trip.return_date, origin_place(trip.province, trip.city) or None,
                    trip.leader or None, levels.get(trip.level, trip.level), names.join(units[tid], names.units)]
            if not visits[tid]:
                yield [*head, None, None, None, trip.notes or None]
            for visit in visits[tid]:
                yield [*head, visit.company, visit.date, outcomes.get(visit.outcome, visit.outcome),
                       visit.notes or None]
        session.expunge_all()


def export_trips(ledger: Ledger, path: str | Path, period: Period | None = None,
                 ids: Sequence[int] | None = None) -> ExportResult:
    district = ledger.get_setting("district_name", "") or ""
    title = f"{district}外出招商{f'（{period.label}）' if period else ''}"
    wb = new_workbook(title, "外出招商", ledger.operator)
    with ledger.reading() as session:
        if ids is None:
            query = select(Trip.id).where(Trip.deleted_at.is_(None))
            if period is not None:
                query = query.where(Trip.departure_date.between(period.start, period.end))
            trip_ids = list(session.scalars(query.order_by(Trip.departure_date, Trip.id)))
        else:
            trip_ids = list(ids)
        sheet = ReportSheet(wb, "外出招商", title, "一行一家拜访企业；出发日期、目的地、带队领导相同的行是同一次外出招商",
                            _columns(TRIP_COLUMNS), freeze_cols=3, bordered=False)
        for row in _trip_rows(session, trip_ids):
            sheet.append(row)
        sheet.close()
    save_workbook(wb, path)
    return ExportResult(Path(path), sheet.rows_written)


def make_activity_template(kind: str, ledger: Ledger | None, path: str | Path) -> Path:
    if kind not in ("leads", "trips"):
        raise LedgerError(f"不认识的模板类型“{kind}”，应为 leads / trips。")
    return make_template(kind, ledger, path)
