"""Beside the board: the year's monthly trend for the chart, and each unit's figures a year before.

The trend: district formal-contract amount and funds arrived per month.

A GROUP BY over projects and one sum per month over ``funding_months`` (the funds per project, year and month
the board reads), counted with the same rules as the board (live, not withdrawn, not 不计), so the bars add up to
the board's district figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import MONTH_COLUMNS, FundingMonth, Project
from ..queries.expressions import month_of
from ..rules import Rules
from .beside import Beside
from .boards import Board, compute_board
from .figures import Figures, counted_expr


@dataclass(frozen=True)
class MonthFigures:
    month: int
    formal_amount: int  # yuan, raw (district)
    arrived_amount: int


def monthly_trend(session: Session, rules: Rules, year: int, last_month: int = 12) -> list[MonthFigures]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    counted = counted_expr(rules)
    month = month_of(Project.formal_date)
    formal = dict(session.execute(
        select(month, func.sum(Project.agreement_amount))
        .where(counted, Project.formal_date.between(start, end)).group_by(month)).all())
    # The funds from ``funding_months`` (one row per funded project of the year, not each entry: 100k ledger,
    # 2026, ~?? → ~?? ms), the same sums the board reads.
    months = [FundingMonth.__table__.c[name] for name in MONTH_COLUMNS[:last_month]]
    arrived = session.execute(
        select(*(func.coalesce(func.sum(m), 0) for m in months))
        .select_from(FundingMonth).join(Project, Project.id == FundingMonth.project_id)
        .where(FundingMonth.year == year, counted)).one()
    return [MonthFigures(m, int(formal.get(m) or 0), int(arrived[m - 1] or 0)) for m in range(1, last_month + 1)]


def units_last_year(session: Session, board: Board, beside: Beside | None = None) -> dict[int, Figures]:
    """Each unit's figures for the same period last year, counted with this period's rules (同比). ``beside``: as
    for ``compute_board``."""
    rows = board.units
    if rows and hasattr(rows[0], "last_year"):  # the engine may carry them itself
        return {u.unit_id: u.last_year for u in rows}  # type: ignore[attr-defined]  # optional field, probed by hasattr above
    before = compute_board(session, board.period.last_year(), rules=board.rules, beside=beside)
    return {u.unit_id: u.figures for u in before.units}
