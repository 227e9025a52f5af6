"""How a helper process on the other core reads what its caller reads (issue 20): the import's check
(``zsdesk.xlsx.check_worker``) and a board's funds half (``zsdesk.board.beside``).

A ledger file is read through the helper's own read-only connection; the caller makes sure nobody commits
meanwhile (it holds the writer lock). A shared ledger is read as the caller's own login (row-level security
applies as to the caller), in the caller's exported snapshot (``Server``): exactly what the caller sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import LedgerError


class CannotSignIn(LedgerError):
    """The helper could not open its own connection to a shared ledger (the login's or the server's connection
    limit, say): nothing was written, and the caller does the work in its own process instead."""


@dataclass
class Server:
    """Where the caller's login connects, and the caller's transaction's exported snapshot, which the helper
    reads in. The password goes through the pipe only (never a command line, the environment or a log: not in
    the repr)."""

    url: str  # the ledger's URL as opened, without the password
    snapshot: str  # pg_export_snapshot() of the caller's transaction; empty: a snapshot of the helper's own
    password: str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, session: Any) -> Server:
        """The server part of a job for ``session`` (PostgreSQL): its transaction's snapshot exported, its login's
        URL and password (psycopg's own record of the connection's, kept nowhere else)."""
        connection = session.connection()
        snapshot = str(connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one())
        password = connection.connection.dbapi_connection.info.password or None
        return cls(_without_password(connection.engine.url), snapshot, password)

    @classmethod
    def login_of(cls, engine: Any) -> Server:
        """Where ``engine``'s login connects, with no snapshot: the helper reads in one of its own (an import's
        read-ahead, ``stored_projects.read_stored_server``)."""
        with engine.connect() as connection:
            password = connection.connection.dbapi_connection.info.password or None
        return cls(_without_password(engine.url), "", password)


def _without_password(url: Any) -> str:
    """``url`` as text with no password in it, even one written into the URL it was opened with (``URL.set``
    cannot remove one: ``set(password=None)`` leaves it as it was)."""
    return str(url._replace(password=None).render_as_string(hide_password=False))


_SNAPSHOT = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")  # what pg_export_snapshot returns, e.g. 00000003-0000001B-1


@contextmanager
def helper_session(ledger: str, server: Server | None) -> Iterator[Any]:
    """A read-only session on the ledger file ``ledger`` through its own read-only connection; or on a shared
    ledger (``server``) as the caller's own login, in the caller's snapshot (``SET TRANSACTION SNAPSHOT``), or,
    with none given, in one snapshot of its own for the whole session (``REPEATABLE READ``)."""
    # local: the helper's machinery, not loaded by the program that only starts a helper
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import NullPool

    # local: as above
    from .db import make_engine
    from .sqlite_file import read_only_engine

    if server is None:
        engine = read_only_engine(Path(ledger))
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()
        return
    if server.snapshot and not _SNAPSHOT.fullmatch(server.snapshot):  # written into a statement below: nothing but its own digits
        raise LedgerError("无法读取数据库快照，没有写入任何数据。")
    engine = make_engine(server.url, password=server.password, poolclass=NullPool)
    try:
        try:
            connection = engine.connect()
        except Exception as err:  # noqa: BLE001 - any refusal of a second connection: the caller goes on without
            raise CannotSignIn(str(err).splitlines()[0] if str(err) else type(err).__name__) from err
        with connection:
            connection.execution_options(isolation_level="REPEATABLE READ")
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            if server.snapshot:
                connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{server.snapshot}'")
            with Session(bind=connection) as session:
                yield session
            connection.rollback()
    finally:
        engine.dispose()


__all__ = ["CannotSignIn", "Server", "helper_session"]
