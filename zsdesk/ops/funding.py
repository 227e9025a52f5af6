"""Funds arrived (到位资金): dated entries; a negative amount is a correction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from ..errors import FieldProblem
from ..models import Funding, Project
from ..money import format_money
from .crud import EntitySpec, create, set_deleted, update
from .fields import DateField, MoneyField, ProjectRef, Text
from .history import Change

if TYPE_CHECKING:
    from ..ledger import Ledger


def _check(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if "amount" not in values:
        return problems
    project = session.get(Project, values["project_id"]) if "project_id" in values else None
    if values["amount"] == 0:
        problems.append(FieldProblem("amount", "到位金额", "不能为 0"))
    if values["amount"] < 0 and project is not None:
        total = session.scalar(select(func.coalesce(func.sum(Funding.amount), 0)).where(
            Funding.project_id == project.id, Funding.deleted_at.is_(None), Funding.id != (existing_id or -1))) or 0
        if total + values["amount"] < 0:
            problems.append(FieldProblem("amount", "到位金额", "冲减后该项目累计到位资金为负数"))
    return problems


FUNDING = EntitySpec("funding", Funding, {
    "project_id": ProjectRef(), "date": DateField(required=True),
    "amount": MoneyField(allow_negative=True, required=True), "note": Text(2000, strip=False),
}, check=_check, defaults={"note": ""}, title=lambda f: _title(f))


def _title(entry: Funding) -> str:
    """What the undo label and the log name: project, amount and date (not the date alone)."""
    session = object_session(entry)
    project = session.get(Project, entry.project_id) if session is not None else None
    name = project.name if project is not None else f"项目 {entry.project_id}"
    amount = entry.amount if isinstance(entry.amount, int) else None
    shown = format_money(amount, "wan", 4 if amount and amount % 100 else 2, suffix=True) if amount is not None else ""
    return f"{name} {shown}（{entry.date}）"


def add_funding(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    return create(ledger, FUNDING, fields)


def update_funding(ledger: Ledger, funding_id: int, changes: Mapping[str, Any],
                   expected_version: int | None = None) -> Change:
    return update(ledger, FUNDING, funding_id, changes, expected_version=expected_version)


def delete_funding(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, FUNDING, ids, True)


def restore_funding(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, FUNDING, ids, False)
