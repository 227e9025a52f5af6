"""a version on every editable record; 认定 state on projects, and its PostgreSQL trigger (SPEC §11)

Every existing project stays 已认定 (``verification`` NULL), so no figure changes on upgrade.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VERSIONED = ("units", "persons", "dictionary_entries", "funding", "project_progress", "targets", "settings")

# The fields whose change sends a 联络员's project back to 待认定 (zsdesk.ops.verification.COUNTED_FIELDS).
_COUNTED = ("name", "investor", "origin", "industrial", "planned_investment", "agreement_amount", "expected_output",
            "framework_date", "formal_date", "started_date", "production_date", "full_production_date",
            "withdrawn_date", "lead_unit_id", "landing_park_id", "deleted_at")
_DECISION = ("verification", "verification_reason", "verification_by", "verification_at", "verified_snapshot")


def _row(prefix: str, names: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"{prefix}.{n}" for n in names) + ")"


def _role(name: str) -> str:
    return f"EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}')"


# A 联络员 (only when the role exists) who creates a project or changes a counted field sends it to 待认定
# and cannot touch the decision columns; anyone else may change those only as 科长 / 管理员 or as the
# ledger's owner (who could drop the trigger anyway). Raw SQL through psql meets the same rule.
def trigger_function(prefix: str = "zsdesk") -> str:
    """The trigger function; ``prefix`` names the group roles (tests use their own, the cluster's are shared)."""
    liaison, chief, admin = f"{prefix}_liaison", f"{prefix}_chief", f"{prefix}_admin"
    return f"""
CREATE OR REPLACE FUNCTION zsdesk_project_verification() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  may_decide boolean := false;
BEGIN
  IF {_role(liaison)} THEN
    -- (a superuser counts as a member of every role: not a 联络员)
    IF pg_has_role(session_user, '{liaison}', 'member')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
      IF TG_OP = 'INSERT' THEN
        NEW.verification := 'pending';
        NEW.verification_reason := NULL; NEW.verification_by := NULL;
        NEW.verification_at := NULL; NEW.verified_snapshot := NULL;
        RETURN NEW;
      END IF;
      IF {_row('NEW', _DECISION)} IS DISTINCT FROM {_row('OLD', _DECISION)}
         AND {_row('NEW', _COUNTED)} IS NOT DISTINCT FROM {_row('OLD', _COUNTED)} THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = '只有科长可以认定或退回项目，本次未保存。';
      END IF;
      NEW.verification_reason := OLD.verification_reason; NEW.verification_by := OLD.verification_by;
      NEW.verification_at := OLD.verification_at; NEW.verified_snapshot := OLD.verified_snapshot;
      IF {_row('NEW', _COUNTED)} IS DISTINCT FROM {_row('OLD', _COUNTED)} THEN
        NEW.verification := 'pending';
      ELSE
        NEW.verification := OLD.verification;
      END IF;
      RETURN NEW;
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' AND {_row('NEW', _DECISION)} IS DISTINCT FROM {_row('OLD', _DECISION)} THEN
    -- The table's owner may always (it could drop this trigger anyway); else 科长 / 管理员 where they exist.
    may_decide := pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'member');
    IF NOT may_decide AND {_role(chief)} THEN
      may_decide := pg_has_role(session_user, '{chief}', 'member');
    END IF;
    IF NOT may_decide AND {_role(admin)} THEN
      may_decide := pg_has_role(session_user, '{admin}', 'member');
    END IF;
    IF NOT may_decide THEN
      RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = '只有科长可以认定或退回项目，本次未保存。';
    END IF;
  END IF;
  RETURN NEW;
END $$
"""


POSTGRES_TRIGGER_CREATE = ("CREATE TRIGGER projects_verification BEFORE INSERT OR UPDATE ON projects "
                           "FOR EACH ROW EXECUTE FUNCTION zsdesk_project_verification()")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("verification", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("verification_reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("verification_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("verification_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("verified_snapshot", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(trigger_function())
        op.execute(POSTGRES_TRIGGER_CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS projects_verification ON projects")
        op.execute("DROP FUNCTION IF EXISTS zsdesk_project_verification()")
    with op.batch_alter_table("projects") as batch:
        for column in ("verified_snapshot", "verification_at", "verification_by", "verification_reason",
                       "verification"):
            batch.drop_column(column)
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
