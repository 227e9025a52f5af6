"""The checks every import row passes after its reader planned it: coercion and the window's rules
(``validate_plans``), the notes on cleaned cells, the report's counts and problem order. Used by the import in
one process (``importer``) and by the helper that checks beside it (``check_worker``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..ops.crud import EntitySpec, validate
from ..ops.fields import Text, clean_line
from .diff import Differ
from .reader import SheetTable
from .rows_base import Context, ImportReport, RowPlan, RowReader


def validate_plans(ctx: Context, reader: RowReader, plans: list[RowPlan], notes: list[str]) -> None:
    """Coerce and check the planned rows' values (the window's rules): a new row's values are kept on its plan
    for the batch write, an update's changes go to the report; problems to ``ctx``, notes to ``notes``."""
    existing = load_existing(ctx.session, reader.spec, [p.existing_id for p in plans if p.existing_id is not None])
    spec = reader.check_spec or reader.spec
    differ = Differ(ctx.session, reader.spec, existing)
    one_line = one_line_fields(spec)
    for plan in plans:
        note_cleaned(ctx, one_line, plan, notes)
        obj = existing.get(plan.existing_id) if plan.existing_id else None
        try:
            values = validate(ctx.session, spec, plan.raw, obj)
        except ValidationError as err:
            for p in err.problems:
                ctx.problem(plan.row, p.field, p.reason)
        else:
            if obj is not None:
                ctx.report.changes += differ.changes(plan.row, obj, values, ctx.header)
            else:
                plan.values = values  # a batch write (reader.create_many) uses them as checked


def count_plans(report: ImportReport, plans: list[RowPlan]) -> None:
    report.would_create = sum(1 for p in plans if p.existing_id is None)
    report.would_update = len(plans) - report.would_create


def sort_problems(report: ImportReport, table: SheetTable) -> None:
    """By row, then by column as in the file. Stable: one cell's problems keep the order they were found in
    (its plan's, then its validation's)."""
    order = {m.header: m.index for m in table.columns}
    report.problems.sort(key=lambda p: (p.row, order.get(p.column, 999)))


def one_line_fields(spec: EntitySpec) -> frozenset[str]:
    """The fields whose text is kept on one line (``Text`` with ``strip``)."""
    return frozenset(name for name, kind in spec.fields.items() if isinstance(kind, Text) and kind.strip)


def note_cleaned(ctx: Context, one_line: frozenset[str], plan: RowPlan, notes: list[str]) -> None:
    """Say where a one-line field loses line breaks, control or text-direction characters."""
    for name, value in plan.raw.items():
        # a printable text is one clean_line leaves as it is (its own fast answer), asked here without a call
        if name in one_line and isinstance(value, str) and not value.isprintable() and clean_line(value) != value:
            notes.append(f"第 {plan.row} 行“{ctx.header(name)}”：已去掉换行、控制字符或文字方向控制符。")


def load_existing(session: Session, spec: EntitySpec, ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    model: Any = spec.model
    for start in range(0, len(ids), 900):
        for obj in session.scalars(select(model).where(model.id.in_(ids[start:start + 900]))):
            found[obj.id] = obj
    return found
