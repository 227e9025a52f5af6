"""a maintained per-project total of funds arrived (累计到位) and a live lead-unit index, for the ledger's sorts (issue 20)

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("arrived_total", sa.BigInteger(), nullable=False, server_default="0"))
    # Backfill: the sum of each project's live funding entries (read from ix_funding_project_cover).
    op.execute("UPDATE projects SET arrived_total = COALESCE((SELECT SUM(funding.amount) FROM funding "
               "WHERE funding.project_id = projects.id AND funding.deleted_at IS NULL), 0)")
    # The sorts by 累计到位 and by 牵头单位 read the live projects in order from an index. The lead unit's
    # covers (lead unit, id, deleted_at): no table lookups, no sort. deleted_at must not lead: SQLite would
    # then take these indexes for every "deleted_at IS NULL" query (investor lookups went 10× slower).
    op.create_index("ix_projects_live_arrived_total", "projects", ["arrived_total"],
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_projects_live_lead_unit_id", "projects", ["lead_unit_id", "id", "deleted_at"],
                    sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index("ix_projects_live_lead_unit_id", table_name="projects")
    op.drop_index("ix_projects_live_arrived_total", table_name="projects")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("arrived_total")
