"""The board-based reports: the target-completion table and the 英雄榜 (units, persons, extra boards).

Every figure comes from ``zsdesk.board.compute_board``; this module only lays it out.
Amounts are 亿元 rounded half-up to 2 decimals (as the notice prints them), rates are real
percentages (``0.00%``), counts are integers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..board import Board, compute_board
from ..labels import RATE_FIGURES, Figure
from ..periods import Period, parse_period
from ..rules import SIZE_CLASS_LABELS
from .ledger_export import ExportResult
from .workbook import (
    Cancel,
    Column,
    ExportCancelled,
    Progress,
    ReportSheet,
    new_workbook,
    rate_value,
    save_workbook,
    yuan_to_yi_rounded,
)

if TYPE_CHECKING:
    from ..ledger import Ledger

_TARGET_LABELS = {Figure.MAJOR: "重大项目（个）", Figure.LARGE: "较大项目（个）", Figure.KEY: "重点项目（个）",
                  Figure.AGREEMENT: "协议资金（亿元）", Figure.FORMAL: "正式合同额（亿元）", Figure.ARRIVED: "到位资金（亿元）"}
# (item, label, figure field, target field, is money)
TARGET_ITEMS = tuple((f, _TARGET_LABELS[f], f.board_field, f.target_field, f.amount_field is not None)
                     for f in RATE_FIGURES)


def _board(ledger: Ledger, period: Period | str | Board) -> Board:
    if isinstance(period, Board):
        return period
    return compute_board(ledger, parse_period(period) if isinstance(period, str) else period)


def _check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled("已取消导出，没有生成文件。")


def _target_cells(figures: Any, target: Any, rates: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for item, _, fig, tgt, money in TARGET_ITEMS:
        goal = getattr(target, tgt) if target is not None else None
        done = getattr(figures, fig)
        if money:
            cells += [yuan_to_yi_rounded(goal) if goal else None, yuan_to_yi_rounded(done)]
        else:
            cells += [goal or None, done]
        cells.append(rate_value(rates.get(item)) if goal else None)
    return cells


def target_table_columns() -> list[Column]:
    columns = [Column("排名", "int", 6), Column("单位", width=26)]
    for _, label, _, _, money in TARGET_ITEMS:
        kind = "money_yi" if money else "int"
        columns += [Column("目标", kind, 9, group=label), Column("完成", kind, 9, group=label),
                    Column("完成率", "rate", 9, group=label)]
    columns.append(Column("综合得分", "number", 9))
    return columns


def export_targets(ledger: Ledger, path: str | Path, period: Period | str | Board, progress: Progress | None = None,
                   cancel: Cancel | None = None) -> ExportResult:
    """Each unit's targets, credited figures, completion rates and rank (e.g. ``2026年1—9月各单位…完成情况表``)."""
    board = _board(ledger, period)
    _check_cancel(cancel)
    title = f"{board.period.label}各单位招商引资目标任务完成情况表"
    wb = new_workbook(title, "目标任务完成情况", ledger.operator)
    sheet = ReportSheet(wb, "目标任务完成情况", title, "单位：亿元、个", target_table_columns(), freeze_cols=2,
                        note="说明：单位完成数按投资方来源和联合招商规则折算；“全区”行为全区原始数据及全区目标。"
                             "完成率 = 完成数 ÷ 目标 × 100%，无目标的不计算。")
    for i, row in enumerate(board.units):
        if progress is not None:
            progress(i, len(board.units))
        sheet.append([row.rank, row.unit, *_target_cells(row.figures, row.target, row.rates), float(row.score)])
    d = board.district
    sheet.close(totals=[None, None, *_target_cells(d.figures, d.target, d.rates), None], label="全区")
    save_workbook(wb, path)
    return ExportResult(Path(path), sheet.rows_written)


YOY_ITEMS = (("协议资金", Figure.AGREEMENT.board_field), ("正式合同额", Figure.FORMAL.board_field),
             ("框架协议额", Figure.FRAMEWORK.board_field), ("到位资金", Figure.ARRIVED.board_field))


def _yoy_cell(pct: Any) -> Any:
    """同比 as a percentage; no positive base last year → "—" (SPEC §3.1), never a number."""
    return "—" if pct is None else rate_value(pct)


