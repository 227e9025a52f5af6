"""A ledger: one database (SQLite file or PostgreSQL URL), its operator, and its undo history.

Only the open handle lives here. Opening one (inspect, refuse, back up, migrate, lock or read-only)
is :func:`zsdesk.opening.open_ledger`, which sits above this module and above ``zsdesk.ops``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from . import audit_guard  # noqa: F401 - makes the audit log append-only in every session
from .checkpoint import WalCheckpointer
from .db import sqlite_path
from .lock import LedgerReadOnly, WriterLock, default_operator
from .models import Setting

__all__ = ["History", "Ledger", "default_operator", "guard_read_only"]


@dataclass
class History:
    """The ledger's undo and redo stacks (this session of the app only)."""

    undo_stack: list[tuple[str, str]] = field(default_factory=list)
    redo_stack: list[tuple[str, str]] = field(default_factory=list)
    limit: int = 100

    def done(self, op_id: str, label: str) -> None:
        self.undo_stack.append((op_id, label))
        del self.undo_stack[: -self.limit]
        self.redo_stack.clear()

    @property
    def undo_label(self) -> str | None:
        return self.undo_stack[-1][1] if self.undo_stack else None

    @property
    def redo_label(self) -> str | None:
        return self.redo_stack[-1][1] if self.redo_stack else None


class Ledger:
    """Opened by :mod:`zsdesk.opening`; pass it to the operations in :mod:`zsdesk.ops`."""

    def __init__(self, engine: Engine, operator: str | None = None, upgraded_backup: Path | None = None) -> None:
        self.engine = engine
        self.url = str(engine.url)
        self.path = sqlite_path(self.url)
        self.operator = operator or default_operator()
        self.upgraded_backup = upgraded_backup
        self.read_only_reason: str | None = None  # set when opened read-only; writes are refused
        self.writer_lock: WriterLock | None = None  # held while open for writing (zsdesk.opening)
        self.checkpointer: WalCheckpointer | None = None  # a writing SQLite ledger's (zsdesk.checkpoint)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.history = History()

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.close()
            self.checkpointer = None
        self.engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.release()
            self.writer_lock = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def committed(self) -> None:
        """An operation's transaction committed: its pages go into the file in the background."""
        if self.checkpointer is not None:
            self.checkpointer.request()

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



def guard_read_only(ledger: Ledger, reason: str) -> None:
    """Refuse every write through the ledger's sessions with ``reason`` (Chinese), before SQL runs."""
    ledger.read_only_reason = reason

    def refuse(session: Session, _ctx: Any, _instances: Any) -> None:
        raise LedgerReadOnly(f"{reason}本次修改未保存。")

    def refuse_sql(orm_execute_state: Any) -> None:
        if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
            raise LedgerReadOnly(f"{reason}本次修改未保存。")

    event.listen(ledger._sessions, "before_flush", refuse)  # noqa: SLF001 - the ledger's own sessionmaker
    event.listen(ledger._sessions, "do_orm_execute", refuse_sql)  # noqa: SLF001
