"""The project form's other tabs: its funding entries and its audit history."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.labels import ACTION_LABELS, field_label
from zsdesk.money import format_money, format_wan
from zsdesk.ops.history import Change
from zsdesk.queries import AuditQuery, fetch_audit
from zsdesk.queries.records import project_funding

from .. import strings as S
from ..common.context import LedgerContext
from ..common.rows_model import RowsModel


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class FundingTab(QWidget):
    def __init__(self, context: LedgerContext, project_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.project_id = context, project_id
        self.model = RowsModel([field_label("date"), f"{field_label('amount')}（万元）", field_label("note")], [1], self)
        self.table = _table(self.model, self)
        self.total = QLabel(self)
        self.date = QLineEdit(self)
        self.date.setPlaceholderText(field_label("date"))
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(f"{field_label('amount')}（万元）")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(field_label("note"))
        add = QPushButton(S.ADD, self)
        add.setAutoDefault(False)
        add.clicked.connect(self.add)
        for edit in (self.date, self.amount, self.note):
            edit.returnPressed.connect(self.add)
        delete = QPushButton(S.FUNDING_DELETE, self)
        delete.setAutoDefault(False)
        delete.clicked.connect(self.delete_selected)
        row = QHBoxLayout()
        for w in (self.date, self.amount, self.note, add, delete):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        context.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            entries = project_funding(s, self.project_id)
        self.model.set_rows([(f.date.isoformat(), format_money(f.amount), f.note) for f in entries],
                            [f.id for f in entries],
                            [(f.date, f.amount, f.note) for f in entries])
        total = sum(f.amount for f in entries)
        self.total.setText(f"{S.FUNDING_TOTAL}：{format_wan(total, unit=True)}")

    def _changed(self, change: Change) -> None:
        if any(r.entity == "funding" for r in change.records):
            self.reload()

    def add(self) -> None:
        change = self.context.run(self, ops.add_funding, {"project_id": self.project_id, "date": self.date.text(),
                                                           "amount": self.amount.text(), "note": self.note.text()})
        if change is not None:
            self.amount.clear()
            self.note.clear()
            self.amount.setFocus()

    def delete_selected(self) -> None:
        ids = [self.model.ids[i.row()] for i in self.table.selectionModel().selectedRows()]
        if ids:
            self.context.run(self, ops.delete_funding, ids)


def describe_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """``协议资金：0 → 320000000；阶段：lead → formal`` — what an audit row changed, in Chinese labels."""
    if before is None or after is None:
        return ""
    parts = []
    for key in sorted(set(before) | set(after)):
        if key in ("version", "updated_at", "created_at"):
            continue
        if before.get(key) != after.get(key):
            parts.append(S.AUDIT_CHANGED.format(field=field_label(key), before=_show(before.get(key), key),
                                                after=_show(after.get(key), key)))
    return "；".join(parts)


MONEY_KEYS = frozenset({"planned_investment", "agreement_amount", "expected_output", "amount", "formal_amount",
                        "arrived_amount"})


# Code values the 操作日志 shows as words ("lead" → 线索), never as codes.
def _code_labels() -> dict[str, dict[str, str]]:
    from zsdesk.labels import DICTIONARY_KIND_LABELS, ORIGIN_LABELS, STAGE_LABELS, UNIT_KIND_LABELS

    return {"stage": STAGE_LABELS, "origin": ORIGIN_LABELS, "kind": {**UNIT_KIND_LABELS, **DICTIONARY_KIND_LABELS}}


def _show(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and value in _code_labels().get(key, {}):
        return _code_labels()[key][value]
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T" and value[:4].isdigit():
        return value[:19].replace("T", " ")  # an ISO timestamp as the clerk writes it
    if key in MONEY_KEYS and isinstance(value, int):
        return format_wan(value, 4 if value % 100 else 2, unit=True)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def audit_rows(entries: list[Any]) -> list[tuple[str, ...]]:
    from zsdesk.labels import ENTITY_LABELS

    rows = []
    for e in entries:
        before = json.loads(e.before) if e.before else None
        after = json.loads(e.after) if e.after else None
        rows.append((e.at.strftime("%Y-%m-%d %H:%M:%S"), e.operator, e.op_label, ENTITY_LABELS.get(e.entity, e.entity),
                     ACTION_LABELS.get(e.action, e.action), str(e.entity_id), describe_change(before, after)))
    return rows


class HistoryTab(QWidget):
    def __init__(self, context: LedgerContext, project_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.project_id = context, project_id
        self.model = RowsModel(list(S.AUDIT_COLS), (), self)
        self.table = _table(self.model, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        context.changed.connect(lambda change: self.project_id in change.ids("project") and self.reload())
        self.reload()

    def reload(self) -> None:
        with self.context.ledger.reading() as s:
            ids = AuditQuery(entity="project", entity_id=self.project_id).ids(s)[:2000]
            found = fetch_audit(s, ids)
            entries = [found[i] for i in ids]
        self.model.set_rows(audit_rows(entries))