def _district_sheet(wb: Any, board: Board) -> None:
    """全区 figures of the range and of the quarter (month) alone, against the same period last year."""
    cols = [Column("指标", width=14), Column("期间", width=16), Column("本期", "money_yi", 12),
            Column("上年同期", "money_yi", 12), Column("同比", "rate", 10)]
    sheet = ReportSheet(wb, "全区", f"{board.period.label}全区主要指标", "单位：亿元", cols, freeze_cols=1,
                        note="同比 =（本期 − 上年同期）÷ 上年同期 × 100%；上年同期为零或负数（冲减）时不计算，记为“—”。")
    for d in (board.district, board.alone) if board.alone.period != board.district.period else (board.district,):
        for label, fld in YOY_ITEMS:
            sheet.append([label, d.period.label, yuan_to_yi_rounded(getattr(d.figures, fld)),
                          yuan_to_yi_rounded(getattr(d.last_year, fld)), _yoy_cell(d.yoy[fld])])
    sheet.close()


def export_board(ledger: Ledger, path: str | Path, period: Period | str | Board, progress: Progress | None = None,
                 cancel: Cancel | None = None) -> ExportResult:
    """The 招商英雄榜: units, persons, and one sheet per extra board."""
    board = _board(ledger, period)
    label = board.period.label
    title = f"{label}招商英雄榜"
    wb = new_workbook(title, "招商英雄榜", ledger.operator)
    quiet = "、".join(board.quiet_units)
    unit_cols = [Column("排名", "int", 6), Column("单位", width=26), Column("综合得分", "number", 9),
                 Column("签约项目（个）", "int", 9, total=True),
                 Column("其中：往期框架协议转正式合同（个）", "int", 12, total=True),
                 Column("重大", "int", 6, "项目（个）", True),
                 Column("较大", "int", 6, "项目（个）", True), Column("重点", "int", 6, "项目（个）", True),
                 Column("协议资金", "money_yi", 10, "金额（亿元）"), Column("正式合同额", "money_yi", 10, "金额（亿元）"),
                 Column("到位资金", "money_yi", 10, "金额（亿元）"),
                 Column("协议资金", "rate", 9, "完成率"), Column("正式合同额", "rate", 9, "完成率"),
                 Column("到位资金", "rate", 9, "完成率")]
    units = ReportSheet(wb, "单位榜", f"{label}招商英雄榜（单位）", "单位：亿元、个", unit_cols, freeze_cols=2,
                        note=f"本期无签约、无到位资金的单位：{quiet}。" if quiet else "")
    for i, row in enumerate(board.units):
        _check_cancel(cancel)
        if progress is not None:
            progress(i, len(board.units))
        f = row.figures
        units.append([row.rank, row.unit, float(row.score), f.signed_projects, f.converted_contracts,
                      f.major, f.large, f.key,
                      yuan_to_yi_rounded(f.agreement_amount), yuan_to_yi_rounded(f.formal_amount),
                      yuan_to_yi_rounded(f.arrived_amount), rate_value(row.rates.get(Figure.AGREEMENT)),
                      rate_value(row.rates.get(Figure.FORMAL)), rate_value(row.rates.get(Figure.ARRIVED))])
    units.close()
    person_cols = [Column("排名", "int", 6), Column("姓名", width=10), Column("所属单位", width=26),
                   Column("协议资金（亿元）", "money_yi", 12), Column("到位资金（亿元）", "money_yi", 12)]
    persons = ReportSheet(wb, "个人榜", f"{label}招商英雄榜（个人）", "单位：亿元", person_cols, freeze_cols=2)
    for person in board.persons:
        persons.append([person.rank, person.person, person.unit, yuan_to_yi_rounded(person.agreement_amount),
                        yuan_to_yi_rounded(person.arrived_amount)])
    persons.close()
    for extra in board.extra_boards.values():
        cols = [Column("项目编号", width=11), Column("项目名称", width=30), Column("投资方", width=26),
                Column("牵头单位", width=20), Column("规模", width=7),
                Column("协议资金（亿元）", "money_yi", 12), Column("达产年产值（亿元）", "money_yi", 12),
                Column("日期", "date", 12)]
        sheet = ReportSheet(wb, extra.title, f"{label}{extra.title}", "单位：亿元", cols, freeze_cols=2)
        for p in extra.projects:
            sheet.append([p.code, p.name, p.investor, p.unit, SIZE_CLASS_LABELS.get(p.size_class, p.size_class),
                          yuan_to_yi_rounded(p.agreement_amount), yuan_to_yi_rounded(p.expected_output), p.date])
        sheet.close(totals=[None, f"{len(extra.projects)} 个项目", None, None, None,
                            yuan_to_yi_rounded(sum(p.agreement_amount for p in extra.projects)), None, None])
    _district_sheet(wb, board)
    save_workbook(wb, path)
    return ExportResult(Path(path), len(board.units) + len(board.persons))
