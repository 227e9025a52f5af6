"""The left navigation's pages: nav key → page class and the top menu its actions go to.

A page is a ``PageWidget`` (see ``ui/common/page.py`` for what the main window asks of it) built as
``PageClass(context, parent)``. Each class is imported when its page is first shown, so the window
opens without loading the board's or the notice's modules. A new page: a class in its room, one
loader function and one ``PageEntry`` here, and its name in ``strings.NAV``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .. import strings as S
from ..common.context import LedgerContext
from ..common.page import PageWidget

PageFactory = Callable[[LedgerContext, QWidget | None], PageWidget]


# Each loader imports its page's room when the page is first shown (start-up stays fast).
def _todo() -> type[PageWidget]:
    from ..landing.todo_page import TodoPage
    return TodoPage


def _ledger() -> type[PageWidget]:
    from ..ledger.ledger_page import LedgerPage
    return LedgerPage


def _leads() -> type[PageWidget]:
    from ..activity.leads_page import LeadsPage
    return LeadsPage


def _trips() -> type[PageWidget]:
    from ..activity.trips_page import TripsPage
    return TripsPage


def _funding() -> type[PageWidget]:
    from ..records.funding_page import FundingPage
    return FundingPage


def _units() -> type[PageWidget]:
    from ..records.units_page import UnitsPage
    return UnitsPage


def _targets() -> type[PageWidget]:
    from ..records.targets_page import TargetsPage
    return TargetsPage


def _verification() -> type[PageWidget]:
    from ..verification.verification_page import VerificationPage
    return VerificationPage


def _board() -> type[PageWidget]:
    from ..board.board_page import BoardPage
    return BoardPage


def _notice() -> type[PageWidget]:
    from ..notice.notice_page import NoticePage
    return NoticePage


def _audit() -> type[PageWidget]:
    from ..records.audit_page import AuditPage
    return AuditPage


@dataclass(frozen=True)
class PageEntry:
    key: str  # nav key (strings.NAV)
    menu: str  # the top menu its menu_actions() go to
    load: Callable[[], type[PageWidget]]


PAGES: tuple[PageEntry, ...] = (
    PageEntry("todo", "ledger", _todo),
    PageEntry("ledger", "ledger", _ledger),
    PageEntry("leads", "ledger", _leads),
    PageEntry("trips", "ledger", _trips),
    PageEntry("funding", "ledger", _funding),
    PageEntry("units", "ledger", _units),
    PageEntry("targets", "ledger", _targets),
    PageEntry("verification", "ledger", _verification),
    PageEntry("board", "board", _board),
    PageEntry("notice", "notice", _notice),
    PageEntry("audit", "tools", _audit),
)
PAGE_MENUS: dict[str, str] = {p.key: p.menu for p in PAGES}


class PlaceholderPage(PageWidget):
    """A nav key with no page (yet): says so in the middle of the page."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(S.PLACEHOLDER.format(name=S.NAV.get(key, key)), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("placeholder")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.key = key


def page_factory(key: str) -> PageFactory:
    entry = next((p for p in PAGES if p.key == key), None)
    if entry is not None:
        return entry.load()
    return lambda _context, parent: PlaceholderPage(key, parent)
