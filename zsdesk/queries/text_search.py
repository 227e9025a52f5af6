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
- otherwise, or without the index: no narrowing (the scan).

PostgreSQL (migration 0012): ``ix_projects_text_grams``, a GIN index of each project's pairs of adjacent
characters (``zsdesk_text_grams``); all of a query's pairs must be among them — a condition on the projects
row itself, answered by a bitmap index scan, the LIKEs rechecking. A 1-character query scans.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Select, Text, cast, column, func, literal, select, table, union_all
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..models import Project
from ..text_index import GRAMS_FUNCTION, GRAMS_INDEX, INDEX, PENDING, TRIGGERS
from ..text_index import is_index_table as is_index_table  # re-exported: tests and check name it here

TERMS = "project_text_terms"  # a TEMP fts5vocab table, made per connection when first needed
ROW_TERMS = "project_text_row_terms"  # the same, one row per term (first_screen's counts)
_TOP = "\U0010ffff"

_index = table(INDEX, column("rowid"))
_pending = table(PENDING, column("project_id"))
_terms = table(TERMS, column("doc"), column("term"), schema="temp")
_AVAILABLE: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()
_GRAMS: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


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


def _terms_table(session: Session, name: str = TERMS, kind: str = "instance") -> bool:
    """The vocabulary table on this connection (TEMP: never in the file). False where the connection cannot
    create it: short texts then scan. ``kind``: fts5vocab's ``instance`` (a row per occurrence: the ids) or
    ``row`` (a row per term: the terms themselves, :func:`match_expression`).

    A read-only opening's ``query_only`` refuses even a TEMP table, and a 2-character filter scanned every
    project (100k: ~180 → ~45 ms with the index). Its file is opened ``mode=ro`` or ``immutable`` (SQLite
    itself refuses every write to it), so the guard is lifted for this one statement and put back at once."""
    raw: Any = session.connection().connection.dbapi_connection
    if raw is None:
        return False
    create = f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name} USING fts5vocab(main, {INDEX}, {kind})"
    try:
        raw.execute(create)
    except sqlite3.Error:
        if not _read_only_file(raw):
            return False
        raw.execute("PRAGMA query_only=OFF")
        try:
            raw.execute(create)
        except sqlite3.Error:
            return False
        finally:
            raw.execute("PRAGMA query_only=ON")
    return True


def _read_only_file(raw: sqlite3.Connection) -> bool:
    """Whether this is one of zsdesk/sqlite_file.py's read-only connections: the only ones that set
    ``query_only``, each on a ``mode=ro`` or ``immutable`` URI, so SQLite refuses any write to the file."""
    row = raw.execute("PRAGMA query_only").fetchone()
    return bool(row and row[0] == 1)


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


def exact_text(text: str) -> bool:
    """Whether the index's matches for ``text`` are exactly the projects whose LIKE matches it: no ASCII letter
    (LIKE folds their case, the tokenizer folds other letters onto them too, e.g. the Kelvin sign onto k), no
    control character (the padding), and every other character without case, so that folding leaves it and
    nothing else folds onto it (汉字, digits, punctuation)."""
    return bool(text) and all(
        (" " <= ch < "\x7f" and not ch.isalpha()) or
        (ch >= "\u2e80" and ch.lower() == ch == ch.upper() and ch.casefold() == ch) for ch in text)


MAX_TERMS = 256  # a 1- or 2-character text starting more trigrams than this is left to the ids' path


def match_expression(session: Session, text: str) -> str | None:
    """An FTS5 query matching the indexed projects that contain ``text`` (an :func:`exact_text`): the phrase for
    3 characters or more; for 1 or 2, each trigram term that starts with it, OR'd (the ``row`` vocabulary's
    terms in that range). ``""``: no indexed project can contain it. None: no such query here (no index, no
    vocabulary table on this connection, more than :data:`MAX_TERMS` terms)."""
    if not has_index(session):
        return None
    if len(text) >= 3:
        return '"' + text.replace('"', '""') + '"'
    if not _terms_table(session, ROW_TERMS, "row"):
        return None
    terms = session.connection().exec_driver_sql(
        f"SELECT term FROM temp.{ROW_TERMS} WHERE term >= ? AND term <= ? LIMIT {MAX_TERMS + 1}",
        (text, text + _TOP * (3 - len(text)))).scalars().all()
    if len(terms) > MAX_TERMS:
        return None
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def has_grams(session: Session) -> bool:
    """Whether this PostgreSQL ledger has migration 0012's gram index and its function; once per engine."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return False
    engine = connection.engine
    known = _GRAMS.get(engine)
    if known is None:
        known = _GRAMS[engine] = bool(connection.exec_driver_sql(
            f"SELECT to_regclass('{GRAMS_INDEX}') IS NOT NULL "
            f"AND to_regprocedure('{GRAMS_FUNCTION}(text, text, text, text)') IS NOT NULL").scalar())
    return known


def query_grams(text: str) -> list[str]:
    """What a project containing ``text`` (2 characters or more) must have among its grams: every adjacent pair."""
    return sorted({text[i:i + 2] for i in range(len(text) - 1)})


def grams_condition(text: str) -> ColumnElement[bool]:
    """PostgreSQL: the projects whose pairs hold all of ``text``'s — the very expression of the index, so
    the planner answers it from the index (each pair a plain text parameter)."""
    grams = func.zsdesk_text_grams(Project.name, Project.investor, Project.notes, Project.code,
                                   type_=ARRAY(Text))
    wanted = cast(array([literal(g, Text) for g in query_grams(text)]), ARRAY(Text))
    return grams.contains(wanted)


def candidates(session: Session, text: str) -> Select[Any] | ColumnElement[bool] | None:
    """The ids of the projects that may contain ``text`` (a superset), or on PostgreSQL a condition on the
    projects row naming such a superset, or None: no narrowing possible."""
    if len(text) >= 2 and has_grams(session):
        return grams_condition(text)
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
