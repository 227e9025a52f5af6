"""The column-mapping import wizard driven end to end (issue 22): a unit's own layout read, columns and
values mapped (partly from the keyboard), previewed, checked, imported, and the saved mapping chosen again."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from PySide6.QtCore import Qt
from sqlalchemy import select

from ui.common.context import LedgerContext
from ui.files import mapping_wizard as mw
from ui.files.transfer import ImportWizard
from zsdesk.models import Project, Unit
from zsdesk.xlsx.mapping import STAGE, STAGE_DATE

HEADERS = ["序号", "项目名", "投资企业", "签约金额（亿元）", "进展情况", "开工时间", "所属园区", "客商来源"]
ROWS = [
    [1, "光电显示模组", "深圳某光电公司", 3.5, "已开工", datetime(2026, 3, 2), "正阳园区", "省外"],
    [2, "山地旅游度假区", "某旅游集团", "12亿", "已开工", None, "舟白", "外地客商"],
    [3, "中药饮片加工", "某药业公司", 0.5, "在谈", None, "正阳工业园区", "本区"],
]


def _book(path: Path, rows: list[list[Any]] = ROWS) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2026年"
    ws.append(["2026年重点招商项目推进表"] + [None] * 7)
    ws.merge_cells("A1:H1")
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _open(context: LedgerContext, qtbot: Any, path: Path) -> mw.MappingWizard:
    wizard = mw.MappingWizard(context, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.read()
    qtbot.waitUntil(lambda: bool(wizard.plans), timeout=15000)
    return wizard


def _stored(context: LedgerContext) -> dict[str, Project]:
    with context.ledger.reading() as s:
        return {p.name: p for p in s.scalars(select(Project).where(Project.deleted_at.is_(None)))}


def _unit(context: LedgerContext, unit_id: int | None) -> str | None:
    with context.ledger.reading() as s:
        unit = s.get(Unit, unit_id) if unit_id else None
        return unit.name if unit else None


def test_wizard_end_to_end_and_the_saved_mapping_comes_back(context: LedgerContext, qtbot: Any,
                                                            tmp_path: Path) -> None:
    path = _book(tmp_path / "推进表.xlsx")
    wizard = _open(context, qtbot, path)
    assert wizard.pages.currentIndex() == mw.PAGE_COLUMNS
    assert [wizard.field_combo(r).currentData() for r in range(len(HEADERS))] == [
        "", "name", "investor", "agreement_amount", STAGE, "started_date", "landing_park_id", "origin"]
    assert wizard.unit_combo(3).currentData() == "亿元" and not wizard.unit_combo(1).isEnabled()
    assert wizard.columns.item(1, 1).text() == "光电显示模组、山地旅游度假区、中药饮片加工"
    # the keyboard: 开工时间 feeds the stage rule only (Home picks 忽略), stage words take their date from it
    combo = wizard.field_combo(5)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert wizard.plan.mapping.columns[5].field == ""
    wizard.stage_rule.setFocus()
    qtbot.keyClick(wizard.stage_rule, Qt.Key.Key_Down)
    assert wizard.plan.mapping.stage_rule == STAGE_DATE and wizard.stage_date.isEnabled()
    wizard.stage_date.setCurrentIndex(wizard.stage_date.findData("开工时间"))
    wizard.next_button.setFocus()
    qtbot.keyClick(wizard.next_button, Qt.Key.Key_Space)
    assert wizard.pages.currentIndex() == mw.PAGE_VALUES
    # value step: suggestions, and one word the clerk maps from the keyboard
    assert wizard.value_combo("省外").currentData() == "市外"  # type: ignore[union-attr]  # the row exists
    assert wizard.value_combo("舟白").currentData() == "舟白工业园区"  # type: ignore[union-attr]  # the row exists
    assert wizard.value_combo("正阳园区").currentData() == "正阳工业园区"  # type: ignore[union-attr]  # the row exists
    stranger = wizard.value_combo("外地客商")
    assert stranger is not None and stranger.currentData() == ""
    stranger.setFocus()
    qtbot.keyClick(stranger, Qt.Key.Key_Down)  # （不改） → 市外 (QTest types ASCII only)
    assert wizard.plan.mapping.values["origin"]["外地客商"] == "市外"
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == mw.PAGE_PREVIEW
    labels = [wizard.preview.horizontalHeaderItem(c).text() for c in range(wizard.preview.columnCount())]
    cells = {label: wizard.preview.item(0, c).text() for c, label in enumerate(labels)}
    assert cells["协议资金（万元）"] == "35000.00" and cells["落地园区"] == "正阳工业园区"
    assert cells["开工日期"] == "2026-03-02" and cells["投资方来源"] == "市外"
    assert wizard.preview.item(1, labels.index("备注")).text() == "进展情况：已开工"  # no date: kept as text
    wizard.mapping_name.setText("园区推进表")
    wizard.save_mapping()
    wizard.next_button.click()  # 检查
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == mw.PAGE_REPORT, timeout=15000)
    assert wizard.report.ok and wizard.confirm_button.isEnabled(), wizard.report.all_problems()
    wizard.confirm_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == mw.PAGE_DONE, timeout=15000)
    assert "已新增 3 条" in wizard.done_text.text()
    stored = _stored(context)
    screen, resort, herbs = stored["光电显示模组"], stored["山地旅游度假区"], stored["中药饮片加工"]
    assert (screen.agreement_amount, resort.agreement_amount, herbs.agreement_amount) == (
        350_000_000, 1_200_000_000, 50_000_000)
    assert screen.started_date == date(2026, 3, 2) and screen.notes == ""
    assert resort.started_date is None and resort.notes == "进展情况：已开工"
    assert herbs.notes == "进展情况：在谈" and herbs.first_contact_date is None
    assert (screen.origin, resort.origin, herbs.origin) == ("out_of_city", "out_of_city", "in_district")
    assert _unit(context, resort.landing_park_id) == "舟白工业园区"
    # next month: same headers → the saved mapping is chosen, with the clerk's own choices
    later = _book(tmp_path / "推进表2.xlsx", [[1, "新项目", "某公司", 1, "在谈", None, "舟白", "外地客商"]])
    again = _open(context, qtbot, later)
    assert again.plan.saved_name == "园区推进表" and "园区推进表" in again.origin_text.text()
    assert again.field_combo(5).currentData() == "" and again.plan.mapping.stage_rule == STAGE_DATE
    assert again.plan.mapping.values["origin"]["外地客商"] == "市外"


def test_wizard_reports_bad_rows_and_writes_nothing(context: LedgerContext, qtbot: Any, tmp_path: Path) -> None:
    path = _book(tmp_path / "错.xlsx", [[1, "甲项目", "甲公司", "很多", "在谈", None, "火星园区", "省外"]])
    before = len(_stored(context))
    wizard = _open(context, qtbot, path)
    wizard.next_button.click()
    wizard.next_button.click()
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == mw.PAGE_REPORT, timeout=15000)
    assert not wizard.report.ok and not wizard.confirm_button.isEnabled()
    rows = [wizard.problems.rows[r] for r in range(wizard.problems.rowCount())]
    assert ("2026年", 3, "签约金额（亿元）") in {(r[0], r[1], r[2]) for r in rows}
    assert any(r[2] == "所属园区" and "火星园区" in r[3] for r in rows)
    assert len(_stored(context)) == before


def test_the_import_wizard_opens_the_mapping(context: LedgerContext, qtbot: Any, tmp_path: Path) -> None:
    path = _book(tmp_path / "推进表.xlsx")
    wizard = ImportWizard(context)
    qtbot.addWidget(wizard)
    wizard.path.setText(str(path))
    mapping = wizard.open_mapping()
    qtbot.addWidget(mapping)
    qtbot.waitUntil(lambda: bool(mapping.plans), timeout=15000)
    assert mapping.plan.sample.sheet == "2026年" and mapping.plan.sample.header_row == 2


def test_a_foreign_layout_in_the_import_wizard_offers_the_mapping(context: LedgerContext, qtbot: Any,
                                                                  tmp_path: Path, shown_errors: Any) -> None:
    path = _book(tmp_path / "推进表.xlsx")
    wizard = ImportWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.path.setText(str(path))
    wizard.kind.setCurrentIndex(wizard.kind.findData("projects"))
    wizard.check()  # the template's check refuses the layout; the clerk is offered the mapping (answered yes)
    qtbot.waitUntil(lambda: any("按列对照导入" in text for _title, text in shown_errors), timeout=15000)
    assert any("找不到表头行" in text or "缺少必填列" in text for _title, text in shown_errors)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=15000)
    mapping = wizard.mapping_wizard
    qtbot.addWidget(mapping)
    qtbot.waitUntil(lambda: bool(mapping.plans), timeout=15000)
    assert mapping.isVisible() and mapping.field_combo(1).currentData() == "name"
