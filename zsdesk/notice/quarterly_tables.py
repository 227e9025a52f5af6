"""The quarterly notice's tables and chart, from a computed ``Board``: unit and individual leaderboards,
附件1 (each unit's targets and completion), 附件2 (projects signed in the quarter), completion-rate bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib.colors import CMYKColor
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..board import Board, UnitRow, rate_text
from ..board.boards import TargetFigures
from ..board.figures import counted_expr, window_predicates
from ..labels import ORIGIN_LABELS
from ..models import DictionaryEntry, Project, Unit
from ..money import format_yi
from ..periods import Period
from ..rules import Rules
from .fonts import FontSet, Role
from .model import Chart, Table

CHART_UNITS = 30  # more bars than this do not read on one A4 page: the chart shows the leaders
PERSONS_LISTED = 30
FORMAL, FRAMEWORK = "正式合同", "框架协议"
BAR_FORMAL = CMYKColor(0, 0.9, 0.85, 0.1)
BAR_ARRIVED = CMYKColor(0.75, 0.45, 0, 0.1)


@dataclass(frozen=True)
class SignedProject:
    """A project signed in the quarter (formal contract, or a framework agreement not yet formal)."""

    code: str
    name: str
    investor: str
    unit: str
    chain: str
    agreement_amount: int
    kind: str  # 正式合同 / 框架协议
    date: date

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "investor": self.investor, "unit": self.unit,
                "chain": self.chain, "agreement_amount": self.agreement_amount, "kind": self.kind,
                "date": self.date.isoformat()}


def signed_in(session: Session, rules: Rules, period: Period) -> list[SignedProject]:
    """Projects signed in ``period`` by the board's own definition (their count is ``signed_projects``)."""
    window = (period.start, period.end)
    preds = window_predicates(window)
    lead = aliased(Unit)
    chain = aliased(DictionaryEntry)
    rows = session.execute(
        select(Project.code, Project.name, Project.investor, lead.name, chain.name, Project.agreement_amount,
               Project.formal_date, Project.framework_date)
        .outerjoin(lead, lead.id == Project.lead_unit_id)
        .outerjoin(chain, chain.id == Project.chain_id)
        .where(counted_expr(rules), preds["signed"])).all()
    out = []
    for code, name, investor, unit, chain_name, amount, formal, framework in rows:
        formal_in = formal is not None and window[0] <= formal <= window[1]
        out.append(SignedProject(code, name, investor or "", unit or "", chain_name or "", amount,
                                 FORMAL if formal_in else FRAMEWORK,
                                 cast(date, formal if formal_in else framework)))  # signed in the window: dated
    out.sort(key=lambda p: (p.date, p.code))
    return out


def _yi(yuan: int) -> str:
    return format_yi(yuan)


def _score(value: Decimal) -> str:
    return f"{value:.2f}"


def unit_board_table(board: Board, number: int) -> Table:
    rows = [[str(u.rank), u.unit, str(u.figures.signed_projects), _yi(u.figures.formal_amount),
             rate_text(u.rates["formal"]), _yi(u.figures.arrived_amount), rate_text(u.rates["arrived"]),
             _score(u.score)] for u in board.units]
    return Table(
        header_rows=[["排名", "单位", "签约项目\n（个）", "正式合同额\n（亿元）", "完成率", "到位资金\n（亿元）",
                      "完成率", "得分"]],
        # Widths in points (the portrait type area is 442 pt): headers and "364.34%" fit without a break.
        rows=rows, col_widths=[28, 104, 50, 62, 52, 50, 52, 44], font_size=10.5,
        align=["center", "left", "right", "right", "right", "right", "right", "right"],
        title=f"表{number}　{board.period.label}招商英雄榜单位排名")


def listed_persons(board: Board) -> list[Any]:
    credited = [p for p in board.persons if p.agreement_amount or p.arrived_amount]
    return credited[:PERSONS_LISTED]


def person_board_table(board: Board, number: int) -> Table:
    rows = [[str(p.rank), p.person, p.unit or "", _yi(p.agreement_amount), _yi(p.arrived_amount)]
            for p in listed_persons(board)]
    return Table(header_rows=[["排名", "姓名", "所属单位", "协议资金（亿元）", "到位资金（亿元）"]], rows=rows,
                 col_widths=[34, 64, 164, 90, 90], font_size=10.5,
                 align=["center", "center", "left", "right", "right"],
                 title=f"表{number}　{board.period.label}招商英雄榜个人排名")


def _count_cell(done: int, target: TargetFigures | None, field: str) -> str:
    return f"{done}/{getattr(target, field)}" if target is not None else f"{done}/—"


def _money_target(target: TargetFigures | None, field: str) -> str:
    return _yi(getattr(target, field)) if target is not None else "—"


def _completion_row(rank: str, name: str, figures: Any, target: TargetFigures | None,
                    rates: dict[str, Decimal | None], score: str) -> list[str]:
    return [rank, name,
            _count_cell(figures.major, target, "major_count"), _count_cell(figures.large, target, "large_count"),
            _count_cell(figures.key, target, "key_count"),
            _money_target(target, "agreement_amount"), _yi(figures.agreement_amount), rate_text(rates["agreement"]),
            _money_target(target, "formal_amount"), _yi(figures.formal_amount), rate_text(rates["formal"]),
            _money_target(target, "arrived_amount"), _yi(figures.arrived_amount), rate_text(rates["arrived"]),
            score]


