"""The main window: filter and sort the ledger, delete and undo, batch actions, other pages."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from ui.common.context import LedgerContext
from ui.ledger.ledger_model import COLUMN_INDEX
from ui.shell.main_window import MainWindow
from zsdesk.models import Funding, Project, Target

pytestmark = pytest.mark.usefixtures("ledger_table_reads")  # each test twice (tests/ui/conftest.py)


def _names(window: MainWindow) -> list[str]:
    page = window.page("ledger")
    model = page.model  # type: ignore[attr-defined]
    return [model.index(r, COLUMN_INDEX["name"]).data() for r in range(model.rowCount())]


def _window(context: LedgerContext, qtbot: Any) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.show_page("ledger")  # the window opens on 待办 (issue 18); these tests drive the ledger
    return window


def test_filter_and_sort_the_ledger(context: LedgerContext, qtbot: Any, type_text: Any) -> None:
    window = _window(context, qtbot)
    page = window.page("ledger")
    assert len(_names(window)) == 4
    type_text(qtbot, page.filters.text, "丽水")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(_names(window)) == 2, timeout=2000)
    assert set(_names(window)) == {"玻纤新材料生产线", "碳化硅新材料项目"}
    page.filters.text.clear()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(_names(window)) == 4, timeout=2000)
    stage = page.filters.stage  # type: ignore[attr-defined]
    stage.setCurrentIndex(stage.findText("退库"))
    assert _names(window) == ["碳化硅新材料项目"]
    stage.setCurrentIndex(stage.findText("在库项目（不含退库）"))
    assert len(_names(window)) == 3
    unit = page.filters.unit  # type: ignore[attr-defined]
    unit.setCurrentIndex(unit.findText("区商务委"))  # lead of one, cooperating on another
    assert set(_names(window)) == {"预制菜生产基地", "濯水古镇文旅综合体"}
    page.filters.reset()  # type: ignore[attr-defined]
    size = page.filters.size_class  # type: ignore[attr-defined]
    size.setCurrentIndex(size.findText("较大"))  # 12亿 ≥ 10亿
    assert _names(window) == ["濯水古镇文旅综合体"]
    page.filters.reset()  # type: ignore[attr-defined]
    # Sort by clicking the agreement amount header: ascending, then descending.
    header = page.table.horizontalHeader()  # type: ignore[attr-defined]
    col = COLUMN_INDEX["agreement_amount"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().center().__class__(header.sectionViewportPosition(col) + 5, 5))
    first = _names(window)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().center().__class__(header.sectionViewportPosition(col) + 5, 5))
    second = _names(window)
    assert second == list(reversed(first))
    assert {first[0], first[-1]} == {"碳化硅新材料项目", "濯水古镇文旅综合体"}
    assert "共 4 个项目" in window.status_counts.text()


def test_delete_then_undo_and_redo(context: LedgerContext, qtbot: Any) -> None:
    window = _window(context, qtbot)
    page = window.page("ledger")
    page.select_ids([page.model.ids[0]], page.model.ids[0])  # type: ignore[attr-defined]
    victim = page.model.index(0, COLUMN_INDEX["name"]).data()  # type: ignore[attr-defined]
    page.delete_selected()  # type: ignore[attr-defined]
    assert victim not in _names(window)
    assert window.act_undo.isEnabled()
    assert window.act_undo.text().startswith("撤销：删除项目")
    window.act_undo.trigger()
    assert victim in _names(window)
    assert window.act_redo.isEnabled() and "删除项目" in window.act_redo.text()
    window.act_redo.trigger()
    assert victim not in _names(window)
    window.act_undo.trigger()
    assert victim in _names(window)


def test_batch_set_unit_and_withdraw(context: LedgerContext, qtbot: Any) -> None:
    window = _window(context, qtbot)
    page = window.page("ledger")
    with context.ledger.reading() as s:
        ids = list(s.scalars(select(Project.id).where(Project.stage != "withdrawn")))
    page.select_ids(ids[:2])  # type: ignore[attr-defined]
    page.set_unit_for_selected("舟白工业园区")  # type: ignore[attr-defined]
    lead = [page.model.index(page.model.row_of(i), COLUMN_INDEX["lead_unit"]).data() for i in ids[:2]]  # type: ignore[attr-defined]
    assert lead == ["舟白工业园区", "舟白工业园区"]
    page.select_ids(ids[:2])  # type: ignore[attr-defined]
    page.withdraw_selected(context.today)  # type: ignore[attr-defined]
    with context.ledger.reading() as s:
        stages = set(s.scalars(select(Project.stage).where(Project.id.in_(ids[:2]))))
    assert stages == {"withdrawn"}
    assert "退库 2 个项目" in window.act_undo.text()


def test_user_error_becomes_a_chinese_message(context: LedgerContext, qtbot: Any, shown_errors: list) -> None:
    window = _window(context, qtbot)
    page = window.page("ledger")
    page.table.clearSelection()  # type: ignore[attr-defined]
    page.withdraw_selected(context.today)  # type: ignore[attr-defined]
    assert shown_errors and shown_errors[-1][1] == "请先在台账中选择项目。"


def test_funding_quick_entry(context: LedgerContext, qtbot: Any, type_text: Any) -> None:
    window = _window(context, qtbot)
    page = window.show_page("funding")
    page.date.setText("2026-03-05")  # type: ignore[attr-defined]
    for name, amount in (("玻纤新材料生产线", "1,200"), ("濯水古镇文旅综合体", "0.5亿")):
        page.project.clear()  # type: ignore[attr-defined]
        type_text(qtbot, page.project, name)  # type: ignore[attr-defined]
        qtbot.keyClick(page.project, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        qtbot.keyClick(page.date, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        type_text(qtbot, page.amount, amount)  # type: ignore[attr-defined]
        qtbot.keyClick(page.amount, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        assert page.entry_message.text().startswith("已保存"), page.entry_message.text()  # type: ignore[attr-defined]
    with context.ledger.reading() as s:
        amounts = sorted(s.scalars(select(Funding.amount)))
    assert amounts == [12_000_000, 50_000_000]
    page.month.setDate(page.month.date().fromString("2026-03-01", "yyyy-MM-dd"))  # type: ignore[attr-defined]
    assert page.entries.rowCount() == 2  # type: ignore[attr-defined]
    totals = {page.by_unit.rows[r][0]: page.by_unit.rows[r][2] for r in range(page.by_unit.rowCount())}  # type: ignore[attr-defined]
    assert totals["正阳工业园区"] == "1,200.00" and totals["合计"] == "6,200.00"  # thousands separators (issue 14)
    march = page.by_month.rows[2]  # type: ignore[attr-defined]
    assert march == ("3月", 2, "6,200.00")
    # an unknown project is refused in place
    page.project.setText("不存在的项目")  # type: ignore[attr-defined]
    page.amount.setText("10")  # type: ignore[attr-defined]
    assert not page.save_entry()  # type: ignore[attr-defined]
    assert "找不到项目" in page.entry_message.text()  # type: ignore[attr-defined]


def test_targets_grid_edits_like_a_spreadsheet(context: LedgerContext, qtbot: Any, qtmodeltester: Any) -> None:
    window = _window(context, qtbot)
    page = window.show_page("targets")
    model = page.model  # type: ignore[attr-defined]
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "全区"
    assert model.setData(model.index(0, 5), "160亿")  # district formal amount
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "濯水镇")
    assert model.setData(model.index(row, 1), "2")
    assert not model.setData(model.index(row, 1), "两个")
    with context.ledger.reading() as s:
        targets = {(t.unit_id, t.year): t for t in s.scalars(select(Target))}
    district = targets[(None, context.today.year)]
    assert district.formal_amount == 16_000_000_000
    assert sum(1 for t in targets.values() if t.major_count == 2) == 1
    assert model.index(model.rowCount() - 1, 1).data() == "2"  # the units' total row


def test_units_page_edits_in_place(context: LedgerContext, qtbot: Any, qtmodeltester: Any) -> None:
    window = _window(context, qtbot)
    page = window.show_page("units")
    sheet = page.sheets[0]  # type: ignore[attr-defined]
    qtmodeltester.check(sheet.model)
    sheet.add("城东街道")
    names = [sheet.model.rows[r][0] for r in range(sheet.model.rowCount())]
    assert "城东街道" in names
    row = names.index("城东街道")
    assert sheet.model.setData(sheet.model.index(row, 2), "乡镇街道")
    assert sheet.model.rows[row][2] == "乡镇街道"
    assert not sheet.model.setData(sheet.model.index(row, 2), "公司")


def test_every_page_opens_and_audit_log_filters(context: LedgerContext, qtbot: Any, tmp_path: Any,
                                                 shown_errors: list) -> None:
    window = _window(context, qtbot)
    for key in ("ledger", "funding", "units", "targets", "board", "notice", "audit"):
        assert window.show_page(key) is window.current_page()
    audit = window.show_page("audit")
    total = audit.model.rowCount()  # type: ignore[attr-defined]
    assert total > 4
    audit.entity.setCurrentIndex(audit.entity.findText("单位"))  # type: ignore[attr-defined]
    assert audit.model.rowCount() == 4  # type: ignore[attr-defined]
    out = tmp_path / "log.csv"
    audit.export(str(out))  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: out.exists() and not context.runner.busy, timeout=10000)
    assert shown_errors[-1][1].startswith("已导出 4 条操作记录")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("时间,操作员") and len(lines) == 5
