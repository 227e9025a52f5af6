"""Maintained totals: ``projects.arrived_total`` (累计到位) = the sum of the project's live funding entries;
``funding_months`` = the same entries summed per project, year and month (the board's funds, migration 0013;
kept by triggers, see zsdesk/funding_months.py — rebuilt here only by the demo builds and checked here);
``leads.last_followup`` (最近跟进) = the date of the lead's latest live follow-up, else its received date.

Kept in one place: :func:`zsdesk.ops.history.operation` calls :func:`refresh_after` before it writes the
audit rows, with the projects whose funding the operation touched (adding, correcting, deleting or
restoring an entry, an import, an undo or redo), and with the leads whose follow-ups or own record it
touched. A bulk writer that bypasses the records (the demo builds) calls :func:`refresh_arrived_totals` /
:func:`refresh_funding_months` / :func:`refresh_last_followups` with no ids. ``zsdesk check`` compares them
with what they are kept from (:func:`mismatched_totals`, :func:`mismatched_funding_months`,
:func:`mismatched_last_followups`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Integer, Table, case, delete, extract, func, insert, literal_column, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from ..models import MONTH_COLUMNS, Funding, FundingMonth, Lead, LeadFollowup, Project

# Columns derived from other records: not part of a record's snapshot (audit, undo, tamper replay).
DERIVED_COLUMNS = frozenset({"arrived_total", "last_followup"})


def _live_sum() -> Any:
    return (select(func.coalesce(func.sum(Funding.amount), 0)).where(
        Funding.project_id == Project.id, Funding.deleted_at.is_(None)).scalar_subquery())


def refresh_arrived_totals(session: Session, project_ids: Iterable[int] | None = None) -> None:
    """Recompute ``arrived_total`` of these projects (every project with ``None``) in one UPDATE each 900."""
    table = cast(Table, Project.__table__)
    if project_ids is None:
        session.execute(update(table).values(arrived_total=_live_sum()))
        return
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), 900):
        session.execute(update(table).where(table.c.id.in_(ids[start:start + 900])).values(arrived_total=_live_sum()))


def _funding_months_select() -> Any:
    """The ``funding_months`` rows as they should be: live entries grouped by (project, year), summed per month,
    with the bit of every month that has an entry (a sum of distinct powers of two: an OR on both databases)."""
    year = sql_cast(extract("year", Funding.date), Integer)
    month = sql_cast(extract("month", Funding.date), Integer)
    sums = [func.sum(case((month == k, Funding.amount), else_=0)).label(name)
            for k, name in enumerate(MONTH_COLUMNS, start=1)]
    mask = func.sum(literal_column("1").op("<<")(month - 1).distinct()).label("entry_months")
    return (select(Funding.project_id, year.label("year"), mask, *sums)
            .where(Funding.deleted_at.is_(None)).group_by(Funding.project_id, year))


_FM_COLUMNS = ("project_id", "year", "entry_months", *MONTH_COLUMNS)


def refresh_funding_months(session: Session, project_ids: Iterable[int] | None = None) -> None:
    """Rebuild the ``funding_months`` rows of these projects (every project with ``None``), 900 at a time."""
    table = cast(Table, FundingMonth.__table__)
    if project_ids is None:
        session.execute(delete(table))
        session.execute(insert(table).from_select(_FM_COLUMNS, _funding_months_select()))
        return
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        session.execute(delete(table).where(table.c.project_id.in_(chunk)))
        session.execute(insert(table).from_select(
            _FM_COLUMNS, _funding_months_select().where(Funding.project_id.in_(chunk))))


def mismatched_funding_months(session: Session, limit: int) -> tuple[int, list[tuple[str, int]]]:
    """(how many, first ``limit`` of (project code, year)) whose ``funding_months`` row differs from its live
    entries (a changed, missing or extra row)."""
    want = {(int(r[0]), int(r[1])): tuple(int(v or 0) for v in r[2:])
            for r in session.execute(_funding_months_select())}
    have = {(int(r[0]), int(r[1])): tuple(int(v or 0) for v in r[2:]) for r in session.execute(
        select(*(FundingMonth.__table__.c[name] for name in _FM_COLUMNS)))}
    bad = sorted(k for k in want.keys() | have.keys() if want.get(k) != have.get(k))
    listed = sorted({p for p, _ in bad[:limit]})
    codes = {int(i): str(c) for i, c in session.execute(select(Project.id, Project.code).where(Project.id.in_(listed)))}
    return len(bad), [(codes.get(p, str(p)), y) for p, y in bad[:limit]]


def funded_projects(records: Iterable[Any]) -> set[int]:
    """The projects whose funding entries these ChangeRecords touched (before and after: an entry moved)."""
    ids: set[int] = set()
    for record in records:
        if record.entity == "funding":
            for snap in (record.before, record.after):
                if snap and snap.get("project_id") is not None:
                    ids.add(int(snap["project_id"]))
    return ids


def _latest_followup() -> Any:
    return func.coalesce(select(func.max(LeadFollowup.date)).where(
        LeadFollowup.lead_id == Lead.id, LeadFollowup.deleted_at.is_(None)).scalar_subquery(), Lead.received_date)


def refresh_last_followups(session: Session, lead_ids: Iterable[int] | None = None) -> None:
    """Recompute ``last_followup`` of these leads (every lead with ``None``) in one UPDATE each 900."""
    table = cast(Table, Lead.__table__)
    if lead_ids is None:
        session.execute(update(table).values(last_followup=_latest_followup()))
        return
    ids = sorted(set(lead_ids))
    for start in range(0, len(ids), 900):
        session.execute(update(table).where(table.c.id.in_(ids[start:start + 900]))
                        .values(last_followup=_latest_followup()))


def followed_leads(records: Iterable[Any]) -> set[int]:
    """The leads whose follow-ups (before and after: a note moved) or own record these ChangeRecords touched
    (a new lead, a changed received date, an undo that puts a lead back)."""
    ids: set[int] = set()
    for record in records:
        if record.entity == "lead":
            ids.add(int(record.entity_id))
        elif record.entity == "lead_followup":
            for snap in (record.before, record.after):
                if snap and snap.get("lead_id") is not None:
                    ids.add(int(snap["lead_id"]))
    return ids


def refresh_after(session: Session, records: Iterable[Any]) -> None:
    records = list(records)
    ids = funded_projects(records)
    if ids:
        refresh_arrived_totals(session, ids)
    leads = followed_leads(records)
    if leads:
        refresh_last_followups(session, leads)


def mismatched_totals(session: Session, limit: int) -> tuple[int, list[tuple[str, int, int]]]:
    """(how many, first ``limit`` of (code, stored total, sum of live entries)) where they differ."""
    live = _live_sum()
    rows = session.execute(select(Project.code, Project.arrived_total, live).where(Project.arrived_total != live)
                           .order_by(Project.id)).all()
    return len(rows), [(str(c), int(t), int(s)) for c, t, s in rows[:limit]]


def mismatched_last_followups(session: Session, limit: int) -> tuple[int, list[tuple[str, str | None, str]]]:
    """(how many, first ``limit`` of (company, stored date, what it should be)) where they differ."""
    expected = _latest_followup()
    rows = session.execute(select(Lead.company, Lead.last_followup, expected)
                           .where(Lead.last_followup.is_distinct_from(expected)).order_by(Lead.id)).all()
    return len(rows), [(str(c), None if d is None else str(d), str(e)) for c, d, e in rows[:limit]]
