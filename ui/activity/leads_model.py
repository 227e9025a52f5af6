"""The leads table: a model over lead ids (``LeadQuery``), rows fetched a page at a time and cached.

Like the ledger table: sorting and filtering re-run one SQL query of ids; ``data()`` reads a row from
its page cache, so 100,000 leads scroll as cheaply as 100. Phones are shown masked (138****5678).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from zsdesk.labels import LEAD_STATUS_LABELS, field_label
from zsdesk.money import format_money
from zsdesk.queries import ReadSession
from zsdesk.queries.leads import DEFAULT_LEAD_STALE_DAYS, LeadQuery, LeadRow, fetch_lead_rows, mask_phone

from .. import strings as S
from ..common.context import LedgerContext
from ..common.ids_model import IdsTableModel

STALE_BACKGROUND = QColor("#fff4d6")
STALE_FOREGROUND = QColor("#9a5b00")
CLOSED_FOREGROUND = QColor("#8a8a8a")  # 无效
CONVERTED_FOREGROUND = QColor("#1f5fa8")  # 已转项目


@dataclass(frozen=True)
class Column:
    key: str  # the LeadRow attribute
    header: str
    sort: str | None  # the LeadQuery sort key; None: clicking the header keeps the current order
    kind: str = "text"  # text | date | money | status | phone | stale


COLUMNS: tuple[Column, ...] = (
    Column("received_date", field_label("received_date"), "received_date", "date"),
    Column("company", field_label("company"), "company"),
    Column("source", field_label("source_id"), "source"),
    Column("chain", field_label("chain_id"), "chain"),
    Column("intended_investment", f"{S.LEADS_COL_INVESTMENT}（{S.MONEY_UNIT_WAN}）", "intended_investment", "money"),
    Column("unit", S.LEADS_COL_UNIT, "unit"),
    Column("person", field_label("person_id"), None),
    Column("contact_name", field_label("contact_name"), "contact_name"),
    Column("phone", field_label("phone"), None, "phone"),
    Column("status", field_label("status"), "status", "status"),
    Column("last_followup", S.LEADS_COL_LAST_FOLLOWUP, "last_followup", "date"),
    Column("project_code", S.LEADS_COL_PROJECT, None),
    Column("stale", S.LEADS_COL_STALE, "stale", "stale"),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
_CENTERED = ("date", "status", "stale")


def _format(column: Column, row: LeadRow) -> str:
    value = getattr(row, column.key)
    if column.kind == "date":
        return "" if value is None else value.isoformat()
    if column.kind == "money":
        return format_money(value, "wan", 2) if value else ""
    if column.kind == "status":
        return LEAD_STATUS_LABELS.get(value, value)
    if column.kind == "phone":
        return mask_phone(value or "")
    if column.kind == "stale":
        return S.LEADS_STALE_MARK if value else ""
    return "" if value is None else str(value)


class LeadTableModel(IdsTableModel[LeadRow]):
    def __init__(self, context: LedgerContext, query: LeadQuery | None = None) -> None:
        super().__init__(context, len(COLUMNS))
        self.query = query or LeadQuery()
        self.stale_days = DEFAULT_LEAD_STALE_DAYS

    # --- query ----------------------------------------------------------------------------
    def set_query(self, query: LeadQuery) -> None:
        self.query = query
        self.reload()

    def reload(self, stale_days: int | None = None) -> None:
        if stale_days is not None:
            self.stale_days = stale_days
        q = replace(self.query, stale_days=self.stale_days, today=self.context.today)
        with self.context.ledger.reading() as s:
            ids = q.ids(s)
            self.total_live = LeadQuery().count(s) if replace(q, sort="received_date", descending=True,
                                                              stale_days=DEFAULT_LEAD_STALE_DAYS,
                                                              today=None) != LeadQuery() else len(ids)
        self.query = q
        self.show_ids(ids)

    # --- rows -----------------------------------------------------------------------------
    def lead_row(self, row: int) -> LeadRow | None:
        return self.record(row)

    def lead(self, lead_id: int) -> LeadRow | None:
        return self.record_of(lead_id)

    def fetch_records(self, session: ReadSession, ids: list[int]) -> dict[int, LeadRow]:
        return fetch_lead_rows(session, ids, self.stale_days, self.context.today)

    def format_cell(self, record: LeadRow, col: int) -> str:
        return _format(COLUMNS[col], record)

    def days_since(self, lead: LeadRow) -> int:
        last = lead.last_followup or lead.received_date
        return (self.context.today - max(last, lead.received_date)).days if isinstance(last, date) else 0

    # --- Qt model -------------------------------------------------------------------------
    def role_data(self, row: int, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            kind = COLUMNS[col].kind
            if kind == "money":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if kind in _CENTERED:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            lead = self.cached_record(row)
            return None if lead is None else self._marking(lead, role, col)
        return None

    def _marking(self, lead: LeadRow, role: int, col: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(STALE_BACKGROUND) if lead.stale else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if lead.status == "invalid":
                return QBrush(CLOSED_FOREGROUND)
            if lead.stale and COLUMNS[col].key in ("stale", "last_followup"):
                return QBrush(STALE_FOREGROUND)
            if lead.status == "converted" and COLUMNS[col].key in ("status", "project_code"):
                return QBrush(CONVERTED_FOREGROUND)
            return None
        if lead.stale:  # tooltip
            return S.LEADS_STALE_TIP.format(days=self.days_since(lead))
        if lead.status == "invalid" and lead.status_reason:
            return f"{LEAD_STATUS_LABELS['invalid']}：{lead.status_reason}"
        return None

    def header(self, section: int) -> str:
        return COLUMNS[section].header

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort is None:
            return
        self.set_query(replace(self.query, sort=COLUMNS[column].sort or "received_date",
                               descending=order == Qt.SortOrder.DescendingOrder))
