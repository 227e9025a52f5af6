"""funding per project and month (funding_months), kept by triggers on funding, so one period's board reads one
row per funded project instead of every entry (issue 20)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

The triggers (SQLite and PostgreSQL) are in zsdesk/funding_months.py; ``zsdesk check`` compares the table
with the entries.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

MONTHS = [f"m{k:02d}" for k in range(1, 13)]


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "funding_months",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("entry_months", sa.Integer(), nullable=False, server_default="0"),
        *(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0") for name in MONTHS),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_funding_months_project_id_projects",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("year", "project_id", name="pk_funding_months"),
        sqlite_with_rowid=False,  # clustered by (year, project_id): one year's rows are one range read
    )
    # Backfill: every live entry, grouped by (project, year), summed per month; entry_months has bit k-1 set
    # when month k has an entry (a sum of distinct powers of two).
    if bind.dialect.name == "postgresql":
        year, month = "CAST(EXTRACT(YEAR FROM date) AS INTEGER)", "CAST(EXTRACT(MONTH FROM date) AS INTEGER)"
    else:
        year, month = "CAST(STRFTIME('%Y', date) AS INTEGER)", "CAST(STRFTIME('%m', date) AS INTEGER)"
    sums = ", ".join(f"SUM(CASE WHEN {month} = {k} THEN amount ELSE 0 END)" for k in range(1, 13))
    op.execute(f"INSERT INTO funding_months (project_id, year, entry_months, {', '.join(MONTHS)}) "
               f"SELECT project_id, {year}, SUM(DISTINCT 1 << ({month} - 1)), {sums} FROM funding "
               f"WHERE deleted_at IS NULL GROUP BY project_id, {year}")
    # local: Alembic loads this file by path; the package is imported only when the upgrade runs
    from zsdesk.funding_months import install_triggers

    install_triggers(bind)
    if bind.dialect.name == "postgresql":
        # local: Alembic loads this file by path; the package is imported only when the upgrade runs
        from zsdesk.roles_sql import grant_table, project_policy

        grant_table(bind, "funding_months", "project")  # written by whoever changes funding, like funding
        project_policy(bind, "funding_months")  # a liaison sees the rows of their unit's projects only


def downgrade() -> None:
    # local: Alembic loads this file by path; the package is imported only when the downgrade runs
    from zsdesk.funding_months import drop_functions, drop_triggers

    bind = op.get_bind()
    drop_triggers(bind)
    drop_functions(bind)
    op.drop_table("funding_months")
