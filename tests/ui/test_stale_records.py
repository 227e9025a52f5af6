"""Stale edits outside the project form (issue 17): a unit's cell in 单位与人员 and the rules editor name the
version they showed; another clerk's newer save is neither overwritten nor reverted, and the clerk is told."""

from __future__ import annotations

from typing import Any

from ui.board.rules_editor import RulesEditor
from ui.common.context import LedgerContext
from ui.records.units_page import UnitsPage
from zsdesk import ops
from zsdesk.models import Unit
from zsdesk.opening import open_unlocked
from zsdesk.rules import load_rules, rules_versions, save_rules


def test_a_unit_cell_edited_meanwhile_is_refused_and_shows_the_newer_value(
        context: LedgerContext, qtbot: Any, shown_errors: list[tuple[str, str]]) -> None:
    page = UnitsPage(context)
    qtbot.addWidget(page)
    view = page.sheets[0]
    row = next(r for r in range(view.model.rowCount()) if view.model.rows[r][0] == "正阳工业园区")
    uid = view.model.ids[row]
    assert context.ledger.path is not None
    with open_unlocked(context.ledger.path, operator="乙") as other:
        ops.update_unit(other, uid, {"short_name": "正阳"})
    assert not view.model.setData(view.model.index(row, 1), "正阳园")  # 简称, typed into the grid
    title, text = shown_errors[-1]
    assert "其他人修改过（乙）" in text and "简称：正阳园区 → 正阳" in text
    with context.ledger.reading() as s:
        assert s.get(Unit, uid).short_name == "正阳"
    qtbot.waitUntil(lambda: view.model.rows[row][1] == "正阳")  # the grid shows what is stored now
    assert view.model.setData(view.model.index(row, 1), "正阳园")  # and an edit of that version saves
    with context.ledger.reading() as s:
        assert s.get(Unit, uid).short_name == "正阳园"


def test_a_stale_rules_editor_does_not_revert_the_newer_version(context: LedgerContext, qtbot: Any,
                                                                shown_errors: list[tuple[str, str]]) -> None:
    editor = RulesEditor(context, 2026, "2026Q3")
    qtbot.addWidget(editor)
    rules = load_rules(context.ledger, 2026)
    assert context.ledger.path is not None
    with open_unlocked(context.ledger.path, operator="乙") as other:
        save_rules(other, 2026, dict(rules.document, stale_days=45), based_on_version=rules.version)
    editor.stale.setValue(60)
    assert not editor.save()
    assert "已有更新的第 1 版（乙" in shown_errors[-1][1]
    assert load_rules(context.ledger, 2026).stale_days == 45
    assert editor.history.rowCount() == 1  # the newer version is listed, to load and edit
    editor.history.selectRow(0)
    editor.load_selected_version()
    editor.stale.setValue(60)
    assert editor.save()
    assert [v.version for v in rules_versions(context.ledger, 2026)] == [2, 1]
    assert load_rules(context.ledger, 2026).stale_days == 60
