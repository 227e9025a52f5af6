"""After the signing (SPEC §9): the landing cohort, the 四率, deadlines, overdue milestones. No Qt.

Public API (pass a ``Ledger`` or an open SQLAlchemy ``Session``)::

    compute_lifecycle(ledger_or_session, period: Period | str, rules: Rules | None = None) -> Lifecycle
        Lifecycle.period / .cohort_start / .end / .rules
        Lifecycle.district: LifecycleFigures    # cohort, started, producing, due, on_time, overdue_*,
                                                # agreement_amount, arrived_amount (raw yuan);
                                                # .start_rate / .production_rate / .arrival_rate /
                                                # .fulfilment_rate: Decimal | None (half-up, 2 places)
        Lifecycle.units: list[UnitLifecycle]    # lead units in sort order (.unit, .figures)
        Lifecycle.overdue: list[OverdueItem]    # one per overdue milestone, most days over first
        Lifecycle.projects: list[ProjectStatus] # the cohort, each with its two milestones
        Lifecycle.drill(figure, unit_id=None, all_units=False) -> list[ProjectStatus]
    lifecycle_to_json(lifecycle) -> dict        # the SPEC §9 contract (+ extra keys)
    add_months(date, months) -> date            # calendar months, day clamped to the month's end
    todo.compute_todo(ledger_or_session, today=None, days_ahead=30) -> Todo   # 待办: overdue, stale, upcoming
    progress_report.monthly_progress(ledger_or_session, year, months)         # 每月项目进展表 lines

Definitions: ``deadlines`` (milestones) and ``engine`` (cohort, counts).
"""

from .contract import lifecycle_to_json
from .deadlines import MILESTONE_LABELS, Milestone, add_months
from .engine import (
    FIGURES,
    Lifecycle,
    LifecycleFigures,
    OverdueItem,
    ProjectStatus,
    UnitLifecycle,
    cohort_start,
    compute_lifecycle,
    percent,
)

__all__ = [
    "FIGURES", "MILESTONE_LABELS", "Lifecycle", "LifecycleFigures", "Milestone", "OverdueItem", "ProjectStatus",
    "UnitLifecycle", "add_months", "cohort_start", "compute_lifecycle", "lifecycle_to_json", "percent",
]
