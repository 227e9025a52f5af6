"""Import wizard: a file with errors shows a row-by-row report and writes nothing; a clean one imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helper_process import helper_holds, helper_lets_go  # tests/ is on sys.path (pytest's rootdir)
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


def test_wizard_offers_to_create_missing_chains_and_units(context: LedgerContext, qtbot: Any, tmp_path: Path) -> None:
    """A unit's file names a chain and a unit the ledger lacks: the report lists each once with the nearest
    name; the button creates them (chain in the dictionary, unit as a 园区), the check passes, the import runs."""
    from zsdesk.models import DictionaryEntry, Unit

    path = _xlsx(tmp_path / "chains.xlsx", [
        ["冷链仓储中心", "重庆冷链有限公司", "市外", "冷链仓储", "否", "6000", "2026-02-01", "", "新城物流园区"],
        ["冷链二期", "重庆冷链有限公司", "市外", "冷链仓储", "否", "6000", "2026-02-03", "", "区商务委"],
    ])
    before = _count(context)
    wizard = _wizard(context, qtbot, path)
    wizard.check()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=15000)
    assert not wizard.report.ok and wizard.create_missing.isVisibleTo(wizard)
    assert wizard.report.missing_chains == ["冷链仓储"] and wizard.report.missing_units == ["新城物流园区"]
    summary = wizard.summary.text()
    assert "台账中没有这些产业链：冷链仓储" in summary and "设置" not in summary
    problems = " ".join(str(wizard.problems.rows[r][3]) for r in range(wizard.problems.rowCount()))
    assert "台账 → 单位与人员 → 产业链" in problems
    wizard.create_missing.click()
    qtbot.waitUntil(lambda: wizard.report is not None and wizard.report.ok, timeout=15000)
    with context.ledger.reading() as s:
        assert s.scalar(select(DictionaryEntry.id).where(DictionaryEntry.name == "冷链仓储")) is not None
        assert s.scalar(select(Unit.kind).where(Unit.name == "新城物流园区")) == "park"
    wizard.confirm_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=15000)
    assert _count(context) == before + 2


def test_wizard_maps_missing_names_to_the_nearest_existing_ones(context: LedgerContext, qtbot: Any,
                                                                tmp_path: Path) -> None:
    from zsdesk.models import DictionaryEntry

    path = _xlsx(tmp_path / "相近.xlsx", [
        ["康养基地", "重庆康养有限公司", "市外", "康养", "否", "6000", "2026-02-01", "", "区商务委"],
    ])
    before = _count(context)
    wizard = _wizard(context, qtbot, path)
    wizard.check()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=15000)
    assert wizard.report.nearest[("chain", "康养")] == "文旅康养" and wizard.use_nearest.isVisibleTo(wizard)
    wizard.use_nearest.click()
    qtbot.waitUntil(lambda: wizard.report is not None and wizard.report.ok, timeout=15000)
    assert "“康养”→“文旅康养”" in wizard.summary.text()
    wizard.confirm_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=15000)
    assert _count(context) == before + 1
    with context.ledger.reading() as s:
        assert s.scalar(select(DictionaryEntry.id).where(DictionaryEntry.name == "康养")) is None
        chain = s.scalar(select(DictionaryEntry.id).where(DictionaryEntry.name == "文旅康养"))
        assert s.scalar(select(Project.chain_id).where(Project.name == "康养基地")) == chain


def test_update_report_lists_every_change_before_confirming(context: LedgerContext, qtbot: Any,
                                                            tmp_path: Path) -> None:
    with context.ledger.reading() as s:
        code, name, investor, amount = s.execute(select(Project.code, Project.name, Project.investor,
                                                        Project.agreement_amount).where(
            Project.deleted_at.is_(None), Project.agreement_amount > 0).order_by(Project.id).limit(1)).one()
    book = Workbook()
    book.active.append(["项目名称", "投资方", "协议资金（万元）", "正式合同签订日期", "备注"])
    book.active.append([name, investor, amount / 10000 + 1, None, None])  # blanks: unchanged
    book.save(tmp_path / "update.xlsx")
    wizard = _wizard(context, qtbot, tmp_path / "update.xlsx")
    wizard.check()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=15000)
    rows = [wizard.problems.rows[r] for r in range(wizard.problems.rowCount())]
    changes = [r for r in rows if str(r[3]).startswith("将修改")]
    assert len(changes) == 1 and changes[0][1] == 2 and changes[0][2] == "协议资金（万元）"
    assert code in changes[0][3] and "→" in changes[0][3]
    assert "将修改 1 处字段" in wizard.summary.text() and wizard.confirm_button.isEnabled()


def test_the_helper_reads_the_ledger_ahead_while_the_dialog_is_open_and_lets_go_when_it_closes(
        context: LedgerContext, qtbot: Any, tmp_path: Path) -> None:
    """The dialog starts the helper with the ledger: it reads the stored projects ahead, holding the ledger
    file open to see later commits; closed, the dialog has it drop them and close the file (a restore must be
    able to replace it)."""
    path = context.ledger.path
    assert path is not None
    wizard = _wizard(context, qtbot, tmp_path / "未选.xlsx")
    qtbot.waitUntil(lambda: helper_holds(path), timeout=30000)
    wizard.reject()
    assert helper_lets_go(path)
