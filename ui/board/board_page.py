"""The 英雄榜 page: pick a period, see the unit and person boards, the extra boards and the charts.

The board is computed on the context's worker (one task at a time; a request made while it is busy
waits and only the newest one runs), so the window stays responsive at municipal scale.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zsdesk.board import Board, Figures, compute_board, growth_text, rate_text
from zsdesk.board.trend import MonthFigures, monthly_trend, units_last_year
from zsdesk.labels import EXTRA_BOARD_LABELS, Figure
from zsdesk.money import format_money
from zsdesk.periods import parse_period
from zsdesk.rules import SCORE_METHODS
from zsdesk.xlsx.check_worker import WORKER

from .. import strings as S
from ..common.context import LedgerContext
from ..common.page import PageWidget
from ..common.period_picker import PeriodPicker, latest_closed_quarter
from ..common.roles import SortRole
from .activity_tab import ActivityTab
from .board_chart import CompletionChart, RateBarDelegate, TrendChart
from .board_drill import DrillDialog
from .board_models import (
    ExtraBoardModel,
    PersonBoardModel,
    RowsTableModel,
    UnitBoardModel,
    money_formatter,
)
from .landing_tab import LandingTab

EXTRA_KEYS = ("big", "new", "major_started")


@dataclass
class BoardResult:
    board: Board
    last_year: dict[int, Figures]  # unit id → last year's credited figures, with this period's rules
    trend: list[MonthFigures]
    seconds: float


def compute_board_result(context: LedgerContext, code: str) -> BoardResult:
    """The board and the year's monthly trend, on the worker thread (no widget is touched)."""
    started = time.perf_counter()
    period = parse_period(code)
    with context.ledger.reading() as session:
        # The funds half on the other core when the helper is ready (zsdesk/board/beside.py), else here.
        board = compute_board(session, period, beside=WORKER.board_funds)
        last_year = units_last_year(session, board, beside=WORKER.board_funds)
        trend = monthly_trend(session, board.rules, period.year, period.end.month)
    return BoardResult(board, last_year, trend, time.perf_counter() - started)


