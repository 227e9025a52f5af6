"""stored first-signing date on projects; covering index for funds by period

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("signed_date", sa.Date(), nullable=True))
        batch.create_index("ix_projects_signed_date", ["signed_date"], unique=False)
    # The first signing: the framework agreement, else the formal contract (zsdesk.stage.first_signed).
    op.execute("UPDATE projects SET signed_date = COALESCE(framework_date, formal_date)")
    op.create_index("ix_funding_date_cover", "funding", ["date", "project_id", "amount", "deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_funding_date_cover", table_name="funding")
    with op.batch_alter_table("projects") as batch:
        batch.drop_index("ix_projects_signed_date")
        batch.drop_column("signed_date")
