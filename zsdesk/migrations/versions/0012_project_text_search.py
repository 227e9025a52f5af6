"""an index for the ledger table's text filter: SQLite FTS5 trigram over projects' name, investor, notes, code (issue 20)

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01

The index (``project_text``) reads its content from a view of the projects table and is kept in step by
triggers, so every write — operations, imports, undo, restores, other tools — updates it in the same
transaction. Each indexed value ends with two U+0001 characters: then every character of a value starts a
trigram and a 1- or 2-character search is a range of the index's terms (zsdesk/queries/text_search.py).
The index only narrows the rows: the filter still applies the LIKE conditions to them, so results are the
same as a scan. PostgreSQL: nothing here (the LIKE filter as before). Without FTS5's trigram tokenizer
(SQLite older than 3.34), nothing either: the filter scans as before.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = ("name", "investor", "notes", "code")


def _padded(prefix: str) -> str:
    return ", ".join(f"coalesce({prefix}{c}, '') || char(1, 1)" for c in COLUMNS)


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
    op.execute("CREATE VIEW project_text_source AS SELECT id, "
               + ", ".join(f"coalesce({c}, '') || char(1, 1) AS {c}" for c in COLUMNS) + " FROM projects")
    op.execute(f"CREATE VIRTUAL TABLE project_text USING fts5({names}, content='project_text_source', "
               "content_rowid='id', tokenize='trigram')")
    op.execute("INSERT INTO project_text(project_text) VALUES ('rebuild')")
    op.execute(f"CREATE TRIGGER project_text_insert AFTER INSERT ON projects BEGIN "
               f"INSERT INTO project_text(rowid, {names}) VALUES (new.id, {_padded('new.')}); END")
    op.execute(f"CREATE TRIGGER project_text_delete AFTER DELETE ON projects BEGIN "
               f"INSERT INTO project_text(project_text, rowid, {names}) VALUES ('delete', old.id, {_padded('old.')}); "
               "END")
    op.execute(f"CREATE TRIGGER project_text_update AFTER UPDATE OF {names} ON projects BEGIN "
               f"INSERT INTO project_text(project_text, rowid, {names}) VALUES ('delete', old.id, {_padded('old.')}); "
               f"INSERT INTO project_text(rowid, {names}) VALUES (new.id, {_padded('new.')}); END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("project_text_update", "project_text_delete", "project_text_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS project_text")
    op.execute("DROP VIEW IF EXISTS project_text_source")
