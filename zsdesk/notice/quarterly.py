"""The quarterly notice (季度通报) built from the 英雄榜 engine's figures.

Public API::

    build_quarterly_notice(ledger, period, narrative=None, settings=None, doc_number=None, issue_date=None,
                           fonts=None) -> tuple[NoticeDocument, dict]
        The document and the frozen figures it prints (JSON-able). ``narrative`` / ``settings`` default to
        what is saved in the ledger; ``doc_number`` None → the draft number with a blank serial
        (``黔江招商发〔2026〕　　号``); ``issue_date`` None → today.
    render_quarterly_notice(...same arguments...) -> bytes       # the PDF
    placeholder_values(board) -> dict[str, str]                 # what each PLACEHOLDERS name becomes

Every figure comes from ``zsdesk.board.compute_board`` and every amount is formatted by ``zsdesk.money``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from ..activity import activity_to_json, compute_activity
from ..board import Board, board_to_json, compute_board, growth_text, rate_text
from ..board.boards import DistrictFigures, ExtraBoard
from ..lifecycle import MILESTONE_LABELS, Lifecycle, compute_lifecycle
from ..money import format_yi
from ..periods import Period
from ..rules import SCORE_METHODS
from .activity_section import activity_section
from .compose import render_notice
from .fonts import FontSet, Role, default_fontset
from .layout import TITLE_SIZE, TYPE_W
from .model import Attachment, Block, Heading, NoticeDocument, Paragraph, Table
from .narrative import (
    NARRATIVE_LABELS,
    Narrative,
    NoticeSettings,
    fill_placeholders,
    format_doc_number,
    load_narrative,
    load_settings,
)
from .quarterly_tables import (
    SignedProject,
    completion_chart,
    completion_table,
    listed_persons,
    person_board_table,
    signed_in,
    signed_projects_table,
    unit_board_table,
)
from .text import measure

if TYPE_CHECKING:
    from ..ledger import Ledger

ORDINALS = "一二三四五六七八九十"
HIGHLIGHT_NAMES = 5
ONE_LINE_TITLE = 0.85  # a longer title is set on two lines rather than from margin to margin  # projects named per highlight sentence; the rest are counted
_LEVEL2 = re.compile(r"^（[一二三四五六七八九十]{1,3}）")


def _yi(yuan: int) -> str:
    return f"{format_yi(yuan)}亿元"


def _growth(pct: Any) -> str:
    """``同比增长57.33%`` — official text has no space between the words and the figure."""
    return growth_text(pct).replace(" ", "")


def _period_end_text(period: Period) -> str:
    return "年底" if period.last_month == 12 and period.kind == "Y" else f"{period.last_month}月底"


def placeholder_values(board: Board) -> dict[str, str]:
    d, a = board.district, board.alone
    f, af = d.figures, a.figures
    top = [u.unit for u in board.units[:3]]
    persons = listed_persons(board)
    first_person = f"{persons[0].person}（{persons[0].unit}）" if persons and persons[0].unit else (
        persons[0].person if persons else "—")

    def target(field: str) -> str:
        return _yi(getattr(d.target, field)) if d.target is not None else "—"

    return {
        "期间": d.period.label, "季度": a.period.label, "年度": str(board.period.year),
        "截至": _period_end_text(board.period),
        "签约项目数": str(f.signed_projects), "正式合同数": str(f.formal_contracts),
        "正式合同额": _yi(f.formal_amount), "正式合同完成率": rate_text(d.rates["formal"]),
        "正式合同目标": target("formal_amount"),
        "框架协议数": str(f.framework_agreements), "框架协议额": _yi(f.framework_amount),
        "协议资金": _yi(f.agreement_amount), "协议资金完成率": rate_text(d.rates["agreement"]),
        "到位资金": _yi(f.arrived_amount), "到位资金完成率": rate_text(d.rates["arrived"]),
        "到位资金目标": target("arrived_amount"),
        "开工项目数": str(f.started_projects),
        "重大项目数": str(f.major), "较大项目数": str(f.large), "重点项目数": str(f.key),
        "同比": _growth(d.yoy["formal_amount"]), "正式合同额同比": _growth(d.yoy["formal_amount"]),
        "到位资金同比": _growth(d.yoy["arrived_amount"]), "签约项目数同比": _growth(d.yoy["signed_projects"]),
        "协议资金同比": _growth(d.yoy["agreement_amount"]),
        "本季度签约项目数": str(af.signed_projects), "本季度正式合同额": _yi(af.formal_amount),
        "本季度到位资金": _yi(af.arrived_amount), "本季度开工项目数": str(af.started_projects),
        "单位数": str(len(board.units)), "前三名单位": "、".join(top) or "—",
        "第一名单位": top[0] if top else "—",
        "无签约单位数": str(len(board.quiet_units)), "无签约单位": "、".join(board.quiet_units) or "无",
        "个人第一名": first_person,
    }


# ---- the body ---------------------------------------------------------------------------------------

def converted_note(board: Board) -> str:
    """The footnote under the unit table when a unit's signed projects include formal contracts whose
    framework agreement was signed in an earlier period (SPEC §6 definitions; issue 15 item 8)."""
    units = [(u.short_name or u.unit, u.figures.converted_contracts) for u in board.units
             if u.figures.converted_contracts]
    if not units:
        return ""
    total = sum(n for _, n in units)
    listed = "、".join(f"{name}{n}个" for name, n in units)
    return (f"注：签约项目个数含往期签订框架协议、本期签订正式合同的项目，其中：往期框架协议转正式合同{total}个"
            f"（{listed}）。这些项目的框架协议在往期签订，"
            "协议资金和项目规模已计入框架协议签订当期，本期计签约项目个数和正式合同额，不再计协议资金和项目规模。")


def _against(d: DistrictFigures, yoy_key: str, rate_key: str) -> str:
    """"，同比增长22.05%，完成年度目标任务的59.39%" — each part only where it has a base or target."""
    parts = []
    if d.yoy.get(yoy_key) is not None:
        parts.append(_growth(d.yoy[yoy_key]))
    if d.rates.get(rate_key) is not None:
        parts.append(f"完成年度目标任务的{rate_text(d.rates[rate_key])}")
    return "".join(f"，{p}" for p in parts)


def overview_text(board: Board) -> str:
    d, f = board.district, board.district.figures
    text = (f"{d.period.label}，全区签约招商引资项目{f.signed_projects}个，签约金额"
            f"{_yi(f.formal_amount + f.framework_amount)}。其中：签订正式合同的项目{f.formal_contracts}个，"
            f"正式合同额{_yi(f.formal_amount)}{_against(d, 'formal_amount', 'formal')}；"
            f"签订框架协议的项目{f.framework_agreements}个，协议金额{_yi(f.framework_amount)}。"
            f"到位资金{_yi(f.arrived_amount)}{_against(d, 'arrived_amount', 'arrived')}。"
            f"开工项目{f.started_projects}个。")
    if f.major or f.large or f.key:
        sizes = "、".join(f"{name}项目{n}个" for name, n in (("重大", f.major), ("较大", f.large), ("重点", f.key))
                         if n)
        text += f"新签约项目中，{sizes}。"
    a = board.alone
    if a.period != d.period:
        af = a.figures
        text += (f"其中，{a.period.label}全区签约项目{af.signed_projects}个，正式合同额{_yi(af.formal_amount)}"
                 f"{'，' + _growth(a.yoy['formal_amount']) if a.yoy['formal_amount'] is not None else ''}，"
                 f"到位资金{_yi(af.arrived_amount)}，开工项目{af.started_projects}个。")
    return text


def _named(lines: list[Any]) -> str:
    names = "、".join(f"{p.name}（{p.unit or '未填牵头单位'}，{_yi(p.agreement_amount)}）"
                     for p in lines[:HIGHLIGHT_NAMES])
    return names + ("等" if len(lines) > HIGHLIGHT_NAMES else "")


def _in_quarter(extra: ExtraBoard, period: Period) -> list[Any]:
    return [p for p in extra.projects if period.start <= p.date <= period.end]


def highlights_text(board: Board) -> str:
    """The quarter's notable projects, from the extra boards (招大引强, 招新引优, 重大项目开工)."""
    alone = board.alone.period
    sentences = []
    for key, verb in (("big", "新签约招大引强项目"), ("new", "新签约招新引优项目")):
        extra = board.extra_boards.get(key)
        lines = _in_quarter(extra, alone) if extra else []
        if lines:
            total = sum(p.agreement_amount for p in lines)
            sentences.append(f"{verb}{len(lines)}个，协议资金{_yi(total)}，主要有{_named(lines)}")
    started = board.extra_boards.get("major_started")
    lines = _in_quarter(started, alone) if started else []
    if lines:
        sentences.append(f"重大项目开工{len(lines)}个：{_named(lines)}")
    if not sentences:
        return f"{alone.label}，全区无新签约的招大引强、招新引优项目，无重大项目开工。"
    return f"{alone.label}，全区" + "；".join(sentences) + "。"


