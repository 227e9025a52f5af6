"""The trips table: a model over trip ids (``zsdesk.queries.trips.TripQuery``), rows fetched a page at a time.

A trip under the rules' quota (fewer companies visited or intentions than required) is tinted, its short
figures in red, and the tooltip says what is short (拜访企业2家，少于3家).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from zsdesk.labels import TRIP_LEVEL_LABELS
from zsdesk.queries import ReadSession
from zsdesk.queries.trips import TripQuery, TripRow, fetch_trip_rows

from .. import strings as S
from ..common.context import LedgerContext
from ..common.ids_model import IdsTableModel
from ..common.roles import SortRole

UNDER_BACKGROUND = QColor("#fde9e7")
UNDER_FOREGROUND = QColor("#b03a2e")

COLUMNS = tuple(S.TRIPS_COLS)
COLUMN_INDEX = {key: i for i, key in enumerate(COLUMNS)}
NUMBER_COLUMNS = ("companies", "intentions", "leads")
SORTABLE = {"departure_date", "return_date", "destination", "leader", "level", "companies", "intentions"}


def shortfall(row: TripRow, min_companies: int, min_intentions: int) -> list[str]:
    """What a trip is short of, in words (empty when it met the quota)."""
    out = []
    if row.companies < min_companies:
        out.append(S.TRIPS_SHORT_COMPANIES.format(n=row.companies, min=min_companies))
    if row.intentions < min_intentions:
        out.append(S.TRIPS_SHORT_INTENTIONS.format(n=row.intentions, min=min_intentions))
    return out


class TripTableModel(IdsTableModel[TripRow]):
    def __init__(self, context: LedgerContext, query: TripQuery | None = None) -> None:
        super().__init__(context, len(COLUMNS))
        self.query = query or TripQuery()
        self.under_count = 0

    # --- query ----------------------------------------------------------------------------
    def set_query(self, query: TripQuery) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        q = self.query
        with self.context.ledger.reading() as s:
            ids = q.ids(s)
            self.total_live = TripQuery().count(s)
            self.under_count = len(ids) if q.under_quota_only else len(replace(q, under_quota_only=True).ids(s))
        self.show_ids(ids)

    def trip_row(self, row: int) -> TripRow | None:
        return self.record(row)

    def fetch_records(self, session: ReadSession, ids: list[int]) -> dict[int, TripRow]:
        return fetch_trip_rows(session, ids, self.query.min_companies, self.query.min_intentions)

    def format_cell(self, record: TripRow, col: int) -> str:
        return _display(record, COLUMNS[col])

    # --- Qt model -------------------------------------------------------------------------
    def role_data(self, row: int, col: int, role: int) -> Any:
        key = COLUMNS[col]
        trip = self.record(row)
        if trip is None:
            return None
        if role == SortRole:
            return getattr(trip, key) if key in NUMBER_COLUMNS else _display(trip, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in NUMBER_COLUMNS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key in ("departure_date", "return_date", "level"):
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [S.TRIPS_UNDER_MARK + "；".join(shortfall(trip, self.query.min_companies,
                                                            self.query.min_intentions))] if trip.under_quota else []
            if key in ("destination", "leader", "units"):  # a long name is cut in its column: whole here
                tips.append(_display(trip, key))
            return "\n".join(tips) or None
        if not trip.under_quota:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(UNDER_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            short = (key == "companies" and trip.companies < self.query.min_companies) or \
                    (key == "intentions" and trip.intentions < self.query.min_intentions)
            return QBrush(UNDER_FOREGROUND) if short else None
        return None

    def header(self, section: int) -> str:
        return S.TRIPS_COLS[COLUMNS[section]]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column] not in SORTABLE:
            return
        self.set_query(replace(self.query, sort=COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder))


def _display(trip: TripRow, key: str) -> str:
    if key == "departure_date":
        return trip.departure_date.isoformat()
    if key == "return_date":
        return trip.return_date.isoformat() if trip.return_date else ""
    if key == "destination":
        return trip.destination
    if key == "level":
        return TRIP_LEVEL_LABELS.get(trip.level, trip.level)
    return str(getattr(trip, key))
