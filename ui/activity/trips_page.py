"""外出招商 page (SPEC §10): filters (text, unit, year, quarter, 仅看未达标), the trips table, and the trip form.

Ctrl+N a new trip, Enter / double-click opens one, Del deletes the selected trips (undoable, like projects).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from zsdesk.errors import LedgerError
from zsdesk.ops import trips as trip_ops
from zsdesk.ops.history import Change
from zsdesk.queries.names import live_units
from zsdesk.queries.trips import TripQuery
from zsdesk.rules import load_rules

from .. import strings as S
from ..common import table_habits
from ..common.context import LedgerContext
from ..common.errors import show_error
from ..common.filter_bar import FilterBar, filter_combo, refill_choices
from ..common.ids_page import IdsPage, fix_row_height, ids_table
from ..common.permissions import limit
from .trips_model import COLUMN_INDEX, TripTableModel

TRIP_ENTITIES = {"trip", "trip_visit", "trip_unit", "trip_person", "lead"}


def _combo(items: list[tuple[str, object]], parent: QWidget) -> QComboBox:
    return filter_combo(items, parent, "正阳工业园区管委会")


class TripFilterBar(FilterBar):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, S.TRIPS_FILTER_TEXT, 260, parent)
        self.unit = _combo([(S.FILTER_ALL_UNITS, None)], self)
        this_year = context.today.year
        self.year = _combo([(S.FILTER_ALL_YEARS, None)] +
                           [(S.FILTER_YEAR.format(y=y), y) for y in range(this_year, this_year - 8, -1)], self)
        self.quarter = _combo([(S.FILTER_ALL_QUARTERS, None)] +
                              [(S.FILTER_QUARTER.format(q=q), q) for q in range(1, 5)], self)
        self.under = QCheckBox(S.TRIPS_FILTER_UNDER, self)
        self.lay_out((self.unit, self.year, self.quarter, self.under), stretch=True)
        self.reload_choices()

    def reload_choices(self) -> None:
        with self.context.ledger.reading() as s:
            units = live_units(s)
        refill_choices(self.unit, units)

    def dates(self) -> tuple[date | None, date | None]:
        year, quarter = self.year.currentData(), self.quarter.currentData()
        if year is None:
            return None, None
        if quarter is None:
            return date(year, 1, 1), date(year, 12, 31)
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1)

    def apply(self, query: TripQuery) -> TripQuery:
        start, end = self.dates()
        return replace(query, text=self.text.text(), unit_id=self.unit.currentData(), departed_from=start,
                       departed_to=end, under_quota_only=self.under.isChecked())


class TripsPage(IdsPage):
    model: TripTableModel
    filters: TripFilterBar
    owns_ctrl_n = True

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        table_habits.install()  # Ctrl+C / Ctrl+Shift+C / Ctrl+A in every table of the window
        self.context = context
        self.form: QWidget | None = None
        self.filters = TripFilterBar(context, self)
        self.model = TripTableModel(context, self._with_quota(TripQuery()))
        self.table = ids_table(self, self.model, alternating=False)
        self.table.horizontalHeader().setSortIndicator(COLUMN_INDEX["departure_date"], Qt.SortOrder.DescendingOrder)
        fix_row_height(self.table, self)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        em = self.fontMetrics().horizontalAdvance("中")
        for key, chars in (("departure_date", 7), ("return_date", 7), ("destination", 10), ("leader", 11),
                           ("level", 6), ("companies", 6), ("intentions", 6), ("leads", 6)):
            header.resizeSection(COLUMN_INDEX[key], em * chars + 16)
        header.setSectionResizeMode(COLUMN_INDEX["units"], QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.selection_changed.emit())
        self.filters.changed.connect(self.apply_filters)
        self.quota_note = QLabel(self)
        self.quota_note.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.quota_note)
        self._make_actions()
        context.changed.connect(self.on_change)
        self.model.reload()
        self._note_quota()

    # --- actions --------------------------------------------------------------------------
    def _make_actions(self) -> None:
        act = self.add_action
        self.act_new = act(S.TRIPS_ACT_NEW, lambda: self.new_trip(), QKeySequence.StandardKey.New)
        self.act_edit = act(S.TRIPS_ACT_EDIT, lambda: self.edit_current(), "Return")
        self.act_delete = act(S.TRIPS_ACT_DELETE, lambda: self.delete_selected(), QKeySequence.StandardKey.Delete)
        self.act_refresh = act(S.TRIPS_ACT_REFRESH, lambda: self.refresh(), QKeySequence.StandardKey.Refresh)
        for a in (self.act_new, self.act_delete):
            limit(a, self.context, "edit_projects")  # a read-only login sees trips, changes none

    def new_record(self) -> object:
        return self.new_trip()

    def menu_actions(self) -> list[QAction]:
        return [self.act_new, self.act_edit, self.act_delete, self.act_refresh]

    def activated(self) -> None:
        self.table.setFocus()

    def status_text(self) -> str:
        return S.TRIPS_STATUS.format(shown=len(self.model.ids), total=self.model.total_live,
                                     under=self.model.under_count, selected=len(self.selected_ids()))

    # --- filtering ------------------------------------------------------------------------
    def _quota_year(self) -> int:
        year = self.filters.year.currentData()
        return int(year) if year is not None else self.context.today.year

    def _with_quota(self, query: TripQuery) -> TripQuery:
        with self.context.ledger.reading() as s:
            rules = load_rules(s, self._quota_year())
        return replace(query, min_companies=rules.trip_min_companies, min_intentions=rules.trip_min_intentions)

    def _note_quota(self) -> None:
        q = self.model.query
        self.quota_note.setText(S.TRIPS_QUOTA_NOTE.format(min_c=q.min_companies, min_i=q.min_intentions,
                                                          year=self._quota_year()))

    def apply_filters(self) -> None:
        self._reload_keeping_selection(self._with_quota(self.filters.apply(self.model.query)))
        self._note_quota()

    def refresh(self) -> None:
        self.filters.reload_choices()
        self._reload_keeping_selection(self._with_quota(self.model.query))

    def _reload_keeping_selection(self, query: TripQuery) -> None:
        self.reload_keeping_selection(lambda: self.model.set_query(query))

    def on_change(self, change: Change) -> None:
        if any(r.entity in ("unit", "setting", "rules_document") for r in change.records):
            self.filters.reload_choices()
            self.model.query = self._with_quota(self.model.query)
            self._note_quota()
        if any(r.entity in TRIP_ENTITIES or r.entity in ("unit", "setting") for r in change.records):
            self._reload_keeping_selection(self.model.query)

    # --- editing --------------------------------------------------------------------------
    def new_trip(self) -> QWidget | None:
        if not self.act_new.isEnabled():
            return None
        from .trip_form import TripForm  # local: the form loads with the first trip opened

        form = TripForm(self.context, None, self)
        form.saved.connect(lambda tid: self.select_ids([tid], tid))
        self.form = form
        form.open()
        return form

    def edit_current(self) -> QWidget | None:
        tid = self.current_id()
        if tid is None:
            return None
        return self.open_trip(tid)

    def open_trip(self, trip_id: int) -> QWidget | None:
        from .trip_form import TripForm  # local: the form loads with the first trip opened

        try:
            form = TripForm(self.context, trip_id, self)
        except LedgerError as err:
            show_error(self, err)
            return None
        self.form = form
        form.open()
        return form

    def delete_selected(self, ask: bool = True) -> None:
        if self.act_delete.isEnabled():
            self.delete_selected_with(trip_ops.delete_trips, S.TRIPS_NOTHING_SELECTED, S.TRIPS_DELETE_TITLE,
                                      S.TRIPS_DELETE_CONFIRM, ask)
