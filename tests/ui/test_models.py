"""Every model the window uses passes pytest-qt's model tester."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from ui.common.context import LedgerContext
from ui.common.rows_model import RowsModel
from ui.ledger.ledger_model import COLUMN_INDEX, COLUMNS, ProjectTableModel
from zsdesk.queries import ProjectQuery


def test_project_model_passes_model_tester(context: LedgerContext, qtmodeltester: object) -> None:
    model = ProjectTableModel(context)
    model.reload()
    assert model.rowCount() == 4
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_query(replace(model.query, text="新材料"))
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_project_model_formats_money_in_chosen_unit(context: LedgerContext) -> None:
    model = ProjectTableModel(context, ProjectQuery(text="玻纤新材料"))
    model.reload()
    col = COLUMN_INDEX["agreement_amount"]
    assert model.index(0, col).data() == "32,000.00"  # thousands separators (issue 14)
    context.set_money_unit("yi")
    assert model.index(0, col).data() == "3.20"
    assert "亿元" in model.headerData(col, Qt.Orientation.Horizontal)


def test_withdrawn_row_is_marked(context: LedgerContext) -> None:
    model = ProjectTableModel(context, ProjectQuery(text="碳化硅"))
    model.reload()
    name = model.index(0, COLUMN_INDEX["name"])
    assert model.index(0, COLUMN_INDEX["stage"]).data() == "退库"
    assert name.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert name.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert len(COLUMNS) == model.columnCount()


def test_rows_model_passes_model_tester(qtmodeltester: object) -> None:
    model = RowsModel(["名称", "金额"], [1])
    model.set_rows([("甲", "1.00"), ("乙", "20.00"), ("丙", "3.00")], keys=[("甲", 1), ("乙", 20), ("丙", 3)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data() for r in range(3)] == ["乙", "丙", "甲"]
