"""The filter bar above a big table: a search box that waits for a pause in typing, combo boxes and
check boxes that filter at once, and 清除筛选. The ledger, leads and trips pages each add their boxes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from .. import strings as S
from .context import LedgerContext


def filter_combo(items: list[tuple[str, object]], parent: QWidget, widest: str, padding: int = 40) -> QComboBox:
    """A combo box as wide as ``widest``: a long unit name must not widen the bar past a 1366-pixel screen;
    the open list still shows it whole."""
    box = QComboBox(parent)
    for text, value in items:
        box.addItem(text, value)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.setMaximumWidth(box.fontMetrics().horizontalAdvance(widest) + padding)
    box.view().setTextElideMode(Qt.TextElideMode.ElideNone)
    return box


def refill_choices(box: QComboBox, rows: Sequence[tuple[int, str]]) -> None:
    """New (id, name) items after the first (全部…), the choice kept when it is still there; no signal."""
    current = box.currentData()
    box.blockSignals(True)
    while box.count() > 1:
        box.removeItem(1)
    for rid, name in rows:
        box.addItem(name, rid)
    box.setCurrentIndex(max(0, box.findData(current)) if current is not None else 0)
    box.blockSignals(False)


class FilterBar(QWidget):
    """``changed`` fires 250 ms after typing stops, at once on Enter or on any other filter."""

    changed = Signal()

    def __init__(self, context: LedgerContext, placeholder: str, min_width: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(placeholder)
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(min_width)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.changed)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.text.returnPressed.connect(self._now)
        self.combos: list[QComboBox] = []
        self.checks: list[QCheckBox] = []

    def lay_out(self, widgets: Sequence[QWidget], stretch: bool = False) -> None:
        """The search box, then ``widgets`` in order (combos and checks filter at once), then 清除筛选."""
        self.clear = QPushButton(S.FILTER_CLEAR, self)  # made here: Tab reaches it after the filters
        self.clear.clicked.connect(self.reset)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 3)
        for w in widgets:
            layout.addWidget(w)
            if isinstance(w, QComboBox):
                self.combos.append(w)
                w.currentIndexChanged.connect(self._now)
            elif isinstance(w, QCheckBox):
                self.checks.append(w)
        layout.addWidget(self.clear)
        if stretch:
            layout.addStretch(1)
        for check in self.checks:
            check.toggled.connect(self._now)

    def _now(self) -> None:
        self._debounce.stop()
        self.changed.emit()

    def reset(self) -> None:
        for combo in self.combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for check in self.checks:
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.text.blockSignals(True)
        self.text.clear()
        self.text.blockSignals(False)
        self._now()
