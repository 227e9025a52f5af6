"""Roles and row-level security on a shared ledger (PostgreSQL only; SPEC §11), as SQL.

Migration 0008 creates the five group roles, the ``ledger_logins`` table (which login has which
role and, for a 单位联络员, which unit), the grants on every table and the row-level security
policies. Later migrations that add a table call two helpers here, one line each:

    grant_table(op.get_bind(), "leads", "project")                 # who may read / write it
    unit_policy(op.get_bind(), "leads", "unit_id = zsdesk_current_unit()")   # a per-unit table
    project_policy(op.get_bind(), "lead_notes")                    # a table hanging off a project

Both do nothing on SQLite or when the roles were never installed (a ledger created by a login
without CREATEROLE). Default privileges (set by 0008) also give new tables SELECT for every role
but 单位联络员 — a per-unit table stays invisible to liaisons until its policy exists.

The ledger's owner (the login that ran the migrations) is not subject to row-level security
(the tables are not FORCEd): it keeps every right, as the IT person who set the ledger up.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

ROLES = ("admin", "chief", "clerk", "liaison", "reader")  # highest first
GROUP = {role: f"zsdesk_{role}" for role in ROLES}

# Who writes what: a table's kind → the roles that may INSERT/UPDATE/DELETE it (all may SELECT).
WRITERS: dict[str, tuple[str, ...]] = {
    "project": ("admin", "chief", "clerk", "liaison"),  # projects and what hangs off them; persons
    "master": ("admin", "chief", "clerk"),  # units, dictionaries
    "chief": ("admin", "chief"),  # targets, counting rules, settings
    "append": ("admin", "chief"),  # issued notices: INSERT only
    "audit": ("admin", "chief", "clerk", "liaison"),  # the audit log: INSERT only
    "read": (),  # alembic_version
}
TABLE_KINDS: dict[str, str] = {
    "projects": "project", "project_cooperating_units": "project", "project_persons": "project",
    "project_tags": "project", "funding": "project", "project_progress": "project", "persons": "project",
    "units": "master", "dictionary_entries": "master",
    "targets": "chief", "rules_documents": "chief", "settings": "chief",
    "issued_notices": "append", "audit_log": "audit", "alembic_version": "read",
    # leads and trips (SPEC §10): entered by clerks and by each unit's liaison, like projects
    "leads": "project", "lead_followups": "project", "trips": "project", "trip_units": "project",
    "trip_persons": "project", "trip_visits": "project",
}
# Per-unit tables a liaison reaches only through their unit (see ``install``).
TRIP_AND_LEAD_TABLES = ("leads", "lead_followups", "trips", "trip_units", "trip_persons", "trip_visits")
PROJECT_CHILD_TABLES = ("project_cooperating_units", "project_persons", "project_tags", "funding", "project_progress")


def is_postgres(bind: Connection) -> bool:
    return bind.dialect.name == "postgresql"


def roles_installed(bind: Connection) -> bool:
    """Migration 0008 installed the roles in this database (PostgreSQL only)."""
    if not is_postgres(bind):
        return False
    return bool(bind.execute(text(
        "SELECT to_regclass('ledger_logins') IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zsdesk_liaison')")).scalar())


def _q(name: str) -> str:
    """A quoted identifier (our own table names only; user input never reaches here)."""
    return '"' + name.replace('"', '""') + '"'


def grant_table(bind: Connection, table: str, kind: str) -> None:
    """Grants on ``table``: SELECT for every role, writes for the roles of ``kind`` (see WRITERS);
    ``append``/``audit`` tables get INSERT only. A per-unit table needs :func:`unit_policy` or
    :func:`project_policy` too, or a liaison reads all of it."""
    if not roles_installed(bind):
        return
    bind.execute(text(f"GRANT SELECT ON {_q(table)} TO {', '.join(GROUP.values())}"))
    writers = [GROUP[r] for r in WRITERS[kind]]
    if writers:
        rights = "INSERT" if kind in ("append", "audit") else "INSERT, UPDATE, DELETE"
        bind.execute(text(f"GRANT {rights} ON {_q(table)} TO {', '.join(writers)}"))


def _all_but_liaison_policy(bind: Connection, table: str) -> None:
    others = ", ".join(GROUP[r] for r in ROLES if r != "liaison")
    bind.execute(text(f"DROP POLICY IF EXISTS zsdesk_everyone ON {_q(table)}"))
    bind.execute(text(f"CREATE POLICY zsdesk_everyone ON {_q(table)} TO {others} USING (true) WITH CHECK (true)"))


def unit_policy(bind: Connection, table: str, mine: str, insert_check: str | None = None) -> None:
    """Row-level security on ``table``: a 单位联络员 sees and changes only rows where the SQL condition
    ``mine`` holds (e.g. ``unit_id = zsdesk_current_unit()``); new rows must satisfy ``insert_check``
    (default ``mine``). Every other role sees every row (grants still decide what it may write)."""
    if not roles_installed(bind):
        return
    check = insert_check or mine
    q = _q(table)
    bind.execute(text(f"ALTER TABLE {q} ENABLE ROW LEVEL SECURITY"))
    _all_but_liaison_policy(bind, table)
    for name, sql in (
        ("zsdesk_unit_select", f"FOR SELECT TO zsdesk_liaison USING ({mine})"),
        ("zsdesk_unit_insert", f"FOR INSERT TO zsdesk_liaison WITH CHECK ({check})"),
        ("zsdesk_unit_update", f"FOR UPDATE TO zsdesk_liaison USING ({mine}) WITH CHECK ({mine})"),
        ("zsdesk_unit_delete", f"FOR DELETE TO zsdesk_liaison USING ({mine})"),
    ):
        bind.execute(text(f"DROP POLICY IF EXISTS {name} ON {q}"))
        bind.execute(text(f"CREATE POLICY {name} ON {q} {sql}"))


def project_policy(bind: Connection, table: str, column: str = "project_id") -> None:
    """Row-level security for a table whose rows belong to a project: a liaison sees and changes the
    rows of the projects their unit leads or cooperates on."""
    unit_policy(bind, table, f"zsdesk_unit_sees_project({_q(column)})")


# --- what migration 0008 runs ---------------------------------------------------------------------

def _create_groups(bind: Connection) -> bool:
    """The five group roles (cluster-wide), if missing. False when they are missing and this login may
    not create roles: the ledger then stays as before (one set of rights for whoever connects)."""
    missing = [g for g in GROUP.values()
               if not bind.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": g}).first()]
    if not missing:
        return True
    may = bind.execute(text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    if not may:
        return False
    for group in missing:
        bind.execute(text(f"CREATE ROLE {group} NOLOGIN"))
    return True


# The year's newest project code over every unit's projects (a liaison sees only their own); created on
# every PostgreSQL ledger, roles or not, since zsdesk.ops.projects.next_code calls it there.
LAST_CODE_FUNCTION = """CREATE OR REPLACE FUNCTION zsdesk_last_project_code(prefix text) RETURNS text
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
       SELECT code FROM projects WHERE code LIKE prefix || '%'
       ORDER BY length(code) DESC, code DESC LIMIT 1 $$"""

# The audit chain's head hash, which every writer appends to: a liaison, who reads only their own audit
# rows, still chains onto the newest row (zsdesk.ops.history calls it on PostgreSQL). Also on every
# PostgreSQL ledger.
HEAD_FUNCTION = """CREATE OR REPLACE FUNCTION zsdesk_audit_head_hash() RETURNS text
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
       SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1 $$"""

FUNCTIONS = (
    # The unit of the signed-in liaison (NULL for everybody else). SECURITY DEFINER: a liaison may not
    # read ledger_logins, but the policies need their own row of it.
    """CREATE OR REPLACE FUNCTION zsdesk_current_unit() RETURNS integer
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
       SELECT unit_id FROM ledger_logins WHERE login = session_user AND NOT disabled $$""",
    # A project the liaison's unit leads or cooperates on. SECURITY DEFINER (owner, not subject to row
    # security): the projects policy and the cooperating-units policy would otherwise recurse.
    """CREATE OR REPLACE FUNCTION zsdesk_unit_sees_project(pid integer) RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
       SELECT EXISTS (SELECT 1 FROM projects p WHERE p.id = pid AND p.lead_unit_id = zsdesk_current_unit())
           OR EXISTS (SELECT 1 FROM project_cooperating_units c
                      WHERE c.project_id = pid AND c.unit_id = zsdesk_current_unit()) $$""",
    # A trip the liaison's unit takes part in (SECURITY DEFINER: trip_units' own policy would recurse).
    """CREATE OR REPLACE FUNCTION zsdesk_unit_sees_trip(tid integer) RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
       SELECT EXISTS (SELECT 1 FROM trip_units u WHERE u.trip_id = tid AND u.unit_id = zsdesk_current_unit()) $$""",
    # A trip nobody has joined yet (a liaison's new trip gets its own unit first).
    """CREATE OR REPLACE FUNCTION zsdesk_trip_is_new(tid integer) RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
       SELECT NOT EXISTS (SELECT 1 FROM trip_units u WHERE u.trip_id = tid) $$""",
    # Nobody writes an audit row in another's name: the operator is the login (the owner, who could
    # drop this trigger anyway, is exempt so that migrations may write baseline rows).
    """CREATE OR REPLACE FUNCTION zsdesk_audit_operator() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.operator IS DISTINCT FROM session_user::text
            AND NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
           RAISE EXCEPTION '操作记录的操作员必须是当前登录的数据库用户（%）', session_user USING ERRCODE = '42501';
         END IF;
         RETURN NEW;
       END $$""",
)


def install(bind: Connection) -> bool:
    """Everything migration 0008 does on PostgreSQL; False (and nothing done) when the roles cannot be
    created by this login."""
    if not is_postgres(bind):
        return False
    schema = bind.execute(text("SELECT current_schema()")).scalar()
    for function in (LAST_CODE_FUNCTION, HEAD_FUNCTION):
        bind.execute(text(function.replace("{schema}", _q(str(schema)))))
    if not _create_groups(bind):
        return False
    bind.execute(text(
        "CREATE TABLE IF NOT EXISTS ledger_logins ("
        " login VARCHAR(63) NOT NULL, role VARCHAR(20) NOT NULL, unit_id INTEGER,"
        " disabled BOOLEAN NOT NULL DEFAULT false,"
        " changed_at TIMESTAMP NOT NULL DEFAULT now(), changed_by VARCHAR(63) NOT NULL DEFAULT session_user,"
        " CONSTRAINT pk_ledger_logins PRIMARY KEY (login),"
        " CONSTRAINT fk_ledger_logins_unit_id_units FOREIGN KEY (unit_id) REFERENCES units (id),"
        " CONSTRAINT ck_ledger_logins_role CHECK (role IN ('admin', 'chief', 'clerk', 'liaison', 'reader')),"
        " CONSTRAINT ck_ledger_logins_liaison_unit CHECK (role <> 'liaison' OR unit_id IS NOT NULL))"))
    for sql in FUNCTIONS:
        bind.execute(text(sql.replace("{schema}", _q(str(schema)))))
    bind.execute(text("DROP TRIGGER IF EXISTS audit_log_operator_is_login ON audit_log"))
    bind.execute(text("CREATE TRIGGER audit_log_operator_is_login BEFORE INSERT ON audit_log "
                      "FOR EACH ROW EXECUTE FUNCTION zsdesk_audit_operator()"))
    groups = ", ".join(GROUP.values())
    bind.execute(text(f"GRANT USAGE ON SCHEMA {_q(str(schema))} TO {groups}"))
    for table, kind in TABLE_KINDS.items():
        grant_table(bind, table, kind)
    bind.execute(text("GRANT SELECT, INSERT, UPDATE, DELETE ON ledger_logins TO zsdesk_admin"))
    writers = ", ".join(GROUP[r] for r in ("admin", "chief", "clerk", "liaison"))
    bind.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_q(str(schema))} TO {writers}"))
    # Tables and sequences later migrations create (run by this same owner).
    readers = ", ".join(GROUP[r] for r in ROLES if r != "liaison")
    bind.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {_q(str(schema))} GRANT SELECT ON TABLES TO {readers}"))
    bind.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {_q(str(schema))} "
                      f"GRANT USAGE, SELECT ON SEQUENCES TO {writers}"))
    # Row-level security: what belongs to a unit.
    unit_policy(bind, "projects",
                "lead_unit_id = zsdesk_current_unit() OR zsdesk_unit_sees_project(id)",
                insert_check="lead_unit_id = zsdesk_current_unit()")
    for table in PROJECT_CHILD_TABLES:
        project_policy(bind, table)
    unit_policy(bind, "persons", "unit_id = zsdesk_current_unit()")
    bind.execute(text("DROP POLICY IF EXISTS zsdesk_unit_select ON persons"))  # names of every unit's people are
    bind.execute(text("CREATE POLICY zsdesk_unit_select ON persons FOR SELECT TO zsdesk_liaison USING (true)"))
    # Leads belong to their assigned unit; trips to every unit taking part (SPEC §10).
    unit_policy(bind, "leads", "unit_id = zsdesk_current_unit()")
    unit_policy(bind, "lead_followups", "EXISTS (SELECT 1 FROM leads l WHERE l.id = lead_id)")
    unit_policy(bind, "trips", "zsdesk_unit_sees_trip(id)", insert_check="true")
    unit_policy(bind, "trip_units", "zsdesk_unit_sees_trip(trip_id)",
                insert_check="zsdesk_unit_sees_trip(trip_id) OR "
                             "(unit_id = zsdesk_current_unit() AND zsdesk_trip_is_new(trip_id))")
    for table in ("trip_persons", "trip_visits"):
        unit_policy(bind, table, "zsdesk_unit_sees_trip(trip_id)")
    # The audit log: a liaison reads their own rows (undo); before/after of other units' records stay
    # hidden (the chain head comes from zsdesk_audit_head_hash()).
    unit_policy(bind, "audit_log", "operator = session_user", insert_check="operator = session_user")
    return True


def uninstall(bind: Connection) -> None:
    """Migration 0008's downgrade: policies, grants, functions and the table (the cluster-wide group
    roles stay: other ledgers on the same server use them)."""
    if not is_postgres(bind):
        return
    for table in ("projects", "persons", "audit_log", *PROJECT_CHILD_TABLES, *TRIP_AND_LEAD_TABLES):
        for name in ("zsdesk_everyone", "zsdesk_unit_select", "zsdesk_unit_insert", "zsdesk_unit_update",
                     "zsdesk_unit_delete"):
            bind.execute(text(f"DROP POLICY IF EXISTS {name} ON {_q(table)}"))
        bind.execute(text(f"ALTER TABLE {_q(table)} DISABLE ROW LEVEL SECURITY"))
    bind.execute(text("DROP TRIGGER IF EXISTS audit_log_operator_is_login ON audit_log"))
    for fn in ("zsdesk_unit_sees_trip(integer)", "zsdesk_trip_is_new(integer)", "zsdesk_audit_operator()", "zsdesk_last_project_code(text)", "zsdesk_audit_head_hash()",
               "zsdesk_unit_sees_project(integer)", "zsdesk_current_unit()"):
        bind.execute(text(f"DROP FUNCTION IF EXISTS {fn}"))
    bind.execute(text("DROP TABLE IF EXISTS ledger_logins"))


def chief_only_columns(bind: Connection, table: str, columns: list[str]) -> None:
    """Only a 科长 or 管理员 (or the owner) may set ``columns`` of ``table``, though others may write its other
    columns — e.g. a project's 认定 state: ``chief_only_columns(bind, "projects", ["verification"])``. A BEFORE
    UPDATE trigger refuses a change of them by anyone else (what a new row starts with is the engine's and
    a CHECK's business)."""
    if not roles_installed(bind):
        return
    name = f"zsdesk_chief_only_{table}"
    changed = " OR ".join(f"NEW.{_q(c)} IS DISTINCT FROM OLD.{_q(c)}" for c in columns)
    bind.execute(text(
        f"CREATE OR REPLACE FUNCTION {_q(name)}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        f"  IF NOT ({changed}) THEN RETURN NEW; END IF; "
        "  IF pg_has_role(session_user, 'zsdesk_chief', 'MEMBER') OR pg_has_role(session_user, 'zsdesk_admin', 'MEMBER') "
        "     OR pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN "
        "    RETURN NEW; END IF; "
        "  RAISE EXCEPTION 'permission denied: 只有科长可以修改这一项' USING ERRCODE = '42501'; "
        "END $$"))
    bind.execute(text(f"DROP TRIGGER IF EXISTS {_q(name)} ON {_q(table)}"))
    bind.execute(text(f"CREATE TRIGGER {_q(name)} BEFORE UPDATE ON {_q(table)} "
                      f"FOR EACH ROW EXECUTE FUNCTION {_q(name)}()"))
