"""A 单位联络员's import on a shared ledger: the batched insert must record what the server stored — the
trigger sends each new project to 待认定 — so ``zsdesk check`` stays clean (issue 20, SPEC §11)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from zsdesk.check import check_ledger
from zsdesk.models import AuditEntry, Project
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.importer import import_file

from .conftest import Shared


def _workbook(path: Path, n: int) -> Path:
    wb = Workbook()
    wb.active.append(["项目名称", "投资方", "协议资金（万元）", "正式合同签订日期", "牵头单位"])
    for i in range(n):
        wb.active.append([f"联络员导入{i}", f"导入公司{i % 3}", str(100 + i), f"2026-0{1 + i % 9}-15", "甲园区"])
    wb.save(path)
    return path


def test_a_liaisons_import_is_pending_and_the_check_stays_clean(shared: Shared, tmp_path: Path) -> None:
    login = shared.login("liaison", unit="甲园区")
    with open_unlocked(shared.url_for(login)) as led:
        report = import_file(led, "projects", _workbook(tmp_path / "导入.xlsx", 25), dry_run=False)
        assert report.written, report.problems
        assert report.would_create == 25
    with open_unlocked(shared.url) as owner, owner.reading() as s:
        stored = dict(s.execute(select(Project.id, Project.verification)
                                .where(Project.name.like("联络员导入%"))).all())
        audited = {entity_id: json.loads(after) for entity_id, after in s.execute(
            select(AuditEntry.entity_id, AuditEntry.after)
            .where(AuditEntry.entity == "project", AuditEntry.action == "insert",
                   AuditEntry.entity_id.in_(list(stored)))).all()}
    assert len(stored) == 25 and set(stored.values()) == {"pending"}  # 待认定
    assert {pid: snap.get("verification") for pid, snap in audited.items()} == stored
    report = check_ledger(shared.url)
    assert report.healthy, report


def test_a_liaisons_followups_keep_the_last_followup_date_and_the_check_clean(shared: Shared) -> None:
    from datetime import date

    from zsdesk.models import Lead
    from zsdesk.ops import leads as lead_ops

    login = shared.login("liaison", unit="甲园区")
    with open_unlocked(shared.url_for(login)) as led:
        lid = lead_ops.create_lead(led, {"received_date": "2026-03-01", "source_id": "以商招商",
                                         "company": "联络员线索公司", "unit_id": "甲园区"}).ids("lead", "insert")[0]
        lead_ops.add_followup(led, lid, "2026-05-10", "电话联系")
        lead_ops.add_followup(led, lid, "2026-04-01", "补记一次")
    with open_unlocked(shared.url) as owner, owner.reading() as s:
        lead = s.get(Lead, lid)
        assert lead is not None and lead.last_followup == date(2026, 5, 10)
    report = check_ledger(shared.url)
    assert report.healthy, report
