"""最近跟进 kept per lead (migration 0010, zsdesk/ops/totals.py) and the leads table's sort that uses it (issue 20).

Every operation that changes a lead's follow-ups (or the lead) keeps ``leads.last_followup`` equal to the
date of its latest live follow-up, else its received date; ``zsdesk check`` reports one changed behind the
app's back in Chinese; the sort gives the order the plain SQL (a max per lead) gives.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from zsdesk import ops
from zsdesk.activity.demo import add_activity_demo
from zsdesk.check import check_ledger
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.models import Lead, LeadFollowup
from zsdesk.ops import leads as lead_ops
from zsdesk.queries.leads import LeadQuery

from .conftest import new_lead


def _expected(ledger: Ledger) -> dict[int, date]:
    with ledger.reading() as s:
        latest = dict(s.execute(select(LeadFollowup.lead_id, func.max(LeadFollowup.date))
                                .where(LeadFollowup.deleted_at.is_(None)).group_by(LeadFollowup.lead_id)).all())
        return {lid: latest.get(lid) or received for lid, received in s.execute(select(Lead.id, Lead.received_date))}


def _assert_kept(ledger: Ledger) -> None:
    with ledger.reading() as s:
        stored = dict(s.execute(select(Lead.id, Lead.last_followup)).all())
    assert stored == _expected(ledger)


def _path(ledger: Ledger) -> Path:
    assert ledger.path is not None
    return ledger.path


def test_every_followup_operation_keeps_the_date(ledger: Ledger) -> None:
    ops.create_unit(ledger, {"name": "甲园区", "short_name": "甲", "kind": "园区"})
    a = new_lead(ledger, "2026-03-01", "甲公司", "甲园区")
    b = new_lead(ledger, "2026-04-01", "乙公司", "甲园区")
    _assert_kept(ledger)  # no follow-up yet: the received date
    lead_ops.add_followup(ledger, a, "2026-05-10", "电话联系")
    lead_ops.add_followup(ledger, a, "2026-06-01", "上门拜访")
    _assert_kept(ledger)
    with ledger.reading() as s:
        first, second = s.scalars(select(LeadFollowup.id).order_by(LeadFollowup.id)).all()
        assert s.get(Lead, a).last_followup == date(2026, 6, 1)  # type: ignore[union-attr]
    lead_ops.update_followup(ledger, second, when="2026-04-20")  # now older than the other note
    _assert_kept(ledger)
    lead_ops.delete_followups(ledger, [first])
    _assert_kept(ledger)
    lead_ops.restore_followups(ledger, [first])
    _assert_kept(ledger)
    lead_ops.update_lead(ledger, b, {"received_date": "2026-04-15"})
    _assert_kept(ledger)
    for _ in range(4):
        ops.undo(ledger)
        _assert_kept(ledger)
    ops.redo(ledger)
    ops.redo(ledger)
    _assert_kept(ledger)
    lead_ops.delete_leads(ledger, [a])
    lead_ops.restore_leads(ledger, [a])
    _assert_kept(ledger)
    assert check_ledger(_path(ledger)).healthy


def test_check_reports_a_date_changed_behind_the_apps_back(ledger: Ledger) -> None:
    lid = new_lead(ledger, "2026-03-01", "篡改公司", None)
    lead_ops.add_followup(ledger, lid, "2026-05-10", "电话联系")
    assert check_ledger(_path(ledger)).healthy
    ledger.close()
    with sqlite3.connect(_path(ledger)) as con:
        con.execute("UPDATE leads SET last_followup = '2020-01-01' WHERE id = ?", (lid,))
    report = check_ledger(_path(ledger))
    assert not report.healthy
    assert any("篡改公司" in line and "最近跟进" in line and "2026-05-10" in line for line in report.lines()), \
        report.lines()


def _reference(ledger: Ledger, descending: bool) -> list[int]:
    """The order of the plain SQL the sort replaced: each live lead's latest live note, else received."""
    with ledger.reading() as s:
        latest = (select(func.max(LeadFollowup.date)).where(LeadFollowup.lead_id == Lead.id,
                                                            LeadFollowup.deleted_at.is_(None)).scalar_subquery())
        key = func.coalesce(latest, Lead.received_date)
        order = (key.desc(), Lead.id.desc()) if descending else (key.asc(), Lead.id.asc())
        return list(s.scalars(select(Lead.id).where(Lead.deleted_at.is_(None)).order_by(*order)))


@pytest.mark.parametrize("descending", [True, False])
def test_the_sort_gives_the_plain_sql_order_on_the_demo(ledger: Ledger, descending: bool) -> None:
    today = date(2026, 11, 20)
    build_demo(ledger, projects=300, today=today)
    add_activity_demo(ledger, today, 2026, leads=400, trips=40)
    _assert_kept(ledger)
    with ledger.reading() as s:
        some = list(s.scalars(select(Lead.id).order_by(Lead.id).limit(5)))
    lead_ops.delete_leads(ledger, some[:2])
    lead_ops.add_followup(ledger, some[3], "2026-11-19", "最新一次跟进")
    with ledger.reading() as s:
        ours = LeadQuery(sort="last_followup", descending=descending, today=today).ids(s)
    assert ours == _reference(ledger, descending)
    assert some[0] not in ours and some[3] in ours
    assert check_ledger(_path(ledger)).healthy
