"""A ledger: one database (SQLite file or PostgreSQL URL), its operator, and its undo history."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

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
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Imported here: ops imports ledger for typing only.
        from .ops.history import History

        self.history = History()

    @classmethod
    def open(cls, path_or_url: str | Path, operator: str | None = None, create: bool = False) -> Ledger:
        """Open (and if needed create or upgrade) a ledger. Raises a ``LedgerError`` the user can read."""
        url = ledger_url(path_or_url)
        file = sqlite_path(url)
        if file is not None:
            if not file.exists() and not create:
                raise LedgerDamaged(f"找不到台账文件：{file}")
            if file.exists() and file.is_dir():
                raise LedgerDamaged(f"{file} 是一个文件夹，不是台账文件。")
            if file.exists() and file.stat().st_size > 0:
                with open(file, "rb") as fh:
                    if fh.read(16) != b"SQLite format 3\x00":
                        raise LedgerDamaged(f"{file.name} 不是招商桌面台账文件，或文件已损坏。可以从最近的备份恢复。")
            if create:
                file.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url)
        try:
            backup = prepare_schema(engine, file, create=create or (file is not None and _is_empty(file)))
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


def _is_empty(file: Path) -> bool:
    return not file.exists() or file.stat().st_size == 0
