"""The monthly notice (月通报, 每月督报) for a month range such as ``2026M01-08`` (1—8月 cumulative).

A shorter notice than the quarterly one, built from the same pieces (``quarterly`` for the overview and
the boards' wording, ``quarterly_tables`` for the tables, ``compose`` for the pages): the overview with the
cumulative figures and 同比 (SPEC §3.1), the unit board and the person board, the units with nothing
signed, the 项目落地 figures (the four rates and the overdue count, SPEC §9) where a cohort exists, and the
narrative sections the chief has written. No attachments: the unit board in the body is the compact unit
table a monthly 督报 needs (the quarterly notice keeps the full completion table and the project list).

Its document numbers are their own series (``NoticeSettings.monthly_number_pattern``, by default
``黔江招商督〔{年}〕{号}号``), numbered independently of the quarterly series by ``issuing``.

Public API::

    is_monthly(period) -> bool                      # a month or a month range (2026M08, 2026M01-08, 2026M07-09)
    series_settings(settings, period) -> NoticeSettings   # number_pattern of the period's series
    build_monthly_notice(ledger, period, narrative=None, settings=None, doc_number=None, issue_date=None,
                         fonts=None) -> tuple[NoticeDocument, dict]
    build_notice(...same arguments...)              # the monthly notice for a month period, else the quarterly
    render_notice_pdf(...) -> bytes / render_notice_docx(..., draft=True) -> bytes
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..board import Board, compute_board, rate_text
from ..lifecycle import Lifecycle, compute_lifecycle
from ..periods import Period
from ..rules import SCORE_METHODS
from .compose import render_notice
from .fonts import FontSet, default_fontset
from .model import Block, Heading, NoticeDocument, Paragraph
from .narrative import (
    NARRATIVE_LABELS,
    Narrative,
    NoticeSettings,
    format_doc_number,
    load_narrative,
    load_settings,
)
from .quarterly import (
    ORDINALS,
    _quiet_text,
    _title_lines,
    build_quarterly_notice,
    converted_note,
    frozen_figures,
    narrative_blocks,
    overview_text,
    placeholder_values,
)
from .quarterly_tables import listed_persons, person_board_table, signed_in, unit_board_table

if TYPE_CHECKING:
    from ..ledger import Ledger

MONTH_KINDS = ("M", "YTD", "R")


def is_monthly(period: Period) -> bool:
    return period.kind in MONTH_KINDS


def series_settings(settings: NoticeSettings, period: Period) -> NoticeSettings:
    """The settings with ``number_pattern`` of the period's numbering series (monthly or quarterly)."""
    if is_monthly(period):
        return replace(settings, number_pattern=settings.monthly_number_pattern)
    return settings


def _title(period: Period) -> str:
    return f"关于{period.label}全区招商引资工作情况的通报"


def landing_text(life: Lifecycle) -> str:
    """The 项目落地 paragraph: cohort, the four rates and the overdue count (SPEC §9)."""
    d = life.district
    start = life.cohort_start
    text = (f"{start.year}年{start.month}月以来正式签约的{d.cohort}个项目中，已开工{d.started}个，已投产{d.producing}个。"
            f"项目履约率{rate_text(d.fulfilment_rate)}，开工率{rate_text(d.start_rate)}，"
            f"投产率{rate_text(d.production_rate)}，资金到位率{rate_text(d.arrival_rate)}。")
    if d.overdue_projects:
        text += (f"截至{life.end.month}月底，逾期未开工或未投产的项目{d.overdue_projects}个（逾期事项"
                 f"{d.overdue_milestones}项），请相关单位逐一分析原因，加快推进项目落地。")
    else:
        text += f"截至{life.end.month}月底，无逾期未开工或未投产的项目。"
    return text


