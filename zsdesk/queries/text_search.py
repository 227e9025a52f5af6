"""The text filter's index on SQLite: which projects can contain a text (migration 0011's ``project_text``).

``project_text`` is an FTS5 trigram index of each project's name, investor, notes and code, every value
padded with two U+0001 characters; projects changed since they were indexed wait in
``project_text_pending`` (triggers) until :func:`catch_up` re-indexes them — every operation does, in its
own transaction. The index only narrows: pending ids always count, and the filter keeps its LIKE
conditions on the rows named, so the ids and their order are exactly those of a scan
(tests/test_text_search.py compares them).

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

from sqlalchemy import Engine, Select, column, select, table, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..text_index import INDEX, PENDING, TRIGGERS
from ..text_index import is_index_table as is_index_table  # re-exported: tests and check name it here

TERMS = "project_text_terms"  # a TEMP fts5vocab table, made per connection when first needed
_TOP = "\U0010ffff"

_index = table(INDEX, column("rowid"))
_pending = table(PENDING, column("project_id"))
_terms = table(TERMS, column("doc"), column("term"), schema="temp")
_AVAILABLE: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def has_index(session: Session) -> bool:
    """Whether this ledger has the index (SQLite at 0011 or later, with FTS5 trigram); once per engine."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    engine = connection.engine
    known = _AVAILABLE.get(engine)
    if known is None:
        # Without its triggers the index could be stale (zsdesk check reports it): then the filter scans.
        names = {r[0] for r in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE (type = 'table' AND name IN (?, ?)) "
            "OR (type = 'trigger' AND tbl_name = 'projects')", (INDEX, PENDING))}
        known = _AVAILABLE[engine] = {INDEX, PENDING, *TRIGGERS} <= names
    return known


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
        found: Select[Any] = select(_index.c.rowid).where(match)
    else:
        folded = _plain_fold(text)
        if folded is None or not _terms_table(session):
            return None
        found = select(_terms.c.doc).where(_terms.c.term >= folded,
                                           _terms.c.term <= folded + _TOP * (3 - len(folded)))
    return select(union_all(found, select(_pending.c.project_id)).subquery().c[0])
