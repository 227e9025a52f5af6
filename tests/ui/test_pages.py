"""The page registry: every nav key has a page class, every page answers the whole ``Page`` protocol."""

from __future__ import annotations

from ui import strings as S
from ui.common.page import Page, PageWidget
from ui.shell.pages import PAGE_MENUS, PAGES, PlaceholderPage, page_factory

PROTOCOL = [name for name in vars(Page) if not name.startswith("_")]


def test_every_nav_key_has_a_registered_page_class() -> None:
    assert [p.key for p in PAGES] == list(S.NAV)
    assert set(PAGE_MENUS.values()) <= {"ledger", "board", "notice", "tools"}
    for entry in PAGES:
        cls = entry.load()
        assert issubclass(cls, PageWidget) and cls is not PlaceholderPage, entry.key
        assert page_factory(entry.key) is cls


def test_every_page_answers_the_page_protocol() -> None:
    assert set(PROTOCOL) == {"menu_actions", "status_text", "activated", "focus_search", "unsaved", "leave"}
    for entry in PAGES:
        cls = entry.load()
        assert all(callable(getattr(cls, name, None)) for name in PROTOCOL), entry.key