def _quiet_text(board: Board) -> str:
    end = _period_end_text(board.period)
    if not board.quiet_units:
        return f"截至{end}，参加竞榜的{len(board.units)}个单位年初以来均有签约项目或到位资金。"
    names = "、".join(board.quiet_units)
    return (f"截至{end}，{names}共{len(board.quiet_units)}个单位年初以来既无签约项目，也无到位资金。"
            "请上述单位高度重视，主动外出招商，加快项目洽谈签约和资金到位。")


def narrative_blocks(text: str, values: dict[str, str]) -> list[Block]:
    """Each line a paragraph; a short line that starts with （一） is a level-2 heading."""
    blocks: list[Block] = []
    for raw in fill_placeholders(text, values).replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        body = line.rstrip("。")
        if _LEVEL2.match(line) and len(line) <= 30 and "。" not in body:
            blocks.append(Heading(2, line))
        else:
            blocks.append(Paragraph(line))
    return blocks


LANDING_RATES = (("start_rate", "开工率"), ("production_rate", "投产率"), ("arrival_rate", "资金到位率"),
                 ("fulfilment_rate", "履约率"))


def _points(now: Any, before: Any) -> str:
    """``，比上年同期提高3.20个百分点`` — only when both years have the rate."""
    if now is None or before is None:
        return ""
    diff = now - before
    if diff == 0:
        return "，与上年同期持平"
    return f"，比上年同期{'提高' if diff > 0 else '下降'}{abs(diff):.2f}个百分点"


