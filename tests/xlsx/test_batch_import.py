"""The import writes new projects in batches (one executemany per table): the rows, codes, links and
audit records must be exactly those the one-at-a-time ``create_project`` writes, and the same-name rule
must still refuse within the batch (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.ledger import Ledger
from zsdesk.models import AuditEntry, Project
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.importer import import_file

from .conftest import fill_units_and_persons, write_rows

HEADERS = ["项目名称", "投资方", "投资方标签", "产业链", "协议资金（万元）", "首次接洽日期", "框架协议签订日期",
           "正式合同签订日期", "牵头单位", "配合单位", "落地园区", "引荐人", "备注"]


def _rows(n: int) -> list[list[object]]:
    rows = []
    for i in range(n):
        signed = f"2026-0{1 + i % 9}-1{i % 10}" if i % 3 else None
        rows.append([f"批量项目{i}", f"投资方{i % 7}", "上市公司" if i % 2 else None, "绿色建材" if i % 4 else None,
                     str(100 + i), "2025-12-01", signed, None, "区商务委" if signed or i % 5 else None,
                     "城南街道、正阳工业园区" if i % 6 == 1 else ("城南街道" if i % 6 == 2 else None),
                     "正阳工业园区" if i % 3 == 0 else None, "张三、李四" if i % 4 == 1 else None, f"第{i}行"])
    return rows


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    return write_rows(path, HEADERS, rows)


def _prepare(ledger: Ledger) -> None:
    fill_units_and_persons(ledger)  # the chains and investor tags used are in every new ledger


def _audit_after(ledger: Ledger) -> list[tuple[str, int, str, dict[str, object]]]:
    with ledger.reading() as s:
        rows = s.execute(select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.action, AuditEntry.after)
                         .where(AuditEntry.entity == "project").order_by(AuditEntry.id)).all()
    out = []
    for entity, entity_id, action, after in rows:
        snap = json.loads(after)
        for key in ("created_at", "updated_at"):
            snap.pop(key)
        out.append((entity, entity_id, action, snap))
    return out


def test_batch_import_writes_what_one_by_one_creates_write(ledger, tmp_path):
    _prepare(ledger)
    rows = _rows(1_200)  # more than one batch of 1,000
    report = import_file(ledger, "projects", _workbook(tmp_path / "p.xlsx", rows), dry_run=False)
    assert report.written, report.problems
    assert report.would_create == 1_200

    with open_unlocked(tmp_path / "one-by-one.sqlite", create=True) as other:
        _prepare(other)
        for row in rows:
            # The same checked values the import gives, one create_project each (the per-row path).
            fields = dict(zip(["name", "investor", "tag_ids", "chain_id", "agreement_amount", "first_contact_date",
                               "framework_date", "formal_date", "lead_unit_id", "cooperating_unit_ids",
                               "landing_park_id", "person_ids", "notes"], row, strict=True))
            fields = {k: v for k, v in fields.items() if v is not None}
            for key in ("tag_ids", "cooperating_unit_ids", "person_ids"):
                if key in fields:
                    fields[key] = str(fields[key])
            ops.create_project(other, fields)
        expected = _audit_after(other)
    assert _audit_after(ledger) == expected
    assert check_ledger(ledger.path).healthy
    ops.undo(ledger)
    with ledger.reading() as s:
        assert s.scalar(select(Project.id).where(Project.deleted_at.is_(None)).limit(1)) is None
    assert check_ledger(ledger.path).healthy


def test_batch_refuses_a_name_differing_only_in_case_within_the_file(ledger, tmp_path):
    _prepare(ledger)
    ops.create_project(ledger, {"name": "Alpha项目", "investor": "甲公司"})
    rows = [["beta项目", "乙公司"], ["BETA项目", "乙公司"]]
    wb = Workbook()
    wb.active.append(["项目名称", "投资方"])
    for row in rows:
        wb.active.append(row)
    wb.save(tmp_path / "p.xlsx")
    report = import_file(ledger, "projects", tmp_path / "p.xlsx", dry_run=False)
    assert not report.written
    assert any("已有投资方相同的同名项目" in p.reason for p in report.problems), report.problems
    with ledger.reading() as s:
        assert s.scalar(select(Project.id).where(Project.investor == "乙公司")) is None
    # A stored project's name in other capitals is refused too (the check pass names it at its row).
    wb = Workbook()
    wb.active.append(["项目名称", "投资方"])
    wb.active.append(["ALPHA项目", "甲公司"])
    wb.save(tmp_path / "q.xlsx")
    report = import_file(ledger, "projects", tmp_path / "q.xlsx", dry_run=False)
    assert not report.written and report.problems


def test_batches_of_one_import_see_each_other_and_any_write_between_them(ledger):
    """The stored names are loaded once per import and kept between its batches (issue 20); a batch
    still clashes with an earlier batch's row, and a write between batches (an updated row renaming a
    stored project) is seen by the next batch, as when every batch asked the database again."""
    import pytest

    from zsdesk.errors import ValidationError
    from zsdesk.ops.crud import validate
    from zsdesk.ops.history import operation
    from zsdesk.ops.projects import insert_projects_in
    from zsdesk.xlsx.rows_projects import ProjectReader

    _prepare(ledger)
    pid = ops.create_project(ledger, {"name": "旧名项目", "investor": "甲公司"}).ids("project")[0]

    def values(session, name):  # checked as the import's check pass does: without the same-name query
        return validate(session, ProjectReader.check_spec, {"name": name, "investor": "甲公司"}, None)

    with pytest.raises(ValidationError, match="同名项目"):
        with operation(ledger, "两批") as op:
            insert_projects_in(op, [values(op.session, "第一批项目")])
            insert_projects_in(op, [values(op.session, "第一批项目")])
    with pytest.raises(ValidationError, match="同名项目"):
        with operation(ledger, "两批之间改名") as op:
            insert_projects_in(op, [values(op.session, "别的项目")])
            project = op.session.get(Project, pid)
            before = op.snapshot("project", project)
            project.name = "新名项目"
            op.record("project", project, "update", before)
            insert_projects_in(op, [values(op.session, "新名项目")])
    with operation(ledger, "两批都可写") as op:
        ids = insert_projects_in(op, [values(op.session, "丙项目")]) + insert_projects_in(op, [values(op.session, "丁项目")])
    with ledger.reading() as s:
        assert [s.get(Project, i).name for i in ids] == ["丙项目", "丁项目"]
    assert check_ledger(ledger.path).healthy
