"""The notice prints the engine's figures: read the PDF back and look for them."""

from __future__ import annotations

import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pypdf import PdfReader

from zsdesk.board import compute_board
from zsdesk.notice.narrative import Narrative, NoticeSettings
from zsdesk.notice.quarterly import build_quarterly_notice, render_quarterly_notice
from zsdesk.notice.quarterly_tables import signed_in
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period

from .conftest import flat, page_texts

YI = 100_000_000


def yi(yuan: int) -> str:
    """亿元 with two decimals, half-up — computed here, not with zsdesk.money."""
    return str((Decimal(yuan) / YI).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def pct(value: int, base: int) -> str:
    exact = Fraction(value * 100, base)
    return str((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def growth_words(now: int, before: int) -> str:
    g = Fraction((now - before) * 100, before)
    shown = (abs(Decimal(g.numerator) / Decimal(g.denominator))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"同比{'增长' if g > 0 else '下降'}{shown}%"


def test_demo_title_and_overview_figures(demo_path, demo_pdf):  # type: ignore[no-untyped-def]
    text = flat(demo_pdf)
    assert "关于2025年1—9月全区招商引资工作情况的通报" in text
    with open_unlocked(demo_path, read_only=True) as led:
        board = compute_board(led, "2025Q3")
    f, ly, target = board.district.figures, board.district.last_year, board.district.target
    assert f.formal_amount and f.arrived_amount and target is not None  # the demo has figures to print
    assert f"全区签约招商引资项目{f.signed_projects}个" in text
    assert f"签订正式合同的项目{f.formal_contracts}个，正式合同额{yi(f.formal_amount)}亿元" in text
    assert f"签订框架协议的项目{f.framework_agreements}个，协议金额{yi(f.framework_amount)}亿元" in text
    assert (f"正式合同额{yi(f.formal_amount)}亿元，{growth_words(f.formal_amount, ly.formal_amount)}，"
            f"完成年度目标任务的{pct(f.formal_amount, target.formal_amount)}%") in text
    assert (f"到位资金{yi(f.arrived_amount)}亿元，{growth_words(f.arrived_amount, ly.arrived_amount)}，"
            f"完成年度目标任务的{pct(f.arrived_amount, target.arrived_amount)}%") in text
    a = board.alone.figures
    assert f"2025年三季度全区签约项目{a.signed_projects}个，正式合同额{yi(a.formal_amount)}亿元" in text
    assert "增长-" not in text and "下降-" not in text


def test_demo_unit_and_person_boards_in_rank_order(demo_path, demo_pdf):  # type: ignore[no-untyped-def]
    with open_unlocked(demo_path, read_only=True) as led:
        board = compute_board(led, "2025Q3")
    text = flat(demo_pdf)
    start = text.index("表1")
    section = text[start:text.index("附件：")]
    pos = 0
    for u in board.units:
        row = f"{u.rank}{u.unit}{u.figures.signed_projects}{yi(u.figures.formal_amount)}"
        found = section.find(row, pos)
        assert found >= 0, f"unit row {row} not found after position {pos}"
        pos = found + len(row)
    persons = [p for p in board.persons if p.agreement_amount or p.arrived_amount][:30]
    assert persons
    pos = section.index("表2")
    for p in persons:
        row = f"{p.rank}{p.person}{p.unit}{yi(p.agreement_amount)}{yi(p.arrived_amount)}"
        found = section.find(row, pos)
        assert found >= 0, f"person row {row} not found"
        pos = found + len(row)


def test_demo_attachments(demo_path, demo_pdf):  # type: ignore[no-untyped-def]
    with open_unlocked(demo_path, read_only=True) as led:
        board = compute_board(led, "2025Q3")
    pages = page_texts(demo_pdf)
    attach1 = next(i for i, t in enumerate(pages) if t.startswith("附件1"))
    attach2 = next(i for i, t in enumerate(pages) if t.startswith("附件2"))
    assert attach1 < attach2
    completion = "".join(pages[attach1:attach2])
    d = board.district
    assert f"全区{d.figures.major}/{d.target.major_count}" in completion
    top = board.units[0]
    assert (f"{top.rank}{top.unit}" in completion
            and f"{yi(top.figures.arrived_amount)}{top.rates['arrived']:.2f}%" in completion)
    listing = "".join(pages[attach2:])
    n = board.alone.figures.signed_projects
    assert n > 0
    assert f"合计{n}个" in listing
    with open_unlocked(demo_path, read_only=True) as led, led.reading() as session:
        signed = signed_in(session, board.rules, board.alone.period)
    assert len(signed) == n
    body = listing.split("合计")[0]
    pos = 0
    for i, p in enumerate(signed, start=1):  # every project, in date order, with its number and amount
        row = f"{i}{p.name}"
        found = body.find(row, pos)
        assert found >= 0, f"signed project {row} not found"
        pos = found + len(row)
        assert f"{yi(p.agreement_amount)}{p.kind[:2]}" in body[pos:pos + 200]
    assert not PdfReader(io.BytesIO(demo_pdf)).pages[attach2].mediabox.width > 600  # 附件2 is portrait
    assert listing.count("正式合同") + listing.count("框架协议") >= n


def test_worked_example_prints_spec_figures(build):  # type: ignore[no-untyped-def]
    """SPEC §3: 95.03亿 vs 160亿 is 59.39%; 12.59亿 vs 25亿 is 50.36%; 同比 22.05% and 54.67%."""
    build.unit("高新区", "园区")
    build.target("全区", 2022, formal_amount="160亿", arrived_amount="25亿")
    build.target("高新区", 2022, formal_amount="100亿", arrived_amount="20亿")
    for i in range(20):
        amount = "4.78亿" if i == 0 else "4.75亿"
        build.project(f"正式{i}", lead_unit_id="高新区", formal_date=f"2022-{1 + i % 6:02d}-15", agreement_amount=amount)
    for i in range(8):
        build.project(f"框架{i}", lead_unit_id="高新区", framework_date="2022-04-01", agreement_amount="10.8125亿")
    pid = build.project("到位项目", lead_unit_id="高新区", formal_date="2021-12-01", agreement_amount="2亿")
    build.funding(pid, "2022-06-30", "125900")
    build.project("去年", lead_unit_id="高新区", formal_date="2021-03-01", agreement_amount="77.86亿")
    build.funding(pid, "2021-05-01", "81400")
    pdf = render_quarterly_notice(build.ledger, parse_period("2022Q2"), narrative=Narrative(), issue_date=date(2022, 7, 8))
    text = flat(pdf)
    assert "关于2022年1—6月全区招商引资工作情况的通报" in text
    assert "全区签约招商引资项目28个" in text
    assert "正式合同额95.03亿元，同比增长22.05%，完成年度目标任务的59.39%" in text
    assert "到位资金12.59亿元，同比增长54.67%，完成年度目标任务的50.36%" in text
    assert "签订框架协议的项目8个，协议金额86.50亿元" in text


def test_decline_is_worded_as_decline(build):  # type: ignore[no-untyped-def]
    build.unit("城东街道", "乡镇街道")
    build.project("去年项目", lead_unit_id="城东街道", formal_date="2025-02-01", agreement_amount="10亿")
    build.project("今年项目", lead_unit_id="城东街道", formal_date="2026-02-01", agreement_amount="4亿")
    text = flat(render_quarterly_notice(build.ledger, parse_period("2026Q1"), issue_date=date(2026, 4, 8)))
    assert "正式合同额4.00亿元，同比下降60.00%" in text
    assert "增长-" not in text and "下降-" not in text
    assert "关于2026年1—3月全区招商引资工作情况的通报" in text


def test_narrative_placeholders_filled_and_user_text_literal(build):  # type: ignore[no-untyped-def]
    build.unit("甲<乙>&丙园区", "园区")
    build.target("全区", 2026, formal_amount="10亿", arrived_amount="4亿")
    pid = build.project("测试<项目>&一期", lead_unit_id="甲<乙>&丙园区", formal_date="2026-08-01",
                        agreement_amount="2.5亿")
    build.funding(pid, "2026-09-01", "10000")  # 1亿
    narrative = Narrative(
        highlights="合同额达到{正式合同额}，完成率{正式合同完成率}，到位资金完成率{到位资金完成率}，{同比}。",
        problems="原样印出：<b>粗体</b> & &amp; 1 > 0，{未知} 与 {{签约项目数}} 以及单独的 { 和 }。",
        next_steps="")
    settings = NoticeSettings(addressees="各单位<含&>：", cc="区委办公室&区政府办公室")
    doc, figures = build_quarterly_notice(build.ledger, parse_period("2026Q3"), narrative=narrative, settings=settings,
                                          issue_date=date(2026, 10, 8))
    from zsdesk.notice import render_notice

    text = flat(render_notice(doc))
    assert "合同额达到2.50亿元，完成率25.00%，到位资金完成率25.00%，上年同期无基数。" in text
    assert "原样印出：<b>粗体</b>&&amp;1>0，{未知}与{1}以及单独的{和}。" in text
    assert "甲<乙>&丙园区" in text and "测试<项目>&一期" in text
    assert "各单位<含&>：" in text and "区委办公室&区政府办公室" in text
    assert "下步工作" not in text  # an empty section is left out, not printed as a bare heading
    assert figures["placeholders"]["正式合同额"] == "2.50亿元"
