"""The 英雄榜 page's 项目落地 tab (SPEC §9): the district and each lead unit's cohort, started, producing, due,
on time, overdue and the four rates with bars; double-click a figure for its projects; xlsx export.

Figures come from ``zsdesk.lifecycle.compute_lifecycle`` on the context's worker, for the period the
board page shows; the projects behind a figure from ``Lifecycle.drill`` (the same objects, no new query).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk.board import rate_text
from zsdesk.lifecycle import Lifecycle, ProjectStatus, UnitLifecycle, compute_lifecycle
from zsdesk.periods import parse_period
from zsdesk.rules import SIZE_CLASS_LABELS

from .. import strings as S
from ..common import errors
from ..common.context import LedgerContext
from ..common.roles import SortRole
from ..common.worker import Task
from .board_chart import RateBarDelegate
from .board_models import Column, RowsTableModel
from .period_tab import DistrictFirstModel, PeriodTab

RATES = ("start_rate", "production_rate", "arrival_rate", "fulfilment_rate")
# a column → the figure whose projects a double-click shows (a rate: its numerator's projects)
DRILL_FIGURE = {"unit": "cohort", "cohort": "cohort", "started": "started", "producing": "producing", "due": "due",
                "on_time": "on_time", "overdue": "overdue", "start_rate": "started", "production_rate": "producing",
                "arrival_rate": "cohort", "fulfilment_rate": "late"}
DRILL_LABELS = {"cohort": "纳入统计", "started": "已开工", "producing": "已投产", "due": "节点到期", "on_time": "按期履约",
                "overdue": "逾期项目", "late": "未按期履约"}


class LandingBarDelegate(RateBarDelegate):
    scale = 100.0  # a landing rate is at most 100% (资金到位率 may pass it; the bar stops full)


class LifecycleModel(DistrictFirstModel):
    """The district line first, then the lead units in their sort order."""

    COLUMNS = tuple(Column(key, title, "text" if key == "unit" else "rate" if key in RATES else "int")
                    for key, title in S.LANDING_COLS.items())

    def value(self, row: UnitLifecycle, key: str) -> Any:
        f = row.figures
        if key == "unit":
            return row.unit
        if key == "overdue":
            return f.overdue_projects
        return getattr(f, key)

    def row_id(self, row: UnitLifecycle) -> int:
        return row.unit_id or 0


class LandingTab(PeriodTab):
    computing_title = S.LANDING_COMPUTING

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.lifecycle: Lifecycle | None = None
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("landingSummary")
        self.export_button = QPushButton(S.LANDING_EXPORT, self)
        self.model = LifecycleModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.bars = LandingBarDelegate(self.table)
        for key in RATES:
            self.table.setItemDelegateForColumn(self.model.column_of(key), self.bars)
            header.setSectionResizeMode(self.model.column_of(key), QHeaderView.ResizeMode.Fixed)
            header.resizeSection(self.model.column_of(key), 96)
        self.table.doubleClicked.connect(self.drill_index)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.export_button.clicked.connect(self.export_dialog)
        context.changed.connect(lambda _c: self.set_code(self.code, force=True) if self.code else None)

    # --- computing ------------------------------------------------------------------------
    def task(self, code: str) -> Task:
        ledger = self.context.ledger
        return lambda _p, _c: compute_lifecycle(ledger, parse_period(code))

    def show_result(self, result: Any) -> None:
        self.show_lifecycle(result)

    def show_lifecycle(self, lc: Lifecycle) -> None:
        self.lifecycle = lc
        d = lc.district
        self.summary.setText(S.LANDING_SUMMARY.format(
            label=lc.period.label, start=lc.cohort_start, end=lc.end, cohort=d.cohort,
            start_rate=rate_text(d.start_rate), production_rate=rate_text(d.production_rate),
            arrival_rate=rate_text(d.arrival_rate), fulfilment_rate=rate_text(d.fulfilment_rate),
            overdue=len(lc.overdue)))
        district = UnitLifecycle(None, S.LANDING_DISTRICT, S.LANDING_DISTRICT, d)
        self.model.set_rows([district, *lc.units])

    # --- drill-down -----------------------------------------------------------------------
    def drill_index(self, index: QModelIndex) -> LandingDrill | None:
        if self.lifecycle is None or not index.isValid():
            return None
        row = self.model.rows[index.row()]
        figure = DRILL_FIGURE[self.model.COLUMNS[index.column()].key]
        if index.row() == 0:
            projects = self.lifecycle.drill(figure, all_units=True)
        else:
            projects = self.lifecycle.drill(figure, row.unit_id)
        title = S.LANDING_DRILL_TITLE.format(unit=row.unit, figure=DRILL_LABELS[figure],
                                             period=self.lifecycle.period.label)
        dialog = LandingDrill(self.context, title, projects, self.lifecycle.end, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.drill_dialog = dialog
        dialog.show()
        return dialog

    # --- export ---------------------------------------------------------------------------
    def export_to(self, path: str | Path, on_done: Any = None) -> bool:
        from zsdesk.xlsx.lifecycle_export import export_lifecycle

        ledger = self.context.ledger
        what: Any = self.lifecycle if self.lifecycle is not None and self.lifecycle.period.code == self.code \
            else self.code
        return self.context.runner.start(lambda _p, _c: export_lifecycle(ledger, path, what), S.LANDING_EXPORTING,
                                         self, on_done=on_done)

    def export_dialog(self) -> None:
        if self.code is None:
            return
        default = str(Path.home() / S.LANDING_EXPORT_NAME.format(period=parse_period(self.code).label))
        path = errors.ask_xlsx_path(self, S.LANDING_EXPORT_TITLE, default)
        if path is None:
            return

        def done(_result: Any) -> None:
            errors.inform(self, S.DONE_TITLE, S.LANDING_EXPORT_DONE.format(path=path))

        self.export_to(path, done)


class DrillModel(RowsTableModel):
    COLUMNS = tuple(Column(str(i), title) for i, title in enumerate(S.LANDING_DRILL_COLS))

    def __init__(self, parent: Any, end: Any) -> None:
        super().__init__(parent)
        self.end = end

    def value(self, row: ProjectStatus, key: str) -> Any:
        def day(d: Any) -> str:
            return "" if d is None else f"{d:%Y-%m-%d}"

        match int(key):
            case 0:
                return row.code
            case 1:
                return row.name
            case 2:
                return row.unit
            case 3:
                return SIZE_CLASS_LABELS.get(row.size_class, row.size_class)
            case 4:
                return day(row.formal_date)
            case 5:
                return day(row.start.deadline)
            case 6:
                return day(row.start.happened)
            case 7:
                return day(row.production.deadline)
            case 8:
                return day(row.production.happened)
        if row.overdue:
            return S.LANDING_STATE_OVERDUE
        if row.late:
            return S.LANDING_STATE_LATE
        return S.LANDING_STATE_ON_TIME if row.on_time else S.LANDING_STATE_NOT_DUE

    def row_id(self, row: ProjectStatus) -> int:
        return row.project_id


class LandingDrill(QDialog):
    def __init__(self, context: LedgerContext, title: str, projects: list[ProjectStatus], end: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.model = DrillModel(self, end)
        self.model.set_rows(projects)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SortRole)
        self.table = QTableView(self)
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open)
        buttons = QDialogButtonBox(self)
        buttons.addButton(S.CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(S.LANDING_DRILL_COUNT.format(n=len(projects)), self))
        layout.addWidget(buttons)
        self.resize(980, 480)

    def _open(self, index: QModelIndex) -> None:
        source = self.table.model().mapToSource(index)  # type: ignore[attr-defined]  # the view's model is our proxy; Qt stubs give QAbstractItemModel
        self.context.open_project_requested.emit(self.model.rows[source.row()].project_id)
