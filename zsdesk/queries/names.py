"""Names for pick lists and for showing ids as words: units, dictionary entries, a project's links."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DictionaryEntry, Project, Unit
from ..ops.records import PROJECT_LINKS


def live_units(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every unit not deleted, in the bureau's order."""
    return [(i, n) for i, n in session.execute(
        select(Unit.id, Unit.name).where(Unit.deleted_at.is_(None)).order_by(Unit.sort_order, Unit.id)).all()]


def live_entries(session: Session, kind: str) -> list[tuple[int, str]]:
    """(id, name) of a dictionary's entries not deleted, in the dictionary's order."""
    return [(i, n) for i, n in session.execute(
        select(DictionaryEntry.id, DictionaryEntry.name).where(
            DictionaryEntry.kind == kind, DictionaryEntry.deleted_at.is_(None))
        .order_by(DictionaryEntry.sort_order)).all()]


def unit_names(session: Session) -> dict[int, str]:
    """Every unit's name by id, deleted ones included (old links still show a name)."""
    return {i: n for i, n in session.execute(select(Unit.id, Unit.name)).all()}


def entry_names(session: Session) -> dict[int, str]:
    """Every dictionary entry's name by id, deleted ones included."""
    return {i: n for i, n in session.execute(select(DictionaryEntry.id, DictionaryEntry.name)).all()}


def live_project(session: Session, project_id: int) -> Project | None:
    """The project, or None when it does not exist or was deleted."""
    p = session.get(Project, project_id)
    return None if p is None or p.deleted_at is not None else p


def project_links(session: Session, project_id: int) -> dict[str, list[int]]:
    """The project's linked ids per link field (cooperating units, tags, persons), sorted."""
    return {f: sorted(session.scalars(select(getattr(link, col)).where(link.project_id == project_id)))
            for f, (link, col) in PROJECT_LINKS.items()}
