"""The recently opened ledgers (File menu, start dialog), kept in the app settings.

Its own module so the main window can list them without importing ``app`` (which imports the window).
"""

from __future__ import annotations

from pathlib import Path

from ..common.context import app_settings

MAX_RECENT = 8


def recent_ledgers() -> list[str]:
    value = app_settings().value("recent", [])
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
    return [p for p in items if p and ("://" in p or Path(p).exists())][:MAX_RECENT]


def add_recent(path: str) -> None:
    settings = app_settings()
    items = [path] + [p for p in recent_ledgers() if p != path]
    settings.setValue("recent", items[:MAX_RECENT])
    settings.setValue("last", path)
    settings.sync()


def last_ledger() -> str | None:
    last = app_settings().value("last")
    if isinstance(last, str) and last and ("://" in last or Path(last).exists()):
        return last
    return None
