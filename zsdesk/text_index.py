"""The text filter's index (migration 0011): its names, keeping it in step, checking it.

``project_text`` (FTS5 trigram) holds each project's name, investor, notes and code padded with two U+0001
characters. Every operation re-indexes the projects it wrote (:func:`catch_up` in its transaction); other
tools' updates and deletes are noted in ``project_text_pending`` by triggers, their inserts found by
:func:`catch_up_all` when a ledger opens for writing. Reading it is zsdesk/queries/text_search.py.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

INDEX = "project_text"
PENDING = "project_text_pending"
TRIGGERS = ("project_text_delete", "project_text_update")
INDEXED_COLUMNS = ("name", "investor", "notes", "code")
# PostgreSQL (migration 0012): a GIN expression index over the character pairs of those columns; nothing to keep.
GRAMS_INDEX = "ix_projects_text_grams"
GRAMS_FUNCTION = "zsdesk_text_grams"
T = TypeVar("T")


def is_index_table(name: str) -> bool:
    """The index and the shadow tables FTS5 keeps for it (``project_text_data``, ``_idx`` …)."""
    return name == INDEX or name.startswith(INDEX + "_")


def catch_up(connection: Connection, project_ids: Iterable[int] = ()) -> None:
    """Re-index ``project_ids`` and the pending projects (a few statements, whatever their number), in the
    caller's transaction. One probe when there is nothing to do or no index (PostgreSQL, older SQLite)."""
    if connection.dialect.name != "sqlite":  # PostgreSQL: no index, and a failed probe would abort its transaction
        return
    try:
        _catch_up(_driver(connection), sorted(set(project_ids)))
    except sqlite3.Error as err:  # raised as SQLAlchemy raises a driver's error (the operation translates it)
        raise _as_sqlalchemy(err, connection) from err


BESIDE_FROM = 1_000  # projects: fewer are re-indexed inline, a thread would cost more than it saves


def catch_up_beside(connection: Connection, project_ids: Iterable[int], work: Callable[[], T]) -> T:
    """:func:`catch_up` on a second thread while ``work()`` runs on this one; ``work`` must not touch the
    connection (an operation's audit hashes). Returns what ``work`` returned, once both are done.

    SQLite builds the trigrams of an import's new projects (~0.15 s for 5,000) in one ``INSERT … SELECT``
    step without the GIL, so it overlaps the Python of the hashing on the machine's other core. The same
    statements on the same connection, in its transaction: only the thread differs. Below
    :data:`BESIDE_FROM` projects, or off SQLite, one after the other."""
    ids = sorted(set(project_ids))
    if connection.dialect.name != "sqlite" or len(ids) < BESIDE_FROM:
        catch_up(connection, ids)
        return work()
    raw = _driver(connection)
    failed: list[BaseException] = []

    def index() -> None:
        try:
            _catch_up(raw, ids)
        except BaseException as err:  # noqa: BLE001  # raised on the caller's thread below
            failed.append(err)
    thread = threading.Thread(target=index, name="zsdesk-text-index", daemon=True)
    thread.start()
    try:
        result = work()
    finally:
        thread.join()  # also when work failed: the operation rolls back only after the statements ended
    if failed:
        err = failed[0]
        if isinstance(err, sqlite3.Error):
            raise _as_sqlalchemy(err, connection) from err
        raise err
    return result


def _driver(connection: Connection) -> sqlite3.Connection:
    return connection.connection.dbapi_connection  # type: ignore[return-value]  # pysqlite's


def _as_sqlalchemy(err: sqlite3.Error, connection: Connection) -> BaseException:
    return DBAPIError.instance("catch_up", None, err, sqlite3.Error, dialect=connection.dialect)


# JSON functions are built in from SQLite 3.38 (a build may still leave them out: then one by one).
_JSON_IDS = sqlite3.sqlite_version_info >= (3, 38, 0)


def _note_pending(raw: sqlite3.Connection, ids: list[int]) -> None:
    """``ids`` into the pending table. One JSON array, one statement: bound at once and inserted without the
    GIL (on :func:`catch_up_beside`'s thread an ``executemany`` took the GIL back for each id)."""
    if _JSON_IDS:
        try:
            raw.execute(f"INSERT OR IGNORE INTO {PENDING} (project_id) SELECT value FROM json_each(?)",
                        (json.dumps(ids),))
            return
        except sqlite3.OperationalError:  # no json_each in this build (or no index: the next fails as well)
            pass
    raw.executemany(f"INSERT OR IGNORE INTO {PENDING} (project_id) VALUES (?)", [(i,) for i in ids])


