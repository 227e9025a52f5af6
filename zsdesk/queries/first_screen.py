"""The ledger table's first screen: how many projects are in view, and the first of them in the view's order,
without reading every id (issue 20: a text filter, a sort, at 1M projects).

``ProjectQuery.ids`` reads every matching project to sort them (41,550 rows for 玻纤 at 1M projects: ~200 ms,
mostly a row look-up each). The table needs only the count and the rows on screen; the rest of the ids are
read when the clerk goes past them (:class:`LazyIds`). On SQLite with the text index (text_search.py), for a
text whose index matches are exactly its LIKE matches (:func:`text_search.exact_text`: 汉字, digits,
punctuation):

- **count** — the index's matches, less those deleted (``ix_projects_deleted``, migration 0015) or pending
  re-indexing, plus the pending ones that are live and contain the text (their LIKE, a few rows);
- **first ids** — the statement of ``ProjectQuery.select`` walking the sort column's live index in order,
  keeping the ids among the index's matches (and the pending ones), its LIKE deciding, up to ``limit``.

With no filter at all (SQLite or PostgreSQL) the count is the ledger's live projects and the first ids are
``ProjectQuery.select`` with a LIMIT: the sort column's live index read in order (1M projects, by code: every
id ~250 ms, the first screen ~1 ms and the count).

Both give what ``ProjectQuery.ids`` gives (tests/test_first_screen.py compares them). Anything else — other
filters, a sort without a live index, ASCII letters, a text on PostgreSQL, fewer matches than
:data:`LAZY_FROM` — is left to ``ProjectQuery.ids`` (None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Select, column, func, select, table, union_all
from sqlalchemy.orm import Session

from ..models import LIVE_SORT_COLUMNS, Project
from ..text_index import INDEX, PENDING
from .expressions import unindexed
from .projects import ProjectQuery
from .text_search import exact_text, match_expression

LAZY_FROM = 2_000  # matches: below this every id is read at once (a few milliseconds), as before
_index = table(INDEX, column("rowid"))
_pending = table(PENDING, column("project_id"))
# The sort keys whose order a live partial index holds (its column, then the rowid): the first ids are a walk.
_INDEXED_SORTS: dict[str, Any] = {**{key: getattr(Project, key) for key in LIVE_SORT_COLUMNS},
                                  "arrived_amount": Project.arrived_total}
DELETED_INDEX = "ix_projects_deleted"
_HAS_DELETED_INDEX: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


@dataclass(frozen=True)
class FirstScreen:
    count: int  # how many projects the query's view holds
    ids: list[int]  # its first ``limit`` ids, in order


def first_screen(session: Session, query: ProjectQuery, limit: int, least: int = LAZY_FROM,
                 total: int | None = None) -> FirstScreen | None:
    """The count and first ``limit`` ids of ``query``'s view, or None where ``query.ids`` is the way (see the
    module's docstring; also when it matches fewer than ``least`` projects). ``total``: the ledger's live
    projects, when the caller knows them (the count of a view with no filter; below ``least`` no view of the
    ledger can reach it, and nothing is asked of the database)."""
    if not _text_only(query) or query.sort not in _INDEXED_SORTS or (total is not None and total < least):
        return None
    text = query.text.strip()
    if not text:  # every live project (SQLite or PostgreSQL): the sort column's live index, read up to ``limit``
        count = query.count(session) if total is None else total
        if count < least:
            return None
        return FirstScreen(count, list(session.scalars(query.select().limit(limit))))
    if not exact_text(text) or not _has_deleted_index(session):
        return None
    expression = match_expression(session, text)
    if expression is None:
        return None
    count = _count(session, query, expression)
    if count < least:
        return None
    return FirstScreen(count, list(session.scalars(first_ids_statement(query, expression, limit))))


def first_ids_statement(query: ProjectQuery, expression: str, limit: int) -> Select[Any]:
    """The first ``limit`` ids of ``query``'s view: ``+id IN (the index's matches and the pending ids)`` is a test
    on each entry of the sort column's live index, walked in order until ``limit`` are kept (``ids`` looks up
    every match and sorts them all). The LIKEs still decide."""
    matched: Select[Any] = select(_pending.c.project_id)
    if expression:
        matched = select(union_all(select(_index.c.rowid).where(column(INDEX).op("MATCH")(expression)),
                                   matched).subquery().c[0])
    key = _INDEXED_SORTS[query.sort]
    order = (key.desc(), Project.id.desc()) if query.descending else (key.asc(), Project.id.asc())
    return (select(Project.id).where(*query.conditions(unindexed(Project.id).in_(matched), "sqlite"))
            .order_by(*order).limit(limit))


def _has_deleted_index(session: Session) -> bool:
    """SQLite with migration 0015's index (a read-only opening of an older ledger has none); once per engine."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    known = _HAS_DELETED_INDEX.get(connection.engine)
    if known is None:
        known = _HAS_DELETED_INDEX[connection.engine] = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (DELETED_INDEX,)).first() is not None
    return known


