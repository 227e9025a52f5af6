"""The 招商英雄榜 engine: every figure the leaderboard, the notice and the xlsx reports show.

Public API (no Qt; pass a ``Ledger`` or an open SQLAlchemy ``Session``)::

    compute_board(ledger_or_session, period: Period | str, rules: Rules | None = None) -> Board
        Board.period, .rules
        Board.district: DistrictFigures   # raw figures for the period's range (YTD for 2026Q3)
        Board.alone: DistrictFigures      # the quarter alone (7—9月), or the month / year itself
            .figures / .last_year: Figures, .target: TargetFigures | None,
            .rates[item] / .yoy[field]: Decimal | None
        Board.units: list[UnitRow]        # rank order; .figures credited; .rates; .score; .quiet
        Board.persons: list[PersonRow]    # rank order (agreement, then arrived)
        Board.extra_boards["big" | "new" | "major_started"]: ExtraBoard (projects, by_unit)
        Board.quiet_units: list[str]      # nothing signed, nothing arrived in the year so far
    board_to_json(board) -> dict          # the SPEC §6 contract (+ extra keys)
    unit_projects(ledger_or_session, period, unit_id, figure, rules=None) -> list[CreditLine]
        # amount figures (formal / framework / agreement / arrived, or the board field names
        # formal_amount …) list lead AND cooperating credits in whole yuan: Σ credited == the board
        # amount; a count is the number of role == "lead" lines (drill.FIGURE_FIELDS)
    project_credits(rules, amount, origin, lead_unit_id, cooperating_unit_ids) -> dict[int, int]
        # the largest-remainder split of SPEC §3.1 (zsdesk.board.split)
    growth_text(pct) -> "同比增长 X%" / "同比下降 X%";  rate_text(rate) -> "59.39%" / "—"
    growth(current, base) -> Decimal | None;  competition_ranks(keys) -> list[int]

Rules: ``zsdesk.rules`` (``load_rules``, ``save_rules``); periods: ``zsdesk.periods.parse_period``.
The SQL is in ``figures`` (expressions) and ``aggregates`` (three statements for the whole board plus
one for the extra boards; see its docstring). Speed: ``bench/board_bench.py``.
"""

from .boards import (
    Board,
    DistrictFigures,
    ExtraBoard,
    PersonRow,
    ProjectLine,
    TargetFigures,
    UnitRow,
    compute_board,
    growth,
)
from .contract import board_to_json
from .drill import CreditLine, project_credits, unit_projects
from .figures import Figures
from .ranking import competition_ranks
from .text import growth_text, rate_text

__all__ = [
    "Board", "CreditLine", "DistrictFigures", "ExtraBoard", "Figures", "PersonRow", "ProjectLine", "TargetFigures",
    "UnitRow", "board_to_json", "competition_ranks", "compute_board", "growth", "growth_text", "project_credits",
    "rate_text", "unit_projects",
]
