"""What the main window may ask of a page: the ``Page`` protocol and ``PageWidget``, the base every page uses.

The main window calls these methods on every page without checking first; ``PageWidget`` answers each
with "nothing" so a page overrides only what it has. Dialogs that hold typed text answer ``Editor``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget


class Page(Protocol):
    def menu_actions(self) -> list[QAction]:
        """Actions shown in the page's top menu (台账 / 英雄榜 / 通报 / 工具)."""
        ...

    def status_text(self) -> str:
        """The status bar's text while the page is shown."""
        ...

    def activated(self) -> None:
        """Called each time the page is shown."""
        ...

    def focus_search(self) -> bool:
        """Ctrl+F: put the cursor in the page's search box; False when the page has none."""
        ...

    def unsaved(self) -> bool:
        """True while the page holds typed text not yet saved (the title says [未保存])."""
        ...

    def leave(self) -> bool:
        """Before the page is left or the window closes: save or ask 保存/不保存/取消; False on 取消."""
        ...


@runtime_checkable
class Editor(Protocol):
    """A dialog holding typed text: asked to ``leave()`` before the window closes."""

    def leave(self) -> bool: ...


class PageWidget(QWidget):
    """The base of every page: the ``Page`` methods doing nothing, and the two signals the window hears."""

    selection_changed = Signal()  # the main window refreshes the status bar
    unsaved_changed = Signal()  # the main window's title says [未保存] / [已保存]

    def menu_actions(self) -> list[QAction]:
        return []

    def status_text(self) -> str:
        return ""

    def activated(self) -> None:
        pass

    def focus_search(self) -> bool:
        return False

    def unsaved(self) -> bool:
        return False

    def leave(self) -> bool:
        return True
