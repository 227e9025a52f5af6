"""待办: overdue milestones, 无进展 projects and deadlines within 30 days, by unit, with the last note."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update

from zsdesk import ops
from zsdesk.lifecycle import add_months
from zsdesk.lifecycle.todo import compute_todo
from zsdesk.models import Project


def test_todo_worked_example(build, ledger):  # type: ignore[no-untyped-def]
    today = date.today()
    build.unit("园区甲", "园区")
    build.unit("部门乙")
    formal = add_months(today, -4)
    late = build.project("逾期未开工", lead_unit_id="部门乙", agreement_amount="5000", formal_date=formal)
    build.project("约定将开工", lead_unit_id="园区甲", agreement_amount="5000",
                  formal_date=add_months(today, -1), promised_start_date=today + timedelta(days=10))
    quiet = build.project("长期无进展", lead_unit_id="园区甲", agreement_amount="20000",
                          formal_date=add_months(today, -1))  # 重点: start due in 5 months, neither late nor soon
    done = build.project("已开工", lead_unit_id="园区甲", agreement_amount="5000", formal_date=formal,
                         started_date=add_months(formal, 1))
    with ledger.session() as s:
        s.execute(update(Project).where(Project.id.in_([quiet, done])).values(
            updated_at=datetime.combine(today - timedelta(days=60), datetime.min.time())))
        s.commit()
    ops.add_progress(ledger, quiet, today - timedelta(days=40), "客商资金紧张")
    ops.add_progress(ledger, late, today - timedelta(days=2), "已约谈企业")

    todo = compute_todo(ledger, today)
    items = {(i.kind, i.name): i for i in todo.items}
    assert set(items) == {("overdue", "逾期未开工"), ("upcoming", "约定将开工"), ("stale", "长期无进展"),
                          ("stale", "已开工")}
    overdue = items[("overdue", "逾期未开工")]
    assert overdue.milestone == "start" and overdue.when == add_months(formal, 3)
    assert overdue.days == (today - add_months(formal, 3)).days and overdue.last_note == "已约谈企业"
    upcoming = items[("upcoming", "约定将开工")]
    assert upcoming.days == 10 and upcoming.promised and upcoming.when == today + timedelta(days=10)
    stale = items[("stale", "长期无进展")]
    assert stale.days == 40 and stale.last_note == "客商资金紧张"  # the note is the last sign of life
    assert items[("stale", "已开工")].days == 60
    assert [(unit, [i.name for i in group]) for unit, group in todo.by_unit()] == [
        ("园区甲", ["已开工", "长期无进展", "约定将开工"]), ("部门乙", ["逾期未开工"])]
    assert todo.count == 4 and todo.counts() == {"overdue": 1, "stale": 2, "upcoming": 1}
    ops.add_progress(ledger, quiet, today, "已协调银行贷款")  # a note today: no longer 无进展
    assert ("stale", "长期无进展") not in {(i.kind, i.name) for i in compute_todo(ledger, today).items}
