"""Leads and trips (SPEC §10) on a shared ledger: a 单位联络员 reaches only their own unit's, even with psql."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text

from zsdesk.opening import open_unlocked
from zsdesk.ops import leads as lead_ops
from zsdesk.ops import trips as trip_ops

from .conftest import Shared


def _ids(conn: psycopg.Connection, sql: str, *params: object) -> set[int]:
    return {r[0] for r in conn.execute(sql, params).fetchall()}  # type: ignore[arg-type]  # test SQL is literal


def test_a_liaison_reads_and_changes_only_their_units_leads_and_trips(shared: Shared) -> None:
    with open_unlocked(shared.url) as owner:
        mine = lead_ops.create_lead(owner, {"received_date": "2026-03-01", "source_id": "以商招商",
                                            "company": "甲的线索公司", "unit_id": "甲园区"}).ids("lead", "insert")[0]
        theirs = lead_ops.create_lead(owner, {"received_date": "2026-03-02", "source_id": "以商招商",
                                              "company": "乙的线索公司", "unit_id": "乙街道"}).ids("lead", "insert")[0]
        lead_ops.add_followup(owner, theirs, "2026-03-05", "乙的跟进")
        joint = trip_ops.create_trip(owner, {"departure_date": "2026-03-10", "province": "广东省",
                                             "unit_ids": "甲园区、乙街道"},
                                     [{"company": "深圳某公司", "date": "2026-03-11", "outcome": "有合作意向"}]
                                     ).ids("trip", "insert")[0]
        other = trip_ops.create_trip(owner, {"departure_date": "2026-03-12", "province": "浙江省",
                                             "unit_ids": "乙街道"},
                                     [{"company": "杭州某公司", "date": "2026-03-13", "outcome": "一般"}]
                                     ).ids("trip", "insert")[0]
    login = shared.login("liaison", unit="甲园区")
    with shared.raw(login) as conn:
        assert _ids(conn, "SELECT id FROM leads") == {mine}
        assert _ids(conn, "SELECT lead_id FROM lead_followups") == set()
        assert conn.execute("UPDATE leads SET notes = '改' WHERE id = %s", (theirs,)).rowcount == 0
        assert conn.execute("DELETE FROM lead_followups WHERE lead_id = %s", (theirs,)).rowcount == 0
        assert _ids(conn, "SELECT id FROM trips") == {joint}
        assert _ids(conn, "SELECT trip_id FROM trip_visits") == {joint}
        assert conn.execute("UPDATE trip_visits SET company = '改' WHERE trip_id = %s", (other,)).rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO leads (received_date, company, contact_name, phone, intended_investment, "
                         "unit_id, status, status_reason, notes, created_at, updated_at, version) VALUES "
                         "('2026-03-03', '冒名', '', '', 0, %s, 'new', '', '', now(), now(), 1)",
                         (shared.units["乙街道"],))
        # 搭车挂靠 on a trip: joining another unit's trip is refused.
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO trip_units (trip_id, unit_id) VALUES (%s, %s)", (other, shared.units["甲园区"]))
        assert conn.execute("UPDATE leads SET notes = '联络员改' WHERE id = %s", (mine,)).rowcount == 1


def test_the_maintained_last_followup_is_no_way_around_the_roles(shared: Shared) -> None:
    """leads.last_followup (migration 0010, kept by the operations) under the same rules as every column:
    a liaison cannot move another unit's lead in the follow-up order, a reader cannot write it at all."""
    with open_unlocked(shared.url) as owner:
        theirs = lead_ops.create_lead(owner, {"received_date": "2026-03-02", "source_id": "以商招商",
                                              "company": "乙的线索公司", "unit_id": "乙街道"}).ids("lead", "insert")[0]
    with shared.raw(shared.login("liaison", unit="甲园区")) as conn:
        assert conn.execute("UPDATE leads SET last_followup = '2030-01-01' WHERE id = %s", (theirs,)).rowcount == 0
    with shared.raw(shared.login("reader")) as conn:
        assert _ids(conn, "SELECT id FROM leads") == {theirs}
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE leads SET last_followup = '2030-01-01' WHERE id = %s", (theirs,))
    with open_unlocked(shared.url) as owner, owner.reading() as s:
        assert str(s.scalar(text("SELECT last_followup FROM leads WHERE id = :i"), {"i": theirs})) == "2026-03-02"
