"""Drill-down: the projects behind one unit's figure on the board, so a disputed number is explained."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk.board import UnitRow, unit_projects
from zsdesk.board.drill import LEAD_ONLY
from zsdesk.board.figures import round_half_up
from zsdesk.labels import Figure
from zsdesk.ledger import Ledger
from zsdesk.periods import Period
from zsdesk.rules import Rules

from .. import strings as S
from ..common.roles import SortRole
from .board_models import CreditLinesModel, money_formatter


class DrillDialog(QDialog):
    def __init__(self, ledger: Ledger, period: Period, rules: Rules, unit: UnitRow, money_unit: str,
                 figure: Figure | str = Figure.FORMAL, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger, self.period, self.rules, self.unit = ledger, period, rules, unit
        self.money = money_formatter(money_unit)
        self.setWindowTitle(S.DRILL_TITLE.format(unit=unit.unit, period=period.label))
        self.figure = QComboBox(self)
        for key, label in S.DRILL_FIGURES.items():
            self.figure.addItem(label, key)
        self.model = CreditLinesModel(self, money_unit)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SortRole)
        self.table = QTableView(self)
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.total = QLabel(self)
        self.total.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        buttons.addButton(S.CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(S.DRILL_FIGURE, self))
        top.addWidget(self.figure)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(buttons)
        self.resize(880, 480)
        self.figure.currentIndexChanged.connect(self.load)
        self.figure.setCurrentIndex(max(self.figure.findData(str(figure)), 0))
        self.load()

    def load(self) -> None:
        figure = Figure.named(self.figure.currentData())
        # One indexed query for one unit: fast even at municipal scale, so it runs here.
        lines = unit_projects(self.ledger, self.period, self.unit.unit_id, figure, self.rules)
        self.model.set_rows(lines)
        if figure.amount_field is not None:  # the board amount it explains; else a count, lead unit only
            credited = round_half_up(sum((line.credited for line in lines), Fraction(0)))
            board = getattr(self.unit.figures, figure.amount_field)
            text = S.DRILL_TOTAL.format(n=len(lines), raw=self.money(sum(line.amount for line in lines)),
                                        credited=self.money(credited), board=self.money(board))
            if figure in LEAD_ONLY and board != credited:
                text += S.DRILL_LEAD_ONLY.format(rest=self.money(board - credited))
            self.total.setText(text)
        else:
            self.total.setText(S.DRILL_TOTAL_COUNT.format(n=sum(1 for line in lines if line.role == "lead")))
        converted = sum(1 for line in lines if line.role == "lead" and line.earlier_framework)
        if converted:
            self.total.setText(self.total.text() + S.DRILL_CONVERTED.format(n=converted))
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
