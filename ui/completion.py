"""Completers for names the clerk types: single values and "、"-separated lists."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QWidget

SEPARATOR = "、"


def name_completer(names: Iterable[str], parent: QWidget) -> QCompleter:
    completer = QCompleter(QStringListModel(list(names)), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(12)
    return completer


class ListCompleter(QCompleter):
    """Completes the part after the last "、", keeping what was typed before it."""

    def __init__(self, names: Iterable[str], parent: QWidget) -> None:
        super().__init__(QStringListModel(list(names)), parent)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setMaxVisibleItems(12)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        return [path.split(SEPARATOR)[-1].strip()]

    def pathFromIndex(self, index: object) -> str:  # noqa: N802 - Qt override
        chosen = super().pathFromIndex(index)  # type: ignore[arg-type]
        widget = self.widget()
        text = widget.text() if widget is not None and hasattr(widget, "text") else ""
        parts = [p for p in text.split(SEPARATOR)[:-1] if p.strip()]
        return SEPARATOR.join([*parts, chosen])
