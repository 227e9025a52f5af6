"""The item-data roles every table and list model in the window uses: one set of numbers."""

from __future__ import annotations

from PySide6.QtCore import Qt

IdRole = Qt.ItemDataRole.UserRole + 1  # the row's record id (project, unit, funding entry …)
SortRole = Qt.ItemDataRole.UserRole + 2  # the raw value a column sorts by (numbers as numbers)
RateRole = Qt.ItemDataRole.UserRole + 3  # board: a completion rate drawn as a bar
QuietRole = Qt.ItemDataRole.UserRole + 4  # board: a cell shown greyed (no target, not counted)
SearchRole = Qt.ItemDataRole.UserRole + 11  # completion: the text typed letters match (name + pinyin initials)
ChoiceIdRole = Qt.ItemDataRole.UserRole + 12  # completion: the chosen entry's id
