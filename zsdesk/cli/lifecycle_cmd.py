"""``zsdesk lifecycle --period 2026Q3 [--json]``: 项目落地 (SPEC §9) as the contract JSON, or a table."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..money import format_yi
from ..periods import parse_period
from . import open_ledger
from .board_cmd import table
from .reporting import add_period_report, emit_figures

if TYPE_CHECKING:
    from ..lifecycle.engine import Lifecycle


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add_period_report(sub, "lifecycle", "项目落地：开工率、投产率、资金到位率、履约率与逾期项目（--json 输出约定格式）",
                      "期间：2026Q3（截至三季度末）、2026M08（截至8月末）或 2026（全年）", run_lifecycle)


def run_lifecycle(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (life-cycle figures load the board and the models)
    from ..lifecycle import compute_lifecycle, lifecycle_to_json

    period = parse_period(args.period)  # bad text → exit 2 before the ledger is opened
    with open_ledger(args) as ledger:
        lifecycle = compute_lifecycle(ledger, period)
    emit_figures(args.json, lambda: lifecycle_to_json(lifecycle), lambda: render_text(lifecycle))
    return 0


def render_text(lc: Lifecycle) -> str:
    # local: keeps `zsdesk --help` fast (life-cycle figures load the board and the models)
    from ..board.text import rate_text
    from ..lifecycle import MILESTONE_LABELS

    d = lc.district
    rules = lc.rules
    months = rules.start_within_months
    out = [f"项目落地　{lc.period.label}（{lc.cohort_start:%Y-%m-%d} 至 {lc.end:%Y-%m-%d} 签订正式合同的项目）\n",
           f"期限：未约定日期的，一般项目签约后 {months['general']} 个月内开工，重点 {months['key']}、较大 "
           f"{months['large']}、重大 {months['major']} 个月；开工后 {rules.production_within_months} 个月内投产。\n\n",
           f"全区：纳入统计 {d.cohort} 个，已开工 {d.started} 个，已投产 {d.producing} 个；"
           f"节点已到期 {d.due} 个，按期履约 {d.on_time} 个；逾期节点 {d.overdue_milestones} 个。\n",
           f"　开工率 {rate_text(d.start_rate)}，投产率 {rate_text(d.production_rate)}，"
           f"资金到位率 {rate_text(d.arrival_rate)}（到位 {format_yi(d.arrived_amount)} 亿元 ÷ 协议 "
           f"{format_yi(d.agreement_amount)} 亿元），履约率 {rate_text(d.fulfilment_rate)}。\n",
           "\n单位（按牵头单位；金额：亿元）\n"]
    rows = [[u.short_name, str(f.cohort), str(f.started), str(f.producing), str(f.due), str(f.on_time),
             str(f.overdue_milestones), format_yi(f.agreement_amount), format_yi(f.arrived_amount),
             rate_text(f.start_rate), rate_text(f.production_rate), rate_text(f.arrival_rate),
             rate_text(f.fulfilment_rate)]
            for u in lc.units for f in (u.figures,)]
    out.append(table(["单位", "项目", "开工", "投产", "到期", "按期", "逾期", "协议资金", "到位资金",
                      "开工率", "投产率", "资金到位率", "履约率"], rows, right_from=1))
    out.append(f"\n逾期节点：{len(lc.overdue)} 个\n")
    if lc.overdue:
        rows = [[o.code, o.name, o.unit, MILESTONE_LABELS[o.milestone], f"{o.deadline:%Y-%m-%d}"
                 + ("（约定）" if o.promised else ""), str(o.days_over)] for o in lc.overdue]
        out.append(table(["项目编号", "项目名称", "牵头单位", "节点", "期限", "逾期天数"], rows, right_from=5))
    return "".join(out)
