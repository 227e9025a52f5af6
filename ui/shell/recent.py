"""The recently opened ledgers (File menu, start dialog), kept in the app settings.

Its own module so the main window can list them without importing ``app`` (which imports the window).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..common.context import app_settings

MAX_RECENT = 8


def without_password(address: str) -> str:
    """A shared ledger's address as it may be remembered: ``postgresql+psycopg://login@host/db`` — a
    password written into it is dropped (passwords are never stored; SPEC §11)."""
    if "://" not in address:
        return address
    parts = urlsplit(address)
    if parts.password is None and "***" not in parts.netloc:
        return address
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0] if "@" in parts.netloc else ""
    return urlunsplit((parts.scheme, f"{user}@{host}" if user else host, parts.path, parts.query, parts.fragment))


def recent_ledgers() -> list[str]:
    value = app_settings().value("recent", [])
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
    items = list(dict.fromkeys(without_password(p) for p in items if p))
    return [p for p in items if p and ("://" in p or Path(p).exists())][:MAX_RECENT]


def add_recent(path: str) -> None:
    path = without_password(path)
    settings = app_settings()
    items = [path] + [p for p in recent_ledgers() if p != path]
    settings.setValue("recent", items[:MAX_RECENT])
    settings.setValue("last", path)
    settings.sync()


def last_ledger() -> str | None:
    last = app_settings().value("last")
    if isinstance(last, str) and last and ("://" in last or Path(last).exists()):
        return without_password(last)
    return None
