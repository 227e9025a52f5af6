"""The ledger's tables (SPEC §2), SQLAlchemy 2.0 typed style.

Money is integer yuan. Every record can be soft-deleted (``deleted_at``) and restored; the audit
log and issued notices are append-only. Code stays dialect-neutral so a PostgreSQL ledger runs
through the same models.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = BigInteger  # integer yuan; 100亿 overflows a 32-bit int


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SoftDelete:
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Versioned:
    """Every update checks and bumps ``version`` (SQLAlchemy's version counter, migration 0006): a stale
    write fails instead of overwriting; ops take ``expected_version`` to refuse an edit of an old read."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]  # set by the declarative scan before this runs


# Codes stored in the database; Chinese labels live in zsdesk.labels.
UNIT_KINDS = ("park", "department", "town", "other")
ORIGINS = ("out_of_city", "in_city", "in_district")
DICTIONARY_KINDS = ("chain", "investor_tag", "lead_source")


class Unit(SoftDelete, Versioned, Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(50), default="")
    kind: Mapped[str] = mapped_column(String(20), default="other")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Person(SoftDelete, Versioned, Base):
    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("name", "unit_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit | None] = relationship(lazy="joined")


class DictionaryEntry(SoftDelete, Versioned, Base):
    """An editable dictionary value: an industry chain (产业链) or an investor tag (投资方标签)."""

    __tablename__ = "dictionary_entries"
    __table_args__ = (UniqueConstraint("kind", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Free-form flags the rules use, e.g. "new_economy" for 招新引优 chains, "big" for 招大引强 tags.
    flags: Mapped[str] = mapped_column(String(200), default="")


class ProjectCooperatingUnit(Base):
    __tablename__ = "project_cooperating_units"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)


class ProjectPerson(Base):
    __tablename__ = "project_persons"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True, index=True)


class ProjectTag(Base):
    __tablename__ = "project_tags"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("dictionary_entries.id"), primary_key=True, index=True)


# The ledger table sorts live projects by these columns; a partial index holds only live rows, so an
# ordered scan never visits the table (100k projects sorted by amount: 220 ms → 60 ms).
LIVE_SORT_COLUMNS = ("code", "name", "investor", "agreement_amount", "planned_investment", "formal_date",
                     "updated_at")


def _live_index(column: str) -> Index:
    live = text("deleted_at IS NULL")
    return Index(f"ix_projects_live_{column}", column, sqlite_where=live, postgresql_where=live)


class Project(SoftDelete, Base):
    __tablename__ = "projects"
    __table_args__ = (
        # No full index of investor+name, agreement_amount, formal_date, updated_at (dropped by migration 0014):
        # every query reading them asks for live projects, which the partial ix_projects_live_* serve.
        Index("ix_projects_framework_date", "framework_date"),
        Index("ix_projects_started_date", "started_date"),
        *(_live_index(c) for c in LIVE_SORT_COLUMNS),
        # Sorts by 累计到位 / 牵头单位 read (value, id) of the live projects from the index alone (migration 0009).
        # The id is named in the 累计到位 one (migration 0010): SQLite's index carries the rowid anyway, but
        # PostgreSQL's did not, so it sorted 100k rows (on disk) for the tie instead of reading the index.
        Index("ix_projects_live_arrived_total", "arrived_total", "id", sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        Index("ix_projects_live_lead_unit_id", "lead_unit_id", "id", "deleted_at", sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        # The deleted ones (migration 0015): the text filter's first screen takes them from its count.
        Index("ix_projects_deleted", "id", sqlite_where=text("deleted_at IS NOT NULL"),
              postgresql_where=text("deleted_at IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    investor: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(20), default="out_of_city")
    origin_province: Mapped[str] = mapped_column(String(50), default="")
    origin_city: Mapped[str] = mapped_column(String(50), default="")
    chain_id: Mapped[int | None] = mapped_column(ForeignKey("dictionary_entries.id"), index=True)
    industrial: Mapped[bool] = mapped_column(Boolean, default=True)
    planned_investment: Mapped[int] = mapped_column(Money, default=0)
    agreement_amount: Mapped[int] = mapped_column(Money, default=0)
    expected_output: Mapped[int] = mapped_column(Money, default=0)
    first_contact_date: Mapped[date | None] = mapped_column(Date)
    framework_date: Mapped[date | None] = mapped_column(Date)
    formal_date: Mapped[date | None] = mapped_column(Date)
    started_date: Mapped[date | None] = mapped_column(Date)
    production_date: Mapped[date | None] = mapped_column(Date)
    full_production_date: Mapped[date | None] = mapped_column(Date)
    withdrawn_date: Mapped[date | None] = mapped_column(Date)
    # 约定开工日期 / 约定投产日期 from the contract (SPEC §9); blank → the rules' deadline by size class.
    promised_start_date: Mapped[date | None] = mapped_column(Date)
    promised_production_date: Mapped[date | None] = mapped_column(Date)
    # Derived from the dates by zsdesk.stage on every write; stored so it can be filtered by index.
    stage: Mapped[str] = mapped_column(String(20), default="lead", index=True)
    # Also derived on every write: the first signing date, which decides the period a signing counts in.
    signed_date: Mapped[date | None] = mapped_column(Date, index=True)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    landing_park_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    leader: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # 认定 (SPEC §11, migration 0006): NULL 已认定 (every project before 0006, and what a clerk enters),
    # "pending" 待认定, "returned" 退回; who decided last, when, why, and the counted fields then (JSON).
    # On PostgreSQL a trigger sets "pending" when a 联络员 writes: fetched back so the audit row holds it.
    verification: Mapped[str | None] = mapped_column(String(10), server_default=FetchedValue(),
                                                     server_onupdate=FetchedValue())
    verification_reason: Mapped[str | None] = mapped_column(String(500))
    verification_by: Mapped[str | None] = mapped_column(String(100))
    verification_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_snapshot: Mapped[str | None] = mapped_column(Text)
    # 累计到位: the sum of the project's live funding entries, kept by every operation that changes funding
    # (zsdesk/ops/totals.py) so the ledger sorts by it from an index; not a field of the record (no audit,
    # no undo of its own), checked by ``zsdesk check`` (migration 0009).
    arrived_total: Mapped[int] = mapped_column(Money, default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}


class Funding(SoftDelete, Versioned, Base):
    """到位资金: one dated entry; a negative amount is a correction."""

    __tablename__ = "funding"
    __table_args__ = (
        # Covers a project's funds through a date (the 四率's 资金到位率 over a two-year cohort): no table
        # lookups (SPEC §9; 650 → 290 ms at 1M entries under load). Replaces (project_id, date).
        Index("ix_funding_project_cover", "project_id", "date", "amount", "deleted_at"),
        Index("ix_funding_date", "date"),
        # Covers the board's funds-by-period sums: no table lookups over a million entries.
        Index("ix_funding_date_cover", "date", "project_id", "amount", "deleted_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")


MONTH_COLUMNS = tuple(f"m{k:02d}" for k in range(1, 13))


class FundingMonth(Base):
    """A project's live funding entries summed per month of one year (``m01``…``m12``), with ``entry_months``
    (bit k−1 set when month k has any live entry, even if they sum to 0): the board reads a period's funds
    from one row per funded project instead of every entry (issue 20, migration 0013). Derived, like
    ``arrived_total``: kept by every operation that changes funding (zsdesk/ops/totals.py), checked by
    ``zsdesk check``; a row exists for each (project, year) with a live entry. SQLite keeps it clustered by
    (year, project_id) (WITHOUT ROWID): one year's rows are one range read."""

    __tablename__ = "funding_months"
    __table_args__ = ({"sqlite_with_rowid": False},)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    entry_months: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    m01: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m02: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m03: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m04: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m05: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m06: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m07: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m08: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m09: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m10: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m11: Mapped[int] = mapped_column(Money, default=0, server_default="0")
    m12: Mapped[int] = mapped_column(Money, default=0, server_default="0")


class ProjectProgress(SoftDelete, Versioned, Base):
    """项目进展: a dated one-line note on a project (SPEC §9); the latest one resets the 无进展 clock."""

    __tablename__ = "project_progress"
    # (project_id, date, deleted_at): a project's latest live note, and the 无进展 probe, from the index alone.
    __table_args__ = (Index("ix_project_progress_project_date", "project_id", "date", "deleted_at"),
                      Index("ix_project_progress_date", "date"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(500))
    operator: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Target(SoftDelete, Versioned, Base):
    """A unit's annual targets; ``unit_id`` NULL is the district's own target."""

    __tablename__ = "targets"
    __table_args__ = (Index("ix_targets_year_unit", "year", "unit_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    major_count: Mapped[int] = mapped_column(Integer, default=0)
    large_count: Mapped[int] = mapped_column(Integer, default=0)
    key_count: Mapped[int] = mapped_column(Integer, default=0)
    agreement_amount: Mapped[int] = mapped_column(Money, default=0)
    formal_amount: Mapped[int] = mapped_column(Money, default=0)
    arrived_amount: Mapped[int] = mapped_column(Money, default=0)


class AuditEntry(Base):
    """Append-only: every insert, update, delete and restore. ``hash`` chains each row to the last."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"), Index("ix_audit_log_op_id", "op_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    op_id: Mapped[str] = mapped_column(String(40))
    op_label: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    operator: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # insert / update / delete / restore
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class IssuedNotice(Base):
    """A notice as issued: never changed; a correction is a new notice."""

    __tablename__ = "issued_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(20), index=True)
    doc_number: Mapped[str] = mapped_column(String(100), unique=True)
    serial: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    issue_date: Mapped[date] = mapped_column(Date)
    figures: Mapped[str] = mapped_column(Text)  # JSON of what was printed
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(100))
    # The audit chain's head when the notice was issued (an anchor ``zsdesk check`` verifies the
    # chain still passes through); NULL for notices issued before schema 0004.
    chain_head_id: Mapped[int | None] = mapped_column(Integer)
    chain_head_hash: Mapped[str | None] = mapped_column(String(64))


class RulesDocument(Base):
    """A year's counting rules, versioned: each save is a new row; the highest version is in force."""

    __tablename__ = "rules_documents"
    __table_args__ = (UniqueConstraint("year", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)  # JSON
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")


class Setting(Versioned, Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


# --- SPEC §10: before the signing — leads, visits, trips ------------------------------------------
# Row-level security finds a row's unit cheaply: ``leads.unit_id``; a trip's units in ``trip_units``
# (trip_id, unit_id); follow-ups and visits through their lead / trip.

LEAD_STATUSES = ("new", "following", "converted", "invalid")
TRIP_LEVELS = ("district_leader", "department")
VISIT_OUTCOMES = ("intention", "general", "none")


def _live_on(table: str, column: str) -> Index:
    live = text("deleted_at IS NULL")
    return Index(f"ix_{table}_live_{column}", column, sqlite_where=live, postgresql_where=live)


class Lead(SoftDelete, Base):
    """招商线索: a company the bureau heard of, followed up until it becomes a project or is dropped."""

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_unit_received", "unit_id", "received_date"),
        # Live leads by received date, covering the activity figures' count by unit and status and the
        # table's default order (no table lookups; SQLite needs deleted_at in it to call it covering).
        Index("ix_leads_live_received_date", "received_date", "unit_id", "status", "deleted_at",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
        _live_on("leads", "company"),
        # The table's 最近跟进 sort reads the live leads in order from here (migration 0010).
        Index("ix_leads_live_last_followup", "last_followup", "id", "deleted_at",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_date: Mapped[date] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("dictionary_entries.id"), index=True)
    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    chain_id: Mapped[int | None] = mapped_column(ForeignKey("dictionary_entries.id"), index=True)
    intended_investment: Mapped[int] = mapped_column(Money, default=0)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    status_reason: Mapped[str] = mapped_column(String(200), default="")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # 最近跟进: the date of the lead's latest live follow-up, or its received date when it has none — what
    # the table sorts by. Kept by every operation that changes follow-ups or a lead (zsdesk/ops/totals.py),
    # not a field of the record (no audit, no undo of its own), checked by ``zsdesk check`` (migration 0010).
    last_followup: Mapped[date | None] = mapped_column(Date)

    __mapper_args__ = {"version_id_col": version}


class LeadFollowup(SoftDelete, Base):
    """跟进记录: a dated one-line note on a lead; the latest one resets the lead's stale clock."""

    __tablename__ = "lead_followups"
    # (lead_id, date, deleted_at): a lead's latest note from the index alone; (date, lead_id): the leads
    # followed up since a day (the stale test) without visiting every lead.
    __table_args__ = (Index("ix_lead_followups_lead_date", "lead_id", "date", "deleted_at"),
                      Index("ix_lead_followups_date", "date", "lead_id", "deleted_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(500))
    operator: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Trip(SoftDelete, Base):
    """外出招商: one trip out of the district; its units in ``trip_units``, visits in ``trip_visits``."""

    __tablename__ = "trips"
    __table_args__ = (Index("ix_trips_departure_date", "departure_date", "deleted_at", "level"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    departure_date: Mapped[date] = mapped_column(Date)
    return_date: Mapped[date | None] = mapped_column(Date)
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    leader: Mapped[str] = mapped_column(String(50), default="")
    level: Mapped[str] = mapped_column(String(20), default="department")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class TripUnit(Base):
    __tablename__ = "trip_units"
    __table_args__ = (Index("ix_trip_units_unit_trip", "unit_id", "trip_id"),)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class TripPerson(Base):
    __tablename__ = "trip_persons"
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True, index=True)


class TripVisit(SoftDelete, Base):
    """A company visited on a trip, with the outcome; ``lead_id`` is the lead created from it."""

    __tablename__ = "trip_visits"
    __table_args__ = (Index("ix_trip_visits_trip", "trip_id", "deleted_at", "outcome"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id"))
    company: Mapped[str] = mapped_column(String(200))
    date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20), default="general")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    notes: Mapped[str] = mapped_column(String(500), default="")


# 新增在谈 by period (SPEC §10): projects by first contact, covering the count by lead unit and stage.
Index("ix_projects_first_contact_cover", Project.first_contact_date, Project.lead_unit_id, Project.stage,
      Project.deleted_at)
