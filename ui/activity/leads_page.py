"""招商线索 page (SPEC §10): the filter bar, the leads table, the selected lead's follow-ups, 转为项目.

Keys: Ctrl+N 新增线索, Enter (in the table) 编辑, Del 删除 (Ctrl+Z 撤销), Ctrl+Shift+P 转为项目,
Ctrl+F 查找, F5 刷新; in 新增跟进 type a sentence and press Enter. A role that may not write (只读)
sees everything and can change nothing, the reason in each disabled control's tooltip.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from zsdesk.errors import LedgerError
from zsdesk.labels import LEAD_STATUS_LABELS
from zsdesk.ops import leads as lead_ops
from zsdesk.ops.history import Change
from zsdesk.queries.leads import DEFAULT_LEAD_STALE_DAYS, OPEN_STATUSES, LeadQuery
from zsdesk.queries.names import live_entries, live_units
from zsdesk.rules import load_rules

from .. import strings as S
from ..common import table_habits
from ..common.context import LedgerContext
from ..common.errors import DISCARD, SAVE, ask_save, confirm, show_error
from ..common.filter_bar import FilterBar, filter_combo, refill_choices
from ..common.ids_page import IdsPage, fix_row_height, ids_table
from ..common.permissions import limit
from .lead_followups import FollowupPane
from .leads_model import COLUMN_INDEX, COLUMNS, LeadTableModel

LEAD_ENTITIES = ("lead", "lead_followup")
HEADER_KEY = "leads/header"  # the column layout, in the settings


def _combo(items: list[tuple[str, object]], parent: QWidget, widest: str = "全部产业链") -> QComboBox:
    return filter_combo(items, parent, widest, 44)


class LeadFilterBar(FilterBar):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, S.LEADS_FILTER_TEXT, 220, parent)
        statuses: list[tuple[str, object]] = [(S.LEADS_ALL_STATUSES, None), (S.LEADS_OPEN, OPEN_STATUSES)]
        statuses += [(label, (code,)) for code, label in LEAD_STATUS_LABELS.items()]
        self.status = _combo(statuses, self, S.LEADS_OPEN)
        self.unit = _combo([(S.FILTER_ALL_UNITS, None)], self)
        self.source = _combo([(S.LEADS_ALL_SOURCES, None)], self)
        self.chain = _combo([(S.FILTER_ALL_CHAINS, None)], self)
        self.age = _combo([(label, key) for key, label in S.LEADS_AGES.items()], self)
        self.stale = QCheckBox(S.LEADS_STALE_ONLY, self)
        self.lay_out((self.status, self.unit, self.source, self.chain, self.age, self.stale))
        self.reload_choices()

    def reload_choices(self) -> None:
        with self.context.ledger.reading() as s:
            lists = ((self.unit, live_units(s)), (self.source, live_entries(s, "lead_source")),
                     (self.chain, live_entries(s, "chain")))
        for box, rows in lists:
            refill_choices(box, rows)

    def apply(self, query: LeadQuery, today: date) -> LeadQuery:
        age = self.age.currentData()
        return replace(query, text=self.text.text(), statuses=self.status.currentData() or (),
                       unit_id=self.unit.currentData(), source_id=self.source.currentData(),
                       chain_id=self.chain.currentData(),
                       max_age_days=int(age) if age in ("30", "90") else None,
                       received_from=date(today.year, 1, 1) if age == "year" else None,
                       stale_only=self.stale.isChecked())


class LeadsPage(IdsPage):
    model: LeadTableModel
    filters: LeadFilterBar
    owns_ctrl_n = True

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        table_habits.install()  # Ctrl+C / Ctrl+Shift+C / Ctrl+A as in Excel
        self.context = context
        self.forms: list[QWidget] = []
        self.filters = LeadFilterBar(context, self)
        self.model = LeadTableModel(context)
        self.table = ids_table(self, self.model)
        self.table.horizontalHeader().setSortIndicator(COLUMN_INDEX["received_date"], Qt.SortOrder.DescendingOrder)
        fix_row_height(self.table, self)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        self._restore_columns()
        self.remember_header(HEADER_KEY)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.followups = FollowupPane(context, self)
        self.followups.text.textChanged.connect(lambda _t: self.unsaved_changed.emit())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.followups)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.filters)
        layout.addWidget(splitter, 1)
        self._make_actions()
        self.filters.changed.connect(self.apply_filters)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_moved())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selection_moved())
        context.changed.connect(self.on_change)
        self.model.reload(self._stale_days())
        self._selection_moved()

    def _stale_days(self) -> int:
        try:
            return load_rules(self.context.ledger, self.context.today.year).lead_stale_days
        except LedgerError:
            return DEFAULT_LEAD_STALE_DAYS

    # --- actions --------------------------------------------------------------------------
    def _make_actions(self) -> None:
        # Enter and Del on the table only: the same keys in the 新增跟进 line are the line's.
        act = self.add_action
        self.act_new = act(S.LEADS_ACT_NEW, lambda: self.new_lead(), QKeySequence.StandardKey.New)
        self.act_edit = act(S.LEADS_ACT_EDIT, lambda: self.edit_current(), "Return", self.table)
        self.act_delete = act(S.LEADS_ACT_DELETE, lambda: self.delete_selected(), QKeySequence.StandardKey.Delete,
                              self.table)
        self.act_convert = act(S.LEADS_ACT_CONVERT, lambda: self.convert_current(), "Ctrl+Shift+P")
        self.act_open_project = act(S.LEADS_ACT_OPEN_PROJECT, lambda: self.open_current_project())
        self.act_followup = act(S.LEADS_ACT_FOLLOWUP, lambda: self.followups.text.setFocus(), "Ctrl+J")
        self.act_refresh = act(S.ACT_REFRESH, lambda: self.refresh(), QKeySequence.StandardKey.Refresh)
        self.act_copy_headers = act(S.COPY_WITH_HEADERS, lambda: table_habits.copy_selection(self.table, True))
        self.writable = True
        for action in (self.act_new, self.act_delete, self.act_convert, self.act_followup):
            self.writable = limit(action, self.context, "edit_projects") and self.writable

    def menu_actions(self) -> list[QAction]:
        return [self.act_new, self.act_edit, self.act_delete, self.act_convert, self.act_open_project,
                self.act_followup, self.act_refresh]

    def new_record(self) -> object:
        return self.new_lead()

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for a in (self.act_edit, self.act_convert, self.act_open_project, self.act_delete):
            menu.addAction(a)
        menu.addSeparator()
        table_habits.add_copy_actions(menu, self.table)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def unsaved(self) -> bool:
        return self.followups.unsaved()

    def leave(self) -> bool:
        """A follow-up typed and not yet entered: 保存 / 不保存 / 取消, as every editor asks."""
        if not self.unsaved():
            return True
        answer = ask_save(self, S.LEADS_FOLLOWUP_ASK_SAVE)
        if answer == SAVE:
            return self.followups.add()
        if answer == DISCARD:
            self.followups.text.clear()
            return True
        return False

    # --- filtering ------------------------------------------------------------------------
    def apply_filters(self) -> None:
        self._reload_keeping_selection(self.filters.apply(self.model.query, self.context.today))

    def refresh(self) -> None:
        self.filters.reload_choices()
        self.model.stale_days = self._stale_days()
        self._reload_keeping_selection(self.model.query)

    def _reload_keeping_selection(self, query: LeadQuery) -> None:
        self.reload_keeping_selection(lambda: self.model.set_query(query))

    def selection_moved(self) -> None:
        self._selection_moved()

    def _selection_moved(self) -> None:
        lid = self.current_id()
        lead = self.model.lead(lid) if lid is not None else None
        if lead is None:
            self.followups.show_lead(None)
        elif lead.id != self.followups.lead_id:
            self.followups.show_lead(lead.id, lead.company)
        self._update_convert(lead.project_code if lead is not None else None,
                             lead.status if lead is not None else None)
        self.selection_changed.emit()

    def _update_convert(self, code: str | None, status: str | None) -> None:
        if not self.writable:
            return
        converted = status == "converted"
        self.act_convert.setEnabled(status is not None and not converted)
        self.act_convert.setToolTip(S.LEADS_CONVERTED_TIP.format(code=code) if converted else "")
        self.act_open_project.setEnabled(converted)

    def on_change(self, change: Change) -> None:
        structural = [r for r in change.records if r.entity == "lead" and (
            r.action != "update" or (r.before or {}).get("deleted_at") != (r.after or {}).get("deleted_at"))]
        if structural:
            self._reload_keeping_selection(self.model.query)
        else:
            touched = set(change.ids("lead"))
            touched |= {lid for r in change.records if r.entity == "lead_followup" for snap in (r.before, r.after)
                        if snap and (lid := snap.get("lead_id")) is not None}
            if touched:
                self.model.refresh_ids(touched)
            if self.followups.lead_id in touched:
                self.followups.reload()
            self._selection_moved()
        if any(r.entity in ("unit", "dictionary") for r in change.records):
            self.filters.reload_choices()
        if any(r.entity in ("setting", "rules") for r in change.records):
            self.model.reload(self._stale_days())
        self.selection_changed.emit()

    def status_text(self) -> str:
        return S.LEADS_STATUS.format(shown=len(self.model.ids), total=self.model.total_live,
                                     selected=len(self.selected_ids()), days=self.model.stale_days)

    # --- columns --------------------------------------------------------------------------
    def _restore_columns(self) -> None:
        header = self.table.horizontalHeader()
        if self.restore_header(HEADER_KEY):
            return
        # What fits a 1366-pixel screen beside the navigation: the columns read most, whole.
        widths = {"received_date": 90, "company": 190, "source": 90, "chain": 80, "intended_investment": 112,
                  "unit": 110, "person": 64, "contact_name": 70, "phone": 96, "status": 66, "last_followup": 86,
                  "project_code": 76, "stale": 70}
        for i, column in enumerate(COLUMNS):
            header.resizeSection(i, widths.get(column.key, 80))

    # --- editing --------------------------------------------------------------------------
    def _form(self, lead_id: int | None) -> QWidget:
        from .lead_form import LeadForm

        form = LeadForm(self.context, lead_id, self)
        form.saved.connect(lambda lid: self.select_ids([lid], lid))
        form.open_project.connect(self.context.open_project_requested.emit)
        self.forms = [f for f in self.forms if f.isVisible()] + [form]
        form.open()
        return form

    def new_lead(self) -> QWidget | None:
        if not self.act_new.isEnabled():
            return None
        return self._form(None)

    def edit_current(self) -> QWidget | None:
        lid = self.current_id()
        return None if lid is None else self._form(lid)

    def delete_selected(self, ask: bool = True) -> None:
        if self.act_delete.isEnabled():
            self.delete_selected_with(lead_ops.delete_leads, S.LEADS_NOTHING_SELECTED, S.LEADS_DELETE_TITLE,
                                      S.LEADS_DELETE_CONFIRM, ask)

    def convert_current(self) -> int | None:
        """转为项目: the project made at 在谈 on the lead's date; then offer to open it. The project's id."""
        lid = self.current_id()
        if lid is None:
            show_error(self, LedgerError(S.LEADS_NOTHING_SELECTED))
            return None
        if not self.writable:
            return None
        change = self.context.run(self, lead_ops.convert_lead, lid)  # a refusal comes as a Chinese message
        if change is None:
            return None
        project_id = change.ids("project", "insert")[0]
        lead = self.model.lead(lid)
        code = lead.project_code if lead is not None else ""
        if confirm(self, S.LEADS_CONVERT_TITLE, S.LEADS_CONVERTED_ASK.format(code=code),
                   yes=S.LEADS_OPEN_YES, no=S.LEADS_OPEN_NO):
            self.context.open_project_requested.emit(project_id)
        return project_id

    def open_current_project(self) -> None:
        lid = self.current_id()
        lead = self.model.lead(lid) if lid is not None else None
        if lead is not None and lead.project_id is not None:
            self.context.open_project_requested.emit(lead.project_id)
