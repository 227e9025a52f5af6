"""``zsdesk board --period 2026Q3 [--json]``: the 英雄榜 as the SPEC §6 JSON, or a readable table."""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..money import format_yi
from ..periods import parse_period
from . import open_ledger
from .reporting import add_period_report, emit_figures

if TYPE_CHECKING:
    from ..board.boards import Board


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add_period_report(sub, "board", "计算招商英雄榜（--json 输出约定格式的 JSON）",
                      "期间：2026Q3（1—9月累计）、2026M08（8月）、2026M01-08（1—8月累计）或 2026（全年）", run_board)


def run_board(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (the board loads the models, ~170 ms)
    from ..board import board_to_json, compute_board

    period = parse_period(args.period)  # bad text → exit 2 before the ledger is opened
    with open_ledger(args) as ledger:
        board = compute_board(ledger, period)
    emit_figures(args.json, lambda: board_to_json(board), lambda: render_text(board))
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 2) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w, i >= right_from) for i, (h, w) in enumerate(zip(headers, widths, strict=True)))]
    lines.append("  ".join("─" * w for w in widths))
    for r in rows:
        lines.append("  ".join(_pad(c, w, i >= right_from) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return "\n".join(lines) + "\n"


def render_text(board: Board) -> str:
    # local: keeps `zsdesk --help` fast (the board loads the models, ~170 ms)
    from ..board.text import growth_text, rate_text

    d, f = board.district, board.district.figures
    out = [f"招商英雄榜　{board.period.label}（{board.period.start:%Y-%m-%d} 至 {board.period.end:%Y-%m-%d}）\n",
           f"计数规则：{board.rules.year}年第 {board.rules.version} 版" if board.rules.version
           else "计数规则：默认规则", "\n\n",
           f"全区：签约项目 {f.signed_projects} 个（正式合同 {f.formal_contracts} 个、"
           f"框架协议 {f.framework_agreements} 个），开工项目 {f.started_projects} 个；\n",
           f"　正式合同额 {format_yi(f.formal_amount)} 亿元，完成年度目标 {rate_text(d.rates['formal'])}，"
           f"{growth_text(d.yoy['formal_amount'])}；\n",
           f"　到位资金 {format_yi(f.arrived_amount)} 亿元，完成年度目标 {rate_text(d.rates['arrived'])}，"
           f"{growth_text(d.yoy['arrived_amount'])}。\n"]
    if board.alone.period != board.period:
        a = board.alone.figures
        out.append(f"　其中{board.alone.period.label}：签约 {a.signed_projects} 个，正式合同额 "
                   f"{format_yi(a.formal_amount)} 亿元，到位资金 {format_yi(a.arrived_amount)} 亿元。\n")
    out.append("\n单位榜（金额：亿元；完成率：%）\n")
    rows = [[str(u.rank), u.short_name, f"{u.score:.2f}", str(u.figures.signed_projects),
             f"{u.figures.major}/{u.figures.large}/{u.figures.key}", format_yi(u.figures.agreement_amount),
             format_yi(u.figures.formal_amount), format_yi(u.figures.arrived_amount),
             rate_text(u.rates["agreement"]), rate_text(u.rates["formal"]), rate_text(u.rates["arrived"])]
            for u in board.units]
    out.append(table(["排名", "单位", "得分", "签约", "重大/较大/重点", "协议资金", "正式合同额", "到位资金",
                      "协议完成率", "合同完成率", "到位完成率"], rows, right_from=2))
    out.append("\n个人榜（金额：亿元）\n")
    rows = [[str(p.rank), p.person, p.unit or "", format_yi(p.agreement_amount), format_yi(p.arrived_amount)]
            for p in board.persons]
    out.append(table(["排名", "姓名", "单位", "协议资金", "到位资金"], rows, right_from=3))
    for extra in board.extra_boards.values():
        total = sum(p.agreement_amount for p in extra.projects)
        out.append(f"\n{extra.title}：{len(extra.projects)} 个项目，协议资金 {format_yi(total)} 亿元\n")
        for p in extra.projects[:10]:
            out.append(f"　{p.code}　{p.name}（{p.unit or '未填牵头单位'}，{format_yi(p.agreement_amount)} 亿元）\n")
        if len(extra.projects) > 10:
            out.append(f"　……另有 {len(extra.projects) - 10} 个\n")
    quiet = "、".join(board.quiet_units) if board.quiet_units else "无"
    out.append(f"\n本年以来未签约、无到位资金的单位：{quiet}\n")
    return "".join(out)
