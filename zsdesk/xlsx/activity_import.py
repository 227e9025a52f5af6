"""Import leads (线索) and trips (外出招商) from xlsx (SPEC §10), checked like projects (SPEC §5).

``import_activity_file(ledger, kind, path, dry_run=True, add_missing=False, progress=None, cancel=None)``
returns an ``ImportReport``: every problem at once with its sheet, row, column and a Chinese reason; a dry
run writes nothing; a real run is one operation — every row or none — audited and undoable. With
``add_missing`` the units, persons, chains and 线索来源 the file names and the ledger lacks are created in the
same operation.

- 线索: a row whose 企业名称 and 收到日期 match a live lead updates it (a blank cell changes nothing,
  ``（清空）`` clears); else a new lead. 状态 “无效：原因” sets the reason.
- 外出招商: rows with the same 出发日期, 目的地 and 带队领导 are one trip; its other trip cells must agree.
  A trip the ledger already has (same three keys) gets the file's visits (matched by company name).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..dates import parse_date
from ..errors import LedgerError, ValidationError
from ..labels import LEAD_STATUS_LABELS
from ..models import Lead, Trip, TripVisit
from ..ops.crud import create_in, update_in, validate
from ..ops.dictionaries import DICTIONARY
from ..ops.fields import split_list
from ..ops.history import Operation, operation
from ..ops.leads import LEAD, create_lead_in
from ..ops.leads import _touch as touch_lead  # the lead ops' own bookkeeping
from ..ops.trips import TRIP, check_visits, create_trip_in, update_trip_in
from ..ops.units import PERSON, UNIT
from .cells import exact_key, is_clear, row_cells
from .columns import kind_columns
from .importer import guess_unit_kind
from .lookups import norm
from .reader import ImportProblem, read_table
from .rows_base import Context, ImportReport
from .rows_projects import money_value, split_place, text_value
from .workbook import ExportCancelled

if TYPE_CHECKING:
    from ..ledger import Ledger

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
_INVALID = re.compile(r"^无效\s*[:：（(]?\s*(.*?)\s*[)）]?$")


class _Rejected(Exception):
    pass


@dataclass
class _Plan:
    row: int
    raw: dict[str, Any]
    existing_id: int | None = None
    visits: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # trips: (row, visit fields)


class _Missing:
    """Names the ledger lacks, for ``--add-missing``: 线索来源 beside the report's units/persons/chains."""

    def __init__(self) -> None:
        self.sources: list[str] = []


def _unit(ctx: Context, number: int, field_name: str, value: Any) -> int | None:
    if value is None:
        return None
    unit = ctx.lookups.unit(text_value(value))
    if unit is None:
        ctx.problem(number, field_name, f"没有这个单位：{value}")
        ctx.missing_unit(norm(text_value(value)))
        return None
    return unit.id


def _entry(ctx: Context, number: int, field_name: str, kind: str, value: Any, missing: _Missing) -> int | None:
    if value is None:
        return None
    entry = ctx.lookups.entry(kind, text_value(value))
    if entry is None:
        name = norm(text_value(value))
        if kind == "lead_source":
            if name not in missing.sources:
                missing.sources.append(name)
            near = ctx.lookups.nearest(kind, name)
            hint = f"（相近：{near}？）" if near else ""
            ctx.problem(number, field_name, f"线索来源字典中没有“{value}”{hint}")
        else:
            near = ctx.missing_entry(kind, name)
            ctx.problem(number, field_name, f"产业链字典中没有“{value}”{f'（相近：{near}？）' if near else ''}")
    return entry


def _person(ctx: Context, number: int, value: Any) -> int | None:
    if value is None:
        return None
    person, reason = ctx.lookups.person(text_value(value))
    if person is None:
        ctx.problem(number, "person_id", reason)
        if reason.startswith("没有"):
            ctx.missing_person(norm(text_value(value)))
        return None
    return person.id


# --- leads -----------------------------------------------------------------------------------------

