"""Many rows into one table in one statement, as SQLAlchemy's Core ``insert()`` would write them.

On SQLite the rows go straight to the driver's ``executemany``, each value through its column type's own
bind processor (the same text for a date, a time, a 万元 amount, a flag), and every column the rows leave
out gets its scalar Python default, as Core fills it in. SQLAlchemy's per-row parameter processing was
~20% of a 1,000-project batch insert (82 → 64 ms under load; the rest is SQLite's own work in 16 indexes).
PostgreSQL keeps Core's ``insert()``, which hands the rows to psycopg's ``executemany`` (pipelined: one round
trip per batch, one execution per row on the server; 1,000 project rows ~117 ms). ``COPY`` would take ~72 ms, but
PostgreSQL refuses ``COPY FROM`` into a table with row-level security — every clerk's and liaison's import — and
multi-row ``VALUES`` took ~214 ms (issue 20, measured in rolled-back transactions on the 100k bench database).

**Written behind (PostgreSQL).** Most of a batch's time on PostgreSQL is the server's: each new project goes into
21 indexes, a text index and 4 triggers, while this process waits. With ``behind=True`` the batch's statements go
from a thread of their own (psycopg waits for the server without Python's lock), and this process goes on with the
next batch's Python; at most one batch is in flight. Before any other statement on that connection, and before its
commit or rollback, the batch is waited for (an engine event, ``_settle_first``), so the statements reach the server
in the order they were made, and a batch's error is raised as SQLAlchemy raises it, at the latest at the commit: the
operation then rolls back and writes nothing, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], direct: bool = True,
                behind: bool = False) -> None:
    """Insert ``rows`` (each with the same keys) into ``table`` in the session's transaction. ``direct=False``
    (a read-only opening): through the session, whose guard refuses the write with its Chinese message. With
    ``behind`` on PostgreSQL the statement may still be running when this returns (``write_behind``)."""
    if not rows:
        return
    connection = session.connection()
    keys = list(rows[0])
    defaults = {c.key: getattr(c.default, "arg", None) for c in table.columns  # a ScalarElementColumnDefault
                if c.key not in rows[0] and c.default is not None and getattr(c.default, "is_scalar", False)}
    missing_callable = any(c.key not in rows[0] and c.default is not None and c.key not in defaults
                           for c in table.columns)
    dialect = connection.dialect
    postgres_behind = behind and dialect.name == "postgresql"
    if not direct or (dialect.name != "sqlite" and not postgres_behind) or missing_callable:
        session.execute(insert(table), list(rows))
        return
    columns = keys + list(defaults)
    # the dialect's own type (SQLite's DATETIME writes microseconds), as Core uses
    processors = [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in columns]
    fixed = [defaults[k] for k in defaults]
    params = []
    for row in rows:
        values = [row[k] for k in keys]
        values += fixed
        params.append(tuple(v if p is None else p(v) for p, v in zip(processors, values, strict=True)))
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    if postgres_behind:
        write_behind(connection).add(sql, params)
    else:
        connection.exec_driver_sql(sql, params)
    # Core statements flush nothing: the auto-backup's after_flush marker (zsdesk/backup.py) learns of the write.
    session.info["zsdesk_wrote"] = True


class WriteBehind:
    """A PostgreSQL connection's batch statements sent from a thread of their own (module docstring). ``add``
    collects a batch's statements, ``send`` starts them (after the batch before has ended), ``settle`` waits for
    them and raises their error."""

    def __init__(self, dbapi_connection: Any) -> None:
        self.dbapi_connection = dbapi_connection
        # (statement, its rows of parameters — or a read's parameters —, where a read's rows go; None: a write)
        self.statements: list[tuple[str, Any, list[Any] | None]] = []
        self.thread: threading.Thread | None = None
        self.failed: tuple[BaseException, str] | None = None

    def add(self, sql: str, params: list[tuple[Any, ...]]) -> None:
        self.statements.append((sql, params, None))

    def add_read(self, sql: str, params: tuple[Any, ...], into: list[Any]) -> None:
        """A read after the writes added before it, in the same thread: its rows are appended to ``into``."""
        self.statements.append((sql, params, into))

    def send(self) -> None:
        """Start the statements added since the last ``send``, once the batch before them has ended."""
        self._join()
        statements, self.statements = self.statements, []
        if statements:
            self.thread = threading.Thread(target=self._run, args=(statements,), name="zsdesk-write-behind",
                                           daemon=True)
            self.thread.start()

    def _run(self, statements: list[tuple[str, Any, list[Any] | None]]) -> None:
        sql = ""
        try:
            with self.dbapi_connection.cursor() as cursor:
                for sql, params, into in statements:
                    if into is None:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                        into.extend(cursor.fetchall())
        except BaseException as err:  # noqa: BLE001 - any failure is raised in the operation's own thread
            self.failed = (err, sql)

    def settle(self) -> None:
        """Wait for the statements in flight, run any only added, and raise their error as SQLAlchemy would."""
        self._join()
        statements, self.statements = self.statements, []
        if statements:
            self._run(statements)
            self._join()

    def _join(self) -> None:
        thread, self.thread = self.thread, None
        if thread is not None:
            thread.join()
        if self.failed is not None:
            err, sql = self.failed
            self.failed = None
            self.statements = []  # never sent after a failure: the operation rolls back
            import psycopg  # local: only a PostgreSQL connection writes behind

            if isinstance(err, psycopg.Error):
                raise DBAPIError.instance(sql, None, err, psycopg.Error, hide_parameters=True, ismulti=True) from err
            raise err

    @property
    def busy(self) -> bool:
        return self.thread is not None or bool(self.statements)


_BEHIND = "zsdesk_write_behind"


def write_behind(connection: Connection) -> WriteBehind:
    """``connection``'s write-behind (made on first use, with the engine events that settle it)."""
    info = connection.info  # follows the DBAPI connection (a new one after a reconnect)
    behind: WriteBehind | None = info.get(_BEHIND)
    driver = connection.connection.driver_connection
    if behind is None or behind.dbapi_connection is not driver:
        behind = info[_BEHIND] = WriteBehind(driver)
    engine = connection.engine
    if not event.contains(engine, "before_cursor_execute", _settle_first):
        event.listen(engine, "before_cursor_execute", _settle_first)
        event.listen(engine, "commit", _settle_first)
        event.listen(engine, "rollback", _settle_before_rollback)
    return behind


