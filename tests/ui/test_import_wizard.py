"""Import wizard: a file with errors shows a row-by-row report and writes nothing; a clean one imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from ui.common.context import LedgerContext
from ui.files.transfer import ExportDialog, ImportWizard, write_templates
from zsdesk.models import Project
from zsdesk.queries import ProjectQuery

HEADERS = ["项目名称", "投资方", "投资方来源", "产业链", "是否工业项目", "协议资金（万元）", "框架协议签订日期",
           "正式合同签订日期", "牵头单位"]


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _count(context: LedgerContext) -> int:
    with context.ledger.reading() as s:
        return s.scalar(select(func.count()).select_from(Project).where(Project.deleted_at.is_(None))) or 0


def _wizard(context: LedgerContext, qtbot: Any, path: Path) -> ImportWizard:
    wizard = ImportWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.path.setText(str(path))
    wizard.kind.setCurrentIndex(wizard.kind.findData("projects"))
    return wizard


def test_import_with_errors_shows_report_and_writes_nothing(context: LedgerContext, qtbot: Any, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "bad.xlsx", [
        ["数字乡村服务平台", "贵州贵阳数字科技有限公司", "市外", "数字经济", "否", "6000", "2026-02-01", "", "区商务委"],
        ["电机生产线", "江苏苏州电机有限公司", "外星", "先进制造", "是", "12亿元", "2026-05-01", "2026-03-01",
         "正阳工业园区"],
        ["", "无名公司", "市外", "", "是", "abc", "", "", ""],
    ])
    before = _count(context)
    wizard = _wizard(context, qtbot, path)
    wizard.check_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=15000)
    assert not wizard.report.ok
    assert not wizard.confirm_button.isEnabled()
    problems = [wizard.problems.rows[r] for r in range(wizard.problems.rowCount())]
    rows_with_problems = {p[1] for p in problems}
    assert {3, 4} <= rows_with_problems and 2 not in rows_with_problems
    text = " ".join(str(p[3]) for p in problems)
    assert "外星" in text and "abc" in text
    wizard.table.sortByColumn(1, wizard.table.horizontalHeader().sortIndicatorOrder().DescendingOrder)
    assert wizard.problems.rows[0][1] == max(r for r in rows_with_problems if isinstance(r, int))
    assert _count(context) == before


def test_clean_import_confirms_and_can_be_undone(context: LedgerContext, qtbot: Any, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "good.xlsx", [
        ["数字乡村服务平台", "贵州贵阳数字科技有限公司", "市外", "数字经济", "否", "6000", "2026-02-01", "", "区商务委"],
        ["电机生产线", "江苏苏州电机有限公司", "区外市内", "先进制造", "是", "1.2亿", "2026-03-01", "2026-05-01",
         "正阳工业园区"],
    ])
    before = _count(context)
    wizard = _wizard(context, qtbot, path)
    wizard.check()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=15000)
    assert wizard.report.ok and wizard.confirm_button.isEnabled()
    assert _count(context) == before  # the check wrote nothing
    wizard.confirm_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=15000)
    assert _count(context) == before + 2
    assert context.undo_label is not None and "导入" in context.undo_label
    context.undo(None)
    assert _count(context) == before


def test_export_filtered_ledger_and_templates(context: LedgerContext, qtbot: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    dialog = ExportDialog(context, ProjectQuery(text="新材料"))
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("ledger"))
    dialog.path.setText(str(tmp_path / "台账.xlsx"))
    dialog.export()
    qtbot.waitUntil(lambda: (tmp_path / "台账.xlsx").exists() and not context.runner.busy, timeout=15000)
    sheet = load_workbook(tmp_path / "台账.xlsx", read_only=True).worksheets[0]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "玻纤新材料生产线" in text and "碳化硅新材料项目" in text and "预制菜" not in text
    written = write_templates(context, tmp_path, None)
    assert len(written) == 5 and all(p.exists() for p in written)
