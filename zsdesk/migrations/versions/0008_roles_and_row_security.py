"""shared ledgers: group roles, grants, row-level security, the login table, the audit operator (SPEC §11)

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-30

PostgreSQL only (a SQLite ledger is single-operator and untouched). Creates, if missing, the group
roles zsdesk_admin / zsdesk_chief / zsdesk_clerk / zsdesk_liaison / zsdesk_reader (NOLOGIN), the
``ledger_logins`` table, grants on every table, default privileges for later tables, row-level
security policies (a 单位联络员 sees only their unit's projects, funding, progress, links and audit
rows) and a trigger that refuses an audit row whose operator is not the signed-in login.
A login without CREATEROLE upgrading a ledger whose roles do not exist yet skips all of it (the
ledger works as before); see :mod:`zsdesk.roles_sql` and docs/shared-ledger.md.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # local: Alembic loads this file by path; the package is imported only when the upgrade runs
        from zsdesk.roles_sql import install

        install(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # local: Alembic loads this file by path; the package is imported only when the upgrade runs
        from zsdesk.roles_sql import uninstall

        uninstall(bind)
