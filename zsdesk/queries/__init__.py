"""Reads for the window, the CLI and the benchmarks: every SELECT the window needs lives here.

- ``projects``: the ledger's filter/sort query and page rows (``ProjectQuery``, ``fetch_rows``).
- ``audit``: the operation log (``AuditQuery``, ``fetch_audit``, ``audit_operators``).
- ``choices``: type-ahead pick lists (``Choice``, pinyin initials) for units, persons, projects, dictionaries.
- ``names``: id ↔ name for pick boxes and for showing ids as words; a project's links.
- ``funding``: a month's funding entries and totals (the funding page).
- ``records``: a project's funding, a year's targets, units, persons, dictionary entries.

The board's own reads (figures, the monthly trend) live in ``zsdesk.board``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session as ReadSession  # what ``ledger.reading()`` yields; the window names it so

from .audit import AuditQuery, audit_operators, fetch_audit
from .projects import (
    DEFAULT_STALE_DAYS,
    PERIOD_FIELDS,
    SIZE_CLASS_LABELS,
    SORT_KEYS,
    STALE_STAGES_EXEMPT,
    ProjectQuery,
    ProjectRow,
    SizeThresholds,
    fetch_ids,
    fetch_rows,
    signed_date_expr,
    size_class_expr,
    stale_condition,
)

__all__ = [
    "DEFAULT_STALE_DAYS", "PERIOD_FIELDS", "SIZE_CLASS_LABELS", "SORT_KEYS", "STALE_STAGES_EXEMPT",
    "AuditQuery", "ProjectQuery", "ProjectRow", "ReadSession", "SizeThresholds", "audit_operators", "fetch_audit",
    "fetch_ids", "fetch_rows", "signed_date_expr", "size_class_expr", "stale_condition",
]
