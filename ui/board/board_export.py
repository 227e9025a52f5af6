"""Export the board on screen to xlsx (zsdesk.xlsx.export_board), on the worker thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from zsdesk.board import Board
from zsdesk.periods import parse_period

from .. import strings as S
from ..common import errors
from ..common.context import LedgerContext


def export_board_to(context: LedgerContext, parent: QWidget | None, path: str | Path, what: Board | str,
                    on_done: Callable[[Any], None] | None = None) -> bool:
    """Start writing ``what`` (the board shown, or a period code) to ``path``; returns False when busy."""
    from zsdesk.xlsx.board_export import export_board

    ledger = context.ledger
    return context.runner.start(lambda progress, cancelled: export_board(ledger, path, what, progress, cancelled),
                                S.EXPORTING, parent, on_done=on_done)


def export_board_dialog(page: Any, context: LedgerContext, code: str) -> None:
    board: Board | None = getattr(page, "board", None)
    what: Board | str = board if board is not None and board.period.code == code else code
    label = parse_period(code).label
    default = str(Path.home() / S.EXPORT_NAME.format(period=label))
    path = errors.ask_xlsx_path(page, S.BOARD_EXPORT_TITLE, default)
    if path is None:
        return

    def done(_result: Any) -> None:
        text = S.BOARD_EXPORT_DONE.format(path=path)
        errors.shown.append((S.DONE_TITLE, text))
        if errors.MODAL:
            QMessageBox.information(page, S.DONE_TITLE, text)

    export_board_to(context, page, path, what, done)
