"""promised start / production dates on projects; the project progress log; funds by project covered (SPEC §9)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("promised_start_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("promised_production_date", sa.Date(), nullable=True))
    op.create_table(
        "project_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_project_progress_project_id_projects"),
        sa.PrimaryKeyConstraint("id", name="pk_project_progress"),
    )
    op.create_index("ix_project_progress_project_date", "project_progress", ["project_id", "date", "deleted_at"])
    op.create_index("ix_project_progress_date", "project_progress", ["date"])
    # A project's funds through a date, read from the index alone (the 资金到位率 of a two-year cohort).
    op.create_index("ix_funding_project_cover", "funding", ["project_id", "date", "amount", "deleted_at"])
    op.drop_index("ix_funding_project_date", table_name="funding")


def downgrade() -> None:
    op.create_index("ix_funding_project_date", "funding", ["project_id", "date"])
    op.drop_index("ix_funding_project_cover", table_name="funding")
    op.drop_index("ix_project_progress_date", table_name="project_progress")
    op.drop_index("ix_project_progress_project_date", table_name="project_progress")
    op.drop_table("project_progress")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("promised_production_date")
        batch.drop_column("promised_start_date")