def weights_note(rules: Rules) -> str:
    origin = "、".join(f"{ORIGIN_LABELS.get(k, k)}项目按{_pct(v)}" for k, v in rules.origin_weights.items())
    return (f"注：1.金额单位为亿元，“—”表示未下达目标任务；项目个数为“完成/目标”（个）。2.单位完成额为认定金额：{origin}计入；"
            f"联合招商项目牵头单位计{_pct(rules.lead_share)}，配合单位平分{_pct(rules.cooperating_share)}。"
            "3.“全区”行为全区实际数，每个项目按全额计一次。")


def _pct(fraction: Any) -> str:
    value = Decimal(fraction.numerator) * 100 / Decimal(fraction.denominator)
    return f"{value.normalize():f}%"


def completion_table(board: Board) -> Table:
    d = board.district
    rows = [_completion_row("", "全区", d.figures, d.target, d.rates, "")]
    rows += [_completion_row(str(u.rank), u.unit, u.figures, u.target, u.rates, _score(u.score))
             for u in board.units]
    header = ["排名", "单位", "重大\n项目", "较大\n项目", "重点\n项目",
              "协议资金\n目标", "协议资金\n完成", "完成率", "合同额\n目标", "合同额\n完成", "完成率",
              "到位资金\n目标", "到位资金\n完成", "完成率", "得分"]
    # Widths in points (the landscape type area is 638 pt) so that no header or rate breaks mid-word.
    return Table(header_rows=[header], rows=rows, landscape=True, font_size=9,
                 col_widths=[26, 87, 32, 32, 32, 44, 44, 43, 44, 44, 43, 44, 44, 43, 36],
                 align=["center", "left", "center", "center", "center", *(["right"] * 10)],
                 note=weights_note(board.rules))


def signed_projects_table(projects: list[SignedProject], this: str = "本季度") -> Table:
    """附件2 on portrait pages, so the 版记 can sit under its last rows: 五号 text, long names wrap."""
    rows = [[str(i), p.name, p.investor, p.unit, _yi(p.agreement_amount), p.kind, f"{p.date.month}月{p.date.day}日"]
            for i, p in enumerate(projects, start=1)]
    total = sum(p.agreement_amount for p in projects)
    rows.append(["", f"合计{len(projects)}个", "", "", _yi(total), "", ""])
    return Table(header_rows=[["序号", "项目名称", "投资方", "引资单位", "协议资金\n（亿元）", "签约\n类型",
                               "签约\n日期"]],
                 # Widths in points (the portrait type area is 442 pt): "（亿元）", "1000", "12月31日" and a
                 # 正式合同 on two lines fit without a break.
                 rows=rows, font_size=10.5,
                 col_widths=[28, 114, 102, 70, 48, 32, 48],
                 align=["center", "left", "left", "left", "right", "center", "center"],
                 note=f"注：协议资金为项目协议约定的投资额（全额）；框架协议为{this}签订框架协议、尚未签订正式合同的项目；"
                      "签约日期为正式合同或框架协议的签订日期。")


def _rate_value(rate: Decimal | None) -> float:
    return float(rate) if rate is not None else 0.0


def completion_chart(board: Board, fonts: FontSet, number: int) -> Chart | None:
    """Grouped horizontal bars: 正式合同额 and 到位资金 completion rates of the units with targets, in rank order."""
    units: list[UnitRow] = [u for u in board.units if u.target is not None][:CHART_UNITS]
    if not units:
        return None
    font = fonts.font_name(Role.BODY)
    units = list(reversed(units))  # the bar chart draws its first category at the bottom
    names = [u.short_name or u.unit for u in units]
    formal = [_rate_value(u.rates["formal"]) for u in units]
    arrived = [_rate_value(u.rates["arrived"]) for u in units]
    top = max([100.0, *formal, *arrived])
    step = 50.0 if top <= 300 else 100.0
    value_max = step * (int(top // step) + 1)
    row_h = 11.0
    plot_h = row_h * len(units)
    width = 440.0
    height = plot_h + 70.0
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 92, 40, width - 112, plot_h
    chart.data = [formal, arrived]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = value_max
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = CMYKColor(0, 0, 0, 0.2)
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.barSpacing = 0.3
    chart.groupSpacing = 2.5
    chart.bars[0].fillColor = BAR_FORMAL
    chart.bars[1].fillColor = BAR_ARRIVED
    chart.bars.strokeWidth = 0
    d.add(chart)
    # The 100% line: where a unit has met its annual target.
    x100 = chart.x + chart.width * 100.0 / value_max
    d.add(Line(x100, chart.y, x100, chart.y + plot_h, strokeColor=CMYKColor(0, 0, 0, 0.85), strokeWidth=0.8,
               strokeDashArray=[3, 2]))
    d.add(String(x100 + 2, chart.y + plot_h + 3, "100%", fontName=font, fontSize=8))
    legend = Legend()
    legend.x, legend.y = chart.x, 16
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = font
    legend.fontSize = 9
    legend.dx, legend.dy = 9, 9
    legend.deltax = 110
    legend.colorNamePairs = [(BAR_FORMAL, "正式合同额完成率"), (BAR_ARRIVED, "到位资金完成率")]
    d.add(legend)
    shown = "" if len([u for u in board.units if u.target is not None]) <= CHART_UNITS else f"（前{CHART_UNITS}名）"
    return Chart(d, caption=f"图{number}　各单位年度目标任务完成率{shown}")
