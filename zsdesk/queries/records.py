"""Reads behind the record pages: a project's funding, a year's targets, units, persons, dictionaries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import DictionaryEntry, Funding, Person, Project, ProjectProgress, Target, Unit
from ..ops.records import ENTITY_MODELS


def project_funding(session: Session, project_id: int) -> list[Funding]:
    """The project's funding entries not deleted, oldest first."""
    return list(session.scalars(select(Funding).where(Funding.project_id == project_id,
                                                      Funding.deleted_at.is_(None)).order_by(Funding.date)))


def project_progress(session: Session, project_id: int) -> list[ProjectProgress]:
    """The project's progress notes (项目进展) not deleted, newest first (the latest entered first on a day)."""
    return list(session.scalars(select(ProjectProgress).where(ProjectProgress.project_id == project_id,
                                                              ProjectProgress.deleted_at.is_(None))
                                .order_by(ProjectProgress.date.desc(), ProjectProgress.id.desc())))


def year_targets(session: Session, year: int) -> dict[int | None, Target]:
    """The year's targets by unit id (None: the district's own line), deleted ones left out."""
    return {t.unit_id: t for t in session.scalars(select(Target).where(Target.year == year,
                                                                       Target.deleted_at.is_(None)))}


def lead_counts(session: Session) -> dict[int | None, int]:
    """How many live projects each unit leads."""
    return {u: n for u, n in session.execute(
        select(Project.lead_unit_id, func.count()).where(Project.deleted_at.is_(None))
        .group_by(Project.lead_unit_id)).all()}


def live_unit_records(session: Session) -> list[Unit]:
    """Every unit not deleted, in the bureau's order."""
    return list(session.scalars(select(Unit).where(Unit.deleted_at.is_(None)).order_by(Unit.sort_order, Unit.id)))


def live_persons(session: Session) -> list[tuple[Person, str | None]]:
    """Every person not deleted with their unit's name, by unit order then name."""
    return [(p, u) for p, u in session.execute(
        select(Person, Unit.name).outerjoin(Unit, Unit.id == Person.unit_id)
        .where(Person.deleted_at.is_(None)).order_by(Unit.sort_order, Person.name)).all()]


def live_entry_records(session: Session, kind: str) -> list[DictionaryEntry]:
    """A dictionary's entries not deleted, in the dictionary's order."""
    return list(session.scalars(select(DictionaryEntry).where(DictionaryEntry.kind == kind,
                                                             DictionaryEntry.deleted_at.is_(None))
                                .order_by(DictionaryEntry.sort_order, DictionaryEntry.id)))


def record_versions(session: Session, entity: str, ids: list[int]) -> dict[int, int]:
    """The stored version of each record (what an edit of it must name on a shared ledger)."""
    model: Any = ENTITY_MODELS[entity]
    out: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        out.update({i_: v for i_, v in session.execute(select(model.id, model.version).where(model.id.in_(ids[i:i + 500])))})
    return out
