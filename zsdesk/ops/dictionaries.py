"""Editable dictionaries: industry chains (产业链) and investor tags (投资方标签)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import FieldProblem
from ..labels import DICTIONARY_KIND_LABELS
from ..models import DictionaryEntry
from .crud import EntitySpec, create, set_deleted, update
from .fields import Choice, Count, Flag, Text
from .history import Change

if TYPE_CHECKING:
    from ..ledger import Ledger


def _check(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    if "kind" not in values or "name" not in values:
        return []
    clash = session.scalar(select(DictionaryEntry.id).where(
        DictionaryEntry.kind == values["kind"], DictionaryEntry.name == values["name"],
        DictionaryEntry.id != (existing_id or -1)))
    if clash is not None:
        return [FieldProblem("name", "名称", f"{DICTIONARY_KIND_LABELS[values['kind']]}中已有“{values['name']}”")]
    return []


DICTIONARY = EntitySpec("dictionary", DictionaryEntry, {
    "kind": Choice(DICTIONARY_KIND_LABELS), "name": Text(50, required=True), "sort_order": Count(0, 100000),
    "active": Flag(), "flags": Text(200),
}, check=_check, defaults={"sort_order": 0, "active": True, "flags": ""})


def create_entry(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    return create(ledger, DICTIONARY, fields)


def update_entry(ledger: Ledger, entry_id: int, changes: Mapping[str, Any],
                 expected_version: int | None = None) -> Change:
    return update(ledger, DICTIONARY, entry_id, changes, expected_version=expected_version)


def delete_entries(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, DICTIONARY, ids, True)


def restore_entries(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, DICTIONARY, ids, False)
