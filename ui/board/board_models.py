"""Table models of the 英雄榜: unit board, person board, extra boards, drill-down lines, rank changes.

The boards are small (tens of units, hundreds of projects), so each model holds its rows and is
replaced as a whole when a new board is computed. Columns are named (``COL_*``); besides the
display text every cell gives ``SortRole`` (a number or text to sort by), ``IdRole`` (the unit,
person or project id of the row), ``RateRole`` (a completion rate as float, for the bar delegate)
and ``QuietRole`` (the unit has nothing signed and nothing arrived in the year so far).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from zsdesk.board import CreditLine, ExtraBoard, Figures, PersonRow, UnitRow, growth, rate_text
from zsdesk.board.figures import round_half_up
from zsdesk.labels import ORIGIN_LABELS, Figure
from zsdesk.money import format_money
from zsdesk.rules import SIZE_CLASS_LABELS

from .. import strings as S
from ..common.roles import IdRole, QuietRole, RateRole, SortRole

QUIET_BACKGROUND = QColor("#fff3cd")  # amber: the eye finds units with nothing this year
UP = QColor("#c62828")  # Chinese convention: red is up
DOWN = QColor("#2e7d32")
AnyIndex = QModelIndex | QPersistentModelIndex


BAR_SCALE = 150.0  # a completion bar is full at 150% (the default cap)


def bar_color(rate: float) -> QColor:
    return QColor("#2e7d32") if rate >= 100 else QColor("#1565c0") if rate >= 50 else QColor("#ef6c00")


def money_formatter(unit: str) -> Callable[[int], str]:
    return lambda yuan: format_money(yuan, "yi" if unit == "yi" else "wan")


def yoy_text(pct: Decimal | None) -> str:
    """``▲ 12.30%`` / ``▼ 4.50%`` / ``—`` (no base last year)."""
    if pct is None:
        return S.NO_TARGET
    if pct > 0:
        return f"▲ {pct:.2f}%"
    if pct < 0:
        return f"▼ {abs(pct):.2f}%"
    return "0.00%"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | int | money | rate | yoy | score


class RowsTableModel(QAbstractTableModel):
    """A read-only table over a list of row objects, described by ``COLUMNS``."""

    COLUMNS: Sequence[Column] = ()

    def __init__(self, parent: Any = None, money_unit: str = "wan") -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.money_unit = money_unit

    # --- to override -----------------------------------------------------------------------
    def value(self, row: Any, key: str) -> Any:
        return getattr(row, key)

    def row_id(self, row: Any) -> int:
        return 0

    def quiet(self, row: Any) -> bool:
        return False

    # --- model -----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_money_unit(self, unit: str) -> None:
        self.money_unit = unit
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.COLUMNS) - 1))

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.COLUMNS) if c.key == key)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
                column = self.COLUMNS[section]
                if column.kind == "money":
                    return f"{column.title}（{S.MONEY_UNITS[self.money_unit]}）"
                return column.title
            if orientation == Qt.Orientation.Vertical:
                return section + 1
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.COLUMNS):
            return None
        row, column = self.rows[index.row()], self.COLUMNS[index.column()]
        if role == IdRole:
            return self.row_id(row)
        if role == QuietRole:
            return self.quiet(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QUIET_BACKGROUND) if self.quiet(row) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return S.QUIET_TIP if self.quiet(row) else None
        value = self.value(row, column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(value, column.kind)
        if role == SortRole:
            if value is None:
                return float("-inf") if column.kind in ("rate", "yoy", "money", "int", "score") else ""
            return float(value) if isinstance(value, (Decimal, Fraction)) else value
        if role == RateRole:
            return None if column.kind != "rate" or value is None else float(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.kind == "text":
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.kind == "yoy" and value is not None and value != 0:
            return QBrush(UP if value > 0 else DOWN)
        return None

    def display(self, value: Any, kind: str) -> str:
        if kind == "money":
            return money_formatter(self.money_unit)(value) if value is not None else ""
        if kind == "rate":
            return rate_text(value)
        if kind == "yoy":
            return yoy_text(value)
        if kind == "score":
            return f"{value:.2f}"
        return "" if value is None else str(value)


class UnitBoardModel(RowsTableModel):
    """Units in rank order; 同比 compares with ``last_year`` (unit id → last year's credited figures,
    counted with this period's rules)."""

    COLUMNS = (
        Column("rank", S.COL_RANK, "int"), Column("unit", S.COL_UNIT), Column("score", S.COL_SCORE, "score"),
        Column("signed", S.COL_SIGNED, "int"), Column("converted", S.COL_CONVERTED, "int"),
        Column("major", S.COL_MAJOR, "int"),
        Column("large", S.COL_LARGE, "int"), Column("key", S.COL_KEY, "int"),
        Column("agreement", S.COL_AGREEMENT, "money"), Column("agreement_rate", S.COL_AGREEMENT_RATE, "rate"),
        Column("formal", S.COL_FORMAL, "money"), Column("formal_rate", S.COL_FORMAL_RATE, "rate"),
        Column("formal_yoy", S.COL_FORMAL_YOY, "yoy"),
        Column("arrived", S.BOARD_COL_ARRIVED, "money"), Column("arrived_rate", S.COL_ARRIVED_RATE, "rate"),
        Column("arrived_yoy", S.COL_ARRIVED_YOY, "yoy"),
    )

    def __init__(self, parent: Any = None, money_unit: str = "wan") -> None:
        super().__init__(parent, money_unit)
        self.last_year: dict[int, Figures] = {}

    def set_board_rows(self, rows: Sequence[UnitRow], last_year: dict[int, Figures]) -> None:
        self.last_year = last_year
        self.set_rows(rows)

    def value(self, row: UnitRow, key: str) -> Any:
        f, ly = row.figures, self.last_year.get(row.unit_id, Figures())
        match key:
            case "rank" | "unit" | "score":
                return getattr(row, key)
            case "signed":
                return f.signed_projects
            case "converted":
                return f.converted_contracts
            case "major" | "large" | "key":
                return getattr(f, key)
            case "agreement" | "formal" | "arrived":
                return getattr(f, Figure(key).board_field)
            case "agreement_rate" | "formal_rate" | "arrived_rate":
                return row.rates.get(Figure(key.removesuffix("_rate")))
            case "formal_yoy":
                return growth(f.formal_amount, ly.formal_amount)
            case "arrived_yoy":
                return growth(f.arrived_amount, ly.arrived_amount)
        raise KeyError(key)

    def row_id(self, row: UnitRow) -> int:
        return row.unit_id

    def quiet(self, row: UnitRow) -> bool:
        return row.quiet


class PersonBoardModel(RowsTableModel):
    COLUMNS = (Column("rank", S.COL_RANK, "int"), Column("person", S.COL_PERSON),
               Column("unit", S.COL_PERSON_UNIT), Column("agreement_amount", S.COL_AGREEMENT, "money"),
               Column("arrived_amount", S.BOARD_COL_ARRIVED, "money"))

    def row_id(self, row: PersonRow) -> int:
        return row.person_id


class ExtraBoardModel(RowsTableModel):
    """The projects of one extra board (招大引强 / 招新引优 / 重大项目开工)."""

    COLUMNS = (Column("code", S.COL_CODE), Column("name", S.COL_PROJECT), Column("investor", S.COL_INVESTOR),
               Column("unit", S.COL_LEAD), Column("size_class", S.COL_CLASS),
               Column("agreement_amount", S.COL_AGREEMENT, "money"), Column("date", S.COL_DATE))

    def __init__(self, parent: Any = None, money_unit: str = "wan") -> None:
        super().__init__(parent, money_unit)
        self.board: ExtraBoard | None = None

    def set_board(self, board: ExtraBoard | None) -> None:
        self.board = board
        self.set_rows(board.projects if board else [])

    def value(self, row: Any, key: str) -> Any:
        if key == "size_class":
            return SIZE_CLASS_LABELS.get(row.size_class, row.size_class)
        if key == "date":
            return row.date.isoformat() if row.date else ""
        return getattr(row, key)

    def row_id(self, row: Any) -> int:
        return int(row.project_id)


class CreditLinesModel(RowsTableModel):
    """Drill-down: the projects behind one unit's figure, with each one's share and credit."""

    COLUMNS = (Column("code", S.COL_CODE), Column("name", S.COL_PROJECT), Column("role", S.COL_ROLE),
               Column("origin", S.COL_ORIGIN), Column("size_class", S.COL_CLASS),
               Column("amount", S.COL_AMOUNT, "money"), Column("share", S.COL_SHARE, "percent"),
               Column("credited", S.COL_CREDITED, "money"))

    def value(self, row: CreditLine, key: str) -> Any:
        match key:
            case "role":
                return S.ROLE_LABELS.get(row.role, row.role)
            case "origin":
                return ORIGIN_LABELS.get(row.origin, row.origin)
            case "size_class":
                return SIZE_CLASS_LABELS.get(row.size_class, row.size_class)
            case "credited":
                return round_half_up(row.credited)  # display only; the dialog sums the exact credits
        return getattr(row, key)

    def display(self, value: Any, kind: str) -> str:
        if kind == "percent":
            return f"{float(value) * 100:.2f}%".replace(".00%", "%")
        return super().display(value, kind)

    def row_id(self, row: CreditLine) -> int:
        return row.project_id


@dataclass(frozen=True)
class RankChange:
    unit_id: int
    unit: str
    old_rank: int | None
    new_rank: int
    old_score: Decimal | None
    new_score: Decimal

    @property
    def move(self) -> int:
        """Places gained (positive) or lost (negative)."""
        return 0 if self.old_rank is None else self.old_rank - self.new_rank


def rank_changes(old: Sequence[UnitRow], new: Sequence[UnitRow]) -> list[RankChange]:
    before = {u.unit_id: u for u in old}
    return [RankChange(u.unit_id, u.unit, before[u.unit_id].rank if u.unit_id in before else None, u.rank,
                       before[u.unit_id].score if u.unit_id in before else None, u.score) for u in new]


class RankChangeModel(RowsTableModel):
    COLUMNS = (Column("new_rank", S.COL_NEW_RANK, "int"), Column("unit", S.COL_UNIT),
               Column("old_rank", S.COL_OLD_RANK, "int"), Column("move", S.COL_MOVE, "move"),
               Column("old_score", S.COL_OLD_SCORE, "score"), Column("new_score", S.COL_NEW_SCORE, "score"))

    def display(self, value: Any, kind: str) -> str:
        if kind == "move":
            return S.MOVE_UP.format(n=value) if value > 0 else S.MOVE_DOWN.format(n=-value) if value < 0 else S.MOVE_SAME
        if kind == "score" and value is None:
            return ""
        return super().display(value, kind)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid() and 0 <= index.row() < len(self.rows)
                and self.COLUMNS[index.column()].kind == "move"):
            move = self.rows[index.row()].move
            return QBrush(UP if move > 0 else DOWN) if move else None
        return super().data(index, role)

    def row_id(self, row: RankChange) -> int:
        return row.unit_id
