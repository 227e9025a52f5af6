"""One spelling per board figure: ``labels.Figure`` names the figure and gives the board's field names."""

from __future__ import annotations

import dataclasses

import pytest

from zsdesk.board import Figures
from zsdesk.board.boards import RATE_ITEMS, TargetFigures
from zsdesk.board.drill import FIGURE_FIELDS
from zsdesk.labels import AMOUNT_FIGURES, LEAD_ONLY_FIGURES, RATE_FIGURES, Figure


def test_every_field_a_figure_names_is_a_board_field() -> None:
    board = {f.name for f in dataclasses.fields(Figures)}
    targets = {f.name for f in dataclasses.fields(TargetFigures)}
    for figure in Figure:
        assert {figure.count_field, figure.amount_field} - {None} <= board, figure
        assert figure.board_field in board
    assert {figure.target_field for figure in RATE_FIGURES} == targets


def test_both_spellings_name_one_figure() -> None:
    assert Figure.named("formal") is Figure.named("formal_amount") is Figure.FORMAL
    assert Figure.named("arrived_amount") is Figure.ARRIVED and Figure.named(Figure.KEY) is Figure.KEY
    with pytest.raises(ValueError):
        Figure.named("formal_contracts")  # a count field is not a figure name
    assert Figure.FORMAL == "formal" and f"{Figure.FORMAL}_rate" == "formal_rate"  # the JSON keys stay


def test_figure_groups_are_the_board_s() -> None:
    assert RATE_ITEMS == ("major", "large", "key", "agreement", "formal", "arrived")
    assert AMOUNT_FIGURES == ("formal", "framework", "agreement", "arrived")
    assert set(AMOUNT_FIGURES).isdisjoint(LEAD_ONLY_FIGURES) and len(FIGURE_FIELDS) == len(Figure) == 10
