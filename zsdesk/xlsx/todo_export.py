"""待办 (SPEC §9) to xlsx for a 调度会: overdue milestones, stale projects and near deadlines, by lead unit.

Every line comes from ``zsdesk.lifecycle.todo.compute_todo``; this module only lays it out, one row per
item, each unit's items together (units in their sort order), most urgent first within a kind.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..lifecycle import MILESTONE_LABELS
from ..lifecycle.todo import KIND_LABELS, Todo, compute_todo
from .ledger_export import ExportResult
from .workbook import Column, ReportSheet, new_workbook, save_workbook

if TYPE_CHECKING:
    from ..ledger import Ledger

TODO_COLUMNS = [
    Column("序号", "int", 6), Column("牵头单位", width=24), Column("事项", width=9), Column("项目编号", width=11),
    Column("项目名称", width=30), Column("节点", width=7), Column("日期", "date", 11), Column("天数", "int", 7),
    Column("期限来源", width=9), Column("最新进展日期", "date", 12), Column("最新进展", width=40),
]


def export_todo(ledger: Ledger, path: str | Path, todo: Todo | date | None = None) -> ExportResult:
    todo = todo if isinstance(todo, Todo) else compute_todo(ledger, todo)
    district = ledger.get_setting("district_name", "") or ""
    title = f"{district}项目调度待办清单（{todo.today:%Y年%m月%d日}）"
    wb = new_workbook(title, "待办", ledger.operator)
    counts = todo.counts()
    sheet = ReportSheet(wb, "待办", title,
                        f"逾期节点 {counts['overdue']} 个，无进展项目 {counts['stale']} 个，"
                        f"30 天内到期 {counts['upcoming']} 个",
                        TODO_COLUMNS, freeze_cols=2,
                        note="说明：逾期 = 期限已过仍未开工或投产（天数为逾期天数）；无进展 = 在建项目超过规定天数未更新"
                             "（天数为未更新天数）；即将到期 = 30 天内到期的约定或规则期限（天数为剩余天数）。")
    n = 0
    for unit, items in todo.by_unit():
        for item in items:
            n += 1
            source = "" if item.kind == "stale" else ("合同约定" if item.promised else "规则期限")
            sheet.append([n, unit, KIND_LABELS[item.kind], item.code, item.name,
                          MILESTONE_LABELS[item.milestone] if item.milestone else "", item.when, item.days, source,
                          item.last_note_date, item.last_note])
    sheet.close()
    save_workbook(wb, path)
    return ExportResult(Path(path), sheet.rows_written)
