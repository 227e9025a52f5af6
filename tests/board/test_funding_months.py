"""``funding_months`` (migration 0013): the board's funds per project, year and month, kept by triggers on
``funding`` (zsdesk/funding_months.py) — through every operation, an import, undo/redo and a raw write by
another tool alike — checked by ``zsdesk check``, on SQLite and PostgreSQL, and under a 单位联络员's rights.
The expected rows are computed here in Python from the live entries, independently of the SQL."""

from __future__ import annotations

import sqlite3
from datetime import date

from openpyxl import Workbook
from sqlalchemy import create_engine, insert, select, text, update

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.migrate import upgrade
from zsdesk.models import MONTH_COLUMNS, Funding, FundingMonth
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.importer import import_file

Rows = dict[tuple[int, int], tuple[int, ...]]


def _expected(ledger: Ledger) -> Rows:
    """(project, year) → (entry_months, m01 … m12) from the live entries, in Python."""
    out: dict[tuple[int, int], list[int]] = {}
    with ledger.reading() as s:
        for pid, when, amount in s.execute(select(Funding.project_id, Funding.date, Funding.amount)
                                           .where(Funding.deleted_at.is_(None))):
            row = out.setdefault((pid, when.year), [0] * 13)
            row[0] |= 1 << (when.month - 1)
            row[when.month] += amount
    return {k: tuple(v) for k, v in out.items()}


def _stored(ledger: Ledger) -> Rows:
    cols = [FundingMonth.__table__.c[c] for c in ("entry_months", *MONTH_COLUMNS)]
    with ledger.reading() as s:
        return {(r[0], r[1]): tuple(r[2:]) for r in s.execute(
            select(FundingMonth.project_id, FundingMonth.year, *cols))}


def _assert_kept(ledger: Ledger) -> None:
    assert _stored(ledger) == _expected(ledger)