def _text_only(query: ProjectQuery) -> bool:
    """No filter but the text (the sort and the settings of other filters may be anything)."""
    plain = ProjectQuery(text=query.text, sort=query.sort, descending=query.descending, today=query.today,
                         stale_days=query.stale_days, thresholds=query.thresholds, period_field=query.period_field)
    return query == plain


def _count(session: Session, query: ProjectQuery, expression: str) -> int:
    """The index's matches less the deleted and pending ones, plus the pending ones the LIKEs keep."""
    connection = session.connection()
    count = 0
    if expression:
        count = connection.exec_driver_sql(f"SELECT count(*) FROM {INDEX} WHERE {INDEX} MATCH ?",
                                           (expression,)).scalar() or 0
        count -= connection.exec_driver_sql(
            f"SELECT count(*) FROM {INDEX} WHERE {INDEX} MATCH ? AND rowid IN ("
            f"SELECT id FROM projects INDEXED BY {DELETED_INDEX} WHERE deleted_at IS NOT NULL "
            f"UNION SELECT project_id FROM {PENDING})", (expression,)).scalar() or 0
    pending = select(func.count()).select_from(Project).where(
        *query.conditions(select(_pending.c.project_id), "sqlite"))
    return count + (session.scalar(pending) or 0)


class LazyIds(Sequence[int]):
    """A view's ids when only its first screen has been read: the count and the first ids at once, every id
    (``complete()``, once) when a row past them is asked for. ``mismatch``: called when every id turned out
    another number than the count (the ledger changed in between), so the view can be shown again."""

    def __init__(self, screen: FirstScreen, complete: Callable[[], list[int]],
                 mismatch: Callable[[], None] | None = None) -> None:
        self.total = screen.count
        self.first = screen.ids
        self.filled: list[int] | None = None
        self._complete = complete
        self._mismatch = mismatch

    def all(self) -> list[int]:
        if self.filled is None:
            self.filled = self._complete()
            if len(self.filled) != self.total and self._mismatch is not None:
                self._mismatch()
        return self.filled

    def known_index(self, record_id: int) -> int | None:
        """The row of ``record_id`` among the ids read so far, reading no more."""
        ids = self.first if self.filled is None else self.filled
        try:
            return ids.index(record_id)
        except ValueError:
            return None

    def __len__(self) -> int:
        return self.total if self.filled is None else len(self.filled)

    @overload
    def __getitem__(self, i: int) -> int: ...

    @overload
    def __getitem__(self, i: slice) -> list[int]: ...

    def __getitem__(self, i: int | slice) -> int | list[int]:
        if self.filled is None:
            if isinstance(i, slice):
                start, stop, step = i.indices(self.total)
                if step > 0 and stop <= len(self.first):
                    return self.first[start:stop:step]
            elif 0 <= i < len(self.first):
                return self.first[i]
        return self.all()[i]

    def __iter__(self) -> Iterator[int]:
        return iter(self.all())


__all__ = ["LAZY_FROM", "FirstScreen", "LazyIds", "first_ids_statement", "first_screen"]
