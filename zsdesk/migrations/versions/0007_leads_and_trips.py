"""leads, follow-ups, trips, trip units/persons and visits (SPEC §10); the 线索来源 dictionary

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30

Row-level security finds a row's unit in ``leads.unit_id`` and, for a trip, in ``trip_units``
(trip_id, unit_id). The seven default lead sources (dictionary kind ``lead_source``) are inserted
with one audit row each, so ``zsdesk check`` stays clean on an upgraded ledger.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LEAD_SOURCES = ("以商招商", "中介机构", "驻外招商", "领导招商", "产业赋能大使", "网络推介", "其他")
SEED_LABEL = "数据版本升级：新增线索来源字典"


def upgrade() -> None:
    op.create_table('trips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('departure_date', sa.Date(), nullable=False),
    sa.Column('return_date', sa.Date(), nullable=True),
    sa.Column('province', sa.String(length=50), nullable=False),
    sa.Column('city', sa.String(length=50), nullable=False),
    sa.Column('leader', sa.String(length=50), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trips'))
    )
    op.create_index('ix_trips_departure_date', 'trips', ['departure_date', 'deleted_at', 'level'], unique=False)
    op.create_table('trip_units',
    sa.Column('trip_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['trip_id'], ['trips.id'], name=op.f('fk_trip_units_trip_id_trips'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_trip_units_unit_id_units')),
    sa.PrimaryKeyConstraint('trip_id', 'unit_id', name=op.f('pk_trip_units'))
    )
    op.create_index('ix_trip_units_unit_trip', 'trip_units', ['unit_id', 'trip_id'], unique=False)
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=True),
    sa.Column('intended_investment', sa.BigInteger(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.String(length=200), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['chain_id'], ['dictionary_entries.id'], name=op.f('fk_leads_chain_id_dictionary_entries')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_leads_person_id_persons')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_leads_project_id_projects')),
    sa.ForeignKeyConstraint(['source_id'], ['dictionary_entries.id'], name=op.f('fk_leads_source_id_dictionary_entries')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_leads_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads'))
    )
    op.create_index(op.f('ix_leads_chain_id'), 'leads', ['chain_id'], unique=False)
    op.create_index('ix_leads_live_company', 'leads', ['company'], unique=False, sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
    op.create_index('ix_leads_live_received_date', 'leads', ['received_date', 'unit_id', 'status', 'deleted_at'], unique=False, sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
    op.create_index(op.f('ix_leads_person_id'), 'leads', ['person_id'], unique=False)
    op.create_index(op.f('ix_leads_project_id'), 'leads', ['project_id'], unique=False)
    op.create_index(op.f('ix_leads_source_id'), 'leads', ['source_id'], unique=False)
    op.create_index(op.f('ix_leads_status'), 'leads', ['status'], unique=False)
    op.create_index('ix_leads_unit_received', 'leads', ['unit_id', 'received_date'], unique=False)
    op.create_table('trip_persons',
    sa.Column('trip_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_trip_persons_person_id_persons')),
    sa.ForeignKeyConstraint(['trip_id'], ['trips.id'], name=op.f('fk_trip_persons_trip_id_trips'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trip_id', 'person_id', name=op.f('pk_trip_persons'))
    )
    op.create_index(op.f('ix_trip_persons_person_id'), 'trip_persons', ['person_id'], unique=False)
    op.create_table('lead_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_followups_lead_id_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_followups'))
    )
    op.create_index('ix_lead_followups_lead_date', 'lead_followups', ['lead_id', 'date', 'deleted_at'], unique=False)
    op.create_index('ix_lead_followups_date', 'lead_followups', ['date', 'lead_id', 'deleted_at'], unique=False)
    # 新增在谈 by period: projects by first contact, covering the count by lead unit and stage
    op.create_index('ix_projects_first_contact_cover', 'projects',
                    ['first_contact_date', 'lead_unit_id', 'stage', 'deleted_at'], unique=False)
    op.create_table('trip_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trip_id', sa.Integer(), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_trip_visits_lead_id_leads')),
    sa.ForeignKeyConstraint(['trip_id'], ['trips.id'], name=op.f('fk_trip_visits_trip_id_trips')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trip_visits'))
    )
    op.create_index(op.f('ix_trip_visits_lead_id'), 'trip_visits', ['lead_id'], unique=False)
    op.create_index('ix_trip_visits_trip', 'trip_visits', ['trip_id', 'deleted_at', 'outcome'], unique=False)

    _seed_lead_sources()


def _seed_lead_sources() -> None:
    from zsdesk.audit_chain import audit_inserted  # a migration imports the app only when it runs

    bind = op.get_bind()
    entries = sa.table("dictionary_entries", sa.column("id", sa.Integer()), sa.column("kind", sa.String()),
                       sa.column("name", sa.String()), sa.column("sort_order", sa.Integer()),
                       sa.column("active", sa.Boolean()), sa.column("flags", sa.String()))
    have = set(bind.scalars(sa.select(entries.c.name).where(entries.c.kind == "lead_source")))
    rows = [{"kind": "lead_source", "name": name, "sort_order": order, "active": True, "flags": ""}
            for order, name in enumerate(LEAD_SOURCES) if name not in have]
    if not rows:
        return
    bind.execute(sa.insert(entries), rows)
    ids = list(bind.scalars(sa.select(entries.c.id).where(entries.c.kind == "lead_source",
                                                          entries.c.name.in_([r["name"] for r in rows]))))
    audit_inserted(bind, "dictionary", ids, SEED_LABEL)


def downgrade() -> None:
    op.drop_index('ix_trip_visits_trip', table_name='trip_visits')
    op.drop_index(op.f('ix_trip_visits_lead_id'), table_name='trip_visits')
    op.drop_table('trip_visits')
    op.drop_index('ix_projects_first_contact_cover', table_name='projects')
    op.drop_index('ix_lead_followups_date', table_name='lead_followups')
    op.drop_index('ix_lead_followups_lead_date', table_name='lead_followups')
    op.drop_table('lead_followups')
    op.drop_index(op.f('ix_trip_persons_person_id'), table_name='trip_persons')
    op.drop_table('trip_persons')
    op.drop_index('ix_leads_unit_received', table_name='leads')
    op.drop_index(op.f('ix_leads_status'), table_name='leads')
    op.drop_index(op.f('ix_leads_source_id'), table_name='leads')
    op.drop_index(op.f('ix_leads_project_id'), table_name='leads')
    op.drop_index(op.f('ix_leads_person_id'), table_name='leads')
    op.drop_index('ix_leads_live_received_date', table_name='leads', sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
    op.drop_index('ix_leads_live_company', table_name='leads', sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
    op.drop_index(op.f('ix_leads_chain_id'), table_name='leads')
    op.drop_table('leads')
    op.drop_index('ix_trip_units_unit_trip', table_name='trip_units')
    op.drop_table('trip_units')
    op.drop_index('ix_trips_departure_date', table_name='trips')
    op.drop_table('trips')
