"""Drill-down agrees with the board: on the demo district, for every unit, the credit lines of each amount
figure add up (half-up to the yuan) to the unit's board amount, and the lead lines of each figure are the
board's count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from zsdesk.board import compute_board, unit_projects
from zsdesk.board.drill import AMOUNT_FIGURES, FIGURE_FIELDS, FIGURES
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    path: Path = tmp_path_factory.mktemp("drill") / "demo.sqlite"
    with open_unlocked(path, operator="测试员", create=True) as led:
        build_demo(led, today=date(2026, 11, 20))
        yield led


@pytest.mark.parametrize("period", ["2026Q3", "2025", "2026M05"])
def test_drill_lines_add_up_to_the_board(demo: Ledger, period: str) -> None:
    board = compute_board(demo, period)
    checked = 0
    for unit in board.units:
        for figure in FIGURES:
            lines = unit_projects(demo, period, unit.unit_id, figure, board.rules)
            count_field, amount_field = FIGURE_FIELDS[figure]
            if amount_field is not None:
                credited = sum((ln.credited for ln in lines), Fraction(0))  # whole-yuan parts (SPEC §3.1)
                assert credited == getattr(unit.figures, amount_field), (unit.unit, figure)
                checked += bool(credited)
            if count_field is not None:
                leads = sum(1 for ln in lines if ln.role == "lead")
                assert leads == getattr(unit.figures, count_field), (unit.unit, figure)
            assert all(ln.role in ("lead", "coop") for ln in lines)
            assert all(ln.credited.denominator == 1 and abs(ln.credited - ln.amount * ln.share) < 1 for ln in lines)
    assert checked > 0  # the demo district does credit money in this period


def test_amount_figures_include_cooperating_credit(demo: Ledger) -> None:
    board = compute_board(demo, "2026Q3")
    roles = {ln.role for u in board.units for f in AMOUNT_FIGURES
             for ln in unit_projects(demo, "2026Q3", u.unit_id, f, board.rules)}
    assert roles == {"lead", "coop"}  # the demo has joint projects, so both roles appear


def test_board_field_names_are_accepted(demo: Ledger) -> None:
    board = compute_board(demo, "2026Q3")
    unit = max(board.units, key=lambda u: u.figures.formal_amount)
    assert unit_projects(demo, "2026Q3", unit.unit_id, "formal_amount") == unit_projects(
        demo, "2026Q3", unit.unit_id, "formal")
