"""Funds arrived (到位资金): dated entries; a negative amount is a correction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import FieldProblem
from ..models import Funding, Project
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
}, check=_check, defaults={"note": ""}, title=lambda f: f"{f.date}")


def add_funding(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    return create(ledger, FUNDING, fields)


def update_funding(ledger: Ledger, funding_id: int, changes: Mapping[str, Any]) -> Change:
    return update(ledger, FUNDING, funding_id, changes)


def delete_funding(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, FUNDING, ids, True)


def restore_funding(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, FUNDING, ids, False)