def make_table(model: RowsTableModel, parent: QWidget) -> QTableView:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    table = QTableView(parent)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class BoardPage(PageWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.board: Board | None = None
        self.trend: list[MonthFigures] = []
        self.last_year: dict[int, Figures] = {}
        self.seconds = 0.0
        self._pending: str | None = None
        self._dirty = True

        self.picker = PeriodPicker(self)
        self.picker.set_code(latest_closed_quarter(context.today))
        self.refresh_button = QPushButton(S.ACT_BOARD_REFRESH, self)
        self.rules_button = QPushButton(S.ACT_BOARD_RULES, self)
        self.export_button = QPushButton(S.ACT_BOARD_EXPORT, self)
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addStretch(1)
        for button in (self.refresh_button, self.rules_button, self.export_button):
            top.addWidget(button)
        self.summary = QLabel(S.BOARD_EMPTY, self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rules_note = QLabel(self)
        self.rules_note.setObjectName("rulesNote")

        money = context.money_unit
        self.unit_model = UnitBoardModel(self, money)
        self.person_model = PersonBoardModel(self, money)
        self.extra_models = {key: ExtraBoardModel(self, money) for key in EXTRA_KEYS}
        self.unit_table = make_table(self.unit_model, self)
        self.bars = RateBarDelegate(self.unit_table)
        for key in ("agreement_rate", "formal_rate", "arrived_rate"):
            self.unit_table.setItemDelegateForColumn(self.unit_model.column_of(key), self.bars)
        self.unit_table.doubleClicked.connect(self.drill_index)
        self.person_table = make_table(self.person_model, self)
        self.quiet_label = QLabel(self)
        self.quiet_label.setWordWrap(True)
        self.unit_note = QLabel(self)
        self.unit_note.setObjectName("hint")

        units_tab = QWidget(self)
        ul = QVBoxLayout(units_tab)
        ul.addWidget(self.unit_table, 1)
        ul.addWidget(self.quiet_label)
        ul.addWidget(self.unit_note)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(units_tab, S.BOARD_TAB_UNITS)
        self.tabs.addTab(self.person_table, S.BOARD_TAB_PERSONS)
        self.extra_labels: dict[str, QLabel] = {}
        self.extra_tables: dict[str, QTableView] = {}
        self.extra_tabs: dict[str, QWidget] = {}
        for key in EXTRA_KEYS:
            tab = QWidget(self)
            lay = QVBoxLayout(tab)
            table = make_table(self.extra_models[key], tab)
            label = QLabel(tab)
            label.setWordWrap(True)
            lay.addWidget(table, 1)
            lay.addWidget(label)
            self.extra_tables[key], self.extra_labels[key], self.extra_tabs[key] = table, label, tab
            self.tabs.addTab(tab, EXTRA_BOARD_LABELS[key])
        self.tabs.addTab(self._chart_tab(), S.BOARD_TAB_CHART)
        self.landing = LandingTab(context, self)
        self.tabs.addTab(self.landing, S.BOARD_TAB_LANDING)
        self.activity = ActivityTab(context, self)
        self.tabs.addTab(self.activity, S.ACTIVITY_TAB)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.rules_note)

        self.picker.changed.connect(self.request)
        self.refresh_button.clicked.connect(lambda: self.request(self.picker.code()))
        self.rules_button.clicked.connect(self.open_rules)
        self.export_button.clicked.connect(self.export_xlsx)
        context.changed.connect(self._ledger_changed)
        context.money_unit_changed.connect(self._money_unit_changed)
        context.runner.done.connect(self._run_pending)
        self._actions = self._make_actions()

    def _chart_tab(self) -> QWidget:
        tab = QWidget(self)
        self.chart_item = QComboBox(tab)
        for key, label in S.CHART_RATE_ITEMS.items():
            self.chart_item.addItem(label, key)
        self.chart_item.currentIndexChanged.connect(self._fill_charts)
        self.completion_chart = CompletionChart(tab)
        scroll = QScrollArea(tab)
        scroll.setWidget(self.completion_chart)
        scroll.setWidgetResizable(True)
        self.trend_chart = TrendChart(tab)
        split = QSplitter(Qt.Orientation.Horizontal, tab)
        split.addWidget(scroll)
        split.addWidget(self.trend_chart)
        split.setSizes([500, 500])
        row = QHBoxLayout()
        row.addWidget(QLabel(S.CHART_ITEM, tab))
        row.addWidget(self.chart_item)
        row.addStretch(1)
        lay = QVBoxLayout(tab)
        lay.addLayout(row)
        lay.addWidget(split, 1)
        return tab

    def _make_actions(self) -> list[QAction]:
        refresh = QAction(S.ACT_BOARD_REFRESH, self)
        refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
        refresh.triggered.connect(lambda: self.request(self.picker.code()))
        rules = QAction(S.ACT_BOARD_RULES, self)
        rules.triggered.connect(self.open_rules)
        export = QAction(S.ACT_BOARD_EXPORT, self)
        export.triggered.connect(self.export_xlsx)
        drill = QAction(S.ACT_BOARD_DRILL, self)
        drill.setShortcut(QKeySequence("Ctrl+D"))
        drill.triggered.connect(lambda: self.drill_index(self.unit_table.currentIndex()))
        return [refresh, drill, rules, export]

    # --- page protocol ------------------------------------------------------------------------
    def menu_actions(self) -> list[QAction]:
        return self._actions

    def status_text(self) -> str:
        if self.board is None:
            return ""
        return S.BOARD_STATUS.format(period=self.board.period.label, units=len(self.board.units),
                                     persons=len(self.board.persons), ms=round(self.seconds * 1000))

    def activated(self) -> None:
        # The helper that computes half of each board on the other core: started when the board is first
        # shown (~2 s there); until it is ready, a board is computed here alone. Never waits.
        WORKER.start()
        if self._dirty:
            self.request(self.picker.code())

    # --- computing ------------------------------------------------------------------------------
    def request(self, code: str) -> None:
        """Compute the board for ``code`` on the worker; while busy, only the newest request waits."""
        self._dirty = False
        if self.context.runner.busy:
            self._pending = code
            return
        self._pending = None
        self.context.runner.start(lambda _p, _c: compute_board_result(self.context, code), S.BOARD_COMPUTING, self,
                                  on_done=self.show_result)

    def _run_pending(self) -> None:
        if self._pending is not None:
            code = self._pending
            # the runner emits done before it is free for the next task's signals: start on the next turn
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, lambda: self.request(code) if not self.context.runner.busy else None)
            self._pending = None

    def _ledger_changed(self, _change: Any) -> None:
        self._dirty = True
        if self.isVisible():
            self.request(self.picker.code())

    def _money_unit_changed(self, unit: str) -> None:
        for model in (self.unit_model, self.person_model, *self.extra_models.values()):
            model.set_money_unit(unit)
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        if self.board is not None:
            self.show_board(self.board)

    def show_result(self, result: BoardResult) -> None:
        self.trend = result.trend
        self.last_year = result.last_year
        self.seconds = result.seconds
        self.show_board(result.board)

    def show_board(self, board: Board) -> None:
        self.board = board
        money = money_formatter(self.context.money_unit)
        unit = S.MONEY_UNITS[self.context.money_unit]
        d = board.district

        def summary_money(yuan: int) -> str:  # large sums read in 亿元: 132.84亿元, not 1328380.00万元
            return format_money(yuan, "yi" if self.context.money_unit == "yi" else "auto", suffix=True)

        f = d.figures
        self.summary.setText(S.BOARD_SUMMARY.format(
            label=board.period.label, signed=f.signed_projects, formal=f.formal_contracts,
            formal_amount=summary_money(f.formal_amount), formal_rate=rate_text(d.rates.get(Figure.FORMAL)),
            formal_yoy=growth_text(d.yoy.get(Figure.FORMAL.board_field)), arrived=summary_money(f.arrived_amount),
            arrived_rate=rate_text(d.rates.get(Figure.ARRIVED)),
            arrived_yoy=growth_text(d.yoy.get(Figure.ARRIVED.board_field))))
        rules = board.rules
        method = SCORE_METHODS.get(rules.score_method, rules.score_method)
        note = S.BOARD_RULES_NOTE if rules.version else S.BOARD_RULES_DEFAULT
        self.rules_note.setText(note.format(year=board.period.year, version=rules.version, method=method))
        self.unit_model.set_board_rows(board.units, self.last_year)
        self.person_model.set_rows(board.persons)
        self.unit_note.setText(S.UNIT_NOTE.format(unit=unit))
        quiet = board.quiet_units
        self.quiet_label.setText(S.BOARD_QUIET.format(n=len(quiet), names="、".join(quiet)) if quiet
                                 else S.BOARD_NO_QUIET)
        for key in EXTRA_KEYS:
            extra = board.extra_boards.get(key)
            self.extra_models[key].set_board(extra)
            if extra is None or not extra.projects:
                self.extra_labels[key].setText(S.BOARD_NO_PROJECTS)
            else:
                parts = [f"{u} {n} 个 {money(a)}{unit}" for u, n, a in extra.by_unit]
                self.extra_labels[key].setText(S.BOARD_BY_UNIT + "；".join(parts))
            self.tabs.setTabText(self.tabs.indexOf(self.extra_tabs[key]),
                                 f"{EXTRA_BOARD_LABELS[key]}（{len(extra.projects) if extra else 0}）")
        self._fill_charts()
        self.landing.set_code(board.period.code)
        self.activity.set_board(board)

    def _fill_charts(self) -> None:
        if self.board is None:
            return
        item = self.chart_item.currentData()
        rows = [(u.short_name, None if (r := u.rates.get(item)) is None else float(r)) for u in self.board.units]
        self.completion_chart.set_rows(rows, f"{S.CHART_COMPLETION}（{S.CHART_RATE_ITEMS[item]}，"
                                             f"{self.board.period.label}）")
        self.trend_chart.set_months(self.trend, S.CHART_TREND.format(year=self.board.period.year))
        self.trend_chart.setToolTip(self.trend_chart.tooltip_text())

    # --- drill-down, rules, export --------------------------------------------------------------
    def drill_index(self, index: QModelIndex) -> None:
        if self.board is None or not index.isValid():
            return
        proxy = self.unit_table.model()  # make_table's sort proxy
        source = proxy.mapToSource(index) if isinstance(proxy, QSortFilterProxyModel) else index
        row = self.unit_model.rows[source.row()]
        key = self.unit_model.COLUMNS[source.column()].key
        figure = {"agreement": Figure.AGREEMENT, "agreement_rate": Figure.AGREEMENT, "arrived": Figure.ARRIVED,
                  "arrived_rate": Figure.ARRIVED, "arrived_yoy": Figure.ARRIVED, "signed": Figure.SIGNED,
                  "major": Figure.MAJOR, "large": Figure.LARGE, "key": Figure.KEY}.get(key, Figure.FORMAL)
        dialog = DrillDialog(self.context.ledger, self.board.period, self.board.rules, row, self.context.money_unit,
                             figure, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.drill_dialog = dialog
        dialog.show()

    def open_rules(self) -> None:
        from .rules_editor import RulesEditor

        year = self.board.period.year if self.board else self.picker.period().year
        editor = RulesEditor(self.context, year, self.picker.code(), self)
        self.rules_editor = editor
        editor.show()

    def export_xlsx(self) -> None:
        from .board_export import export_board_dialog

        export_board_dialog(self, self.context, self.picker.code())
