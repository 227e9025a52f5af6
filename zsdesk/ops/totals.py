"""Maintained totals: ``projects.arrived_total`` (累计到位) = the sum of the project's live funding entries.

Kept in one place: :func:`zsdesk.ops.history.operation` calls :func:`refresh_after` before it writes the
audit rows, with the projects whose funding the operation touched (adding, correcting, deleting or
restoring an entry, an import, an undo or redo). A bulk writer that bypasses the records (the demo
build) calls :func:`refresh_arrived_totals` with no ids. ``zsdesk check`` compares the totals with the
sums (:func:`mismatched_totals`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from ..models import Funding, Project

# Columns derived from other records: not part of a record's snapshot (audit, undo, tamper replay).
DERIVED_COLUMNS = frozenset({"arrived_total"})


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


def refresh_after(session: Session, records: Iterable[Any]) -> None:
    ids = funded_projects(records)
    if ids:
        refresh_arrived_totals(session, ids)


def mismatched_totals(session: Session, limit: int) -> tuple[int, list[tuple[str, int, int]]]:
    """(how many, first ``limit`` of (code, stored total, sum of live entries)) where they differ."""
    live = _live_sum()
    rows = session.execute(select(Project.code, Project.arrived_total, live).where(Project.arrived_total != live)
                           .order_by(Project.id)).all()
    return len(rows), [(str(c), int(t), int(s)) for c, t, s in rows[:limit]]
