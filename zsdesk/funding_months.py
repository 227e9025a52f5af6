"""``funding_months`` (migration 0013): each project's live funding entries summed per year and month, kept
by triggers on ``funding`` in the same statement as the write — by the operations, by imports and by any
other tool alike — so the board can read one row per funded project instead of every entry (issue 20).

- SQLite: an insert adds the entry to its (year, project) row (an upsert); an update of the project, date,
  amount or deleted_at, and a delete, rebuild the old and new rows from the project's entries of that year
  (a few rows from ``ix_funding_project_cover``), so ``entry_months`` loses a month's bit with its last entry.
- PostgreSQL: one row trigger rebuilds the old and new rows the same way (``zsdesk_funding_months_of``). It
  runs with the rights of whoever writes funding: migration 0013 grants the table like ``funding`` and gives
  it the project policy, so a 单位联络员 keeps the rows of their own unit's projects.

A bulk writer (the demo builds) drops the triggers, writes, rebuilds every row and puts them back, in one
transaction (:func:`drop_triggers`, :func:`install_triggers`, ``ops.totals.refresh_funding_months``).
``zsdesk check`` compares the table with the entries (``ops.totals.mismatched_funding_months``).
"""

from __future__ import annotations

from sqlalchemy import Connection

MONTHS = [f"m{k:02d}" for k in range(1, 13)]
COLUMNS = f"year, project_id, entry_months, {', '.join(MONTHS)}"
SQLITE_TRIGGERS = ("funding_months_insert", "funding_months_update", "funding_months_delete")
PG_TRIGGER = "funding_months_sync"
PG_FUNCTIONS = ("zsdesk_funding_months_trigger()", "zsdesk_funding_months_of(integer, integer)")


def _sums(month: str, amount: str) -> str:
    return ", ".join(f"SUM(CASE WHEN {month} = {k} THEN {amount} ELSE 0 END)" for k in range(1, 13))


def _sqlite_rebuild(row: str) -> str:
    """Statements (inside a trigger) rebuilding the (year, project) row of ``row`` (OLD or NEW)."""
    year = f"CAST(STRFTIME('%Y', {row}.date) AS INTEGER)"
    month = "CAST(STRFTIME('%m', date) AS INTEGER)"
    return (f"DELETE FROM funding_months WHERE year = {year} AND project_id = {row}.project_id; "
            f"INSERT INTO funding_months ({COLUMNS}) SELECT {year}, project_id, SUM(DISTINCT 1 << ({month} - 1)), "
            f"{_sums(month, 'amount')} FROM funding WHERE project_id = {row}.project_id "
            f"AND STRFTIME('%Y', date) = STRFTIME('%Y', {row}.date) AND deleted_at IS NULL GROUP BY project_id; ")


def _sqlite_ddl() -> list[str]:
    month = "CAST(STRFTIME('%m', NEW.date) AS INTEGER)"
    values = ", ".join(f"CASE WHEN {month} = {k} THEN NEW.amount ELSE 0 END" for k in range(1, 13))
    adds = ", ".join(f"{m} = {m} + excluded.{m}" for m in MONTHS)
    return [
        "CREATE TRIGGER funding_months_insert AFTER INSERT ON funding WHEN NEW.deleted_at IS NULL BEGIN "
        f"INSERT INTO funding_months ({COLUMNS}) VALUES (CAST(STRFTIME('%Y', NEW.date) AS INTEGER), NEW.project_id, "
        f"1 << ({month} - 1), {values}) ON CONFLICT (year, project_id) DO UPDATE SET "
        f"entry_months = entry_months | excluded.entry_months, {adds}; END",
        "CREATE TRIGGER funding_months_update AFTER UPDATE OF project_id, date, amount, deleted_at ON funding BEGIN "
        f"{_sqlite_rebuild('OLD')}{_sqlite_rebuild('NEW')}END",
        f"CREATE TRIGGER funding_months_delete AFTER DELETE ON funding BEGIN {_sqlite_rebuild('OLD')}END",
    ]


def _pg_ddl() -> list[str]:
    month = "CAST(EXTRACT(MONTH FROM date) AS INTEGER)"
    return [
        "CREATE OR REPLACE FUNCTION zsdesk_funding_months_of(p integer, y integer) RETURNS void LANGUAGE sql AS $$ "
        "DELETE FROM funding_months WHERE year = y AND project_id = p; "
        f"INSERT INTO funding_months ({COLUMNS}) SELECT y, project_id, SUM(DISTINCT 1 << ({month} - 1)), "
        f"{_sums(month, 'amount')} FROM funding WHERE project_id = p AND date >= make_date(y, 1, 1) "
        "AND date < make_date(y + 1, 1, 1) AND deleted_at IS NULL GROUP BY project_id; $$",
        "CREATE OR REPLACE FUNCTION zsdesk_funding_months_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN PERFORM zsdesk_funding_months_of(OLD.project_id, "
        "CAST(EXTRACT(YEAR FROM OLD.date) AS INTEGER)); END IF; "
        "IF TG_OP <> 'DELETE' THEN PERFORM zsdesk_funding_months_of(NEW.project_id, "
        "CAST(EXTRACT(YEAR FROM NEW.date) AS INTEGER)); END IF; RETURN NULL; END $$",
        f"CREATE TRIGGER {PG_TRIGGER} AFTER INSERT OR UPDATE OF project_id, date, amount, deleted_at OR DELETE "
        "ON funding FOR EACH ROW EXECUTE FUNCTION zsdesk_funding_months_trigger()",
    ]


def install_triggers(conn: Connection) -> None:
    for sql in _pg_ddl() if conn.dialect.name == "postgresql" else _sqlite_ddl():
        conn.exec_driver_sql(sql)


def drop_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON funding")
        return
    for name in SQLITE_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def drop_functions(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for fn in PG_FUNCTIONS:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {fn}")


def triggers_present(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        return bool(conn.exec_driver_sql(
            "SELECT 1 FROM pg_trigger WHERE tgname = %(n)s AND NOT tgisinternal", {"n": PG_TRIGGER}).first())
    names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return set(SQLITE_TRIGGERS) <= names
