"""The 英雄榜 page's 招商活动 tab (SPEC §10): per unit and for the district, the work before the signing
(trips, leader-led trips, companies visited, intentions, trips under quota, new leads, leads converted, new 在谈
projects, conversion rate) next to the unit's signings of the same period (签约项目数, 签约金额 from the board).

Figures come from ``zsdesk.activity.compute_activity`` on the context's worker, for the period the board page
shows; the signings from the board the page already computed (no second board computation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from zsdesk.activity import FIGURE_LABELS, FIGURES, Activity, ActivityFigures, compute_activity
from zsdesk.board import Board, rate_text
from zsdesk.periods import parse_period

from .. import strings as S
from ..common.context import LedgerContext
from ..common.worker import Task
from .board_models import Column
from .period_tab import DistrictFirstModel, PeriodTab


@dataclass(frozen=True)
class ActivityLine:
    unit_id: int | None  # None: the district line
    unit: str
    figures: ActivityFigures
    signed: int
    amount: int  # yuan: credited for a unit (as the unit board), raw for the district (as the summary)


def activity_lines(activity: Activity, board: Board) -> list[ActivityLine]:
    """The district line first, then every unit of the activity figures (and any unit that only signed)."""
    signed = {u.unit_id: u for u in board.units}
    d = board.district.figures
    lines = [ActivityLine(None, S.ACTIVITY_DISTRICT, activity.district, d.signed_projects, d.agreement_amount)]
    seen = set()
    for u in activity.units:
        row = signed.get(u.unit_id)
        lines.append(ActivityLine(u.unit_id, u.unit, u.figures, row.figures.signed_projects if row else 0,
                                  row.figures.agreement_amount if row else 0))
        seen.add(u.unit_id)
    for row in board.units:
        if row.unit_id not in seen and (row.figures.signed_projects or row.figures.agreement_amount):
            lines.append(ActivityLine(row.unit_id, row.unit, ActivityFigures(), row.figures.signed_projects,
                                      row.figures.agreement_amount))
    return lines


class ActivityModel(DistrictFirstModel):
    COLUMNS = (Column("unit", S.ACTIVITY_COL_UNIT),
               *(Column(key, FIGURE_LABELS[key], "rate" if key == "conversion_rate" else "int") for key in FIGURES),
               Column("signed", S.ACTIVITY_COL_SIGNED, "int"), Column("amount", S.ACTIVITY_COL_AMOUNT, "money"))

    def value(self, row: ActivityLine, key: str) -> Any:
        if key in ("unit", "signed", "amount"):
            return getattr(row, key)
        return getattr(row.figures, key)

    def row_id(self, row: ActivityLine) -> int:
        return row.unit_id or 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        text = super().headerData(section, orientation, role)
        # two lines (外出招商 / （次）): twelve columns fit a 1366-pixel screen without cutting a word
        return text.replace("（", "\n（") if isinstance(text, str) and orientation == Qt.Orientation.Horizontal \
            else text



class ActivityTab(PeriodTab):
    computing_title = S.ACTIVITY_COMPUTING

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.activity: Activity | None = None
        self.board: Board | None = None
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("activitySummary")
        self.model = ActivityModel(self, context.money_unit)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        context.changed.connect(lambda _c: self.set_board(self.board, force=True) if self.board else None)
        context.money_unit_changed.connect(self._money_unit_changed)

    # --- computing ------------------------------------------------------------------------
    def set_board(self, board: Board | None, force: bool = False) -> None:
        """The board page shows ``board``: compute its period's activity now when the tab is on screen, else
        when it is shown."""
        if board is None:
            return
        self.board = board
        self._fill()
        self.set_code(board.period.code, force)

    def task(self, code: str) -> Task:
        ledger = self.context.ledger

        def compute(_progress: Any, _cancel: Any) -> Activity:
            with ledger.reading() as session:
                return compute_activity(session, parse_period(code))

        return compute

    def show_result(self, result: Any) -> None:
        self.show_activity(result)

    def show_activity(self, activity: Activity) -> None:
        self.activity = activity
        self._fill()

    def _fill(self) -> None:
        activity, board = self.activity, self.board
        if activity is None or board is None or activity.period.code != board.period.code:
            return  # the other half is still on its way
        d = activity.district
        self.summary.setText(S.ACTIVITY_SUMMARY.format(
            label=activity.period.label, trips=d.trips, leader=d.leader_led_trips, under=d.trips_under_quota,
            companies=d.companies_visited, intentions=d.intentions, leads=d.new_leads, converted=d.converted_leads,
            rate=rate_text(d.conversion_rate), signed=board.district.figures.signed_projects))
        self.note.setText(S.ACTIVITY_NOTE.format(unit=S.MONEY_UNITS[self.context.money_unit]))
        self.model.set_rows(activity_lines(activity, board))

    def _money_unit_changed(self, unit: str) -> None:
        self.model.set_money_unit(unit)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.note.setText(S.ACTIVITY_NOTE.format(unit=S.MONEY_UNITS[unit]))
