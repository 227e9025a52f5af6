"""单位与人员 page: units, persons and the dictionaries, edited in place like a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.labels import UNIT_KIND_LABELS
from zsdesk.ops.history import Change
from zsdesk.queries import ReadSession
from zsdesk.queries.choices import Choice, load_choices
from zsdesk.queries.records import lead_counts, live_entry_records, live_persons, live_unit_records, record_versions

from .. import strings as S
from ..common.completion import ChoiceDelegate
from ..common.context import LedgerContext
from ..common.page import PageWidget
from ..common.rows_model import RowsModel


@dataclass(frozen=True)
class Sheet:
    """One editable list: how to read it and which operation saves each column."""

    title: str
    entity: str
    headers: tuple[str, ...]
    fields: tuple[str | None, ...]  # the engine field each column edits (None: read only)
    read: Callable[[ReadSession], list[tuple[int, tuple[Any, ...]]]]
    create: Callable[[Any, str], Change]
    update: Callable[..., Change]
    delete: Callable[..., Change]
    prompt: str


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _units(s: ReadSession) -> list[tuple[int, tuple[Any, ...]]]:
    counts = lead_counts(s)
    return [(u.id, (u.name, u.short_name, UNIT_KIND_LABELS.get(u.kind, u.kind), _yes(u.active), u.sort_order,
                    counts.get(u.id, 0)))
            for u in live_unit_records(s)]


def _persons(s: ReadSession) -> list[tuple[int, tuple[Any, ...]]]:
    rows = live_persons(s)
    return [(p.id, (p.name, unit or "", _yes(p.active))) for p, unit in rows]


def _entries(kind: str) -> Callable[[ReadSession], list[tuple[int, tuple[Any, ...]]]]:
    def read(s: ReadSession) -> list[tuple[int, tuple[Any, ...]]]:
        return [(e.id, (e.name, e.sort_order, _yes(e.active), e.flags))
                for e in live_entry_records(s, kind)]
    return read


SHEETS = (
    Sheet(S.UNITS_TAB_UNITS, "unit", ("单位名称", "简称", "类别", "启用", "排序", "牵头项目数"),
          ("name", "short_name", "kind", "active", "sort_order", None), _units,
          lambda led, name: ops.create_unit(led, {"name": name}), ops.update_unit, ops.delete_units,
          S.ADD_UNIT_PROMPT),
    Sheet(S.UNITS_TAB_PERSONS, "person", ("姓名", "所属单位", "启用"), ("name", "unit_id", "active"), _persons,
          lambda led, name: ops.create_person(led, {"name": name}), ops.update_person, ops.delete_persons,
          S.ADD_PERSON_PROMPT),
    Sheet(S.UNITS_TAB_CHAINS, "dictionary", ("名称", "排序", "启用", "标记"), ("name", "sort_order", "active", "flags"),
          _entries("chain"), lambda led, name: ops.create_entry(led, {"kind": "chain", "name": name}),
          ops.update_entry, ops.delete_entries, S.ADD_ENTRY_PROMPT),
    Sheet(S.UNITS_TAB_TAGS, "dictionary", ("名称", "排序", "启用", "标记"), ("name", "sort_order", "active", "flags"),
          _entries("investor_tag"), lambda led, name: ops.create_entry(led, {"kind": "investor_tag", "name": name}),
          ops.update_entry, ops.delete_entries, S.ADD_ENTRY_PROMPT),
)


class SheetView(QWidget):
    def __init__(self, context: LedgerContext, sheet: Sheet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.sheet = context, sheet
        self.model = RowsModel(list(sheet.headers), [i for i, h in enumerate(sheet.headers) if "数" in h], self)
        self.model.editable = {i for i, f in enumerate(sheet.fields) if f is not None}
        self.model.setter = self._save_cell
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setVisible(False)
        if "unit_id" in sheet.fields:  # 所属单位 suggests units as you type (name, short name, pinyin)
            self.table.setItemDelegateForColumn(sheet.fields.index("unit_id"),
                                                ChoiceDelegate(self._unit_choices, self.table))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        add = QPushButton(S.ADD, self)
        add.clicked.connect(lambda: self.add())
        delete = QPushButton(S.DELETE, self)
        delete.clicked.connect(self.delete_selected)
        bar = QHBoxLayout()
        bar.addWidget(add)
        bar.addWidget(delete)
        bar.addWidget(QLabel(S.EDIT_HINT, self), 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.reload()

    def _unit_choices(self) -> list[Choice]:
        with self.context.ledger.reading() as s:
            return load_choices(s, ["units"]).units

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            rows = self.sheet.read(s)
            # what each edit names, so a cell changed meanwhile by another clerk is refused, not overwritten
            self.versions = record_versions(s, self.sheet.entity, [rid for rid, _r in rows])
        self.model.set_rows([r for _id, r in rows], [rid for rid, _r in rows])

    def _save_cell(self, row_id: Any, column: int, text: str) -> bool:
        field = self.sheet.fields[column]
        if field is None:
            return False
        value: Any = text
        if field == "unit_id" and not text.strip():
            value = None
        if self.context.run(self, self.sheet.update, row_id, {field: value},
                            expected_version=self.versions.get(row_id)) is None:
            QTimer.singleShot(0, self.reload)  # show what is stored now (another clerk's edit, if that was it)
            return False
        return True

    def add(self, name: str | None = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self, S.ADD, self.sheet.prompt)
            if not ok or not name.strip():
                return
        self.context.run(self, self.sheet.create, name)

    def delete_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
        ids = [self.model.ids[r] for r in rows]
        if ids:
            self.context.run(self, self.sheet.delete, ids)


class UnitsPage(PageWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tabs = QTabWidget(self)
        self.sheets = [SheetView(context, sheet, self.tabs) for sheet in SHEETS]
        for view in self.sheets:
            self.tabs.addTab(view, view.sheet.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.tabs)
        context.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        entities = {r.entity for r in change.records}
        for view in self.sheets:
            if view.sheet.entity in entities or (view.sheet.entity == "unit" and "project" in entities) \
                    or (view.sheet.entity == "person" and "unit" in entities):
                view.reload()

    def status_text(self) -> str:
        view = self.sheets[self.tabs.currentIndex()]
        return f"{view.sheet.title}：{view.model.rowCount()} 条"
