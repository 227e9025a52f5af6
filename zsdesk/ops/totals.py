"""Maintained totals: ``projects.arrived_total`` (累计到位) = the sum of the project's live funding entries;
``leads.last_followup`` (最近跟进) = the date of the lead's latest live follow-up, else its received date.

Kept in one place: :func:`zsdesk.ops.history.operation` calls :func:`refresh_after` before it writes the
audit rows, with the projects whose funding the operation touched (adding, correcting, deleting or
restoring an entry, an import, an undo or redo), and with the leads whose follow-ups or own record it
touched. A bulk writer that bypasses the records (the demo builds) calls :func:`refresh_arrived_totals` /
:func:`refresh_last_followups` with no ids. ``zsdesk check`` compares them with what they are kept from
(:func:`mismatched_totals`, :func:`mismatched_last_followups`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from ..models import Funding, Lead, LeadFollowup, Project

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
