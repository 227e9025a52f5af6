"""Many rows into one table in one statement, as SQLAlchemy's Core ``insert()`` would write them.

On SQLite the rows go straight to the driver's ``executemany``, each value through its column type's own
bind processor (the same text for a date, a time, a 万元 amount, a flag), and every column the rows leave
out gets its scalar Python default, as Core fills it in. SQLAlchemy's per-row parameter processing was
~20% of a 1,000-project batch insert (82 → 64 ms under load; the rest is SQLite's own work in 16 indexes).
PostgreSQL keeps Core's ``insert()``, which hands the rows to psycopg's ``executemany`` (pipelined: one round
trip per batch, one execution per row on the server; 1,000 project rows ~117 ms). ``COPY`` would take ~72 ms, but
PostgreSQL refuses ``COPY FROM`` into a table with row-level security — every clerk's and liaison's import — and
multi-row ``VALUES`` took ~214 ms (issue 20, measured in rolled-back transactions on the 100k bench database).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], direct: bool = True) -> None:
    """Insert ``rows`` (each with the same keys) into ``table`` in the session's transaction. ``direct=False``
    (a read-only opening): through the session, whose guard refuses the write with its Chinese message."""
    if not rows:
        return
    connection = session.connection()
    keys = list(rows[0])
    defaults = {c.key: getattr(c.default, "arg", None) for c in table.columns  # a ScalarElementColumnDefault
                if c.key not in rows[0] and c.default is not None and getattr(c.default, "is_scalar", False)}
    missing_callable = any(c.key not in rows[0] and c.default is not None and c.key not in defaults
                           for c in table.columns)
    if not direct or connection.dialect.name != "sqlite" or missing_callable:
        session.execute(insert(table), list(rows))
        return
    columns = keys + list(defaults)
    dialect = connection.dialect  # the dialect's own type (SQLite's DATETIME writes microseconds), as Core uses
    processors = [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in columns]
    fixed = [defaults[k] for k in defaults]
    params = []
    for row in rows:
        values = [row[k] for k in keys]
        values += fixed
        params.append(tuple(v if p is None else p(v) for p, v in zip(processors, values, strict=True)))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    connection.exec_driver_sql(sql, params)
    # Core statements flush nothing: the auto-backup's after_flush marker (zsdesk/backup.py) learns of the write.
    session.info["zsdesk_wrote"] = True
