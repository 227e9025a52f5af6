"""The audit log is append-only inside the engine: updating or deleting an audit row raises.

Covers both ORM unit-of-work changes (mapper events) and bulk ``update()``/``delete()``
statements run through a session. Edits made with other tools outside the app are caught later
by the hash chain that ``zsdesk check`` verifies (see :mod:`zsdesk.check`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from .errors import LedgerError
from .models import AuditEntry


class AuditTampering(LedgerError):
    pass


MESSAGE = "操作记录只能追加，不能修改或删除。"


def _refuse_row(_mapper: Any, _connection: Any, _target: AuditEntry) -> None:
    raise AuditTampering(MESSAGE)


def _refuse_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    tables = {getattr(t, "name", None) for t in getattr(state.statement, "_from_objects", ())}
    table = getattr(state.statement, "table", None)
    if table is not None:
        tables.add(getattr(table, "name", None))
    if AuditEntry.__tablename__ in tables:
        raise AuditTampering(MESSAGE)


def install() -> None:
    """Idempotent; called when :mod:`zsdesk.ledger` is imported."""
    if not event.contains(AuditEntry, "before_update", _refuse_row):
        event.listen(AuditEntry, "before_update", _refuse_row)
        event.listen(AuditEntry, "before_delete", _refuse_row)
        event.listen(Session, "do_orm_execute", _refuse_statement)


install()
