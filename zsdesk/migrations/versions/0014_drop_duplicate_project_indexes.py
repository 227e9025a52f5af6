"""drop four projects indexes a live partial index already serves (issue 20: the import's insert cost)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

``ix_projects_agreement_amount``, ``ix_projects_formal_date`` and ``ix_projects_updated_at`` index every
project; 0002's ``ix_projects_live_agreement_amount`` / ``_live_formal_date`` / ``_live_updated_at`` index
the same column for the live projects, and every query of the window, the board, the lifecycle and the
notice that reads these columns asks for live projects only (``deleted_at IS NULL``), so the partial one
serves it (SQLite and PostgreSQL; tests/xlsx/test_index_plans.py compares the plans). ``ix_projects_investor_name``
(investor, name): the import's and the forms' investor lookups are all of live projects and use
``ix_projects_live_investor``. The one reader left without an index is ``zsdesk check``'s money rule over
every project (agreement_amount < 0 or > 10^13): one more table scan, as its planned_investment and
expected_output rules already were (+44 ms at 100k). 5,000 projects inserted into 100k: 216 → 161 ms.
Downgrade puts them back.
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

DROPPED = (
    ("ix_projects_agreement_amount", ["agreement_amount"]),
    ("ix_projects_formal_date", ["formal_date"]),
    ("ix_projects_updated_at", ["updated_at"]),
    ("ix_projects_investor_name", ["investor", "name"]),
)


def upgrade() -> None:
    for name, _columns in DROPPED:
        op.drop_index(name, table_name="projects", if_exists=True)  # a ledger set back one version (tests) has none


def downgrade() -> None:
    for name, columns in DROPPED:
        op.create_index(name, "projects", columns, unique=False)
