"""A project's stage is derived from its dates, never typed twice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .errors import FieldProblem
from .labels import STAGE_LABELS, field_label

# The milestones in the order they must happen, with the stage each one reaches.
MILESTONES: tuple[tuple[str, str], ...] = (
    ("first_contact_date", "negotiating"),
    ("framework_date", "framework"),
    ("formal_date", "formal"),
    ("started_date", "started"),
    ("production_date", "production"),
    ("full_production_date", "full_production"),
)
STAGES = ("lead", "negotiating", "framework", "formal", "started", "production", "full_production", "withdrawn")


def derive_stage(dates: Mapping[str, date | None]) -> str:
    if dates.get("withdrawn_date"):
        return "withdrawn"
    stage = "lead"
    for field, reached in MILESTONES:
        if dates.get(field):
            stage = reached
    return stage


def first_signed(dates: Mapping[str, date | None]) -> date | None:
    """The first signing (framework agreement, else the formal contract): when a project counts as signed."""
    return dates.get("framework_date") or dates.get("formal_date")


def stage_label(stage: str) -> str:
    return STAGE_LABELS[stage]


def date_order_problems(dates: Mapping[str, date | None]) -> list[FieldProblem]:
    """Each milestone date must not be earlier than the one before it; withdrawal not before contact."""
    problems: list[FieldProblem] = []
    last_field, last_date = None, None
    for field, _ in MILESTONES:
        current = dates.get(field)
        if current is None:
            continue
        if last_date is not None and last_field is not None and current < last_date:
            problems.append(FieldProblem(
                field, field_label(field),
                f"{current:%Y-%m-%d} 早于{field_label(last_field)} {last_date:%Y-%m-%d}"))
        last_field, last_date = field, current
    withdrawn = dates.get("withdrawn_date")
    first = next((dates[f] for f, _ in MILESTONES if dates.get(f)), None)
    if withdrawn and first and withdrawn < first:
        problems.append(FieldProblem("withdrawn_date", field_label("withdrawn_date"),
                                     f"{withdrawn:%Y-%m-%d} 早于项目的第一个日期 {first:%Y-%m-%d}"))
    return problems
