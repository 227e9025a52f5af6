"""The demo district carries landing work: promised dates, progress notes, units ahead and behind."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from zsdesk.demo import build_demo
from zsdesk.lifecycle import compute_lifecycle
from zsdesk.models import Project, ProjectProgress
from zsdesk.queries import ProjectQuery


def test_demo_has_units_ahead_and_behind_with_overdue_projects(ledger):  # type: ignore[no-untyped-def]
    today = date(2026, 11, 30)
    build_demo(ledger, today=today)
    lc = compute_lifecycle(ledger, "2026Q3")
    sizable = [u for u in lc.units if u.figures.cohort >= 5]
    assert any(u.figures.start_rate is not None and u.figures.start_rate >= 80 for u in sizable)
    assert any(u.figures.start_rate is not None and u.figures.start_rate < 50 for u in sizable)
    assert len(lc.overdue) >= 5 and any(o.promised for o in lc.overdue)
    assert any(p.start.promised and p.on_time for p in lc.projects)
    with ledger.reading() as s:
        notes = s.scalar(select(func.count()).select_from(ProjectProgress))
        noted = s.scalar(select(func.count(func.distinct(ProjectProgress.project_id))))
        promised = s.scalar(select(func.count()).where(Project.promised_start_date.is_not(None)))
        assert notes > 300 and noted > 150 and promised > 50
        assert s.scalar(select(func.max(ProjectProgress.date))) <= today
        stale = ProjectQuery(stale_only=True, today=today).count(s)
        live = ProjectQuery(include_withdrawn=False, today=today).count(s)
        assert 0 < stale < live / 3  # notes keep most projects fresh; some still need a call
