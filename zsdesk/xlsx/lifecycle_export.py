"""项目落地 (SPEC §9) to xlsx: the units' 四率 with the district total, and the overdue milestones.

Every figure comes from ``zsdesk.lifecycle.compute_lifecycle``; this module only lays it out. Counts
are integers, amounts 亿元 rounded half-up to 2 decimals, rates real percentages (``0.00%``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..lifecycle import MILESTONE_LABELS, Lifecycle, LifecycleFigures, compute_lifecycle
from ..periods import Period, parse_period
from .ledger_export import ExportResult
from .workbook import Column, ReportSheet, new_workbook, rate_value, save_workbook, yuan_to_yi_rounded

if TYPE_CHECKING:
    from ..ledger import Ledger

UNIT_COLUMNS = [
    Column("单位", width=26), Column("纳入统计", "int", 9, group="项目（个）"), Column("已开工", "int", 8, group="项目（个）"),
    Column("已投产", "int", 8, group="项目（个）"), Column("节点到期", "int", 9, group="项目（个）"),
    Column("按期履约", "int", 9, group="项目（个）"), Column("逾期", "int", 7, group="项目（个）"),
    Column("协议资金", "money_yi", 10, group="金额（亿元）"), Column("到位资金", "money_yi", 10, group="金额（亿元）"),
    Column("开工率", "rate", 9, group="四率"), Column("投产率", "rate", 9, group="四率"),
    Column("资金到位率", "rate", 10, group="四率"), Column("履约率", "rate", 9, group="四率"),
]
OVERDUE_COLUMNS = [
    Column("序号", "int", 6), Column("项目编号", width=11), Column("项目名称", width=32), Column("牵头单位", width=26),
    Column("逾期节点", width=9), Column("期限", "date", 11), Column("期限来源", width=9), Column("逾期天数", "int", 9),
]


def _cells(f: LifecycleFigures) -> list[object]:
    return [f.cohort, f.started, f.producing, f.due, f.on_time, f.overdue_projects,
            yuan_to_yi_rounded(f.agreement_amount), yuan_to_yi_rounded(f.arrived_amount),
            rate_value(f.start_rate), rate_value(f.production_rate), rate_value(f.arrival_rate),
            rate_value(f.fulfilment_rate)]


def export_lifecycle(ledger: Ledger, path: str | Path, period: Period | str | Lifecycle) -> ExportResult:
    lc = period if isinstance(period, Lifecycle) else compute_lifecycle(
        ledger, parse_period(period) if isinstance(period, str) else period)
    district = ledger.get_setting("district_name", "") or ""
    title = f"{district}{lc.period.label}项目落地情况表"
    wb = new_workbook(title, "项目落地", ledger.operator)
    sheet = ReportSheet(wb, "项目落地", title, "单位：个、亿元", UNIT_COLUMNS, freeze_cols=1,
                        note=f"说明：统计 {lc.cohort_start:%Y年%m月%d日} 至 {lc.end:%Y年%m月%d日} 签订正式合同的项目（不含退库、"
                             "不计项目），按牵头单位计数，金额为原始金额。开工率 = 已开工 ÷ 纳入统计；投产率 = 已投产 ÷ "
                             "已开工；资金到位率 = 到位资金 ÷ 协议资金；履约率 = 到期节点均按期完成的项目 ÷ 有节点到期的项目。")
    for u in lc.units:
        sheet.append([u.unit, *_cells(u.figures)])
    sheet.close(totals=["全区", *_cells(lc.district)], label="全区")
    rows = sheet.rows_written
    title = f"{district}{lc.period.label}逾期项目清单"
    overdue = ReportSheet(wb, "逾期项目", title, f"截至 {lc.end:%Y年%m月%d日}，共 {len(lc.overdue)} 个逾期节点",
                          OVERDUE_COLUMNS, freeze_cols=3)
    for n, o in enumerate(lc.overdue, start=1):
        overdue.append([n, o.code, o.name, o.unit, MILESTONE_LABELS[o.milestone], o.deadline,
                        "合同约定" if o.promised else "规则期限", o.days_over])
    overdue.close()
    save_workbook(wb, path)
    return ExportResult(Path(path), rows + overdue.rows_written)
