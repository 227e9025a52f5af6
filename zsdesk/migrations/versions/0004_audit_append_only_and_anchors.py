"""audit log append-only in the database; issued notices anchor the audit chain; audit baseline

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Triggers refuse UPDATE and DELETE on ``audit_log`` (SQLite: RAISE(ABORT); PostgreSQL: a trigger
function, also refusing TRUNCATE). Each issued notice gets the audit chain head it was issued at.
Records that earlier versions wrote without audit rows (the demo's bulk rows, the default
dictionaries and settings) get one "baseline" audit row each, so that from now on ``zsdesk check``
can require an audit trail for every record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # local: Alembic reads every revision file to find the head; the engine modules load only when this step runs
    from zsdesk.audit_chain import write_baseline
    from zsdesk.audit_guard import POSTGRES_TRIGGERS, SQLITE_TRIGGERS

    with op.batch_alter_table("issued_notices") as batch:
        batch.add_column(sa.Column("chain_head_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("chain_head_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    write_baseline(bind)
    for statement in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS zsdesk_audit_log_refuse()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table("issued_notices") as batch:
        batch.drop_column("chain_head_hash")
        batch.drop_column("chain_head_id")