def landing_section(lc: Lifecycle, last_year: Lifecycle | None, attachment: int) -> tuple[list[Block], Attachment]:
    """项目落地 (SPEC §9): the four rates of the landing cohort (同比 in percentage points when last year's
    cohort exists), the units behind on 开工率, and the overdue milestones as attachment ``attachment``."""
    d = lc.district
    before = last_year.district if last_year is not None and last_year.district.cohort else None
    rates = "；".join(f"{label}{rate_text(getattr(d, key))}"
                     f"{_points(getattr(d, key), getattr(before, key) if before else None)}"
                     for key, label in LANDING_RATES)
    text = (f"{lc.cohort_start.year}年1月1日以来签订正式合同的项目（不含退库、不计项目）{d.cohort}个，截至"
            f"{lc.end.month}月底已开工{d.started}个、已投产{d.producing}个，到位资金{_yi(d.arrived_amount)}。"
            f"{rates}。")
    blocks: list[Block] = [Paragraph(text)]
    behind = [u for u in lc.units if u.figures.cohort and u.figures.start_rate is not None
              and u.figures.start_rate < 50]
    if behind:
        blocks.append(Paragraph("开工率低于50%的单位：" + "、".join(
            f"{u.short_name or u.unit}（{rate_text(u.figures.start_rate)}）" for u in behind) + "。"))
    if lc.overdue:
        projects = len({o.project_id for o in lc.overdue})
        blocks.append(Paragraph(f"截至{lc.end.month}月底，逾期未开工或未投产的项目{projects}个（逾期节点"
                                f"{len(lc.overdue)}个），详见附件{attachment}。请相关牵头单位逐一调度，"
                                "督促项目加快落地。"))
    else:
        blocks.append(Paragraph(f"截至{lc.end.month}月底，无逾期未开工、未投产的项目。"))
    rows = [[str(i), o.name, o.unit, MILESTONE_LABELS[o.milestone], f"{o.deadline:%Y-%m-%d}", str(o.days_over)]
            for i, o in enumerate(lc.overdue, start=1)]
    rows.append(["", f"合计{len(lc.overdue)}个", "", "", "", ""])
    table = Table(header_rows=[["序号", "项目名称", "牵头单位", "逾期\n节点", "期限", "逾期\n天数"]],
                  rows=rows, font_size=10.5,
                  # Widths in points (portrait type area 442 pt): a long unit name and "2026-12-31" on one line.
                  col_widths=[28, 146, 140, 32, 64, 32],
                  align=["center", "left", "left", "center", "center", "right"],
                  note="注：期限为合同约定日期，未约定的按规则期限计算；逾期天数计至统计期末。")
    return blocks, Attachment(f"{lc.period.label}逾期未落地项目清单", [table])


