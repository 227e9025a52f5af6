"""Property test over shuffled column orders and header spellings; the 10k-row suggestion budget (issue 22)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from zsdesk.ledger import Ledger
from zsdesk.xlsx.mapping_apply import canonical_table, import_mapped
from zsdesk.xlsx.mapping_sheet import read_samples, suggest_for, vocabulary

from . import mapping_books as books

# field → (spellings a bureau uses, the three rows' cells, what the importer gets after the value maps)
COLUMNS: dict[str, tuple[list[str], list[object], list[object]]] = {
    "name": (["项目名称", "项目名", "项目", " 项目名称 *"], ["甲项目", "乙项目", "丙项目"], ["甲项目", "乙项目", "丙项目"]),
    "investor": (["投资方", "投资企业", "企业名称", "投资主体", "签约企业"], ["甲公司", "乙公司", "丙公司"],
                 ["甲公司", "乙公司", "丙公司"]),
    "agreement_amount": (["签约金额（亿元）", "协议资金(亿元)", "签约额【亿元】", "协议金额 (亿元)"],
                         [3.5, "1.2亿", "8000万"], [3.5, "1.2亿", "8000万"]),
    "formal_date": (["签约时间", "签约日期", "正式合同签订日期", "合同签订时间"],
                    [datetime(2025, 3, 1), "2025/6/1", "2025年9月30日"],
                    [datetime(2025, 3, 1), "2025/6/1", "2025年9月30日"]),
    "lead_unit_id": (["责任单位", "牵头单位", "引资单位", "招商单位"], ["经开区", "商务委", "城南街道"],
                     ["重庆黔江经济开发区", "区商务委", "城南街道"]),
    "origin": (["客商来源", "来源", "投资方来源", "来源类别"], ["省外", "区外", "本区"], ["市外", "区外市内", "区内"]),
}


@st.composite
def layouts(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    order = draw(st.permutations(list(COLUMNS)))
    return order, [draw(st.sampled_from(COLUMNS[f][0])) for f in order]


@pytest.fixture
def units_ledger(ledger: Ledger) -> Ledger:
    books.fill_units(ledger)
    return ledger


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=layouts(), title=st.booleans())
def test_any_order_and_spelling_maps_to_the_same_rows(units_ledger: Ledger, tmp_path: Path,
                                                     layout: tuple[list[str], list[str]], title: bool) -> None:
    order, headers = layout
    rows = [[COLUMNS[f][1][i] for f in order] for i in range(3)]
    top = [["某某区招商项目台账"] + [None] * (len(order) - 1)] if title else []
    path = books.write_book(tmp_path / "p.xlsx", [("台账", [*top, headers, *rows], ["A1:F1"] if title else [])])
    samples = read_samples(path, full=True)
    with units_ledger.reading() as session:
        mapping = suggest_for(samples[0], vocabulary(session))
    assert [c.field for c in mapping.columns] == order
    table = canonical_table(samples[0], mapping)
    expected = [{f: COLUMNS[f][2][i] for f in order} for i in range(3)]
    assert [row for _, row in table.rows] == expected
    assert [n for n, _ in table.rows] == [2 + title, 3 + title, 4 + title]
    report = import_mapped(units_ledger, path, [(samples[0], mapping)], dry_run=True)
    assert report.ok and report.would_create == 3, report.all_problems()


def test_suggestions_for_a_10k_row_sheet_within_a_second(units_ledger: Ledger, tmp_path: Path) -> None:
    wb = Workbook()  # saved with its <dimension> tag, as Excel and WPS save (openpyxl's write-only mode has none)
    ws = wb.active
    assert ws is not None
    ws.append(["2025年招商引资项目台账"])
    ws.append(["序号", "项目名", "投资企业", "签约金额（亿元）", "签约时间", "责任单位", "客商来源", "进展情况",
               "所属园区", "情况说明"])
    for i in range(10_000):
        ws.append([i + 1, f"项目{i}", f"公司{i}", 1.5, datetime(2025, 1 + i % 12, 1 + i % 28), "经开区",
                   ("省外", "区外", "本区")[i % 3], ("已开工", "在谈", "已签约")[i % 3], "正阳园区", "说明"])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    best = 99.0
    for _ in range(3):  # the best of three: the machine is shared
        start = time.perf_counter()
        samples = read_samples(path)
        with units_ledger.reading() as session:
            mapping = suggest_for(samples[0], vocabulary(session))
        best = min(best, time.perf_counter() - start)
    assert [c.field for c in mapping.columns][:4] == ["", "name", "investor", "agreement_amount"]
    assert mapping.values["origin"] == {"省外": "市外", "区外": "区外市内", "本区": "区内"}
    assert best <= 1.0, f"{best:.2f} s"
