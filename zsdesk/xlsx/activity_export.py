"""The 招商活动 report (SPEC §10): each unit's trips, visits, leads and conversions for a period, and the district.

``export_activity(ledger, path, period) -> ExportResult`` — every figure from ``zsdesk.activity``; counts
are integers, the conversion rate a real percentage (``0.00%``; blank with no lead).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..activity import FIGURE_LABELS, FIGURES, Activity, ActivityFigures, compute_activity
from ..periods import Period
from .ledger_export import ExportResult
from .workbook import Column, ReportSheet, new_workbook, rate_value, save_workbook

if TYPE_CHECKING:
    from ..ledger import Ledger


def _cells(f: ActivityFigures) -> list[Any]:
    return [*(getattr(f, name) for name in FIGURES[:-1]), rate_value(f.conversion_rate)]


def export_activity(ledger: Ledger, path: str | Path, period: Period | Activity) -> ExportResult:
    if isinstance(period, Activity):
        activity = period
    else:
        with ledger.reading() as session:
            activity = compute_activity(session, period)
    label = activity.period.label
    title = f"{label}各单位招商活动情况表"
    wb = new_workbook(title, "招商活动", ledger.operator)
    columns = [Column("序号", "int", 6), Column("单位", width=26)]
    columns += [Column(FIGURE_LABELS[name], "int", 10) for name in FIGURES[:-1]]
    columns.append(Column(FIGURE_LABELS["conversion_rate"], "rate", 10))
    sheet = ReportSheet(
        wb, "招商活动", title, "单位：次、家、个、条", columns, freeze_cols=2,
        note=(f"说明：外出招商按出发日期计入期间，参加单位各计一次，“全区”行每次只计一次；每次外出招商应拜访企业不少于"
              f" {activity.min_companies} 家、有效意向不少于 {activity.min_intentions} 个，不足的计为未达标。"
              "线索按收到日期计入期间、计入负责单位；线索转化率 = 转化项目 ÷ 新增线索 × 100%。"))
    for i, unit in enumerate(activity.units, start=1):
        sheet.append([i, unit.unit, *_cells(unit.figures)])
    sheet.close(totals=[None, None, *_cells(activity.district)], label="全区")
    save_workbook(wb, path)
    return ExportResult(Path(path), len(activity.units))
