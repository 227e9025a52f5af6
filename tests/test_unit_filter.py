"""The table's filter by unit (牵头单位 or 合作单位) reads the unit's projects from two indexes, not the whole
table (issue 20: 100k projects ~200 → ~4 ms), and keeps the rows and order of the plain SQL condition — the
lead unit, or an EXISTS on the cooperating units — for every sort, with a text and a stage filter beside it,
deleted and withdrawn projects included, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from zsdesk import ops
from zsdesk.ledger import Ledger
from zsdesk.models import Project, ProjectCooperatingUnit, Unit
from zsdesk.opening import open_unlocked
from zsdesk.queries import ProjectQuery

UNITS = ("区商务委", "经开区", "城南街道", "区经济信息委")
CASES = [
    {"sort": "code"}, {"sort": "code", "descending": True}, {"sort": "arrived_amount", "descending": True},
    {"sort": "lead_unit"}, {"sort": "name"}, {"sort": "code", "text": "光伏"},
    {"sort": "code", "stages": ("signed",)}, {"sort": "code", "include_withdrawn": True},
]


def _fill(ledger: Ledger) -> None:
    for name in UNITS:
        ops.create_unit(ledger, {"name": name, "short_name": name, "kind": "部门"})
    ids = []
    for i in range(36):
        fields: dict[str, Any] = {"name": f"{'光伏' if i % 3 == 0 else '玻纤'}项目{i}", "investor": f"公司{i % 5}",
                                  "lead_unit_id": UNITS[i % 4] if i % 7 else None}
        if i % 4 == 1:  # two cooperating units (a unit can be both lead and cooperating in different projects)
            fields["cooperating_unit_ids"] = f"{UNITS[(i + 1) % 4]}、{UNITS[(i + 2) % 4]}"
        if i % 2 and i % 7:  # signed: a lead unit is required
            fields["framework_date"] = "2026-01-05"
        ids.append(ops.create_project(ledger, fields).ids("project")[0])
    for i, pid in enumerate(ids[:12]):
        ops.add_funding(ledger, {"project_id": pid, "date": "2026-02-01", "amount": str(i % 5 + 1)})
    ops.delete_projects(ledger, ids[1:3])
    ops.withdraw_projects(ledger, ids[5:6], date(2026, 3, 1))


def _reference(session: Session, query: ProjectQuery) -> list[int]:
    """The same query with the plain condition: every project scanned, the pairs probed for each."""
    unit_id = query.unit_id
    plain = replace(query, unit_id=None)
    stmt = plain.select(plain.narrowed(session)).where(or_(Project.lead_unit_id == unit_id, exists().where(
        ProjectCooperatingUnit.project_id == Project.id, ProjectCooperatingUnit.unit_id == unit_id)))
    return list(session.scalars(stmt))


def _assert_same(ledger: Ledger) -> int:
    compared = 0
    with ledger.reading() as s:
        for unit_id in s.scalars(select(Unit.id)):
            for case in CASES:
                query = ProjectQuery(unit_id=unit_id, **case)  # type: ignore[arg-type]
                expected = _reference(s, query)
                assert query.ids(s) == expected, (unit_id, case)
                assert query.count(s) == len(expected)
                compared += len(expected)
    return compared


def test_the_unit_filter_keeps_the_plain_conditions_rows_and_order(ledger):
    _fill(ledger)
    assert _assert_same(ledger) > 100
    with ledger.reading() as s:  # a cooperating unit's project is found though another unit leads it
        unit = s.scalar(select(Unit.id).where(Unit.name == UNITS[2]))
        names = {s.get(Project, pid).name for pid in ProjectQuery(unit_id=unit).ids(s)}
    assert "光伏项目9" in names  # led by 经开区, 城南街道 cooperating


def test_the_unit_filter_reads_indexes_not_the_table(ledger):
    _fill(ledger)
    with ledger.reading() as s:
        unit = s.scalar(select(Unit.id).where(Unit.name == UNITS[0]))
        connection = s.connection()
        for case in CASES[:5]:
            stmt = ProjectQuery(unit_id=unit, **case).select()  # type: ignore[arg-type]
            compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
            params = compiled.construct_params()
            plan = [r[3] for r in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + compiled.string, tuple(params[k] for k in compiled.positiontup or []))]
            assert not any(line.startswith("SCAN projects") for line in plan), (case, plan)
            assert any("ix_project_cooperating_units_unit_id" in line for line in plan), (case, plan)


def test_the_unit_filter_on_postgresql(pg_url):
    with open_unlocked(pg_url, create=True) as ledger:
        _fill(ledger)
        assert _assert_same(ledger) > 100