def _body(board: Board, narrative: Narrative, values: dict[str, str], fonts: FontSet,
          landing: list[Block] | None = None, activity: list[Block] | None = None) -> list[Block]:
    label = board.period.label
    method = SCORE_METHODS.get(board.rules.score_method, board.rules.score_method)
    persons = listed_persons(board)
    others = len(board.persons) - len(persons)
    blocks: list[Block] = [
        Paragraph(f"为全面掌握全区招商引资工作进展，充分发挥“招商英雄榜”激励作用，营造比学赶超的浓厚氛围，"
                  f"现将{label}全区招商引资工作情况通报如下。"),
    ]
    sections: list[tuple[str, list[Block]]] = [
        ("总体情况", [Heading(2, "（一）主要指标完成情况"), Paragraph(overview_text(board)),
                   Heading(2, f"（二）{_this(board.period)}重点项目情况"), Paragraph(highlights_text(board))]),
    ]
    board_blocks: list[Block] = [
        Heading(2, "（一）单位排名"),
        Paragraph(f"按照{board.period.year}年“招商英雄榜”计分规则，以各单位重大、较大、重点项目个数和协议资金、"
                  f"正式合同额、到位资金的年度目标任务完成率为依据，采用{method}计分排名。{label}各单位排名如下"
                  f"（金额为认定金额，各单位目标任务完成情况详见附件1）："),
        unit_board_table(board, 1),
    ]
    converted = converted_note(board)
    if converted:
        board_blocks.append(Paragraph(converted))
    chart = completion_chart(board, fonts, 1)
    if chart is not None:
        board_blocks.append(chart)
    board_blocks += [Heading(2, "（二）个人排名")]
    if persons:
        shown = (f"认定业绩排名前{len(persons)}位的同志如下" if others > 0 else "各位同志排名如下")
        board_blocks += [Paragraph(f"按引荐项目认定的协议资金、到位资金排名，{shown}："), person_board_table(board, 2)]
        if others > 0:
            board_blocks.append(Paragraph(f"其余{others}名竞榜个人年初以来暂无认定业绩。"))
    else:
        board_blocks.append(Paragraph("年初以来，竞榜个人暂无认定业绩。"))
    board_blocks += [Heading(2, "（三）无签约项目、无到位资金单位"), Paragraph(_quiet_text(board))]
    sections.append(("“招商英雄榜”排名情况", board_blocks))
    if landing:
        sections.append(("项目落地情况", landing))
    if activity:
        sections.append(("招商活动情况", activity))
    for key in ("highlights", "problems", "next_steps"):
        blocks_for = narrative_blocks(getattr(narrative, key), values)
        if blocks_for:
            sections.append((NARRATIVE_LABELS[key], blocks_for))
    for i, (title, content) in enumerate(sections):
        blocks.append(Heading(1, f"{ORDINALS[i]}、{title}"))
        blocks += content
    return blocks


def _this(period: Period) -> str:
    return {"Q": "本季度", "M": "本月", "Y": "本年度"}.get(period.kind, "本期")


