"""The Qt build we ship must not leak references to None (PySide6 6.12.0 on Python 3.11 did and aborted)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    color = QColor(1, 2, 3)
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        color.setAlpha(5)
        label.setText("招商")
        painter.fillRect(0, 0, 1, 1, color)
        QModelIndex().data()
    drift = before - sys.getrefcount(None)
    painter.end()
    # 80,000 void calls: a leaking build loses ~80,000 references; noise is a few hundred at most.
    assert drift < 1000, f"None lost {drift} references: this PySide6 build will crash on Python < 3.12"
