"""A ledger: one database (SQLite file or PostgreSQL URL), its operator, and its undo history."""

from __future__ import annotations

import getpass
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from . import audit_guard  # noqa: F401 - makes the audit log append-only in every session
from .db import ledger_url, make_engine, sqlite_path
from .errors import LedgerDamaged
from .migrate import prepare_schema
from .models import Setting


def default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some Windows service accounts
        return "录入员"


class Ledger:
    """Open with :meth:`open`; pass it to the operations in :mod:`zsdesk.ops`."""

    def __init__(self, engine: Engine, operator: str | None = None, upgraded_backup: Path | None = None) -> None:
        self.engine = engine
        self.url = str(engine.url)
        self.path = sqlite_path(self.url)
        self.operator = operator or default_operator()
        self.upgraded_backup = upgraded_backup
        self.read_only_reason: str | None = None  # set when opened read-only; writes are refused
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Imported here: ops imports ledger for typing only.
        from .ops.history import History

        self.history = History()

    @classmethod
    def open(cls, path_or_url: str | Path, operator: str | None = None, create: bool = False,
             read_only: bool = False) -> Ledger:
        """Open (and if needed create or upgrade) a ledger. Raises a ``LedgerError`` the user can read.

        A damaged or foreign file is never changed; its message offers the newest good backup.
        ``read_only`` (or a file that cannot be written) opens it for reading only: every write
        is refused with a Chinese message (see ``zsdesk.lock``).
        """
        url = ledger_url(path_or_url)
        file = sqlite_path(url)
        try:
            return cls._open(url, file, operator, create, read_only)
        except LedgerDamaged as err:
            from .backup import restore_hint

            stop = "" if str(err).endswith(("。", "！", "？")) else "。"  # two sentences, not one run-on
            raise LedgerDamaged(f"{err}{stop}{restore_hint(file)}") from err
        except (OperationalError, sqlite3.OperationalError) as err:
            from .ops.history import translate_db_error

            translated = translate_db_error(err)
            if translated is None:
                raise
            raise translated from err

    @classmethod
    def _open(cls, url: str, file: Path | None, operator: str | None, create: bool, read_only: bool) -> Ledger:
        from .check import inspect_file, inspect_tables
        from .lock import open_read_only, read_only_reason

        reason = None
        if file is not None:
            inspect_file(file, create=create)
            reason = read_only_reason(file, read_only)
            if reason is None and file.exists() and file.stat().st_size > 0:
                inspect_tables(file, create=create)
            if create and reason is None:
                file.parent.mkdir(parents=True, exist_ok=True)
        if reason is not None and file is not None:
            return open_read_only(cls, file, operator, reason)
        engine = make_engine(url)
        try:
            backup = prepare_schema(engine, file, create=create)
        except Exception:
            engine.dispose()
            raise
        ledger = cls(engine, operator, backup)
        if create:
            from .ops.bootstrap import ensure_defaults

            ensure_defaults(ledger)
        return ledger

    def close(self) -> None:
        self.engine.dispose()

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

