"""Import templates (文件 → 下载导入模板): the SPEC §5 headers, a sheet explaining each column, and
drop-down lists (投资方来源, 是否工业项目, units, chains …) so a unit's clerk cannot type a wrong value."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from ..labels import LEAD_STATUS_LABELS, ORIGIN_LABELS, TRIP_LEVEL_LABELS, UNIT_KIND_LABELS, VISIT_OUTCOME_LABELS
from ..models import DictionaryEntry, Person, Unit
from .columns import ImportColumn, kind_columns
from .workbook import APP_NAME, BORDER, CENTER, save_workbook

if TYPE_CHECKING:
    from ..ledger import Ledger

TEMPLATE_ROWS = 2000  # rows the drop-down lists cover
HELP_SHEET = "填写说明"
CHOICES_SHEET = "选项"


def _choices(ledger: Ledger | None) -> dict[str, list[str]]:
    fixed = {"origin": list(ORIGIN_LABELS.values()), "industrial": ["是", "否"],
             "unit_kind": list(UNIT_KIND_LABELS.values()),
             "lead_status": [v for k, v in LEAD_STATUS_LABELS.items() if k != "converted"],
             "trip_level": list(TRIP_LEVEL_LABELS.values()), "visit_outcome": list(VISIT_OUTCOME_LABELS.values())}
    if ledger is None:
        return fixed
    with ledger.reading() as s:
        units = list(s.execute(select(Unit.name, Unit.kind).where(Unit.deleted_at.is_(None), Unit.active.is_(True))
                               .order_by(Unit.sort_order, Unit.name)).all())
        entries = list(s.execute(select(DictionaryEntry.kind, DictionaryEntry.name).where(
            DictionaryEntry.deleted_at.is_(None), DictionaryEntry.active.is_(True)).order_by(
            DictionaryEntry.sort_order, DictionaryEntry.name)).all())
        persons = list(s.scalars(select(Person.name).where(Person.deleted_at.is_(None), Person.active.is_(True))
                                 .order_by(Person.name)))
    fixed["units"] = [n for n, _ in units]
    fixed["units_district"] = ["全区"] + fixed["units"]
    fixed["parks"] = [n for n, k in units if k == "park"]
    fixed["chains"] = [n for k, n in entries if k == "chain"]
    fixed["tags"] = [n for k, n in entries if k == "investor_tag"]
    fixed["lead_sources"] = [n for k, n in entries if k == "lead_source"]
    fixed["persons"] = list(dict.fromkeys(persons))
    return fixed


def make_template(kind: str, ledger: Ledger | None, path: str | Path) -> Path:
    """Write the ``kind`` import template (projects / funding / targets / units / persons) to ``path``.

    With a ledger, the drop-down lists hold its units, parks and chains; without one, only the
    fixed choices (投资方来源, 是否工业项目, 类别) get a list.
    """
    label, columns = kind_columns(kind)
    choices = _choices(ledger)
    wb = Workbook()
    ws = wb.active
    ws.title = label
    props = wb.properties
    props.title = f"{label}导入模板"
    props.creator = APP_NAME
    props.subject = "招商引资数据导入模板"
    header_font = Font(name="黑体", size=10, bold=True)
    required_font = Font(name="黑体", size=10, bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="D9E1F2")
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = required_font if col.required else header_font
        cell.fill = fill
        cell.alignment = CENTER
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(i)].width = max(col.width, len(col.header) * 2 + 2)
        if col.kind == "date":
            for r in range(2, 202):
                ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    _validations(wb, ws, columns, choices)
    _help_sheet(wb, label, columns, choices)
    return save_workbook(wb, path)


def _validations(wb: Workbook, ws: object, columns: tuple[ImportColumn, ...], choices: dict[str, list[str]]) -> None:
    lists_sheet = None
    for i, col in enumerate(columns, start=1):
        values = choices.get(col.choices or "")
        if not values:
            continue
        letter = get_column_letter(i)
        if col.kind == "list":
            # Several values separated by “、” cannot be a drop-down; the help sheet lists the choices.
            continue
        if sum(len(v) + 1 for v in values) <= 250:
            formula = '"' + ",".join(v.replace('"', "") for v in values) + '"'
        else:
            if lists_sheet is None:
                lists_sheet = wb.create_sheet(CHOICES_SHEET)
                lists_sheet.sheet_state = "hidden"
            column = lists_sheet.max_column + 1 if lists_sheet.max_row > 1 else 1
            lists_sheet.cell(row=1, column=column, value=col.header)
            for r, value in enumerate(values, start=2):
                lists_sheet.cell(row=r, column=column, value=value).data_type = "s"
            cl = get_column_letter(column)
            formula = f"'{CHOICES_SHEET}'!${cl}$2:${cl}${len(values) + 1}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorTitle="不是可选值", error=f"请从下拉列表中选择{col.header}。",
                            promptTitle=col.header, prompt=col.help[:250], showInputMessage=True)
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(dv)  # type: ignore[attr-defined]  # openpyxl stubs miss Worksheet.add_data_validation


def _help_sheet(wb: Workbook, label: str, columns: tuple[ImportColumn, ...], choices: dict[str, list[str]]) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    ws.append([f"{label}导入模板填写说明"])
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    ws.merge_cells("A1:D1")
    ws.append(["列名", "是否必填", "填写要求", "可选值"])
    for cell in ws[2]:
        cell.font = Font(name="黑体", size=10, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = BORDER
    wrap = Alignment(wrap_text=True, vertical="top")
    for col in columns:
        values = choices.get(col.choices or "", [])
        shown = "、".join(values[:60]) + ("……" if len(values) > 60 else "")
        ws.append([col.header, "必填" if col.required else "", col.help, shown])
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
            cell.border = BORDER
    ws.append([])
    ws.append(["说明：金额单位为万元；日期写成 2026-03-01；多个值用“、”分隔；空白的可选列可以不填。"
               "请不要修改第一行的列名，也不要合并单元格。"])
    ws.merge_cells(f"A{ws.max_row}:D{ws.max_row}")
    ws.cell(row=ws.max_row, column=1).alignment = wrap
    ws.row_dimensions[ws.max_row].height = 32
    for letter, width in zip("ABCD", (22, 10, 56, 48), strict=True):
        ws.column_dimensions[letter].width = width
