"""The demo district's year of leads and trips: a funnel, some trips under quota, audited (check clean)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from zsdesk.activity import compute_activity
from zsdesk.check import check_ledger
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.models import Lead, Project, TripVisit
from zsdesk.periods import parse_period
from zsdesk.queries.leads import stale_lead_ids

TODAY = date(2026, 11, 20)


def test_demo_year_of_activity(ledger: Ledger) -> None:
    build_demo(ledger, today=TODAY)
    with ledger.reading() as s:
        activity = compute_activity(s, parse_period("2026Q3"))
        d = activity.district
        assert d.trips >= 15 and 0 < d.trips_under_quota < d.trips
        assert d.new_leads > 100 and 0 < d.converted_leads < d.new_leads and d.new_negotiations > 0
        assert sum(1 for u in activity.units if u.figures.trips) >= 10
        # the funnel: every converted lead is linked to a project first contacted on the day it was received
        pairs = s.execute(select(Lead.received_date, Project.first_contact_date, Lead.company, Project.investor)
                          .join(Project, Project.id == Lead.project_id)).all()
        assert len(pairs) > 30 and all(r == c and a == b for r, c, a, b in pairs)
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "converted",
                                                                     Lead.project_id.is_(None))) == 0
        assert s.scalar(select(func.count()).select_from(TripVisit).where(TripVisit.lead_id.is_not(None))) > 5
        assert 0 < len(stale_lead_ids(s, 30, TODAY)) < d.new_leads
        assert s.scalar(select(func.max(Lead.received_date))) <= TODAY
    assert ledger.path is not None
    report = check_ledger(ledger.path)
    assert report.healthy, [p.message for p in report.problems][:5]