def _lead_plans(ctx: Context, missing: _Missing) -> list[_Plan]:
    existing: dict[tuple[str, date], tuple[int, str]] = {}
    for lid, stored_company, stored_date, status in ctx.session.execute(
            select(Lead.id, Lead.company, Lead.received_date, Lead.status).where(Lead.deleted_at.is_(None))):
        existing.setdefault((exact_key(stored_company), stored_date), (lid, status))
    seen: dict[tuple[str, Any], int] = {}
    plans = []
    for number, row in ctx.table.rows:
        company = exact_key(text_value(row.get("company")))
        try:
            received = parse_date(row.get("received_date"))
        except LedgerError:
            received = None
        match = existing.get((company, received)) if received is not None else None
        key = (company, received)
        if company and received is not None:
            if key in seen:
                ctx.problem(number, "company", f"与第 {seen[key]} 行是同一天收到的同一企业的线索")
            seen[key] = number
        cells = row_cells(ctx, number, row, match is not None, keep=("received_date", "company", "source_id"))
        raw: dict[str, Any] = {}
        for name, value in cells.items():
            if name == "unit_id":
                raw[name] = _unit(ctx, number, name, value)
            elif name == "person_id":
                raw[name] = _person(ctx, number, value)
            elif name == "chain_id":
                raw[name] = _entry(ctx, number, name, "chain", value, missing)
            elif name == "source_id":
                raw[name] = _entry(ctx, number, name, "lead_source", value, missing)
                if raw[name] is None and value is None:
                    raw[name] = ""  # required: the spec reports 必填
            elif name == "phone" and "*" in str(value):
                # a masked number from our own export: it means “unchanged”, never a new number
                if match is None:
                    ctx.problem(number, name, f"“{value}”是遮蔽后的号码，请填写完整号码或留空")
            elif name == "intended_investment":
                raw[name] = money_value(value, ctx.unit_of(name))
            elif name == "status":
                _status(ctx, number, value, raw, match, row.get("notes"))
            elif name.endswith("_date"):
                raw[name] = value
            else:
                raw[name] = text_value(value)
        if raw.get("source_id") == "":
            ctx.problem(number, "source_id", "必填")
            raw.pop("source_id")
        plans.append(_Plan(number, raw, match[0] if match else None))
    return plans


def _status(ctx: Context, number: int, value: Any, raw: dict[str, Any], match: tuple[int, str] | None,
            notes: Any) -> None:
    if value is None:
        if match is None:
            raw["status"] = "new"
        return
    text = norm(text_value(value))
    m = _INVALID.match(text)
    if m:
        raw["status"] = "invalid"
        reason = m.group(1) or (exact_key(text_value(notes)) if notes else "")
        raw["status_reason"] = reason[:200]
        if not reason:
            ctx.problem(number, "status", "无效线索请写明原因，如“无效：企业已在外地落户”")
        return
    if text == LEAD_STATUS_LABELS["converted"]:
        if match is None or match[1] != "converted":
            ctx.problem(number, "status", "“已转项目”请在软件中用“转为项目”操作，导入时只能填新线索、跟进中或无效")
        return  # an exported converted lead re-imported: unchanged
    raw["status"] = value


# --- trips -----------------------------------------------------------------------------------------

_TRIP_FIELDS = ("return_date", "level", "unit_ids")


