"""累计到位 kept per project (migration 0009, zsdesk/ops/totals.py) and the ledger's sorts that use it (issue 20).

Every operation that changes funding keeps ``projects.arrived_total`` equal to the sum of the project's
live entries; ``zsdesk check`` reports a total changed behind the app's back in Chinese; the sorts by
累计到位, 牵头单位 and 落地园区 give the order the plain SQL join would give, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.ledger import Ledger
from zsdesk.models import Funding, Project, Unit
from zsdesk.opening import open_unlocked
from zsdesk.queries import ProjectQuery
from zsdesk.xlsx.importer import import_file


def _totals(ledger: Ledger) -> tuple[dict[int, int], dict[int, int]]:
    """(stored arrived_total, sum of live entries) per project."""
    with ledger.reading() as s:
        stored = dict(s.execute(select(Project.id, Project.arrived_total)).all())
        sums = {pid: 0 for pid in stored}
        for pid, amount in s.execute(select(Funding.project_id, Funding.amount).where(Funding.deleted_at.is_(None))):
            sums[pid] += amount
    return stored, sums


def _assert_kept(ledger: Ledger) -> None:
    stored, sums = _totals(ledger)
    assert stored == sums


def test_every_funding_operation_keeps_the_total(build, ledger, tmp_path):
    build.unit("经开区", "园区")
    a = build.project("甲项目", lead_unit_id="经开区", framework_date="2026-01-05")
    b = build.project("乙项目", lead_unit_id="经开区", framework_date="2026-01-06")
    build.funding(a, "2026-02-01", "100")
    build.funding(a, "2026-03-01", "250.5")
    _assert_kept(ledger)
    with ledger.reading() as s:
        first, second = s.scalars(select(Funding.id).order_by(Funding.id)).all()
    ops.update_funding(ledger, first, {"amount": "120"})
    _assert_kept(ledger)
    ops.update_funding(ledger, second, {"project_id": b})  # moved to another project: both totals change
    _assert_kept(ledger)
    assert _totals(ledger)[0] == {a: 1_200_000, b: 2_505_000}
    ops.delete_funding(ledger, [first])
    _assert_kept(ledger)
    ops.restore_funding(ledger, [first])
    _assert_kept(ledger)
    for _ in range(3):
        ops.undo(ledger)
        _assert_kept(ledger)
    ops.redo(ledger)
    _assert_kept(ledger)
    ops.delete_projects(ledger, [a])
    ops.restore_projects(ledger, [a])
    _assert_kept(ledger)
    wb = Workbook()
    wb.active.append(["项目名称", "投资方", "到位日期", "到位金额（万元）"])
    wb.active.append(["甲项目", "甲项目公司", "2026-04-01", "30"])
    wb.active.append(["乙项目", "乙项目公司", "2026-04-02", "-5"])
    wb.save(tmp_path / "f.xlsx")
    assert import_file(ledger, "funding", tmp_path / "f.xlsx", dry_run=False).written
    _assert_kept(ledger)
    ops.undo(ledger)
    _assert_kept(ledger)
    assert check_ledger(ledger.path).healthy


def test_check_reports_a_total_changed_behind_the_apps_back(build, ledger):
    build.unit("经开区", "园区")
    a = build.project("甲项目", lead_unit_id="经开区", framework_date="2026-01-05")
    build.funding(a, "2026-02-01", "100")
    assert check_ledger(ledger.path).healthy
    ledger.close()
    with sqlite3.connect(ledger.path) as con:
        con.execute("UPDATE projects SET arrived_total = 5 WHERE id = ?", (a,))
    report = check_ledger(ledger.path)
    assert not report.healthy
    assert any("累计到位" in line and "100" in line and "不符" in line for line in report.lines()), report.lines()


def _reference(session, sort: str, descending: bool) -> list[int]:
    """The order of the plain SQL the sorts replaced: a join (or a sum) sorted by the database."""
    unit = aliased(Unit)
    if sort == "arrived_amount":
        sums = (select(Funding.project_id, func.sum(Funding.amount).label("total"))
                .where(Funding.deleted_at.is_(None)).group_by(Funding.project_id).subquery())
        stmt = select(Project.id).outerjoin(sums, sums.c.project_id == Project.id)
        key = func.coalesce(sums.c.total, 0)
    else:
        column = Project.lead_unit_id if sort == "lead_unit" else Project.landing_park_id
        stmt = select(Project.id).outerjoin(unit, unit.id == column)
        key = unit.name
    stmt = stmt.where(Project.deleted_at.is_(None))
    order = (key.desc(), Project.id.desc()) if descending else (key.asc(), Project.id.asc())
    return list(session.scalars(stmt.order_by(*order)))


def _fill(ledger: Ledger) -> None:
    for name, kind in (("b园区", "园区"), ("A园区", "园区"), ("城南街道", "乡镇街道"), ("区商务委", "部门"), ("a园区", "园区")):
        ops.create_unit(ledger, {"name": name, "short_name": name, "kind": kind})
    leads = ["b园区", "A园区", None, "城南街道", "区商务委", "a园区"]
    parks = ["b园区", None, "A园区", "a园区"]
    ids = []
    for i in range(30):
        lead = leads[i % len(leads)]
        fields = {"name": f"项目{i}", "investor": f"公司{i % 4}", "lead_unit_id": lead,
                  "landing_park_id": parks[i % len(parks)]}
        if lead:
            fields["framework_date"] = "2026-01-05"
        ids.append(ops.create_project(ledger, fields).ids("project")[0])
    for i, pid in enumerate(ids):
        for k in range(i % 3):
            ops.add_funding(ledger, {"project_id": pid, "date": "2026-02-01", "amount": str((i * 7) % 5 + k + 1)})
    ops.delete_projects(ledger, ids[5:7])


SORTS = [(sort, desc) for sort in ("arrived_amount", "lead_unit", "landing_park") for desc in (False, True)]


@pytest.mark.parametrize(("sort", "descending"), SORTS)
def test_sorts_give_the_plain_sql_order_on_sqlite(ledger, sort, descending):
    _fill(ledger)
    with ledger.reading() as s:
        expected = _reference(s, sort, descending)
        assert ProjectQuery(sort=sort, descending=descending).ids(s) == expected
        assert list(s.scalars(ProjectQuery(sort=sort, descending=descending).select())) == expected


SERVER = os.environ.get("ZSDESK_TEST_PG_URL")




def test_sorts_and_totals_on_postgresql(pg_url):
    with open_unlocked(pg_url, create=True) as ledger:
        _fill(ledger)
        _assert_kept(ledger)
        with ledger.reading() as s:
            for sort, descending in SORTS:
                assert ProjectQuery(sort=sort, descending=descending).ids(s) == _reference(s, sort, descending)
    assert check_ledger(pg_url).healthy