def _exercise(ledger: Ledger, tmp_path) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Every kind of funding write; the table is compared with the entries after each."""
    unit = ops.create_unit(ledger, {"name": "经开区", "short_name": "经开区", "kind": "园区"}).ids("unit")[0]
    a, b = (ops.create_project(ledger, {"name": n, "investor": f"{n}公司", "lead_unit_id": unit,
                                        "framework_date": "2025-01-05"}).ids("project")[0] for n in ("甲项目", "乙项目"))
    for when, amount in (("2026-02-01", "100"), ("2026-02-09", "-100"), ("2026-03-01", "250.5"),
                         ("2025-12-31", "7")):
        ops.add_funding(ledger, {"project_id": a, "date": when, "amount": amount})
        _assert_kept(ledger)
    # A month whose entries sum to nothing still has its bit: it had entries.
    assert _stored(ledger)[(a, 2026)][0] == 0b110 and _stored(ledger)[(a, 2026)][2] == 0
    with ledger.reading() as s:
        ids = s.scalars(select(Funding.id).order_by(Funding.id)).all()
    ops.update_funding(ledger, ids[0], {"amount": "120"})
    _assert_kept(ledger)
    ops.update_funding(ledger, ids[2], {"project_id": b})  # moved to another project
    _assert_kept(ledger)
    ops.update_funding(ledger, ids[3], {"date": "2026-01-31"})  # moved to another year: 2025's row goes
    _assert_kept(ledger)
    assert (a, 2025) not in _stored(ledger)
    ops.delete_funding(ledger, [ids[1]])  # the last entry of a month: its bit goes with it
    _assert_kept(ledger)
    ops.restore_funding(ledger, [ids[1]])
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
    wb.active.append(["乙项目", "乙项目公司", "2024-04-02", "-5"])
    wb.save(tmp_path / "f.xlsx")
    assert import_file(ledger, "funding", tmp_path / "f.xlsx", dry_run=False).written
    _assert_kept(ledger)
    assert (b, 2024) in _stored(ledger)
    ops.undo(ledger)
    _assert_kept(ledger)
    assert (b, 2024) not in _stored(ledger)
    return a, b


def test_every_funding_write_keeps_the_table(ledger, tmp_path):
    _exercise(ledger, tmp_path)
    assert check_ledger(ledger.path).healthy


def test_a_raw_write_by_another_tool_is_kept_too(ledger, tmp_path):
    a, _ = _exercise(ledger, tmp_path)
    with ledger.session() as s:  # Core rows straight into funding, as the board's property test loads them
        s.execute(insert(Funding), [{"project_id": a, "date": date(2026, 5, d), "amount": 3 * d} for d in (1, 2)])
        s.execute(update(Funding).where(Funding.amount == 3).values(deleted_at=date(2026, 6, 1)))
        s.commit()
    _assert_kept(ledger)
    with sqlite3.connect(ledger.path) as con:
        con.execute("DELETE FROM funding WHERE amount = 6")
    _assert_kept(ledger)


def test_check_reports_a_row_changed_missing_or_added_behind_the_apps_back(ledger, tmp_path):
    a, b = _exercise(ledger, tmp_path)
    assert check_ledger(ledger.path).healthy
    ledger.close()
    with sqlite3.connect(ledger.path) as con:
        con.execute("UPDATE funding_months SET m03 = m03 + 1 WHERE project_id = ? AND year = 2026", (b,))
    report = check_ledger(ledger.path)
    assert not report.healthy
    assert any("2026 年逐月到位资金" in line and "不符" in line for line in report.lines()), report.lines()
    with sqlite3.connect(ledger.path) as con:
        con.execute("UPDATE funding_months SET m03 = m03 - 1 WHERE project_id = ? AND year = 2026", (b,))
        con.execute("DELETE FROM funding_months WHERE project_id = ? AND year = 2026", (a,))
    assert any("2026 年逐月到位资金" in line for line in check_ledger(ledger.path).lines())
    with sqlite3.connect(ledger.path) as con:
        con.execute("DELETE FROM funding_months")
        con.execute("INSERT INTO funding_months (year, project_id, entry_months, m01) VALUES (2019, ?, 1, 5)", (a,))
    lines = check_ledger(ledger.path).lines()
    assert any("2019 年逐月到位资金" in line for line in lines), lines
    with sqlite3.connect(ledger.path) as con:
        con.execute("DROP TRIGGER funding_months_insert")
    assert any("触发器缺失" in line for line in check_ledger(ledger.path).lines())


def test_the_demo_and_the_migration_fill_it(tmp_path):
    path = tmp_path / "demo.sqlite"
    with open_unlocked(path, create=True) as led:
        build_demo(led, projects=300, seed=7)
        _assert_kept(led)
        expected = _expected(led)
        assert len(expected) > 100
    assert check_ledger(path).healthy
    # The same ledger taken back to before 0013 and upgraded: the backfill gives the same rows, triggers included.
    engine = create_engine(f"sqlite:///{path}")
    from alembic import command

    from zsdesk.migrate import alembic_config

    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013-1")
        assert not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'funding_months'")).first()
    upgrade(engine)
    engine.dispose()
    with open_unlocked(path) as led:
        assert _stored(led) == expected
    assert check_ledger(path).healthy


def test_on_postgresql(pg_url, tmp_path):
    with open_unlocked(pg_url, create=True) as led:
        a, _ = _exercise(led, tmp_path)
        with led.session() as s:
            s.execute(insert(Funding), [{"project_id": a, "date": date(2026, 5, 1), "amount": 9}])
            s.commit()
        _assert_kept(led)
    # The raw entry is flagged as written outside the app (the audit chain; 累计到位, kept by the operations,
    # misses it); the monthly sums, kept by the trigger, agree with it.
    problems = check_ledger(pg_url).problems
    assert any(p.kind == "audit" for p in problems), problems
    assert not any("逐月" in p.message for p in problems), problems


def test_the_demo_on_postgresql(pg_url):
    with open_unlocked(pg_url, create=True) as led:
        build_demo(led, projects=200, seed=3)
        _assert_kept(led)
        assert len(_stored(led)) > 50
        ops.add_funding(led, {"project_id": 1, "date": "2026-06-30", "amount": "1"})  # the triggers are back
        _assert_kept(led)
    assert check_ledger(pg_url).healthy
