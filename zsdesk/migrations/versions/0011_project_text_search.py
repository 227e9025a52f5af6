"""an index for the ledger table's text filter: SQLite FTS5 trigram over projects' name, investor, notes, code (issue 20)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

``project_text`` is an FTS5 trigram index of each project's name, investor, notes and code, every value
ending with two U+0001 characters (then every character starts a trigram and a 1- or 2-character search
is a range of the index's terms; zsdesk/queries/text_search.py). Every operation re-indexes the projects it
wrote in its own transaction (zsdesk/ops/history.py, zsdesk/text_index.py). Writes by other tools: an update
of those columns or a delete is noted in ``project_text_pending`` by a trigger (pending ids always count as
candidates), an insert is found by opening the ledger for writing, and both are re-indexed then. No trigger
on insert: a trigger makes SQLite keep a statement journal for every row, +0.6 s on a 5,000-row import.
The filter keeps its LIKE conditions on the rows the index names: results are those of a scan.
PostgreSQL: nothing here (the LIKE filter as before). Without FTS5's trigram tokenizer (SQLite older than
3.34), nothing either: the filter scans as before.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = ("name", "investor", "notes", "code")
TRIGGERS = {"project_text_delete": "DELETE", "project_text_update": "UPDATE OF name, investor, notes, code"}


def _trigram_available() -> bool:
    bind = op.get_bind()
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.zsdesk_trigram_probe USING fts5(x, tokenize='trigram')")
    except DBAPIError:
        return False
    bind.exec_driver_sql("DROP TABLE temp.zsdesk_trigram_probe")
    return True


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _trigram_available():
        return
    names = ", ".join(COLUMNS)
    padded = ", ".join(f"coalesce({c}, '') || char(1, 1)" for c in COLUMNS)
    op.execute(f"CREATE VIRTUAL TABLE project_text USING fts5({names}, tokenize='trigram')")
    op.execute(f"INSERT INTO project_text(rowid, {names}) SELECT id, {padded} FROM projects")
    op.execute("CREATE TABLE project_text_pending (project_id INTEGER PRIMARY KEY)")
    for trigger, event in TRIGGERS.items():
        row = "old" if event == "DELETE" else "new"
        op.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON projects BEGIN "
                   f"INSERT OR IGNORE INTO project_text_pending (project_id) VALUES ({row}.id); END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS project_text_pending")
    op.execute("DROP TABLE IF EXISTS project_text")
