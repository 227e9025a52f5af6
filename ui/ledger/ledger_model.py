"""The ledger table: a model over project ids; rows fetched a page at a time and cached.

Sorting and filtering re-run one SQL query (``zsdesk.queries.ProjectQuery``); ``data()`` never
touches the database for a row already in its page cache, so scrolling 100,000 rows stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont

from zsdesk.labels import ORIGIN_LABELS, STAGE_LABELS, field_label
from zsdesk.money import format_money
from zsdesk.queries import SIZE_CLASS_LABELS, ProjectQuery, ProjectRow, ReadSession, fetch_rows
from zsdesk.queries.first_screen import LAZY_FROM, LazyIds, first_screen

from .. import strings as S
from ..common.context import LedgerContext
from ..common.ids_model import IdsTableModel


@dataclass(frozen=True)
class Column:
    key: str  # also the ProjectQuery sort key
    header: str
    kind: str = "text"  # text | money | date | stage | origin | size | flag | stale | datetime | verification
    visible: bool = True


def _col(key: str, kind: str = "text", visible: bool = True, header: str | None = None) -> Column:
    return Column(key, header or field_label(key), kind, visible)


COLUMNS: tuple[Column, ...] = (
    _col("code"), _col("name"), _col("investor"), _col("stage", "stage"),
    _col("lead_unit", header=field_label("lead_unit_id")),
    _col("chain", header=field_label("chain_id")),
    _col("size_class", "size", header=S.COL_SIZE_CLASS),
    _col("agreement_amount", "money"), _col("arrived_amount", "money", header=S.COL_ARRIVED),
    _col("planned_investment", "money", False), _col("expected_output", "money", False),
    _col("origin", "origin"), _col("origin_place", visible=False, header=S.COL_ORIGIN_PLACE),
    _col("industrial", "flag", False),
    _col("first_contact_date", "date", False), _col("framework_date", "date", False),
    _col("formal_date", "date"), _col("started_date", "date", False), _col("production_date", "date", False),
    _col("full_production_date", "date", False), _col("withdrawn_date", "date", False),
    _col("cooperating_units", visible=False, header=field_label("cooperating_unit_ids")),
    _col("landing_park", visible=False, header=field_label("landing_park_id")),
    _col("leader", visible=False), _col("persons", visible=False, header=field_label("person_ids")),
    _col("tags", visible=False, header=field_label("tag_ids")),
    _col("updated_at", "datetime", header=S.COL_UPDATED), _col("stale", "stale", header=S.COL_STALE),
    _col("notes", visible=False),
    # 认定 (SPEC §11): shown by default on a shared ledger (ledger_page), where it decides what counts.
    _col("verification", "verification", visible=False),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
_ROW_ATTR = {"tags": "tags", "persons": "persons"}

STALE_BACKGROUND = QColor("#fff4d6")
WITHDRAWN_FOREGROUND = QColor("#8a8a8a")
STALE_FOREGROUND = QColor("#9a5b00")


class ProjectTableModel(IdsTableModel[ProjectRow]):
    def __init__(self, context: LedgerContext, query: ProjectQuery | None = None) -> None:
        super().__init__(context, len(COLUMNS))
        self.query = query or ProjectQuery()
        # While the page sets itself up (sort column, restored columns), queries are kept, not run:
        # one reload at the end instead of one per step (bench/run.py, the first screen).
        self.held = False
        self.first_screen_from = LAZY_FROM  # projects in view from which only the first block is read at once
        self._total_stale = True
        context.money_unit_changed.connect(self._money_unit_changed)
        self._withdrawn_font = QFont()
        self._withdrawn_font.setStrikeOut(True)

    # --- query ----------------------------------------------------------------------------
    def set_query(self, query: ProjectQuery) -> None:
        self.query = query
        if not self.held:
            self.reload()

    def reload(self) -> None:
        q = replace(self.query, stale_days=self.context.stale_days, thresholds=self.context.thresholds,
                    today=self.context.today)
        ids: Sequence[int]
        with self.context.ledger.reading() as s:
            if self._total_stale:
                self.total_live = ProjectQuery().count(s)
                self._total_stale = False
            # Many projects in view (a text filter, or none): the count and the first block now, the rest when
            # scrolled to. A ledger with fewer projects than that is read at once, with no query more.
            screen = first_screen(s, q, self.block, self.first_screen_from, self.total_live)
            if screen is not None:
                ids = LazyIds(screen, lambda: self._every_id(q), self._changed_meanwhile)
            else:
                ids = q.ids(s)
        self.query = q
        self.show_ids(ids)

    def ledger_changed(self) -> None:
        """Projects may have been added or deleted: the next reload counts the ledger's total again (a filter
        alone does not: 37 ms at 1M projects)."""
        self._total_stale = True

    def _every_id(self, query: ProjectQuery) -> list[int]:
        lazy = self.ids
        with self.context.ledger.reading() as s:
            every = query.ids(s)
        if lazy is self.ids:  # from now on the plain list: data() indexes it on every repaint of every cell
            self.ids = every
        return every

    def _changed_meanwhile(self) -> None:
        """The ledger changed between the first screen and reading every id: shown again once this event is done."""
        self._total_stale = True
        QTimer.singleShot(0, self.reload)

    def _money_unit_changed(self, _unit: str) -> None:
        self.redisplay_all()

    # --- rows -----------------------------------------------------------------------------
    def project_row(self, row: int) -> ProjectRow | None:
        return self.record(row)

    def fetch_records(self, session: ReadSession, ids: list[int]) -> dict[int, ProjectRow]:
        return fetch_rows(session, ids, self.query.thresholds, self.query.stale_days, self.query.today)

    def format_cell(self, record: ProjectRow, col: int) -> str:
        return _format(COLUMNS[col], record, self.context.money_unit)

    # --- Qt model -------------------------------------------------------------------------
    def role_data(self, row: int, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            kind = COLUMNS[col].kind
            if kind == "money":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if kind in ("date", "datetime", "stage", "size", "origin", "flag", "stale", "verification"):
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
                    Qt.ItemDataRole.ToolTipRole):
            project = self.cached_record(row)
            if project is None:
                return None
            return self._marking(project, role, col)
        return None

    def _marking(self, project: ProjectRow, role: int, col: int) -> Any:
        withdrawn = project.stage == "withdrawn"
        if role == Qt.ItemDataRole.ForegroundRole:
            if withdrawn:
                return QBrush(WITHDRAWN_FOREGROUND)
            if project.stale and COLUMNS[col].key in ("stale", "updated_at"):
                return QBrush(STALE_FOREGROUND)
        if role == Qt.ItemDataRole.BackgroundRole and project.stale:
            return QBrush(STALE_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and withdrawn and COLUMNS[col].key == "name":
            return self._withdrawn_font
        if role == Qt.ItemDataRole.ToolTipRole:
            if project.stale:
                return f"{S.STALE_MARK}：超过 {self.query.stale_days} 天没有更新"
            if withdrawn:
                return f"{STAGE_LABELS['withdrawn']}：{project.withdrawn_date}"
        return None

    def header(self, section: int) -> str:
        column = COLUMNS[section]
        if column.kind == "money":
            unit = S.MONEY_UNIT_YI if self.context.money_unit == "yi" else S.MONEY_UNIT_WAN
            return f"{column.header}（{unit}）"
        return column.header

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.set_query(replace(self.query, sort=COLUMNS[column].key,
                               descending=order == Qt.SortOrder.DescendingOrder))


def _format(column: Column, row: ProjectRow, money_unit: str) -> str:
    value = getattr(row, _ROW_ATTR.get(column.key, column.key))
    return FORMATTERS[column.kind](value, money_unit)


def _money(value: int, unit: str) -> str:
    if unit == "yi":
        return format_money(value, "yi", 4 if abs(value) < 1_000_000 and value else 2)
    return format_money(value, "wan", 2)


def _date(value: date | None, _unit: str) -> str:
    return "" if value is None else value.isoformat()


def _datetime(value: datetime | None, _unit: str) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")


FORMATTERS: dict[str, Callable[[Any, str], str]] = {
    "text": lambda v, _u: "" if v is None else str(v),
    "money": _money,
    "date": _date,
    "datetime": _datetime,
    "stage": lambda v, _u: STAGE_LABELS.get(v, v),
    "origin": lambda v, _u: ORIGIN_LABELS.get(v, v),
    "size": lambda v, _u: SIZE_CLASS_LABELS.get(v, v),
    "flag": lambda v, _u: "是" if v else "否",
    "stale": lambda v, _u: S.STALE_MARK if v else "",
    "verification": lambda v, _u: S.VERIFICATION_STATES.get(v, v or ""),
}
