"""The text filter's index on SQLite: which projects can contain a text (migration 0012's ``project_text``).

``project_text`` is an FTS5 trigram index of each project's name, investor, notes and code, every value
padded with two U+0001 characters. It only narrows: the filter keeps its LIKE conditions on the rows it
names, so the ids and their order are exactly those of a scan (tests/test_text_search.py compares them).

- 3 characters or more: the phrase query ``"text"`` (consecutive trigrams, the tokenizer folds case);
- 1 or 2 characters: every trigram that starts with the text (the padding gives each character one),
  read as a range of terms from an ``fts5vocab`` table on the connection. The range is on folded terms,
  so it is used only when folding is plain: ASCII (lower-cased) or characters without case (汉字, digits);
- otherwise, or on PostgreSQL, or without the index: no narrowing (the scan).
"""

from __future__ import annotations

import sqlite3
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Select, column, select, table
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

INDEX = "project_text"
TERMS = "project_text_terms"  # a TEMP fts5vocab table, made per connection when first needed
TRIGGERS = ("project_text_insert", "project_text_delete", "project_text_update")
INDEXED_COLUMNS = ("name", "investor", "notes", "code")
_TOP = "\U0010ffff"

_index = table(INDEX, column("rowid"))
_terms = table(TERMS, column("doc"), column("term"), schema="temp")
_AVAILABLE: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def is_index_table(name: str) -> bool:
    """The index and the shadow tables FTS5 keeps for it (``project_text_data``, ``_idx`` …)."""
    return name == INDEX or name.startswith(INDEX + "_")


def has_index(session: Session) -> bool:
    """Whether this ledger has the index (SQLite at 0012 or later, with FTS5 trigram); once per engine."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    engine = connection.engine
    known = _AVAILABLE.get(engine)
    if known is None:
        # Without its triggers the index could be stale (zsdesk check reports it): then the filter scans.
        names = {r[0] for r in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE (type = 'table' AND name = ?) "
            "OR (type = 'trigger' AND tbl_name = 'projects')", (INDEX,))}
        known = _AVAILABLE[engine] = {INDEX, *TRIGGERS} <= names
    return known


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
    """For ``zsdesk check`` (read only): the index's triggers, and every project indexed once with its
    current lengths (a trigram per character, thanks to the padding). Returns (count, first messages)."""
    connection = session.connection()
    present = {r[0] for r in connection.exec_driver_sql(
        "SELECT name, type FROM sqlite_master WHERE (type = 'table' AND name = ?) "
        "OR (type = 'trigger' AND tbl_name = 'projects')", (INDEX,))}
    if INDEX not in present:
        return 0, []  # a ledger made without FTS5's trigram tokenizer: the filter scans
    problems = [f"项目文字搜索索引缺少触发器 {name}（台账被其他工具改动过），搜索改为逐行查找"
                for name in TRIGGERS if name not in present]
    count = len(problems)
    indexed: dict[int, bytes] = {r[0]: r[1] for r in connection.exec_driver_sql(f"SELECT id, sz FROM {INDEX}_docsize")}
    lengths = ", ".join(f"length(coalesce({c}, ''))" for c in INDEXED_COLUMNS)
    for pid, code, *sizes in connection.exec_driver_sql(f"SELECT id, code, {lengths} FROM projects"):
        blob = indexed.pop(pid, None)
        if blob is None or _varints(blob) != sizes:
            count += 1
            if len(problems) < limit:
                problems.append(f"项目 {code} 的文字搜索索引与台账内容不符（台账被其他工具改动过）")
    for pid in sorted(indexed):
        count += 1
        if len(problems) < limit:
            problems.append(f"文字搜索索引里有已不存在的项目（编号 {pid}）（台账被其他工具改动过）")
    return count, problems


def _terms_table(session: Session) -> bool:
    """The vocabulary table on this connection (TEMP: never in the file). False where the connection may
    not create even a TEMP table (a read-only opening): short texts then scan."""
    raw: Any = session.connection().connection.dbapi_connection
    if raw is None:
        return False
    try:
        raw.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TERMS} USING fts5vocab(main, {INDEX}, instance)")
    except sqlite3.Error:
        return False
    return True


def _plain_fold(text: str) -> str | None:
    """The text as the trigram tokenizer stores it, where that is certain (ASCII, caseless characters)."""
    out = []
    for ch in text:
        if ch < "\x80":
            out.append(ch.lower())
        elif ch.lower() == ch == ch.upper() and ch.casefold() == ch:
            out.append(ch)
        else:
            return None
    return "".join(out)


def candidates(session: Session, text: str) -> Select[Any] | None:
    """The ids of the projects that may contain ``text`` (a superset), or None: no narrowing possible."""
    if not text or not has_index(session):
        return None
    if len(text) >= 3:
        phrase = '"' + text.replace('"', '""') + '"'
        match: ColumnElement[bool] = column(INDEX).op("MATCH")(phrase)
        return select(_index.c.rowid).where(match)
    folded = _plain_fold(text)
    if folded is None or not _terms_table(session):
        return None
    return select(_terms.c.doc).where(_terms.c.term >= folded, _terms.c.term <= folded + _TOP * (3 - len(folded)))
