"""Completers for names the clerk types: single values and "、"-separated lists.

Each completer owns its model (a parent keeps it alive; a model Python may free leaves
``completer().model()`` None and no popup). Rows are :class:`zsdesk.queries.choices.Choice`: the popup shows
``value``; the typed text is matched, anywhere and case-insensitively, against ``keys`` — name, short
name, code, pinyin initials and full pinyin — so ``zytj`` offers "中药贴剂".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QCompleter, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from zsdesk.queries.choices import Choice, choice

from .roles import ChoiceIdRole, SearchRole

SEPARATOR = "、"
Index = QModelIndex | QPersistentModelIndex


def as_choices(names: Iterable[str | Choice]) -> list[Choice]:
    return [n if isinstance(n, Choice) else choice(str(n)) for n in names]


class ChoiceModel(QAbstractListModel):
    """One row per choice: DisplayRole/EditRole the value, SearchRole its keys, ChoiceIdRole its id."""

    def __init__(self, choices: Sequence[Choice], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = list(choices)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.choices)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.choices):
            return None
        c = self.choices[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return c.value
        if role == SearchRole:
            return c.keys
        if role == ChoiceIdRole:
            return c.id
        return None

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self.beginResetModel()
        self.choices = list(choices)
        self.endResetModel()


class ChoiceCompleter(QCompleter):
    """Pop-up suggestions matching name, short name, code or pinyin anywhere in the typed text."""

    def __init__(self, names: Iterable[str | Choice], parent: QWidget) -> None:
        super().__init__(parent)
        self.choice_model = ChoiceModel(as_choices(names), self)  # parented: lives as long as we do
        self.setModel(self.choice_model)
        self.setCompletionRole(SearchRole)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self.setMaxVisibleItems(12)

    def set_choices(self, names: Iterable[str | Choice]) -> None:
        self.choice_model.set_choices(as_choices(names))

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        return [path.strip().lower()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt override
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")

    def suggestions(self) -> list[str]:
        """The values the popup offers now (for tests and the status of a field)."""
        model = self.completionModel()
        return [str(model.index(r, 0).data(Qt.ItemDataRole.DisplayRole)) for r in range(model.rowCount())]


def name_completer(names: Iterable[str | Choice], parent: QWidget) -> ChoiceCompleter:
    return ChoiceCompleter(names, parent)


class ListCompleter(ChoiceCompleter):
    """Completes the part after the last "、", keeping what was typed before it."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        return [path.split(SEPARATOR)[-1].strip().lower()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt override
        chosen = super().pathFromIndex(index)
        widget = self.widget()
        text = widget.text() if widget is not None and hasattr(widget, "text") else ""
        parts = [p for p in text.split(SEPARATOR)[:-1] if p.strip()]
        return SEPARATOR.join([*parts, chosen])


class ChoiceDelegate(QStyledItemDelegate):
    """A table cell edited with type-ahead (e.g. a person's 所属单位): ``choices()`` is read when editing starts."""

    def __init__(self, choices: Callable[[], Sequence[Choice]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 - Qt override
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setCompleter(ChoiceCompleter(self.choices(), editor))
        return editor
