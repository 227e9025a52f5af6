"""partial indexes on live projects for the ledger table's sorts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ("code", "name", "investor", "agreement_amount", "planned_investment", "formal_date", "updated_at")


def upgrade() -> None:
    live = sa.text("deleted_at IS NULL")
    for column in COLUMNS:
        op.create_index(f"ix_projects_live_{column}", "projects", [column], sqlite_where=live, postgresql_where=live)


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_projects_live_{column}", table_name="projects")
