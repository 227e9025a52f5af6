"""Row readers for units, persons and targets: an existing record is updated, a new one created."""

from __future__ import annotations

from typing import Any

from ..models import Unit
from ..ops.targets import TARGET
from ..ops.units import PERSON, UNIT
from .cells import exact_key, is_clear, row_cells
from .lookups import norm
from .rows_base import Context, RowPlan, RowReader
from .rows_projects import money_value, text_value

DISTRICT_NAMES = ("全区", "区级")


class UnitReader(RowReader):
    kind = "units"
    spec = UNIT

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.short_names: dict[str, int] = {}  # 简称 given in this file → row

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        name = exact_key(text_value(row.get("name")))
        if name in self.seen:
            ctx.problem(number, "name", f"与第 {self.seen[name]} 行是同一个单位")
        self.seen[name] = number
        unit = ctx.lookups.unit_by_exact.get(name)
        cells = row_cells(ctx, number, row, unit is not None, keep=("name", "kind"))
        raw = {k: text_value(v) for k, v in cells.items() if not (k == "kind" and v is None)}
        short = exact_key(text_value(raw.get("short_name")))
        if unit is None:
            if name in self.short_names:
                ctx.problem(number, "name", f"与第 {self.short_names[name]} 行单位的简称相同；"
                                            "单位名称不能与其他单位的简称相同，否则以后导入时会认错单位")
        if short:
            if short in self.short_names:
                ctx.problem(number, "short_name", f"与第 {self.short_names[short]} 行单位的简称相同")
            elif short in self.seen and short != name:
                ctx.problem(number, "short_name", f"与第 {self.seen[short]} 行的单位名称相同")
            self.short_names.setdefault(short, number)
        return RowPlan(number, raw, unit.id if unit is not None else None)


class PersonReader(RowReader):
    """A person is keyed by name and unit: the same name in another unit is another person."""

    kind = "persons"
    spec = PERSON

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int | None], int] = {}

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        name = exact_key(text_value(row.get("name")))
        unit_id = None
        unit_cell = row.get("unit_id")
        if unit_cell is not None and not is_clear(unit_cell):
            unit = ctx.lookups.unit(text_value(unit_cell))
            if unit is None:
                ctx.problem(number, "unit_id", f"没有这个单位：{unit_cell}")
                ctx.missing_unit(norm(text_value(unit_cell)))
                return None
            unit_id = unit.id
        if (name, unit_id) in self.seen:
            ctx.problem(number, "name", f"与第 {self.seen[(name, unit_id)]} 行是同一个人员")
        self.seen[(name, unit_id)] = number
        same_name = [p for p in ctx.lookups.persons.get(norm(name), []) if exact_key(p.name) == name]
        match = next((p for p in same_name if p.unit_id == unit_id), None)
        if match is None and unit_cell is None and same_name:
            # No unit given: a blank never changes anything — the one person of that name stays as is.
            if len(same_name) > 1:
                ctx.problem(number, "unit_id", f"有 {len(same_name)} 位同名人员“{name}”，请填写所属单位")
                return None
            match = same_name[0]
            return RowPlan(number, {"name": name}, match.id)
        if match is None and same_name:
            others = "、".join(_unit_name(ctx, p.unit_id) for p in same_name)
            ctx.report.notes.append(f"第 {number} 行：台账中已有同名人员“{name}”（{others}），"
                                    f"将另外新增一位（{_unit_name(ctx, unit_id)}）的{name}，原有人员不变。")
        return RowPlan(number, {"name": name, "unit_id": unit_id}, match.id if match is not None else None)


def _unit_name(ctx: Context, unit_id: int | None) -> str:
    if unit_id is None:
        return "未填单位"

    unit = ctx.session.get(Unit, unit_id)
    return unit.name if unit is not None else str(unit_id)


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
        year = row.get("year")
        try:
            year_key: Any = int(float(year)) if year is not None else None
        except (TypeError, ValueError, OverflowError):  # “inf” parses as a float
            year_key = year
        target = self.existing.get((unit_id, year_key)) if isinstance(year_key, int) else None
        cells = row_cells(ctx, number, row, target is not None, keep=("year", "unit_id"))
        raw: dict[str, Any] = {k: v for k, v in cells.items() if k != "unit_id"}
        raw["unit_id"] = unit_id if unit_id is not None else "全区"
        for name in ("agreement_amount", "formal_amount", "arrived_amount"):
            if name in raw:
                raw[name] = money_value(raw[name], ctx.unit_of(name))
        if (unit_id, year_key) in self.seen:
            ctx.problem(number, "unit_id", f"与第 {self.seen[(unit_id, year_key)]} 行是同一单位同一年度的目标")
        self.seen[(unit_id, year_key)] = number
        return RowPlan(number, raw, target.id if target is not None else None)