def _body(board: Board, life: Lifecycle, narrative: Narrative, values: dict[str, str]) -> list[Block]:
    label = board.period.label
    method = SCORE_METHODS.get(board.rules.score_method, board.rules.score_method)
    persons = listed_persons(board)
    others = len(board.persons) - len(persons)
    blocks: list[Block] = [
        Paragraph(f"按照“每月跟踪、按月督报”的要求，现将{label}全区招商引资工作及“招商英雄榜”竞榜情况通报如下。"),
    ]
    board_blocks: list[Block] = [
        Heading(2, "（一）单位排名"),
        Paragraph(f"按照{board.period.year}年“招商英雄榜”计分规则，采用{method}计分排名，完成率均为完成年度目标任务的"
                  f"比例。{label}各单位排名如下（金额为认定金额）："),
        unit_board_table(board, 1),
    ]
    converted = converted_note(board)
    if converted:
        board_blocks.append(Paragraph(converted))
    board_blocks.append(Heading(2, "（二）个人排名"))
    if persons:
        shown = f"认定业绩排名前{len(persons)}位的同志如下" if others > 0 else "各位同志排名如下"
        board_blocks += [Paragraph(f"按引荐项目认定的协议资金、到位资金排名，{shown}："), person_board_table(board, 2)]
        if others > 0:
            board_blocks.append(Paragraph(f"其余{others}名竞榜个人年初以来暂无认定业绩。"))
    else:
        board_blocks.append(Paragraph("年初以来，竞榜个人暂无认定业绩。"))
    board_blocks += [Heading(2, "（三）无签约项目、无到位资金单位"), Paragraph(_quiet_text(board))]
    sections: list[tuple[str, list[Block]]] = [
        ("总体情况", [Paragraph(overview_text(board))]),
        ("“招商英雄榜”排名情况", board_blocks),
    ]
    if life.district.cohort:
        sections.append(("项目落地情况", [Paragraph(landing_text(life))]))
    for key in ("highlights", "problems", "next_steps"):
        content = narrative_blocks(getattr(narrative, key), values)
        if content:
            sections.append((NARRATIVE_LABELS[key], content))
    for i, (title, content) in enumerate(sections):
        blocks.append(Heading(1, f"{ORDINALS[i]}、{title}"))
        blocks += content
    return blocks


def build_monthly_notice(ledger: Ledger, period: Period, narrative: Narrative | None = None,
                         settings: NoticeSettings | None = None, doc_number: str | None = None,
                         issue_date: date | None = None,
                         fonts: FontSet | None = None) -> tuple[NoticeDocument, dict[str, Any]]:
    """The monthly notice for a month ``period`` and the figures it prints (JSON-able, frozen when issued)."""
    settings = series_settings(settings or load_settings(ledger), period)
    narrative = narrative if narrative is not None else load_narrative(ledger, period)
    issue_date = issue_date or date.today()
    if doc_number is None:
        doc_number = format_doc_number(settings.number_pattern, issue_date.year, None)
    with ledger.reading() as session:
        board = compute_board(session, period)
        projects = signed_in(session, board.rules, board.alone.period)
        life = compute_lifecycle(session, period, board.rules)
    values = placeholder_values(board)
    fonts = fonts or default_fontset()
    doc = NoticeDocument(
        authority=settings.header_text, doc_number=doc_number, title=_title(period),
        title_lines=_title_lines(period, fonts), addressees=settings.addressees,
        blocks=_body(board, life, narrative, values), signatory=settings.signatory, sign_date=issue_date,
        cc=settings.cc, printer=settings.printer, print_date=issue_date, attachments=())
    figures = frozen_figures(board, projects, values, narrative, settings, doc, issue_date)
    figures["kind"] = "monthly"
    d = life.district
    figures["landing"] = {
        "cohort_start": life.cohort_start.isoformat(), "cohort": d.cohort, "started": d.started,
        "producing": d.producing, "overdue_projects": d.overdue_projects,
        "overdue_milestones": d.overdue_milestones,
        "rates": {k: (None if v is None else str(v)) for k, v in (
            ("fulfilment", d.fulfilment_rate), ("start", d.start_rate), ("production", d.production_rate),
            ("arrival", d.arrival_rate))},
    }
    return doc, figures


def build_notice(ledger: Ledger, period: Period, narrative: Narrative | None = None,
                 settings: NoticeSettings | None = None, doc_number: str | None = None,
                 issue_date: date | None = None,
                 fonts: FontSet | None = None) -> tuple[NoticeDocument, dict[str, Any]]:
    """The monthly notice for a month or month range, the quarterly notice for any other period."""
    build = build_monthly_notice if is_monthly(period) else build_quarterly_notice
    return build(ledger, period, narrative, settings, doc_number, issue_date, fonts)


def render_notice_pdf(ledger: Ledger, period: Period, narrative: Narrative | None = None,
                      settings: NoticeSettings | None = None, doc_number: str | None = None,
                      issue_date: date | None = None, fonts: FontSet | None = None) -> bytes:
    doc, _ = build_notice(ledger, period, narrative, settings, doc_number, issue_date, fonts)
    return render_notice(doc, fonts)


def render_notice_docx(ledger: Ledger, period: Period, narrative: Narrative | None = None,
                       settings: NoticeSettings | None = None, doc_number: str | None = None,
                       issue_date: date | None = None, fonts: FontSet | None = None, draft: bool = True) -> bytes:
    # local: python-docx (~35 ms) loads only for a .docx, not for the PDF
    from .docx_export import notice_docx

    doc, _ = build_notice(ledger, period, narrative, settings, doc_number, issue_date, fonts)
    return notice_docx(doc, draft=draft, fonts=fonts)
