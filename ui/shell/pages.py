"""The left navigation's pages: a registry of nav key → page factory.

A page is a QWidget built as ``factory(context, parent)``. Optional methods the main window uses:
``menu_actions() -> list[QAction]`` (shown in that page's menu: 台账 / 英雄榜 / 通报),
``status_text() -> str`` (status bar), ``activated()`` (called when the page is shown),
``focus_search()`` (Ctrl+F). Pages hear ``context.changed`` themselves.

The section chief's views plug in by creating the module named in ``PAGE_MODULES`` (for example
``ui/board_page.py`` with a class ``BoardPage``) or by calling :func:`register_page` — no edit of
the main window is needed. Until then the page shows a placeholder.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .. import strings as S
from ..common.context import LedgerContext

PageFactory = Callable[[LedgerContext, QWidget | None], QWidget]

# nav key → "module:Class", imported when the page is first shown.
PAGE_MODULES: dict[str, str] = {
    "ledger": "ui.ledger.ledger_page:LedgerPage",
    "funding": "ui.records.funding_page:FundingPage",
    "units": "ui.records.units_page:UnitsPage",
    "targets": "ui.records.targets_page:TargetsPage",
    "board": "ui.board.board_page:BoardPage",
    "notice": "ui.notice.notice_page:NoticePage",
    "audit": "ui.records.audit_page:AuditPage",
}
# Which top menu a page's menu_actions() go to.
PAGE_MENUS: dict[str, str] = {"ledger": "ledger", "funding": "ledger", "units": "ledger", "targets": "ledger",
                              "board": "board", "notice": "notice", "audit": "tools"}
_registered: dict[str, PageFactory] = {}


def register_page(key: str, factory: PageFactory) -> None:
    _registered[key] = factory


class PlaceholderPage(QWidget):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(S.PLACEHOLDER.format(name=S.NAV.get(key, key)), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("placeholder")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.key = key


def page_factory(key: str) -> PageFactory:
    if key in _registered:
        return _registered[key]
    target = PAGE_MODULES.get(key)
    if target:
        module_name, _, class_name = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise  # a real import error inside an existing page module is a bug to see
        else:
            return getattr(module, class_name)  # type: ignore[no-any-return]
    return lambda _context, parent: PlaceholderPage(key, parent)


def is_placeholder(page: QWidget) -> bool:
    return isinstance(page, PlaceholderPage)