def _title_lines(period: Period, fonts: FontSet) -> tuple[str, ...]:
    """The title's lines: one if short, else two broken between words ("全区" / "招商引资工作情况的通报").

    The page engine balances a title by length alone and could split a word (招/商); the content
    knows the words, so it picks the word boundary that gives the most even pair of lines.
    """
    words = ["关于", period.label, "全区", "招商引资", "工作情况", "的通报"]
    full = "".join(words)
    assert full == _title(period)
    if _title_width(full, fonts) <= ONE_LINE_TITLE * TYPE_W:
        return (full,)
    best: tuple[str, ...] = ()  # nothing fits in two lines: the engine balances the lines
    best_diff = None
    for k in range(2, len(words) - 1):  # never leave "关于" or "的通报" alone on a line
        first, second = "".join(words[:k]), "".join(words[k:])
        w1, w2 = _title_width(first, fonts), _title_width(second, fonts)
        if max(w1, w2) > TYPE_W:
            continue
        if best_diff is None or abs(w1 - w2) < best_diff:
            best, best_diff = (first, second), abs(w1 - w2)
    return best


def _title(period: Period) -> str:
    return f"关于{period.label}全区招商引资工作情况的通报"


def _title_width(text: str, fonts: FontSet) -> float:
    return sum(g.width for g in measure(text, Role.TITLE, TITLE_SIZE, fonts))


def build_quarterly_notice(ledger: Ledger, period: Period, narrative: Narrative | None = None,
                           settings: NoticeSettings | None = None, doc_number: str | None = None,
                           issue_date: date | None = None,
                           fonts: FontSet | None = None) -> tuple[NoticeDocument, dict[str, Any]]:
    """The notice for ``period`` and the figures it prints (JSON-able, frozen into an issued notice)."""
    settings = settings or load_settings(ledger)
    narrative = narrative if narrative is not None else load_narrative(ledger, period)
    issue_date = issue_date or date.today()
    doc_number = doc_number if doc_number is not None else format_doc_number(settings.number_pattern,
                                                                             issue_date.year, None)
    with ledger.reading() as session:
        board = compute_board(session, period)
        projects = signed_in(session, board.rules, board.alone.period)
        lc = compute_lifecycle(session, period) if settings.landing_on else None
        lc_last = compute_lifecycle(session, period.last_year()) if lc is not None else None
        act = compute_activity(session, period) if settings.activity_on else None
    values = placeholder_values(board)
    fonts = fonts or default_fontset()
    landing = landing_section(lc, lc_last, 3) if lc is not None else None
    blocks = _body(board, narrative, values, fonts, landing[0] if landing else None,
                   activity_section(act) if act is not None else None)
    alone = board.alone.period
    attachments = [
        Attachment(f"{period.label}各单位招商引资目标任务完成情况", [completion_table(board)],
                   landscape=True),
        # The last attachment is portrait so that the 版记 shares its last page (GB/T 9704 §7.4).
        Attachment(f"{alone.label}签约项目清单", [signed_projects_table(projects, _this(period))]),
    ]
    if landing:
        attachments.append(landing[1])  # portrait too
    doc = NoticeDocument(
        authority=settings.header_text, doc_number=doc_number, title=_title(period), title_lines=_title_lines(period, fonts),
        addressees=settings.addressees, blocks=blocks, signatory=settings.signatory, sign_date=issue_date,
        cc=settings.cc, printer=settings.printer, print_date=issue_date, attachments=attachments)
    figures = frozen_figures(board, projects, values, narrative, settings, doc, issue_date)
    if act is not None:
        figures["activity"] = activity_to_json(act)
    return doc, figures


def frozen_figures(board: Board, projects: list[SignedProject], values: dict[str, str], narrative: Narrative,
                   settings: NoticeSettings, doc: NoticeDocument, issue_date: date) -> dict[str, Any]:
    return {
        "period": board.period.code, "title": doc.title, "doc_number": doc.doc_number,
        "issue_date": issue_date.isoformat(),
        "board": board_to_json(board),
        "signed_in_quarter": [p.as_json() for p in projects],
        "placeholders": values,
        "narrative": narrative.to_dict(),
        "settings": settings.to_dict(),
    }


def render_quarterly_notice(ledger: Ledger, period: Period, narrative: Narrative | None = None,
                            settings: NoticeSettings | None = None, doc_number: str | None = None,
                            issue_date: date | None = None, fonts: FontSet | None = None) -> bytes:
    doc, _ = build_quarterly_notice(ledger, period, narrative, settings, doc_number, issue_date, fonts)
    return render_notice(doc, fonts)
