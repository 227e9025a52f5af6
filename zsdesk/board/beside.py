"""A board on both cores (issue 20): the funds half is computed by the helper process while this process
computes the signings half.

A board is Python from end to end — its statements, then tens of thousands of driver rows folded into credits
— and one Python process runs it on one core; threads do not help (SQLite's driver hands the interpreter lock
back and forth once per row: two statements in two threads took twice as long as one after the other). The
board's two halves are independent until they are summed: the **signings** of this year's windows (counts,
agreement credits, the extra boards) and the **funds** (every window's funds arrived, their unit and person
credits) with last year's signings (district figures only, one ``GROUP BY``: ``aggregates.district_signings``).
The window's helper (``zsdesk.xlsx.check_worker``, started when the board page opens) computes the funds half of
a ``FundsJob`` with the same code as one process (``aggregates.funds_half``) and sends back its sums
(``FundsHalf``), a few thousand numbers; this process adds them to its own (``aggregates._merge``): additions, in
any order the same figures. Meanwhile, after its signings, this process builds the extra boards and reads the
units, persons and targets.

What keeps it the same board:

- **The same state.** On a ledger file, ``hold_writers`` takes the writer lock for the board (
  ``BEGIN IMMEDIATE`` on a connection of its own, never waiting): nobody commits until it ends, so
  every statement of both halves reads the same ledger — the writer that comes meanwhile waits the few
  hundred milliseconds (``busy_timeout``). A shared ledger's helper reads as this login, in this transaction's
  exported snapshot (``beside_reading.Server``).
- **Never worse than one process.** No helper ready, a helper busy with an import, a lock taken by a writer, a
  ledger that cannot be written (read-only media), a second connection refused, a helper that fails or dies:
  the funds half is computed here, after the signings, as before.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from ..beside_reading import Server
from ..db import sqlite_path
from ..rules import Rules
from .figures import Figures, Window

log = logging.getLogger("zsdesk.board")


@dataclass
class FundsJob:
    """The funds half of one board: what ``funds_half`` needs, and where the helper reads it."""

    ledger: str  # the ledger file; empty for a shared ledger (``server``)
    server: Server | None
    rules: Rules
    windows: dict[str, Window]
    credit: tuple[str, ...]  # the credit windows (names in ``windows``)
    person_window: str
    apart: dict[str, Window]  # the windows whose signings it counts too (``aggregates.district_only``)


@dataclass
class FundsHalf:
    """The funds half's sums: per window the district's funds arrived; per credit window the units' count slots it
    opened (all zero), their credits and the units active; the persons' credits (of ``person_window``)."""

    arrived: dict[str, int]
    counts: dict[str, dict[int, list[int]]]
    credits: dict[str, dict[tuple[int, str], int]]
    active: dict[str, set[int]]
    persons: dict[tuple[int, str], int]
    signings: dict[str, Figures]  # the district's signing figures of the windows ``apart``


Receive = Callable[[], FundsHalf]


class Beside(Protocol):
    """Sends a ``FundsJob`` to a helper: yields how to receive its ``FundsHalf`` (which raises if the helper
    failed), or ``None`` when no helper can take it now (the funds are then computed here)."""

    def __call__(self, job: FundsJob) -> AbstractContextManager[Receive | None]: ...


@contextmanager
def hold_writers(session: Session) -> Iterator[str | None]:
    """While the board is computed, nobody commits to the ledger file of ``session``: yields the file, or None
    when the lock is not free at once (a writer holds it) or cannot be taken (read-only file or media).
    Not for a shared ledger (PostgreSQL: the snapshot is exported instead)."""
    url = session.get_bind().engine.url
    file = sqlite_path(str(url))
    if file is None or "uri" in url.query:  # a read-only opening (``read_only_engine``): nothing to hold
        yield None
        return
    try:
        lock = sqlite3.connect(str(file), timeout=0, isolation_level=None)
    except sqlite3.Error:
        yield None
        return
    try:
        try:
            lock.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            yield None
            return
        try:
            yield str(file)
        finally:
            lock.execute("ROLLBACK")
    finally:
        lock.close()


@contextmanager
def funds_beside(session: Session, beside: Beside | None, rules: Rules, windows: dict[str, Window],
                 credit: tuple[str, ...], person_window: str, apart: dict[str, Window]) -> Iterator[Receive | None]:
    """Hand the funds half to ``beside`` when it can take it in the same state as ``session``: yields how to
    receive it, or None (compute it here). Holds the ledger file's writer lock until the board is done."""
    if beside is None:
        yield None
        return
    if session.get_bind().dialect.name != "sqlite":
        try:
            server = Server.of(session)
        except Exception:  # noqa: BLE001 - no snapshot to share (a replica, say): the board is computed here
            log.warning("the board's funds half stays in this process: no snapshot to export", exc_info=True)
            yield None
            return
        with beside(FundsJob("", server, rules, windows, credit, person_window, apart)) as receive:
            yield receive
        return
    with hold_writers(session) as file:
        if file is None:
            yield None
            return
        with beside(FundsJob(file, None, rules, windows, credit, person_window, apart)) as receive:
            yield receive


def received(receive: Receive | None) -> FundsHalf | None:
    """The helper's funds half, or None if it failed (logged; the caller computes it itself)."""
    if receive is None:
        return None
    try:
        return receive()
    except Exception:  # noqa: BLE001 - a helper that failed or died: this process computes the half instead
        log.warning("the board's funds half failed in the helper; computed here instead", exc_info=True)
        return None


__all__ = ["Beside", "FundsHalf", "FundsJob", "funds_beside", "hold_writers", "received"]