def _trip_plans(ctx: Context) -> list[_Plan]:
    existing: dict[tuple[date, str, str, str], int] = {}
    for tid, stored_leave, stored_province, stored_city, stored_leader in ctx.session.execute(
            select(Trip.id, Trip.departure_date, Trip.province, Trip.city, Trip.leader).where(Trip.deleted_at.is_(None))):
        existing.setdefault((stored_leave, norm(stored_province), norm(stored_city), norm(stored_leader)), tid)
    groups: dict[tuple[Any, ...], _Plan] = {}
    first_values: dict[tuple[Any, ...], dict[str, Any]] = {}
    for number, row in ctx.table.rows:
        try:
            leave = parse_date(row.get("departure_date"))
        except LedgerError as err:
            ctx.problem(number, "departure_date", str(err))
            continue
        if leave is None:
            ctx.problem(number, "departure_date", "必填")
            continue
        province, city = split_place(text_value(row.get("destination")))
        if not (province or city):
            ctx.problem(number, "destination", "必填")
            continue
        leader = exact_key(text_value(row.get("leader")))
        key = (leave, norm(province), norm(city), norm(leader))
        trip_cells = {k: row.get(k) for k in _TRIP_FIELDS}
        if key not in groups:
            unit_ids = [_unit(ctx, number, "unit_ids", u) for u in split_list(text_value(row.get("unit_ids")))]
            raw: dict[str, Any] = {"departure_date": leave, "province": province, "city": city, "leader": leader,
                                   "return_date": row.get("return_date"),
                                   "unit_ids": [u for u in unit_ids if u is not None]}
            if row.get("level") is not None:
                raw["level"] = row.get("level")
            if not unit_ids:
                ctx.problem(number, "unit_ids", "必填：至少要有一个参加单位")
            groups[key] = _Plan(number, raw, existing.get(key))
            first_values[key] = trip_cells
        else:
            first = first_values[key]
            plan = groups[key]
            for name in _TRIP_FIELDS:
                mine, theirs = trip_cells[name], first[name]
                if mine is not None and theirs is not None and norm(text_value(mine)) != norm(text_value(theirs)):
                    ctx.problem(number, name, f"与第 {plan.row} 行同属一次外出招商（出发日期、目的地、带队领导相同），"
                                              f"但这一列不同：“{text_value(mine)}” ≠ “{text_value(theirs)}”")
                elif theirs is None and mine is not None:
                    first[name] = mine
                    if name == "unit_ids":
                        ids = [_unit(ctx, number, name, u) for u in split_list(text_value(mine))]
                        plan.raw["unit_ids"] = [u for u in ids if u is not None]
                    else:
                        plan.raw[name] = mine
        company = row.get("company")
        if company is not None and not is_clear(company):
            visit = {"company": text_value(company), "date": row.get("date"), "notes": text_value(row.get("notes"))}
            if row.get("outcome") is not None:
                visit["outcome"] = row.get("outcome")
            groups[key].visits.append((number, visit))
        elif any(row.get(k) is not None for k in ("date", "outcome")):
            ctx.problem(number, "company", "填了拜访日期或洽谈结果，但没有拜访企业")
    return list(groups.values())


def _check_trip(ctx: Context, plan: _Plan) -> None:
    obj = ctx.session.get(Trip, plan.existing_id) if plan.existing_id else None
    try:
        values = validate(ctx.session, TRIP, plan.raw, obj)
    except ValidationError as err:
        for p in err.problems:
            ctx.problem(plan.row, p.field if p.field in ("return_date", "unit_ids", "level") else "departure_date",
                        p.reason)
        return
    leave = values.get("departure_date") or (obj.departure_date if obj else None)
    back = values.get("return_date") if "return_date" in values else (obj.return_date if obj else None)
    for number, visit in plan.visits:
        try:
            check_visits(ctx.session, [visit], leave, back)
        except ValidationError as err:
            for p in err.problems:
                ctx.problem(number, p.field, p.reason)


# --- the run ---------------------------------------------------------------------------------------

def _check(ctx: Context, kind: str, missing: _Missing, cancel: Cancel | None) -> list[_Plan]:
    if cancel is not None and cancel():
        raise ExportCancelled("已取消导入，没有写入任何数据。")
    if kind == "leads":
        plans = _lead_plans(ctx, missing)
        existing = {p.existing_id: ctx.session.get(Lead, p.existing_id) for p in plans if p.existing_id}
        for plan in plans:
            try:
                validate(ctx.session, LEAD, plan.raw, existing.get(plan.existing_id) if plan.existing_id else None)
            except ValidationError as err:
                for p in err.problems:
                    ctx.problem(plan.row, p.field, p.reason)
    else:
        plans = _trip_plans(ctx)
        for plan in plans:
            _check_trip(ctx, plan)
    ctx.report.would_create = sum(1 for p in plans if p.existing_id is None)
    ctx.report.would_update = len(plans) - ctx.report.would_create
    order = {m.header: m.index for m in ctx.table.columns}
    ctx.report.problems.sort(key=lambda p: (p.row, order.get(p.column, 999)))
    return plans


