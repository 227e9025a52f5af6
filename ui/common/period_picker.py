"""Period picker: year, kind (季度累计 / 月度 / 月度累计 / 全年) and quarter or month → a period code (``2026Q3``,
``2026M08``, ``2026M01-08``)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from zsdesk.periods import Period, parse_period

from .. import strings as S


def latest_closed_quarter(today: date) -> str:
    """The quarter a section chief reports on: the last one that has ended (January → last year's Q4)."""
    quarter = (today.month - 1) // 3
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"


class PeriodPicker(QWidget):
    changed = Signal(str)  # period code

    def __init__(self, parent: QWidget | None = None, kinds: tuple[str, ...] = ("Q", "M", "YTD", "Y")) -> None:
        super().__init__(parent)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setAccessibleName(S.PERIOD_YEAR)
        self.kind = QComboBox(self)
        for k in kinds:
            self.kind.addItem(S.PERIOD_KINDS.get(k) or S.PERIOD_KIND_YTD, k)
        self.number = QComboBox(self)
        self.number.setMinimumContentsLength(10)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(S.PERIOD_YEAR, self))
        layout.addWidget(self.year)
        layout.addWidget(self.kind)
        layout.addWidget(self.number)
        self._quiet = False
        self.year.valueChanged.connect(self._emit)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.number.currentIndexChanged.connect(self._emit)
        self._fill_numbers()

    def _fill_numbers(self) -> None:
        kind = self.kind.currentData()
        self.number.blockSignals(True)
        self.number.clear()
        if kind == "Q":
            for q, label in S.QUARTER_ITEMS.items():
                self.number.addItem(label, q)
        elif kind == "M":
            for m in range(1, 13):
                self.number.addItem(S.MONTH_ITEM.format(m=m), m)
        elif kind == "YTD":
            for m in range(2, 13):
                self.number.addItem(S.MONTH_RANGE_ITEM.format(m=m), m)
        self.number.setVisible(kind != "Y")
        self.number.blockSignals(False)

    def _kind_changed(self) -> None:
        self._fill_numbers()
        self._emit()

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit(self.code())

    def code(self) -> str:
        kind, year = self.kind.currentData(), self.year.value()
        if kind == "Y":
            return str(year)
        number = self.number.currentData() or 1
        if kind == "YTD":
            return f"{year}M01-{max(number, 2):02d}"
        return f"{year}Q{number}" if kind == "Q" else f"{year}M{number:02d}"

    def period(self) -> Period:
        return parse_period(self.code())

    def set_code(self, code: str) -> None:
        """Show ``code`` without emitting ``changed``."""
        period = parse_period(code)
        self._quiet = True
        try:
            self.year.setValue(period.year)
            self.kind.setCurrentIndex(max(self.kind.findData(period.kind), 0))
            self._fill_numbers()
            if period.kind in ("Q", "M", "YTD"):
                self.number.setCurrentIndex(max(self.number.findData(period.number), 0))
        finally:
            self._quiet = False
