"""Toolbar buttons whose text changes (撤销：新增到位资金“…”) keep one width, so the toolbar does not shift.

The button shows the action's text elided to a fixed width; the whole text is in its tooltip and in
the menu. Applied by the main window to 撤销 and 重做.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QToolButton

DEFAULT_CHARS = 16  # about 16 Chinese characters: "撤销：新增到位资金“某某项目…"


def pin_width(bar: QToolBar, action: QAction, chars: int = DEFAULT_CHARS) -> QToolButton | None:
    """Fix the width of ``action``'s button on ``bar``; its text is elided to fit, the tooltip is whole."""
    button = bar.widgetForAction(action)
    if not isinstance(button, QToolButton):
        return None
    metrics = button.fontMetrics()
    icon = bar.iconSize().width() if not action.icon().isNull() else 0
    width = metrics.horizontalAdvance("撤" * chars) + icon + 16
    button.setFixedWidth(width)
    text_room = width - icon - 16

    def update() -> None:
        full = action.text()
        elided = metrics.elidedText(full, Qt.TextElideMode.ElideRight, text_room)
        if action.iconText() != elided:
            action.blockSignals(True)  # setIconText would emit changed() again
            action.setIconText(elided)
            action.blockSignals(False)
            button.setText(elided)
        action.setToolTip(full)

    action.changed.connect(update)
    update()
    return button
