"""SPEC §3.1 worked examples: whole-yuan splits, scores from printed rates, 同比 without a base, months."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from zsdesk.board import board_to_json, compute_board, unit_projects
from zsdesk.demo import build_demo
from zsdesk.errors import LedgerError
from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period

YI = 100_000_000


def _unit(board, name):  # type: ignore[no-untyped-def]
    return next(u for u in board.units if u.unit == name)


def test_one_yi_with_three_cooperating_units_adds_up_to_the_yuan(build):  # type: ignore[no-untyped-def]
    """1亿 市外, lead + 3 cooperating units: 80,000,000 + 6,666,667 + 6,666,667 + 6,666,666 = 1亿 (not
    100,000,001); 3 persons: 33,333,334 + 33,333,333 + 33,333,333 (not 99,999,999)."""
    for name in ("牵头", "配合甲", "配合乙", "配合丙"):
        build.unit(name)
    for name in ("丙某", "甲某", "乙某"):
        build.person(name, "牵头")
    build.project("联合", origin="市外", lead_unit_id="牵头", cooperating_unit_ids="配合丙、配合甲、配合乙",
                  formal_date="2026-02-01", agreement_amount="1亿", person_ids="乙某、甲某、丙某")
    board = compute_board(build.ledger, "2026Q1")
    got = {u.unit: u.figures.formal_amount for u in board.units}
    # remainder ties: the lead first (its part is exact here), then cooperating units in sort order
    assert got == {"牵头": 80_000_000, "配合甲": 6_666_667, "配合乙": 6_666_667, "配合丙": 6_666_666}
    assert sum(got.values()) == YI
    persons = {p.person: p.agreement_amount for p in board.persons}
    # persons in name order (character order): 丙某 < 乙某 < 甲某
    assert sorted(persons.items()) == sorted({"丙某": 33_333_334, "乙某": 33_333_333, "甲某": 33_333_333}.items())
    assert sum(persons.values()) == YI
    # the drill-down lists the same whole-yuan parts
    for u in board.units:
        lines = unit_projects(build.ledger, "2026Q1", u.unit_id, "formal")
        assert [int(ln.credited) for ln in lines] == [got[u.unit]]
    # and the JSON
    assert sum(u["formal_amount"] for u in board_to_json(board)["units"]) == YI


def test_in_city_project_total_rounds_half_up_then_splits(build):  # type: ignore[no-untyped-def]
    """区外市内 20% of 61,728,383 yuan = 12,345,676.6 → 12,345,677 total; lead 80% = 9,876,541.28 →
    9,876,541; coops 10% each = 1,234,567.66 → 1,234,568 + 1,234,568 (the two leftover yuan go to the larger
    remainders)."""
    for name in ("牵头", "配合甲", "配合乙"):
        build.unit(name)
    build.project("市内", origin="区外市内", lead_unit_id="牵头", cooperating_unit_ids="配合甲、配合乙",
                  formal_date="2026-02-01", agreement_amount="6172.8383")  # 万元
    board = compute_board(build.ledger, "2026Q1")
    total = int((Decimal(61_728_383) / 5).quantize(Decimal(1), ROUND_HALF_UP))
    got = {u.unit: u.figures.formal_amount for u in board.units}
    assert sum(got.values()) == total == 12_345_677
    assert got == {"牵头": 9_876_541, "配合甲": 1_234_568, "配合乙": 1_234_568}


def _scoring(ledger: Ledger, items: list[tuple[str, int]]) -> None:
    from zsdesk.rules import default_document, save_rules

    doc = default_document()
    doc["scoring"]["items"] = [{"item": i, "weight": w, "cap": 150} for i, w in items]
    save_rules(ledger, 2026, doc)


def test_scores_from_printed_rates_tie_at_32_15(build):  # type: ignore[no-untyped-def]
    """甲: 50.00% and 14.2857…% (printed 14.29), weights equal → (50.00 + 14.29) ÷ 2 = 32.145 → 32.15;
    乙: 64.30% and 0.00% → 32.15. Tied at rank 1 (exact rates would give 甲 32.14, second)."""
    _scoring(build.ledger, [("agreement", 50), ("formal", 50)])
    build.unit("甲")
    build.unit("乙")
    build.target("甲", 2026, agreement_amount="2亿", formal_amount="7亿")
    build.target("乙", 2026, agreement_amount="1亿", formal_amount="1亿")
    build.project("甲框架", origin="市外", lead_unit_id="甲", framework_date="2026-01-10", agreement_amount="1亿")
    build.project("甲转正", origin="市外", lead_unit_id="甲", framework_date="2025-06-01",
                  formal_date="2026-02-01", agreement_amount="1亿")
    build.project("乙框架", origin="市外", lead_unit_id="乙", framework_date="2026-01-10", agreement_amount="6430")
    board = compute_board(build.ledger, "2026Q1")
    a, b = _unit(board, "甲"), _unit(board, "乙")
    assert (a.rates["agreement"], a.rates["formal"]) == (Decimal("50.00"), Decimal("14.29"))
    assert (b.rates["agreement"], b.rates["formal"]) == (Decimal("64.30"), Decimal("0.00"))
    assert a.score == b.score == Decimal("32.15")
    assert a.rank == b.rank == 1


def _recompute(rules, rates):  # type: ignore[no-untyped-def]
    """A score from the printed rates alone (weighted method, skip items without a target)."""
    used = [(Decimal(it.weight.numerator) / it.weight.denominator,
             min(rates[it.item], Decimal(it.cap.numerator) / it.cap.denominator) if it.cap is not None
             else rates[it.item]) for it in rules.score_items if rates.get(it.item) is not None]
    if not used:
        return Decimal("0.00")
    total = sum(w for w, _ in used)
    return (sum(w * v for w, v in used) / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_unlocked(path, operator="测试员", create=True) as led:
        build_demo(led, today=date(2026, 11, 20))
        yield led


@pytest.mark.parametrize("period", ["2026Q3", "2025", "2026M01-08"])
def test_every_demo_score_recomputes_from_its_printed_rates(demo, period):  # type: ignore[no-untyped-def]
    board = compute_board(demo, period)
    data = board_to_json(board)
    assert board.rules.score_method == "weighted"
    checked = 0
    for u, row in zip(board.units, data["units"], strict=True):
        printed = {k: None if row.get(f"{k}_rate") is None else Decimal(str(row[f"{k}_rate"]))
                   for k in ("major", "large", "key", "agreement", "formal", "arrived")}
        assert _recompute(board.rules, printed) == Decimal(str(row["score"])) == u.score, u.unit
        checked += any(v is not None for v in printed.values())
    assert checked > 5
    # ranks follow the printed scores: 1 + the number of higher scores
    scores = [Decimal(str(r["score"])) for r in data["units"]]
    assert [r["rank"] for r in data["units"]] == [1 + sum(1 for t in scores if t > s) for s in scores]


def test_growth_without_a_positive_base_is_null(build):  # type: ignore[no-untyped-def]
    """Last year's 1—3月 arrivals net to −0.6亿 (a correction of an entry of the year before): this year 1亿
    arrived; 同比 is null / "—", not "同比下降 266.67%"."""
    from zsdesk.notice.quarterly import overview_text, placeholder_values

    build.unit("园区")
    pid = build.project("到位", origin="市外", lead_unit_id="园区", formal_date="2024-05-01", agreement_amount="5亿")
    build.funding(pid, "2024-12-01", "8000")
    build.funding(pid, "2025-03-01", "-6000")  # corrects the 2024 entry, in 2025Q1
    build.funding(pid, "2026-02-01", "10000")
    board = compute_board(build.ledger, "2026Q1")
    assert board.district.last_year.arrived_amount == -60_000_000
    assert board.district.yoy["arrived_amount"] is None
    assert board_to_json(board)["district"]["arrived_yoy"] is None
    text = overview_text(board)
    assert "到位资金1.00亿元。" in text and "下降" not in text
    assert placeholder_values(board)["到位资金同比"] == "上年同期无基数"  # prose; tables print "—"
    # a zero base too
    assert board_to_json(compute_board(build.ledger, "2026Q1"))["district"]["formal_yoy"] is None


def test_month_ranges():  # type: ignore[no-untyped-def]
    p = parse_period("2026M01-08")
    assert (p.start, p.end, p.label, p.code) == (date(2026, 1, 1), date(2026, 8, 31), "2026年1—8月", "2026M01-08")
    assert p.alone().label == "2026年8月" and p.last_year().code == "2025M01-08"
    q = parse_period("2026M07-09")
    assert (q.start, q.end, q.label, q.alone().label) == (date(2026, 7, 1), date(2026, 9, 30), "2026年7—9月",
                                                          "2026年7—9月")
    assert parse_period("2026M08").label == "2026年8月"
    assert parse_period(" 2026m1-8 ").code == "2026M01-08"
    for bad, words in (("2026M09-03", "起始月份晚于截止月份"), ("2026M00-05", "月份应为 01—12"),
                       ("2026M01-13", "月份应为 01—12"), ("2026Q5", "季度应为 1—4"), ("", "未填写期间")):
        with pytest.raises(LedgerError) as err:
            parse_period(bad)
        assert words in str(err.value)


def test_month_range_board_equals_the_sum_of_its_months(demo):  # type: ignore[no-untyped-def]
    cumulative = compute_board(demo, "2026M01-08")
    assert cumulative.period.label == "2026年1—8月"
    assert cumulative.district.figures.formal_amount == sum(
        compute_board(demo, f"2026M{m:02d}").district.figures.formal_amount for m in range(1, 9))
    q3 = compute_board(demo, "2026M07-09")
    assert q3.district.figures == compute_board(demo, "2026Q3").alone.figures
    # rates are measured against the annual target whatever the range
    assert q3.district.target == cumulative.district.target


def test_xlsx_growth_without_base_is_a_dash_and_the_converted_column(build, tmp_path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from zsdesk.xlsx.board_export import export_board

    build.unit("园区")
    pid = build.project("到位", origin="市外", lead_unit_id="园区", framework_date="2025-05-01",
                        formal_date="2026-02-01", agreement_amount="5亿")
    build.funding(pid, "2026-02-01", "10000")
    export_board(build.ledger, tmp_path / "榜.xlsx", "2026Q1")
    wb = load_workbook(tmp_path / "榜.xlsx")
    rows = {r[0]: r for r in wb["全区"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["到位资金"][2:] == (1.0, 0.0, "—")
    assert rows["正式合同额"][2:] == (5.0, 0.0, "—")
    header = [c.value for c in wb["单位榜"][3]]
    col = header.index("其中：往期框架协议转正式合同（个）")
    unit_row = next(r for r in wb["单位榜"].iter_rows(min_row=4, values_only=True) if r[1] == "园区")
    assert unit_row[col] == 1 and unit_row[header.index("签约项目（个）")] == 1


def test_framework_earlier_formal_now_is_explained(build):  # type: ignore[no-untyped-def]
    """Framework agreement in 2023, formal contract in 2024Q1: 1 signed project with 0 agreement amount and no
    size class — and the board, the drill-down and the notice say why."""
    from zsdesk.notice.quarterly import build_quarterly_notice, converted_note

    build.unit("园区甲", "园区")
    build.project("转正", origin="市外", lead_unit_id="园区甲", framework_date="2023-06-01",
                  formal_date="2024-02-01", agreement_amount="3亿")
    board = compute_board(build.ledger, "2024Q1")
    u = _unit(board, "园区甲")
    assert (u.figures.signed_projects, u.figures.agreement_amount, u.figures.key) == (1, 0, 0)
    assert u.figures.converted_contracts == 1 and u.figures.formal_amount == 3 * YI
    assert board_to_json(board)["units"][0]["converted_contracts"] == 1
    lines = unit_projects(build.ledger, "2024Q1", u.unit_id, "signed")
    assert [(ln.name, ln.earlier_framework) for ln in lines] == [("转正", True)]
    note = converted_note(board)
    assert "其中：往期框架协议转正式合同1个（园区甲1个）" in note
    doc, _ = build_quarterly_notice(build.ledger, parse_period("2024Q1"), issue_date=date(2024, 4, 8))
    from zsdesk.notice import render_notice

    pdf = render_notice(doc)
    import io

    import pypdf

    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "往期框架协议转正式合同1个" in text
    # the year before: first signed in 2023 → counted there with its agreement amount and size class
    before = _unit(compute_board(build.ledger, "2023"), "园区甲")
    assert (before.figures.agreement_amount, before.figures.key, before.figures.converted_contracts) == (3 * YI, 1, 0)


@pytest.mark.parametrize("period", ["2026Q3", "2025", "2026M01-08", "2026M07-09"])
def test_demo_parts_add_up_to_the_projects_credited_totals(demo, period):  # type: ignore[no-untyped-def]
    """Σ units' credited = Σ projects' credited totals (amount × origin weight, half-up), and the same for
    persons, to the yuan — on the demo district, recomputed here from the project rows."""
    from collections import defaultdict

    from sqlalchemy import select

    from zsdesk.board.figures import round_half_up
    from zsdesk.models import Funding, Project, ProjectPerson

    board = compute_board(demo, period)
    rules, start, end = board.rules, board.period.start, board.period.end
    with demo.reading() as s:
        projects = [p for p in s.scalars(select(Project)) if p.deleted_at is None and p.withdrawn_date is None
                    and rules.size_class(p.agreement_amount, p.expected_output, p.industrial) != "none"]
        arrived: dict[int, int] = defaultdict(int)
        for f in s.scalars(select(Funding).where(Funding.deleted_at.is_(None), Funding.date.between(start, end))):
            arrived[f.project_id] += f.amount
        with_persons = {pid for (pid,) in s.execute(select(ProjectPerson.project_id))}

    def total(p: Project, amount: int) -> int:
        return round_half_up(amount * rules.origin_weights[p.origin])

    formal = sum(total(p, p.agreement_amount) for p in projects
                 if p.lead_unit_id and p.formal_date and start <= p.formal_date <= end)
    first = [p for p in projects if p.signed_date and start <= p.signed_date <= end]
    money = sum(total(p, arrived[p.id]) for p in projects if p.lead_unit_id)
    assert sum(u.figures.formal_amount for u in board.units) == formal > 0
    assert sum(u.figures.agreement_amount for u in board.units) == sum(
        total(p, p.agreement_amount) for p in first if p.lead_unit_id)
    assert sum(u.figures.arrived_amount for u in board.units) == money
    assert sum(r.agreement_amount for r in board.persons) == sum(
        total(p, p.agreement_amount) for p in first if p.id in with_persons)
    assert sum(r.arrived_amount for r in board.persons) == sum(
        total(p, arrived[p.id]) for p in projects if p.id in with_persons)
