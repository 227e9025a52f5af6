"""The board page's monthly trend: its funds per month (from ``funding_months``) are the live entries of the
counting projects summed by month — computed here from the entries themselves — and add up to the board's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from zsdesk import ops
from zsdesk.board import compute_board
from zsdesk.board.figures import counted_expr
from zsdesk.board.trend import monthly_trend
from zsdesk.demo import build_demo
from zsdesk.models import Funding, Project
from zsdesk.opening import open_unlocked
from zsdesk.queries.expressions import month_of
from zsdesk.rules import load_rules


def _from_entries(session, rules, year: int) -> dict[int, int]:
    month = month_of(Funding.date)
    return {int(m): int(v) for m, v in session.execute(
        select(month, func.sum(Funding.amount)).join(Project, Project.id == Funding.project_id)
        .where(counted_expr(rules), Funding.deleted_at.is_(None), Funding.date.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(month))}


def _funded(ledger) -> int:
    with ledger.reading() as s:
        return int(s.scalar(select(Funding.project_id).where(Funding.date >= "2026-01-01", Funding.amount > 100)
                            .order_by(Funding.id).limit(1)))


def test_the_trend_is_the_entries_summed_by_month(tmp_path):
    with open_unlocked(tmp_path / "t.sqlite", create=True) as ledger:
        build_demo(ledger, projects=800, seed=5)
        ops.add_funding(ledger, {"project_id": _funded(ledger), "date": "2026-02-28", "amount": "-1"})  # a correction
        with ledger.reading() as s:
            rules = load_rules(s, 2026)
            trend = monthly_trend(s, rules, 2026, 9)
            expected = _from_entries(s, rules, 2026)
        assert [t.month for t in trend] == list(range(1, 10))
        assert [t.arrived_amount for t in trend] == [expected.get(m, 0) for m in range(1, 10)]
        assert sum(t.arrived_amount for t in trend) == compute_board(ledger, "2026Q3").district.figures.arrived_amount
        assert sum(1 for t in trend if t.arrived_amount) >= 6
