"""每月项目进展表 (SPEC §9) to xlsx: one sheet per month, live projects by lead unit, print-ready."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ..labels import STAGE_LABELS
from ..lifecycle.progress_report import monthly_progress
from .ledger_export import ExportResult
from .workbook import (
    FONT_NAME,
    FORMULA_STARTS,
    Cancel,
    Column,
    ExportCancelled,
    Progress,
    ReportSheet,
    clean_text,
    new_workbook,
    save_workbook,
)

if TYPE_CHECKING:
    from ..ledger import Ledger

NO_NOTE = "本月未报送进展"
COLUMNS = [Column("序号", "int", 6), Column("牵头单位", width=26), Column("项目编号", width=11),
           Column("项目名称", width=30), Column("阶段", width=8), Column("进展日期", "date", 11),
           Column("最新进展", width=52), Column("录入人", width=9)]


def export_progress(ledger: Ledger, path: str | Path, year: int | None = None, months: list[int] | None = None,
                    today: date | None = None, progress: Progress | None = None,
                    cancel: Cancel | None = None) -> ExportResult:
    """``months`` defaults to January through the current month (all twelve for a past year)."""
    today = today or date.today()
    year = year or today.year
    if months is None:
        months = list(range(1, (today.month if year == today.year else 12) + 1))
    district = ledger.get_setting("district_name", "") or ""
    title = f"{district}{year}年每月项目进展表"
    wb = new_workbook(title, "每月项目进展表", ledger.operator)
    data = monthly_progress(ledger, year, months)
    rows = 0
    for i, month in enumerate(months):
        if cancel is not None and cancel():
            raise ExportCancelled("已取消导出，没有生成文件。")
        if progress is not None:
            progress(i, len(months))
        lines = data[month]
        reported = sum(1 for line in lines if line.note_date is not None)
        sheet = ReportSheet(wb, f"{month}月", f"{district}{year}年{month}月项目进展表", f"共 {len(lines)} 个项目",
                            COLUMNS, freeze_cols=4,
                            note=f"说明：每个项目列出本月最新一条进展；本月报送进展 {reported} 个，"
                                 f"未报送 {len(lines) - reported} 个。")
        for n, line in enumerate(lines, start=1):
            sheet.append([n, line.unit, line.code, line.name, STAGE_LABELS[line.stage], line.note_date,
                          _wrapped(sheet, line.note or NO_NOTE), line.operator])
        sheet.close()
        rows += sheet.rows_written
    save_workbook(wb, path)
    if progress is not None:
        progress(len(months), len(months))
    return ExportResult(Path(path), rows)


def _wrapped(sheet: ReportSheet, text: str) -> WriteOnlyCell:
    """A note cell that wraps inside its column (the page is fit to width); text stays text."""
    protos = sheet._protos
    if "wrap" not in protos:
        body, align = Font(name=FONT_NAME, size=10), Alignment(wrap_text=True, vertical="top")
        protos["wrap"] = sheet._proto(None, body, align)
        protos["wrap_safe"] = sheet._proto(None, body, align, quote=True)
    text = clean_text(text)
    cell = WriteOnlyCell(sheet.ws)
    cell._value, cell.data_type = text, "s"  # never a formula, whatever it starts with
    cell._style = protos["wrap_safe" if text[:1] in FORMULA_STARTS else "wrap"]._style
    return cell
