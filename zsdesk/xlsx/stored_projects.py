"""The ledger's live projects as a project import's check looks them up, read ahead by the import's helper
(issue 20).

The check finds each row's match among the stored projects of the file's investors and compares names for
the duplicate hints: ``rows_projects._ProjectIndex`` and ``Lookups`` read those projects and fold their
names when the file has been read — ~0.7 s of a 5,000-row import into the 100k ledger, on the import's
critical path. The helper (``check_worker``) builds the same look-ups for every stored project while the
clerk picks the file (the import dialog asks it to), and a check takes them when nothing has been committed
to the ledger since. The answers are the same: every look-up is by a key of the file's own investors, and
for those keys the look-ups of every stored project hold exactly the projects the check would have read, in
the same order (tests/xlsx/test_import_beside.py compares whole reports).

"Nothing committed since" is, for a ledger file, its ``PRAGMA data_version`` on a connection kept open; for a
shared ledger, the server's snapshot: the helper reads as the import's own login (row-level security applies
as to the import) in a ``REPEATABLE READ`` transaction and keeps ``pg_current_snapshot()``; the job's session
reads in the import's exported snapshot, and equal snapshots see the same rows — any transaction that ended
in between, commit or rollback, moves the snapshot's ``xmax`` or leaves its list of running transactions.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..beside_reading import Server, helper_session
from ..ops.projects import normalized_name
from ..sqlite_file import connect_read_only
from .cells import exact_key
from .lookups import norm

_STEP = 5_000  # stored projects folded between two looks at whether a job is waiting


@dataclass
class StoredProjects:
    """Every look-up ``_ProjectIndex`` and ``Lookups`` build for a file's investors, for every investor."""

    path: str  # the ledger file read; a shared ledger's URL (without the password)
    identity: tuple[int, int]  # (device, inode) of the ledger file read; (0, 0) on a server
    version: int  # ``PRAGMA data_version`` of ``connection`` when read
    connection: sqlite3.Connection | None  # a file's, kept open: its data_version moves when anybody commits
    snapshot: str = ""  # a shared ledger's: ``pg_current_snapshot()`` of the transaction that read it
    investors: list[str] = field(default_factory=list)  # ``Lookups.stored_investors``
    by_spelling: dict[str, list[Any]] = field(default_factory=dict)  # ``projects_of`` of one spelling
    exact: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    loose: dict[tuple[str, str], list[tuple[int, str, str]]] = field(default_factory=dict)
    lowered: dict[tuple[str, str], str] = field(default_factory=dict)
    groups: dict[str, list[tuple[str, int, str, str]]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], tuple[int, str, str]] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    spellings_by_key: dict[str, list[str]] = field(default_factory=dict)  # exact_key → the investor spellings
    spellings_by_loose: dict[str, list[str]] = field(default_factory=dict)  # norm → the investor spellings

    def fresh(self, path: str, session: Any = None) -> bool:
        """Whether ``path`` is the file read and nobody has committed to it since (asked once the import holds
        the writer lock, so that nobody can until the check ends); on a shared ledger, whether ``path`` is the
        URL read and ``session`` (the job's, in the import's snapshot) reads in the same snapshot."""
        if path != self.path:
            return False
        if self.connection is None:
            current = session.connection().exec_driver_sql("SELECT pg_current_snapshot()::text").scalar_one()
            return bool(self.snapshot) and current == self.snapshot
        try:
            stat = os.stat(path)
            return (stat.st_dev, stat.st_ino) == self.identity and \
                self.connection.execute("PRAGMA data_version").fetchone()[0] == self.version
        except (OSError, sqlite3.Error):
            return False

    def spellings_of(self, exact_investors: set[str], loose_investors: set[str]) -> set[str]:
        """``_ProjectIndex``'s spellings: the stored investor spellings of the file's investors (by exact key or
        loosely), looked up by key (the helper asks for each chunk's investors, ``check_worker``)."""
        found = {inv for key in exact_investors for inv in self.spellings_by_key.get(key, ())}
        found.update(inv for loose in loose_investors for inv in self.spellings_by_loose.get(loose, ()))
        return found

    def rows_of(self, spellings: list[str]) -> list[Any]:
        """``lookups.projects_of(spellings)``: (id, code, name, investor), in id order."""
        rows = [row for s in set(spellings) for row in self.by_spelling.get(s, ())]
        rows.sort(key=lambda r: r[0])
        return rows

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def read_stored(path: str, waiting: Callable[[], bool]) -> StoredProjects | None:
    """Read and fold the live projects of the ledger file ``path``; None as soon as ``waiting()`` is true (a job
    has come: it goes first, checked as without this)."""
    stat = os.stat(path)
    connection = connect_read_only(Path(path))
    try:
        connection.execute("BEGIN")  # one read snapshot for the version and the rows
        connection.execute("SELECT 1 FROM projects LIMIT 1").fetchall()
        version = int(connection.execute("PRAGMA data_version").fetchone()[0])
        rows = connection.execute(
            "SELECT id, code, name, investor FROM projects WHERE deleted_at IS NULL ORDER BY id").fetchall()
        connection.execute("COMMIT")  # no read transaction left open: it would hold back checkpoints
    except BaseException:
        connection.close()
        raise
    stored = StoredProjects(path, (stat.st_dev, stat.st_ino), version, connection)
    try:
        if not _fold(stored, rows, waiting):
            stored.close()
            return None
    except BaseException:
        stored.close()
        raise
    return stored