def read_behind(session: Session, sql: str, params: tuple[Any, ...], into: list[Any]) -> None:
    """After what this batch writes behind, read ``sql`` in the same thread (PostgreSQL, ``%s`` parameters); its
    rows are in ``into`` once the batch is settled."""
    write_behind(session.connection()).add_read(sql, params, into)


def send_behind(session: Session) -> None:
    """Start the statements added for this batch (no-op where nothing was written behind)."""
    behind = session.connection().info.get(_BEHIND)
    if behind is not None:
        behind.send()


def _pending(connection: Connection) -> WriteBehind | None:
    behind: WriteBehind | None = connection.info.get(_BEHIND)
    return behind if behind is not None and behind.busy else None


def _settle_first(connection: Connection, *_args: Any) -> None:
    """Before a statement or the commit: the batch in flight first, its error raised."""
    if (behind := _pending(connection)) is not None:
        behind.settle()


def _settle_before_rollback(connection: Connection) -> None:
    """Rolled back anyway: the batch is waited for (the connection is not two threads'), its error dropped."""
    if (behind := _pending(connection)) is not None:
        behind.statements = []
        try:
            behind.settle()
        except Exception:  # noqa: BLE001, S110 - the rollback discards what the batch did, error or not
            pass


def settle_behind(session: Session) -> None:
    """Wait for what this session's connection writes behind, and raise its error (before an operation ends)."""
    behind = session.connection().info.get(_BEHIND)
    if behind is not None:
        behind.settle()
