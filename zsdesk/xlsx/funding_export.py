"""Funds arrived (到位资金) by unit and month for one year, in 万元."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import extract, func, select

from ..labels import NO_LEAD_UNIT
from ..models import Funding, Project, Unit
from .ledger_export import ExportResult
from .workbook import (
    Cancel,
    Column,
    ExportCancelled,
    Progress,
    ReportSheet,
    new_workbook,
    save_workbook,
    yuan_to_wan_rounded,
)

if TYPE_CHECKING:
    from ..ledger import Ledger



def funding_by_unit_month(ledger: Ledger, year: int) -> list[tuple[str, list[int]]]:
    """(unit, yuan per month 1..12) in the units' sort order; raw amounts by the project's lead unit."""
    with ledger.reading() as s:
        month = extract("month", Funding.date)
        rows = s.execute(select(Project.lead_unit_id, month, func.sum(Funding.amount)).join(
            Project, Project.id == Funding.project_id).where(
            Funding.deleted_at.is_(None), Project.deleted_at.is_(None),
            Funding.date >= date(year, 1, 1), Funding.date <= date(year, 12, 31)).group_by(
            Project.lead_unit_id, month)).all()
        units = s.execute(select(Unit.id, Unit.name).where(Unit.deleted_at.is_(None)).order_by(
            Unit.sort_order, Unit.name)).all()
    amounts: dict[int | None, list[int]] = defaultdict(lambda: [0] * 12)
    for unit_id, m, total in rows:
        amounts[unit_id][int(m) - 1] += int(total or 0)
    out = [(name, amounts[uid]) for uid, name in units if uid in amounts]
    if None in amounts:
        out.append((NO_LEAD_UNIT, amounts[None]))
    return out


def export_funding(ledger: Ledger, path: str | Path, year: int | None = None, progress: Progress | None = None,
                   cancel: Cancel | None = None) -> ExportResult:
    year = year or date.today().year
    district = ledger.get_setting("district_name", "") or ""
    title = f"{district}{year}年各单位到位资金月度统计表"
    columns = [Column("单位", width=26)] + [Column(f"{m}月", "money_wan2", 11, group="到位资金") for m in range(1, 13)]
    columns.append(Column("合计", "money_wan2", 13))
    wb = new_workbook(title, "到位资金月度统计", ledger.operator)
    sheet = ReportSheet(wb, f"{year}年到位资金", title, "单位：万元", columns, freeze_cols=1,
                        note="说明：按项目的牵头单位统计到位资金原始金额（未按来源地和联合招商折算）。")
    data = funding_by_unit_month(ledger, year)
    month_totals = [0] * 12
    for i, (unit, months) in enumerate(data):
        if cancel is not None and cancel():
            raise ExportCancelled("已取消导出，没有生成文件。")
        if progress is not None:
            progress(i, len(data))
        sheet.append([unit] + [yuan_to_wan_rounded(v) for v in months] + [yuan_to_wan_rounded(sum(months))])
        month_totals = [a + b for a, b in zip(month_totals, months, strict=True)]
    sheet.close(totals=[None] + [yuan_to_wan_rounded(v) for v in month_totals]
                + [yuan_to_wan_rounded(sum(month_totals))])
    save_workbook(wb, path)
    if progress is not None:
        progress(len(data), len(data))
    return ExportResult(Path(path), sheet.rows_written)
