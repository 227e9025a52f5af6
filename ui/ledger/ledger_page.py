"""项目台账 page: filter bar, the big table, and the actions on selected projects."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.dates import parse_date
from zsdesk.errors import LedgerError
from zsdesk.labels import ORIGIN_LABELS, STAGE_LABELS
from zsdesk.money import format_money
from zsdesk.ops.history import Change
from zsdesk.queries import SIZE_CLASS_LABELS, ProjectQuery
from zsdesk.queries.names import live_entries, live_units

from .. import strings as S
from ..common import table_habits
from ..common.context import LedgerContext
from ..common.errors import show_error
from ..common.filter_bar import FilterBar, filter_combo, refill_choices
from ..common.ids_page import IdsPage, fix_row_height, ids_table
from .ledger_model import COLUMN_INDEX, COLUMNS, ProjectTableModel
from .progress_entry import ProgressEntry

HEADER_KEY = "ledger/header"  # the column layout, in the settings
STATUS_SUM_LIMIT = 5000  # selected rows summed in the status line (more would read many pages)
ACTIVE_STAGES = tuple(s for s in STAGE_LABELS if s != "withdrawn")


def _combo(items: list[tuple[str, object]], parent: QWidget) -> QComboBox:
    return filter_combo(items, parent, "按签约日期")


class LedgerFilterBar(FilterBar):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, S.FILTER_TEXT, 260, parent)
        stages: list[tuple[str, object]] = [(S.FILTER_ALL_STAGES, None), (S.FILTER_ACTIVE, ACTIVE_STAGES)]
        stages += [(label, (code,)) for code, label in STAGE_LABELS.items()]
        self.stage = _combo(stages, self)
        self.unit = _combo([(S.FILTER_ALL_UNITS, None)], self)
        self.chain = _combo([(S.FILTER_ALL_CHAINS, None)], self)
        self.origin = _combo([(S.FILTER_ALL_ORIGINS, None)] + [(v, k) for k, v in ORIGIN_LABELS.items()], self)
        self.size_class = _combo([(S.FILTER_ALL_SIZES, None)] + [(v, k) for k, v in SIZE_CLASS_LABELS.items()], self)
        this_year = context.today.year
        self.year = _combo([(S.FILTER_ALL_YEARS, None)] +
                           [(S.FILTER_YEAR.format(y=y), y) for y in range(this_year, this_year - 8, -1)], self)
        self.quarter = _combo([(S.FILTER_ALL_QUARTERS, None)] +
                              [(S.FILTER_QUARTER.format(q=q), q) for q in range(1, 5)], self)
        self.period_field = _combo([(v, k) for k, v in S.PERIOD_FIELDS.items()], self)
        self.stale = QCheckBox(S.FILTER_STALE, self)
        self.lay_out((self.stage, self.unit, self.chain, self.origin, self.size_class, self.year, self.quarter,
                      self.period_field, self.stale))
        self.reload_choices()

    def reload_choices(self) -> None:
        with self.context.ledger.reading() as s:
            units = live_units(s)
            chains = live_entries(s, "chain")
        refill_choices(self.unit, units)
        refill_choices(self.chain, chains)

    def apply(self, query: ProjectQuery) -> ProjectQuery:
        return replace(query, text=self.text.text(), stages=self.stage.currentData() or (),
                       unit_id=self.unit.currentData(), chain_id=self.chain.currentData(),
                       origin=self.origin.currentData(), size_class=self.size_class.currentData(),
                       year=self.year.currentData(), quarter=self.quarter.currentData(),
                       period_field=self.period_field.currentData() or "signed", stale_only=self.stale.isChecked())


class LedgerPage(IdsPage):
    model: ProjectTableModel
    filters: LedgerFilterBar

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        table_habits.install()  # Ctrl+C / Ctrl+Shift+C / Ctrl+A in every table of the window
        self.context = context
        self.paste_dialog: QWidget | None = None
        self.filters = LedgerFilterBar(context, self)
        self.model = ProjectTableModel(context)
        self.model.held = True  # one reload below, not one per sort/restore step
        self.table = ids_table(self, self.model)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        fix_row_height(self.table, self)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda _p: self.choose_columns())
        self._restore_columns()
        self.remember_header(HEADER_KEY)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.selection_changed.emit())
        self.filters.changed.connect(self.apply_filters)
        self.summary = QLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        self._make_actions()
        context.changed.connect(self.on_change)
        self.model.held = False
        self.model.reload()

    # --- actions --------------------------------------------------------------------------
    def _make_actions(self) -> None:
        act = self.add_action
        self.act_new = act(S.ACT_NEW_PROJECT, lambda: self.new_project(), QKeySequence.StandardKey.New)
        self.act_new.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_edit = act(S.ACT_EDIT_PROJECT, lambda: self.edit_current(), "Return")
        self.act_progress = act(S.ACT_ADD_PROGRESS, lambda: self.add_progress_current(), "Ctrl+J")
        self.act_delete = act(S.ACT_DELETE_PROJECT, lambda: self.delete_selected(), QKeySequence.StandardKey.Delete)
        self.act_set_unit = act(S.ACT_SET_UNIT, lambda: self.set_unit_for_selected())
        self.act_set_chain = act(S.ACT_SET_CHAIN, lambda: self.set_chain_for_selected())
        self.act_withdraw = act(S.ACT_WITHDRAW, lambda: self.withdraw_selected())
        self.act_columns = act(S.ACT_COLUMNS, lambda: self.choose_columns())
        self.act_refresh = act(S.ACT_REFRESH, lambda: self.refresh(), QKeySequence.StandardKey.Refresh)
        self.act_paste = act(S.PASTE_ACTION, lambda: self.open_paste())
        self.act_copy_headers = act(S.COPY_WITH_HEADERS, lambda: table_habits.copy_selection(self.table, True))

    def menu_actions(self) -> list[QAction]:
        return [self.act_new, self.act_edit, self.act_progress, self.act_delete, self.act_set_unit, self.act_set_chain,
                self.act_withdraw, self.act_columns, self.act_refresh, self.act_paste]

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for a in (self.act_edit, self.act_set_unit, self.act_set_chain, self.act_withdraw, self.act_delete):
            menu.addAction(a)
        menu.addSeparator()
        table_habits.add_copy_actions(menu, self.table)
        menu.addAction(self.act_paste)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def open_paste(self) -> QWidget:
        """粘贴项目: rows copied from Excel/WPS, checked like an xlsx import, imported all or nothing."""
        from ..common.paste_dialog import PasteDialog

        dialog = PasteDialog(self.context, "projects", self)
        self.paste_dialog = dialog
        dialog.show()
        return dialog

    # --- filtering ------------------------------------------------------------------------
    def apply_filters(self) -> None:
        self._reload_keeping_selection(self.filters.apply(self.model.query))

    def refresh(self) -> None:
        self.filters.reload_choices()
        self.model.ledger_changed()
        self._reload_keeping_selection(self.model.query)

    def _reload_keeping_selection(self, query: ProjectQuery) -> None:
        self.reload_keeping_selection(lambda: self.model.set_query(query))

    def on_change(self, change: Change) -> None:
        structural = [r for r in change.records if r.entity == "project" and (
            r.action != "update" or (r.before or {}).get("deleted_at") != (r.after or {}).get("deleted_at"))]
        if structural:
            self.model.ledger_changed()
            self._reload_keeping_selection(self.model.query)
        else:
            touched = set(change.ids("project"))
            touched |= {pid for r in change.records if r.entity == "funding" for snap in (r.before, r.after)
                        if snap and (pid := snap.get("project_id")) is not None}
            if touched:
                self.model.refresh_ids(touched)
        if any(r.entity in ("unit", "dictionary", "setting") for r in change.records):
            self.filters.reload_choices()
            if any(r.entity == "setting" for r in change.records):
                self.model.reload()
        self.selection_changed.emit()

    def status_text(self) -> str:
        n = len(self.model.ids)
        text = S.STATUS_COUNTS.format(shown=n, total=self.model.total_live, selected=len(self.selected_ids()))
        unit = S.MONEY_UNIT_YI if self.context.money_unit == "yi" else S.MONEY_UNIT_WAN
        rows = [i.row() for i in self.table.selectionModel().selectedRows()]
        if 1 < len(rows) <= STATUS_SUM_LIMIT:  # the sum of what is selected, as Excel's status bar shows
            found = [self.model.project_row(r) for r in rows]
            total = sum(p.agreement_amount for p in found if p is not None)
            text += S.STATUS_SELECTED_SUM.format(amount=format_money(total, "auto"))
        return f"{text}　{S.STATUS_MONEY.format(unit=unit)}"

    # --- columns --------------------------------------------------------------------------
    def _restore_columns(self) -> None:
        header = self.table.horizontalHeader()
        if not self.restore_header(HEADER_KEY):
            shared = self.context.ledger.path is None  # a server ledger: the 认定 state decides what counts
            for i, column in enumerate(COLUMNS):
                header.setSectionHidden(i, not (column.visible or (shared and column.key == "verification")))
                if column.key == "name":
                    header.resizeSection(i, 280)
                elif column.key in ("investor", "lead_unit"):
                    header.resizeSection(i, 200)
                elif column.kind in ("money", "date", "datetime"):
                    header.resizeSection(i, 110)
                elif column.key in ("stage", "size_class", "origin", "stale"):
                    header.resizeSection(i, 80)

    def _save_columns(self) -> None:
        self.save_header(HEADER_KEY)

    def choose_columns(self) -> None:
        header = self.table.horizontalHeader()
        dialog = QDialog(self)
        dialog.setWindowTitle(S.COLUMNS_TITLE)
        listing = QListWidget(dialog)
        for i in range(len(COLUMNS)):
            item = QListWidgetItem(self.model.headerData(i, Qt.Orientation.Horizontal), listing)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if header.isSectionHidden(i) else Qt.CheckState.Checked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(S.COLUMNS_HINT, dialog))
        layout.addWidget(listing)
        layout.addWidget(buttons)
        dialog.resize(320, 520)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_visible_columns([COLUMNS[i].key for i in range(listing.count())
                                      if listing.item(i).checkState() == Qt.CheckState.Checked])

    def set_visible_columns(self, keys: list[str]) -> None:
        header = self.table.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            header.setSectionHidden(i, column.key not in keys)
        self._save_columns()

    # --- editing --------------------------------------------------------------------------
    def new_project(self) -> None:
        from .project_form import ProjectForm

        form = ProjectForm(self.context, None, self)
        form.saved.connect(lambda pid: self.select_ids([pid], pid))
        form.open()

    def edit_current(self) -> None:
        pid = self.current_id()
        if pid is None:
            return
        from .project_form import ProjectForm

        ProjectForm(self.context, pid, self).open()

    def add_progress_current(self) -> ProgressEntry | None:
        """Ctrl+J: a one-line 项目进展 note on the current row's project."""
        pid = self.current_id()
        if pid is None:
            show_error(self, LedgerError(S.NOTHING_SELECTED))
            return None
        row = self.table.currentIndex().row()
        name = self.table.model().index(row, COLUMN_INDEX["name"]).data() if row >= 0 else ""
        code = self.table.model().index(row, COLUMN_INDEX["code"]).data() if row >= 0 else ""
        # Parented to the window, not the page: the page's Return (edit) shortcut must not take the line's Enter.
        dialog = ProgressEntry(self.context, pid, f"{code} {name}", self.window())
        dialog.open()
        return dialog

    def open_project(self, project_id: int, parent: QWidget | None = None) -> None:
        from .project_form import ProjectForm

        ProjectForm(self.context, project_id, parent or self).open()

    def _need_selection(self) -> list[int]:
        return self.need_selection(S.NOTHING_SELECTED)

    def delete_selected(self, ask: bool = True) -> None:
        self.delete_selected_with(ops.delete_projects, S.NOTHING_SELECTED, S.DELETE_TITLE, S.DELETE_CONFIRM, ask)

    def set_unit_for_selected(self, unit_name: str | None = None) -> None:
        ids = self._need_selection()
        if not ids:
            return
        if unit_name is None:
            names = [self.filters.unit.itemText(i) for i in range(1, self.filters.unit.count())]
            unit_name, ok = QInputDialog.getItem(self, S.BATCH_UNIT_TITLE, S.BATCH_UNIT_PROMPT.format(n=len(ids)),
                                                 names, 0, False)
            if not ok:
                return
        self.context.run(self, ops.update_projects, ids, {"lead_unit_id": unit_name},
                         label=f"{S.BATCH_UNIT_TITLE}（{len(ids)} 个项目）")

    def set_chain_for_selected(self, chain_name: str | None = None) -> None:
        ids = self._need_selection()
        if not ids:
            return
        if chain_name is None:
            names = [self.filters.chain.itemText(i) for i in range(1, self.filters.chain.count())]
            chain_name, ok = QInputDialog.getItem(self, S.BATCH_CHAIN_TITLE,
                                                  S.BATCH_CHAIN_PROMPT.format(n=len(ids)), names, 0, False)
            if not ok:
                return
        self.context.run(self, ops.update_projects, ids, {"chain_id": chain_name},
                         label=f"{S.BATCH_CHAIN_TITLE}（{len(ids)} 个项目）")

    def withdraw_selected(self, on: date | None = None) -> None:
        ids = self._need_selection()
        if not ids:
            return
        if on is None:
            text, ok = QInputDialog.getText(self, S.BATCH_WITHDRAW_TITLE, S.BATCH_WITHDRAW_PROMPT.format(n=len(ids)),
                                            text=self.context.today.isoformat())
            if not ok:
                return
            try:
                on = parse_date(text)
            except LedgerError as err:
                show_error(self, err)
                return
            if on is None:
                return
        self.context.run(self, ops.withdraw_projects, ids, on)

