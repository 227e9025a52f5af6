"""目标任务 page: a year's targets as a grid (全区 and every unit × the six target items)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.labels import field_label
from zsdesk.money import format_input_wan
from zsdesk.ops.history import Change
from zsdesk.queries.names import live_units
from zsdesk.queries.records import year_targets

from .. import strings as S
from ..common.context import LedgerContext
from ..common.page import PageWidget
from ..common.rows_model import RowsModel

ITEMS = ("major_count", "large_count", "key_count", "agreement_amount", "formal_amount", "arrived_amount")
MONEY_ITEMS = {"agreement_amount", "formal_amount", "arrived_amount"}
DISTRICT = "district"
TOTAL = "total"


def _header(item: str) -> str:
    label = {"agreement_amount": "协议资金"}.get(item, field_label(item))
    return f"{label}（万元）" if item in MONEY_ITEMS else label


class TargetsPage(PageWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(context.today.year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.model = RowsModel(["单位", *(_header(i) for i in ITEMS)], range(1, len(ITEMS) + 1), self)
        self.model.editable = set(range(1, len(ITEMS) + 1))
        self.model.setter = self._save_cell
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAlternatingRowColors(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(S.TARGETS_YEAR, self))
        bar.addWidget(self.year)
        bar.addWidget(QLabel(S.TARGETS_HINT, self), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        context.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        year = self.year.value()
        with self.context.ledger.reading() as s:
            units = live_units(s)
            targets = year_targets(s, year)
        self.targets = targets
        rows: list[tuple[Any, ...]] = []
        keys: list[tuple[Any, ...]] = []
        ids: list[Any] = []
        totals = [0] * len(ITEMS)
        for unit_id, name in [(None, S.TARGETS_DISTRICT), *units]:
            t = targets.get(unit_id)
            values = [getattr(t, item) if t is not None else 0 for item in ITEMS]
            if unit_id is not None:
                totals = [a + b for a, b in zip(totals, values, strict=True)]
            rows.append((name, *(self._show(item, v, t is not None) for item, v in zip(ITEMS, values, strict=True))))
            keys.append((name, *values))
            ids.append(DISTRICT if unit_id is None else unit_id)
        rows.append((S.TARGETS_TOTAL_UNITS, *(self._show(i, v, True) for i, v in zip(ITEMS, totals, strict=True))))
        keys.append(("\uffff", *totals))
        ids.append(TOTAL)
        self.model.set_rows(rows, ids, keys)
        grey = QBrush(QColor("#eef2f7"))
        self.model.row_colors = {0: QBrush(QColor("#fdf6e3")), len(rows) - 1: grey}

    @staticmethod
    def _show(item: str, value: int, present: bool) -> str:
        if not present:
            return ""
        return format_input_wan(value) if item in MONEY_ITEMS else str(value)

    def _save_cell(self, row_id: Any, column: int, text: str) -> bool:
        if row_id == TOTAL:
            return False
        item = ITEMS[column - 1]
        unit_key = None if row_id == DISTRICT else row_id
        existing = self.targets.get(unit_key)
        if existing is not None:
            if self.context.run(self, ops.update_target, existing.id, {item: text},
                                expected_version=existing.version) is None:
                QTimer.singleShot(0, self.reload)  # show what is stored now (another clerk's edit, if that was it)
                return False
            return True
        fields = {"unit_id": "全区" if unit_key is None else unit_key, "year": self.year.value(), item: text}
        return self.context.run(self, ops.set_target, fields) is not None

    def _changed(self, change: Change) -> None:
        if any(r.entity in ("target", "unit") for r in change.records):
            self.reload()

    def status_text(self) -> str:
        return f"{self.year.value()} 年目标任务：{len(self.targets)} 个单位已填写"