def read_stored_server(server: Server, waiting: Callable[[], bool]) -> StoredProjects | None:
    """``read_stored`` for a shared ledger: its live projects as ``server``'s login sees them, in one snapshot
    (kept to compare with the job's); nothing is held open after (a transaction would hold back vacuum). The rows
    come ``_STEP`` at a time (a server-side cursor): a job that comes meanwhile waits for one step, not for the
    whole read (a liaison's, filtered row by row by row-level security, is the slow one)."""
    rows: list[Any] = []
    with helper_session("", replace(server, snapshot="")) as session:
        connection = session.connection()
        snapshot = str(connection.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar_one())
        result = connection.execution_options(stream_results=True, max_row_buffer=_STEP).exec_driver_sql(
            "SELECT id, code, name, investor FROM projects WHERE deleted_at IS NULL ORDER BY id")
        for part in result.partitions(_STEP):
            if waiting():
                result.close()
                return None
            rows += [tuple(r) for r in part]
    stored = StoredProjects(server.url, (0, 0), 0, None, snapshot)
    return stored if _fold(stored, rows, waiting) else None


def _fold(stored: StoredProjects, rows: list[Any], waiting: Callable[[], bool]) -> bool:
    """Fill ``stored``'s look-ups from ``rows`` (every live project, id order) as ``_ProjectIndex`` and
    ``Lookups.add_investor_rows`` fill theirs; False when a job came first."""
    investors: dict[str, None] = {}
    keys: dict[str, tuple[str, str]] = {}
    exact, loose, lowered = stored.exact, stored.loose, stored.lowered
    groups, by_key, by_spelling = stored.groups, stored.by_key, stored.by_spelling
    for start in range(0, len(rows), _STEP):
        if waiting():
            return False
        for row in rows[start:start + _STEP]:
            pid, code, name, investor = row
            investors[investor] = None  # NOT NULL: a blank investor is ""
            stored.by_code[code] = pid
            by_spelling.setdefault(investor, []).append(row)
            found = keys.get(investor)
            if found is None:
                found = keys[investor] = (exact_key(investor), norm(investor))
            investor_key, loose_investor = found
            # Equal texts as one object, one tuple and one key for the look-ups that hold the same: most names are
            # their own keys (a Chinese name has no case): 100k stored projects take ~140 MB of the helper, not ~170.
            name_key = exact_key(name)
            if name_key == name:
                name_key = name
            loose_name = normalized_name(name)
            if loose_name == name_key:
                loose_name = name_key
            low = name_key.lower()
            entry = (pid, code, name)
            loose_key = (loose_investor, loose_name)
            exact.setdefault((investor_key, name_key), []).append((pid, code))
            lowered.setdefault((investor_key, name_key if low == name_key else low), code)
            loose.setdefault(loose_key, []).append(entry)
            groups.setdefault(loose_investor, []).append((loose_name, *entry))
            by_key.setdefault(loose_key, entry)
    stored.investors = list(investors)
    for inv in stored.investors:
        investor_key, loose_investor = keys[inv]
        stored.spellings_by_key.setdefault(investor_key, []).append(inv)
        stored.spellings_by_loose.setdefault(loose_investor, []).append(inv)
    return True


__all__ = ["StoredProjects", "read_stored", "read_stored_server"]
