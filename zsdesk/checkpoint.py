"""SQLite's WAL checkpoint off the writer's commit: a background thread copies committed pages into the file.

In WAL mode a commit only appends pages to the ``-wal`` file; a *checkpoint* copies them into the ledger
file and syncs it. By default SQLite runs one inside the commit that takes the WAL past 1,000 pages, so the
clerk who imports 5,000 projects (about 8,000 pages: each row goes into 16 indexes) waited 0.2–0.35 s more
for it. A writing ledger instead raises that threshold to :data:`DEFERRED_PAGES` on its own connections
and, after every committed operation, asks a :class:`WalCheckpointer` to run a PASSIVE checkpoint on its
own connection and thread. SQLite does that work without Python's lock, so on these 2-core machines the
window answers while the other core writes the file.

Nothing is less safe: a checkpoint is crash-safe by SQLite's design (a committed transaction is in the WAL
already, and the WAL is replayed on the next opening), PASSIVE never blocks a reader or the writer, and if
the thread is behind or fails (a full disk), the commit that passes :data:`DEFERRED_PAGES` checkpoints as
SQLite always did. Closing the ledger stops the thread; SQLite's own last-connection checkpoint follows.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

DEFERRED_PAGES = 16_384  # 64 MB of 4 KiB pages: an import of ~10,000 rows commits without a checkpoint


def defer_checkpoints(engine: Engine) -> None:
    """Every connection ``engine`` makes leaves checkpoints below :data:`DEFERRED_PAGES` to the thread."""

    def on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={DEFERRED_PAGES}").close()

    event.listen(engine, "connect", on_connect)


class WalCheckpointer:
    """One daemon thread per writing ledger; :meth:`request` after a commit, :meth:`close` before disposing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runs = 0  # checkpoints done (tests, bench)
        self.failures = 0  # checkpoints SQLite refused (a full disk, a removed file): the commit's own backstop
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stopping = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Checkpoint soon (returns at once). Several requests before the thread gets to them are one run."""
        with self._lock:
            if self._stopping:
                return
            self._idle.clear()
            self._wanted.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="zsdesk-wal-checkpoint", daemon=True)
                self._thread.start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Whether every requested checkpoint has run (within ``timeout`` seconds)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """Stop the thread after the checkpoint it is running, if any (no new one starts)."""
        with self._lock:
            self._stopping = True
            thread = self._thread
            self._wanted.set()
        if thread is not None:
            thread.join()
        self._idle.set()

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while True:
                self._wanted.wait()
                with self._lock:
                    if self._stopping:
                        return
                    self._wanted.clear()
                try:
                    if connection is None:
                        connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.runs += 1
                except sqlite3.Error:
                    self.failures += 1
                with self._lock:
                    if not self._wanted.is_set():
                        self._idle.set()
        finally:
            if connection is not None:
                connection.close()
