"""Before → after of every field an update import changes, shown to the clerk before writing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DictionaryEntry, Person, Unit
from ..money import format_input_wan
from ..ops.crud import EntitySpec
from ..ops.fields import (
    Choice,
    DateField,
    DictionaryRef,
    DictionaryRefs,
    Flag,
    MoneyField,
    PersonRefs,
    UnitRef,
    UnitRefs,
)
from ..ops.records import PROJECT_LINKS

BLANK = "（空）"


@dataclass(frozen=True)
class FieldChange:
    """One field of one matched record that the import will change."""

    row: int  # Excel row number
    record: str  # “2026-0003 某某项目”
    column: str  # the header as written in the file
    before: str
    after: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.record}：{self.column} {self.before} → {self.after}"


class Differ:
    """Compares the coerced values of update rows with the stored records (links loaded in bulk)."""

    def __init__(self, session: Session, spec: EntitySpec, ids: Iterable[int]) -> None:
        self.session = session
        self.spec = spec
        self.links: dict[int, dict[str, list[int]]] = {}
        ids = sorted(set(ids))
        if spec.entity == "project" and ids:
            for name, (link, column) in PROJECT_LINKS.items():
                for start in range(0, len(ids), 900):
                    rows = session.execute(select(link.project_id, getattr(link, column)).where(
                        link.project_id.in_(ids[start:start + 900])))
                    for pid, other in rows:
                        self.links.setdefault(pid, {}).setdefault(name, []).append(other)

    def record_title(self, obj: Any) -> str:
        if self.spec.entity == "project":
            return f"{obj.code} {obj.name}"
        if self.spec.entity == "person":
            unit = self.session.get(Unit, obj.unit_id) if obj.unit_id else None
            return f"{obj.name}（{unit.name}）" if unit else obj.name
        if self.spec.entity == "target":
            unit = self.session.get(Unit, obj.unit_id) if obj.unit_id else None
            return f"{obj.year}年 {unit.name if unit else '全区'}"
        return self.spec.title(obj)

    def changes(self, row: int, obj: Any, values: dict[str, Any], header: Callable[[str], str]) -> list[FieldChange]:
        out = []
        for name, after in values.items():
            kind = self.spec.fields.get(name)
            if name in PROJECT_LINKS:
                before: Any = sorted(self.links.get(obj.id, {}).get(name, []))
                after = sorted(after or [])
            else:
                before = getattr(obj, name, None)
            if _same(before, after):
                continue
            out.append(FieldChange(row, self.record_title(obj), header(name), self.show(kind, before),
                                   self.show(kind, after)))
        return out

    def show(self, kind: Any, value: Any) -> str:
        if value is None or value == "" or value == []:
            return BLANK
        if isinstance(kind, MoneyField):
            return f"{format_input_wan(int(value))}万元"
        if isinstance(kind, Flag):
            return "是" if value else "否"
        if isinstance(kind, Choice):
            return kind.labels.get(value, str(value))
        if isinstance(kind, DateField) and isinstance(value, date):
            return value.isoformat()
        if isinstance(kind, UnitRef):
            return self._name(Unit, value)
        if isinstance(kind, UnitRefs):
            return "、".join(self._name(Unit, v) for v in value)
        if isinstance(kind, PersonRefs):
            return "、".join(self._name(Person, v) for v in value)
        if isinstance(kind, DictionaryRef):
            return self._name(DictionaryEntry, value)
        if isinstance(kind, DictionaryRefs):
            return "、".join(self._name(DictionaryEntry, v) for v in value)
        return str(value)

    def _name(self, model: Any, entity_id: Any) -> str:
        obj = self.session.get(model, entity_id) if isinstance(entity_id, int) else None
        return str(obj.name) if obj is not None else str(entity_id)


def _same(before: Any, after: Any) -> bool:
    if before in (None, "") and after in (None, ""):
        return True
    return bool(before == after)


def change_table(changes: list[FieldChange]) -> str:
    """The changes as text lines (the CLI prints them)."""
    return "\n".join(f"将修改：{c}" for c in changes)