def _apply(op: Operation, kind: str, plans: list[_Plan]) -> None:
    for plan in plans:
        if kind == "leads":
            if plan.existing_id is None:
                create_lead_in(op, plan.raw)
            else:
                update_in(op, LEAD, op.session.get(Lead, plan.existing_id), plan.raw, after_write=touch_lead)  # type: ignore[arg-type]  # checked in this transaction
        elif plan.existing_id is None:
            create_trip_in(op, plan.raw, [v for _, v in plan.visits])
        else:
            stored = {exact_key(c): vid for vid, c in op.session.execute(
                select(TripVisit.id, TripVisit.company).where(TripVisit.trip_id == plan.existing_id,
                                                              TripVisit.deleted_at.is_(None)))}
            visits = [{**v, **({"id": stored[exact_key(v["company"])]} if exact_key(v["company"]) in stored else {})}
                      for _, v in plan.visits]
            update_trip_in(op, plan.existing_id, plan.raw, visits)


def _create_missing(op: Operation, report: ImportReport, missing: _Missing) -> None:

    for name in report.missing_units:
        create_in(op, UNIT, {"name": name, "short_name": name, "kind": guess_unit_kind(name)})
        report.created.append(f"单位“{name}”")
    for kind, label, names in (("chain", "产业链", report.missing_chains), ("lead_source", "线索来源", missing.sources)):
        for name in names:
            create_in(op, DICTIONARY, {"kind": kind, "name": name})
            report.created.append(f"{label}“{name}”")
    for name in report.missing_persons:
        create_in(op, PERSON, {"name": name})
        report.created.append(f"人员“{name}”")


def import_activity_file(ledger: Ledger, kind: str, path: str | Path, dry_run: bool = True,
                         add_missing: bool = False, progress: Progress | None = None,
                         cancel: Cancel | None = None) -> ImportReport:
    if kind not in ("leads", "trips"):
        raise LedgerError(f"不认识的导入类型“{kind}”，应为 leads / trips。")
    label, _ = kind_columns(kind)
    table = read_table(path, kind, progress=progress, cancel=cancel)
    report = ImportReport(kind, str(path), table.sheet, table.header_row, len(table.rows), list(table.problems),
                          notes=list(table.notes), ignored_headers=table.ignored_headers, dry_run=dry_run)
    if not table.rows:
        return report
    missing = _Missing()
    if dry_run:
        with ledger.reading() as session:
            _check(Context(session, table, report), kind, missing, cancel)
        _note_sources(report, missing)
        return report
    try:
        with operation(ledger, f"导入{label}：{Path(path).name}") as op:
            plans = _check(Context(op.session, table, report), kind, missing, cancel)
            if report.problems and add_missing and (report.missing_any or missing.sources):
                _create_missing(op, report, missing)
                report.missing_units, report.missing_persons, report.missing_chains = [], [], []
                report.problems = list(table.problems)
                missing = _Missing()
                plans = _check(Context(op.session, table, report), kind, missing, cancel)
            if report.problems:
                raise _Rejected
            _apply(op, kind, plans)
            op.change.label = (f"导入{label}：{Path(path).name}（新增 {report.would_create} 条，"
                               f"更新 {report.would_update} 条）")
    except _Rejected:
        report.created = []
        _note_sources(report, missing)
        return report
    except ValidationError as err:
        report.problems.append(ImportProblem(table.sheet, 0, "", str(err)))
        return report
    report.written = True
    report.change = op.change
    return report


def _note_sources(report: ImportReport, missing: _Missing) -> None:
    if missing.sources:
        report.notes.append(f"台账中没有这些线索来源：{'、'.join(missing.sources)}（可在字典中添加，或加 --add-missing）")

