"""A ledger: one database (SQLite file or PostgreSQL URL), its operator, and its undo history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from . import audit_guard  # noqa: F401 - makes the audit log append-only in every session
from .db import sqlite_path
from .lock import WriterLock, default_operator
from .models import Setting

__all__ = ["Ledger", "default_operator"]


class Ledger:
    """Open with :meth:`open`; pass it to the operations in :mod:`zsdesk.ops`."""

    def __init__(self, engine: Engine, operator: str | None = None, upgraded_backup: Path | None = None) -> None:
        self.engine = engine
        self.url = str(engine.url)
        self.path = sqlite_path(self.url)
        self.operator = operator or default_operator()
        self.upgraded_backup = upgraded_backup
        self.read_only_reason: str | None = None  # set when opened read-only; writes are refused
        self.writer_lock: WriterLock | None = None  # held while open for writing (zsdesk.opening)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Imported here: ops imports ledger for typing only.
        from .ops.history import History

        self.history = History()

    @classmethod
    def open(cls, path_or_url: str | Path, operator: str | None = None, create: bool = False,
             read_only: bool = False) -> Ledger:
        """Open (and if needed create or upgrade) a ledger without the writer lock (library use, tests).

        The command line and the window use :func:`zsdesk.opening.open_ledger`, which also takes
        the writer lock; both run the same opening sequence. ``read_only`` (or a file that cannot
        be written) opens it for reading only: every write is refused with a Chinese message.
        """
        from .opening import open_ledger  # opening imports this module

        return open_ledger(path_or_url, operator, create=create, write=not read_only, read_only=read_only,
                           lock=False)

    def close(self) -> None:
        self.engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.release()
            self.writer_lock = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    # Settings are small JSON values; read-only helpers here, writes go through ops.settings.
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.reading() as s:
            row = s.scalar(select(Setting).where(Setting.key == key))
            return default if row is None else json.loads(row.value)

