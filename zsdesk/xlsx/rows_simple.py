"""Row readers for units, persons and targets: an existing record is updated, a new one created."""

from __future__ import annotations

from typing import Any

from ..ops.targets import TARGET
from ..ops.units import PERSON, UNIT
from .importer import Context, RowPlan, RowReader
from .lookups import norm
from .rows_projects import money_value, text_value

DISTRICT_NAMES = ("全区", "区级")


class UnitReader(RowReader):
    kind = "units"
    spec = UNIT

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        name = norm(text_value(row.get("name")) or "")
        raw = {k: text_value(v) for k, v in row.items() if not (k == "kind" and v is None)}
        if name in self.seen:
            ctx.problem(number, "name", f"与第 {self.seen[name]} 行是同一个单位")
        self.seen[name] = number
        unit = ctx.lookups.unit_by_exact.get(name)
        return RowPlan(number, raw, unit.id if unit is not None else None)


class PersonReader(RowReader):
    kind = "persons"
    spec = PERSON

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int | None], int] = {}

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        name = norm(text_value(row.get("name")) or "")
        unit_id = None
        if row.get("unit_id") is not None:
            unit = ctx.lookups.unit(text_value(row["unit_id"]))
            if unit is None:
                ctx.problem(number, "unit_id", f"没有这个单位：{row['unit_id']}")
                ctx.missing_unit(norm(text_value(row["unit_id"])))
                return None
            unit_id = unit.id
        if (name, unit_id) in self.seen:
            ctx.problem(number, "name", f"与第 {self.seen[(name, unit_id)]} 行是同一个人员")
        self.seen[(name, unit_id)] = number
        same_name = ctx.lookups.persons.get(name, [])
        match = next((p for p in same_name if p.unit_id == unit_id), None)
        if match is None and len(same_name) == 1:
            match = same_name[0]  # one person of that name: the file moves them to this unit
        return RowPlan(number, {"name": name, "unit_id": unit_id}, match.id if match is not None else None)


class TargetReader(RowReader):
    kind = "targets"
    spec = TARGET

    def __init__(self) -> None:
        self.seen: dict[tuple[int | None, Any], int] = {}
        self.existing: dict[tuple[int | None, int], Any] | None = None

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        if self.existing is None:
            self.existing = ctx.lookups.targets()
        unit_text = norm(text_value(row.get("unit_id")) or "")
        unit_id: int | None = None
        if unit_text and unit_text not in DISTRICT_NAMES:
            unit = ctx.lookups.unit(unit_text)
            if unit is None:
                ctx.problem(number, "unit_id", f"没有这个单位：{unit_text}（全区目标请填“全区”）")
                ctx.missing_unit(unit_text)
                return None
            unit_id = unit.id
        elif not unit_text:
            ctx.problem(number, "unit_id", "必填（全区目标请填“全区”）")
            return None
        raw: dict[str, Any] = {k: v for k, v in row.items() if k != "unit_id"}
        raw["unit_id"] = unit_id if unit_id is not None else "全区"
        for name in ("agreement_amount", "formal_amount", "arrived_amount"):
            if name in raw:
                raw[name] = money_value(raw[name], ctx.unit_of(name))
        year = raw.get("year")
        try:
            year_key: Any = int(float(year)) if year is not None else None
        except (TypeError, ValueError, OverflowError):  # “inf” parses as a float
            year_key = year
        if (unit_id, year_key) in self.seen:
            ctx.problem(number, "unit_id", f"与第 {self.seen[(unit_id, year_key)]} 行是同一单位同一年度的目标")
        self.seen[(unit_id, year_key)] = number
        target = self.existing.get((unit_id, year_key)) if isinstance(year_key, int) else None
        return RowPlan(number, raw, target.id if target is not None else None)
