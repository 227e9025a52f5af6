"""The operation log: one filter description → one SQL query of ids; entries fetched by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..models import AuditEntry
from .projects import _escape_like


@dataclass(frozen=True)
class AuditQuery:
    """The operation log, newest first, filtered by text, entity, operator and date range."""

    text: str = ""
    entity: str | None = None
    operator: str | None = None
    start: date | None = None
    end: date | None = None
    entity_id: int | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if self.text.strip():
            like = f"%{_escape_like(self.text.strip())}%"
            conds.append(or_(AuditEntry.op_label.like(like, escape="\\"), AuditEntry.before.like(like, escape="\\"),
                             AuditEntry.after.like(like, escape="\\")))
        if self.entity:
            conds.append(AuditEntry.entity == self.entity)
        if self.entity_id is not None:
            conds.append(AuditEntry.entity_id == self.entity_id)
        if self.operator:
            conds.append(AuditEntry.operator == self.operator)
        if self.start:
            conds.append(AuditEntry.at >= datetime.combine(self.start, datetime.min.time()))
        if self.end:
            conds.append(AuditEntry.at < datetime.combine(self.end + timedelta(days=1), datetime.min.time()))
        return conds

    def select(self) -> Select[int]:
        return select(AuditEntry.id).where(*self.conditions()).order_by(AuditEntry.id.desc())

    def ids(self, session: Session) -> list[int]:
        return list(session.scalars(self.select()))


def fetch_audit(session: Session, ids: Sequence[int]) -> dict[int, AuditEntry]:
    if not ids:
        return {}
    return {e.id: e for e in session.scalars(select(AuditEntry).where(AuditEntry.id.in_(list(ids))))}


def audit_operators(session: Session) -> list[str]:
    """Every operator name in the log, sorted (the audit page's operator filter)."""
    return list(session.scalars(select(AuditEntry.operator).distinct().order_by(AuditEntry.operator)))
