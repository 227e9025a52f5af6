"""Alembic environment: always driven from zsdesk.migrate with a live connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from zsdesk.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = config.attributes["engine"]
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    # All pending steps run in the caller's single transaction (zsdesk.opening.migrate_file issues
    # BEGIN IMMEDIATE … COMMIT): a kill or an error leaves the old version, never half an upgrade.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True, transaction_per_migration=False, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - we never generate offline SQL
    raise SystemExit("zsdesk migrations run online only")
run_migrations_online()