def _catch_up(raw: sqlite3.Connection, ids: list[int]) -> None:
    """:func:`catch_up` on the driver's connection (an import's 5,000 ids took 18-30 ms through text()'s
    parameter handling)."""
    try:
        if ids:
            _note_pending(raw, ids)
        elif raw.execute(f"SELECT 1 FROM {PENDING} LIMIT 1").fetchone() is None:
            return
    except sqlite3.Error:  # no index on this ledger (older SQLite when it was upgraded)
        return
    names = ", ".join(INDEXED_COLUMNS)
    padded = ", ".join(f"coalesce({c}, '') || char(1, 1)" for c in INDEXED_COLUMNS)
    # FTS5 answers ``rowid IN (subquery)`` with a scan of the whole index (240 ms at 100k projects for an
    # import's 5,000 new ones, none of them indexed yet): find the pending projects it holds (its content
    # table, by primary key), then delete those by ``rowid = ?``, a lookup each. The same rows go.
    indexed = raw.execute(f"SELECT id FROM {INDEX}_content WHERE id IN (SELECT project_id FROM {PENDING})").fetchall()
    if indexed:
        raw.executemany(f"DELETE FROM {INDEX} WHERE rowid = ?", indexed)
    raw.execute(f"INSERT INTO {INDEX}(rowid, {names}) SELECT id, {padded} FROM projects "
                f"WHERE id IN (SELECT project_id FROM {PENDING})")
    raw.execute(f"DELETE FROM {PENDING}")


def catch_up_all(connection: Connection) -> None:
    """At a writing open: the pending projects, then — if the index and the table still differ in number —
    projects another tool inserted (one anti-join, only then). SQLite only: a failed probe would abort a
    PostgreSQL transaction."""
    if connection.dialect.name != "sqlite":
        return
    catch_up(connection)
    try:
        indexed = connection.exec_driver_sql(f"SELECT count(*) FROM {INDEX}_docsize").scalar()
    except DBAPIError:
        return
    if indexed != connection.exec_driver_sql("SELECT count(*) FROM projects").scalar():
        missing = [r[0] for r in connection.exec_driver_sql(
            f"SELECT id FROM projects WHERE id NOT IN (SELECT id FROM {INDEX}_docsize)")]
        catch_up(connection, missing)


def _varints(blob: bytes) -> list[int]:
    """SQLite's varints, as FTS5 stores each column's token count in ``project_text_docsize``."""
    out, i = [], 0
    while i < len(blob):
        value = 0
        for k in range(9):
            byte = blob[i]
            i += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


def index_problems(session: Session, limit: int) -> tuple[int, list[str]]:
    """For ``zsdesk check`` (read only): the index's triggers, and every project not pending indexed once,
    with its current values (FTS5's own copy) and as many trigrams as characters (its docsize record).
    Returns (count, the first ``limit`` messages, in Chinese)."""
    connection = session.connection()
    present = {r[0] for r in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE (type = 'table' AND name IN (?, ?)) "
        "OR (type = 'trigger' AND tbl_name = 'projects')", (INDEX, PENDING))}
    if INDEX not in present:
        return 0, []  # a ledger made without FTS5's trigram tokenizer: the filter scans
    problems = [f"项目文字搜索索引缺少{'触发器' if name != PENDING else '数据表'} {name}"
                "（台账被其他工具改动过），搜索改为逐行查找"
                for name in (*TRIGGERS, PENDING) if name not in present]
    count = len(problems)
    pending = set() if PENDING not in present else {
        r[0] for r in connection.exec_driver_sql(f"SELECT project_id FROM {PENDING}")}
    sizes: dict[int, bytes] = {r[0]: r[1] for r in connection.exec_driver_sql(f"SELECT id, sz FROM {INDEX}_docsize")}
    same = " AND ".join(f"coalesce(p.{c}, '') || char(1, 1) IS c.c{i}" for i, c in enumerate(INDEXED_COLUMNS))
    lengths = ", ".join(f"length(coalesce(p.{c}, ''))" for c in INDEXED_COLUMNS)
    rows = connection.exec_driver_sql(
        f"SELECT p.id, p.code, c.id IS NOT NULL AND {same}, {lengths} "
        f"FROM projects p LEFT JOIN {INDEX}_content c ON c.id = p.id")
    for pid, code, same, *lengths_now in rows:
        blob = sizes.pop(pid, None)
        if pid in pending:
            continue
        if not same or blob is None or _varints(blob) != lengths_now:
            count += 1
            if len(problems) < limit:
                problems.append(f"项目 {code} 的文字搜索索引与台账内容不符（台账被其他工具改动过）")
    for pid in sorted(set(sizes) - pending):
        count += 1
        if len(problems) < limit:
            problems.append(f"文字搜索索引里有已不存在的项目（编号 {pid}）（台账被其他工具改动过）")
    return count, problems
