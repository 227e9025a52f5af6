"""Operations: one transaction each, with audit rows, a returned ``Change``, and undo/redo.

Every change to the ledger goes through :func:`operation`. The audit log is append-only and each
row carries the hash of the one before it, so an edit made behind the app's back is detectable.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..audit_guard import audit_hash as audit_hash  # re-exported: the hashing moved beside the audit guard
from ..audit_guard import chained_rows, insert_chained, lock_chain
from ..db_errors import translate_db_error as translate_db_error  # re-exported: moved beside the errors
from ..errors import ConflictError, LedgerError
from ..labels import ENTITY_LABELS, Action, Entity
from ..ledger import History as History  # re-exported: the undo stacks are part of the handle
from ..ledger import Ledger
from ..models import AuditEntry, Base
from ..text_index import catch_up_beside
from .records import ENTITY_MODELS, Snapshot, apply_snapshot, same_content, snapshot
from .totals import refresh_after


@dataclass(frozen=True)
class ChangeRecord:
    entity: str  # an Entity: a plain string is checked and turned into the enum (stored values are unchanged)
    entity_id: int
    action: str  # an Action, likewise
    before: Snapshot | None
    after: Snapshot | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "entity", Entity(self.entity))
        object.__setattr__(self, "action", Action(self.action))

    def changed_fields(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return sorted(k for k in set(self.before) | set(self.after)
                      if k not in ("version", "updated_at") and self.before.get(k) != self.after.get(k))


@dataclass
class Change:
    """What one operation changed; the window refreshes only these records."""

    op_id: str
    label: str
    records: list[ChangeRecord] = field(default_factory=list)

    def ids(self, entity: str, action: str | None = None) -> list[int]:
        return [r.entity_id for r in self.records
                if r.entity == entity and (action is None or r.action == action)]

    @property
    def empty(self) -> bool:
        return not self.records


class Operation:
    """Collects what an operation does inside its session; see :func:`operation`."""

    def __init__(self, ledger: Ledger, session: Session, label: str) -> None:
        self.ledger = ledger
        self.session = session
        self.change = Change(uuid.uuid4().hex, label)
        self.now = datetime.now().replace(microsecond=0)
        # What a batch writer may keep between its calls in this operation (e.g. the stored names a
        # batch insert checks against); each user says when its entry goes stale.
        self.memo: dict[str, Any] = {}
        # Run when the operation's own work is done, before its audit rows: what a batch writer left to the end
        # (e.g. reading back what the database set in the rows a batch wrote behind).
        self.finishers: list[Callable[[], None]] = []
        self._head: str | None = None

    def snapshot(self, entity: str, obj: Base) -> Snapshot:
        return snapshot(self.session, entity, obj)

    def record(self, entity: str, obj: Base, action: str, before: Snapshot | None) -> ChangeRecord:
        self.session.flush()
        after = None if action == "purge" else snapshot(self.session, entity, obj)
        rec = ChangeRecord(entity, obj.id, action, before, after)  # type: ignore[attr-defined]  # Base declares no id; every recorded model has one
        if action == "update" and same_content(before, after):
            return rec  # nothing really changed: no audit row, nothing to undo
        self.change.records.append(rec)
        return rec

    def audit_head(self) -> str:
        """The hash the operation's audit rows chain on from, read once: the chain lock, taken first, keeps it
        until the operation ends, and the operation's own audit rows are written last."""
        if self._head is None:
            self._head = self._audit_head()
        return self._head

    @property
    def head_known(self) -> bool:
        return self._head is not None

    def _audit_head(self) -> str:
        if self.session.get_bind().dialect.name == "postgresql":  # a liaison reads only their own audit rows
            return self.session.scalar(text("SELECT zsdesk_audit_head_hash()")) or ""
        return self.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""

    def _audit_rows(self, last: str) -> list[dict[str, Any]]:
        """The audit rows, chained on from ``last``: Python only, no statement (it runs beside the text
        index's catch-up)."""
        return chained_rows(last, self.change.op_id, self.change.label, self.now, self.ledger.operator,
                            [(str(r.entity), r.entity_id, str(r.action), r.before, r.after)
                             for r in self.change.records])

    def _write_audit(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        insert_chained(self.session.connection(), rows)  # one executemany, not one ORM object per row
        # A batch written with Core statements flushes nothing: tell the auto-backup's after_flush
        # marker (zsdesk/backup.py) that this operation wrote, as an ORM flush would have.
        self.session.info["zsdesk_wrote"] = True


@contextmanager
def operation(ledger: Ledger, label: str, undoable: bool = True) -> Iterator[Operation]:
    """One transaction: yields an ``Operation``; on success writes audit rows and commits."""
    session = ledger.session()
    op = Operation(ledger, session, label)
    try:
        lock_chain(session)
        yield op
        early: tuple[list[ChangeRecord], list[dict[str, Any]]] | None = None
        if op.finishers and op.head_known:
            # What a batch writer left to the end may still be on the server (ops/bulk.py, written behind): the
            # audit rows are hashed meanwhile, and again should the finishers change a record.
            early = (list(op.change.records), op._audit_rows(op.audit_head()))
        for finish in op.finishers:
            finish()
        session.flush()
        refresh_after(session, op.change.records)  # 累计到位 of the projects whose funding changed
        head = op.audit_head() if op.change.records else ""
        hashed = early[1] if early is not None and _same_records(early[0], op.change.records) else None
        # The text filter's index, for the projects this operation wrote (zsdesk/text_index.py); for many, on
        # the other core while the audit rows are hashed.
        rows = catch_up_beside(session.connection(), [r.entity_id for r in op.change.records if r.entity == "project"],
                               lambda: op._audit_rows(head) if hashed is None else hashed)
        op._write_audit(rows)
        session.commit()
        ledger.committed()
    except (StaleDataError, IntegrityError, OperationalError, ProgrammingError) as err:  # Programming: a refused grant
        session.rollback()
        translated = translate_db_error(err, ledger.path.parent if ledger.path is not None else None)
        if translated is None:
            raise
        raise translated from err
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if undoable and not op.change.empty:
        ledger.history.done(op.change.op_id, op.change.label)


def _same_records(before: list[ChangeRecord], now: list[ChangeRecord]) -> bool:
    """The same record objects in the same order (a finisher that changes a record replaces it)."""
    return len(before) == len(now) and all(a is b for a, b in zip(before, now, strict=True))


def _replay(ledger: Ledger, op_id: str, label: str, backwards: bool) -> Change:
    with operation(ledger, label, undoable=False) as op:
        rows = op.session.scalars(select(AuditEntry).where(AuditEntry.op_id == op_id).order_by(AuditEntry.id)).all()
        if backwards:
            rows = list(reversed(rows))
        for row in rows:
            before = None if row.before is None else json.loads(row.before)
            after = None if row.after is None else json.loads(row.after)
            expected, wanted = (after, before) if backwards else (before, after)
            current_obj = op.session.get(_model(row.entity), row.entity_id)
            current = None if current_obj is None else op.snapshot(row.entity, current_obj)
            if not same_content(current, expected):
                what = ENTITY_LABELS.get(row.entity, row.entity)
                raise ConflictError(f"无法{'撤销' if backwards else '重做'}：这条{what}记录之后又被修改过（编号 {row.entity_id}）。")
            obj = apply_snapshot(op.session, row.entity, row.entity_id, wanted)
            action = "delete" if wanted is None else ("insert" if current is None else "update")
            if obj is None:
                op.change.records.append(ChangeRecord(row.entity, row.entity_id, "purge", current, None))
            else:
                op.record(row.entity, obj, action, current)
    return op.change


def _model(entity: str) -> type[Base]:
    return ENTITY_MODELS[entity]


def undo(ledger: Ledger) -> Change:
    if not ledger.history.undo_stack:
        raise LedgerError("没有可以撤销的操作。")
    op_id, label = ledger.history.undo_stack[-1]
    change = _replay(ledger, op_id, f"撤销：{label}", backwards=True)
    ledger.history.undo_stack.pop()
    ledger.history.redo_stack.append((op_id, label))
    return change


def redo(ledger: Ledger) -> Change:
    if not ledger.history.redo_stack:
        raise LedgerError("没有可以重做的操作。")
    op_id, label = ledger.history.redo_stack[-1]
    change = _replay(ledger, op_id, f"重做：{label}", backwards=False)
    ledger.history.redo_stack.pop()
    ledger.history.undo_stack.append((op_id, label))
    return change
