"""约定开工日期 | 约定投产日期 in the project template (after 达产日期), imported into the ledger."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from zsdesk.models import Project
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.template import make_template


def test_template_and_import_of_promised_dates(build, tmp_path):  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    template = make_template("projects", build.ledger, tmp_path / "t.xlsx")
    headers = [c.value for c in load_workbook(template).worksheets[0][1] if c.value]
    assert headers.index("约定开工日期") > headers.index("达产日期")
    assert headers.index("约定投产日期") == headers.index("约定开工日期") + 1
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "投资方", "协议资金（万元）", "正式合同签订日期", "牵头单位", "约定开工日期", "约定投产日期"])
    ws.append(["约定项目", "约定公司", "5000", "2026-01-15", "园区甲", "2026年5月1日", "2027/6/30"])
    ws.append(["倒挂项目", "倒挂公司", "5000", "2026-01-15", "园区甲", "2026-06-01", "2026-05-01"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    report = import_file(build.ledger, "projects", path, dry_run=False)
    assert not report.ok and "约定投产日期" in report.problem_table()  # nothing written: all rows or none
    ws.delete_rows(3)
    wb.save(path)
    report = import_file(build.ledger, "projects", path, dry_run=False)
    assert report.ok, report.problem_table()
    with build.ledger.reading() as s:
        p = s.scalar(select(Project).where(Project.name == "约定项目"))
        assert (p.promised_start_date, p.promised_production_date) == (date(2026, 5, 1), date(2027, 6, 30))
        assert p.stage == "formal"  # a promise is not a milestone
