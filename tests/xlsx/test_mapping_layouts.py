"""Bureaus' own layouts, mapped and imported exactly (issue 22): stored values checked field by field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from zsdesk.ledger import Ledger
from zsdesk.models import DictionaryEntry, Project, ProjectCooperatingUnit, Unit
from zsdesk.xlsx.mapping import NOTES, STAGE, STAGE_DATE, STAGE_NOTES, SheetMapping
from zsdesk.xlsx.mapping_apply import import_mapped, preview
from zsdesk.xlsx.mapping_sheet import SheetSample, read_samples, suggest_for, vocabulary

from . import mapping_books as books


@pytest.fixture
def units_ledger(ledger: Ledger) -> Ledger:
    books.fill_units(ledger)
    return ledger


def _suggest(ledger: Ledger, path: Path) -> list[tuple[SheetSample, SheetMapping]]:
    samples = read_samples(path, full=True)
    with ledger.reading() as session:
        vocab = vocabulary(session)
    return [(s, suggest_for(s, vocab)) for s in samples]


def _stored(ledger: Ledger) -> dict[str, Project]:
    with ledger.reading() as session:
        return {p.name: p for p in session.scalars(select(Project).where(Project.deleted_at.is_(None)))}


def _cooperating(ledger: Ledger, project_id: int) -> list[str]:
    with ledger.reading() as session:
        return sorted(session.scalars(select(Unit.name).join(ProjectCooperatingUnit, ProjectCooperatingUnit.unit_id
                                                             == Unit.id)
                                      .where(ProjectCooperatingUnit.project_id == project_id)))


def _chain(ledger: Ledger, entry_id: int | None) -> str | None:
    with ledger.reading() as session:
        entry = session.get(DictionaryEntry, entry_id) if entry_id else None
        return entry.name if entry else None


def _unit_name(ledger: Ledger, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    with ledger.reading() as session:
        unit = session.get(Unit, unit_id)
        return unit.name if unit else None


def test_layout_a_amounts_in_yi_with_text_units_under_a_merged_title(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_a(tmp_path / "a.xlsx")
    sheets = _suggest(units_ledger, path)
    sample, mapping = sheets[0]
    fields = {c.header: c.field for c in mapping.columns}
    assert fields["序号"] == "" and fields["项目名"] == "name" and fields["签约金额（亿元）"] == "agreement_amount"
    assert fields["客商来源"] == "origin" and fields["情况说明"] == NOTES and fields["是否工业"] == "industrial"
    assert mapping.columns[3].unit == "亿元"
    report = import_mapped(units_ledger, path, sheets, dry_run=False)
    assert report.ok and report.written, report.all_problems()
    assert report.sheets[0].notes == ["已跳过第 6 行的“合计”行。"]
    stored = _stored(units_ledger)
    assert len(stored) == 3
    a, b, c = stored["锂电池正极材料项目"], stored["冷链物流中心"], stored["特色农产品加工"]
    assert (a.agreement_amount, a.planned_investment) == (350_000_000, 520_000_000)
    assert (b.agreement_amount, b.planned_investment) == (120_000_000, 80_000_000)
    assert (c.agreement_amount, c.planned_investment) == (80_000_000, 0)
    assert (a.formal_date, b.formal_date, c.formal_date) == (date(2025, 3, 12), date(2025, 6, 1), date(2025, 9, 30))
    assert (a.origin, b.origin, c.origin) == ("out_of_city", "in_city", "in_district")
    assert (a.industrial, b.industrial, c.industrial) == (True, False, True)
    assert _unit_name(units_ledger, a.lead_unit_id) == "重庆黔江经济开发区"
    assert (a.notes, b.notes, c.notes) == ("情况说明：一期", "", "情况说明：续建")
    assert a.investor == "深圳某某新能源有限公司"


def test_layout_b_stage_words_never_invent_a_date(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_b(tmp_path / "b.xlsx")
    sheets = _suggest(units_ledger, path)
    sample, mapping = sheets[0]
    assert sample.header_row == 4 and sample.default_unit == "亿元"
    assert [c.field for c in mapping.columns] == ["name", "investor", "agreement_amount", STAGE, "started_date",
                                                  "landing_park_id", "chain_id"]
    assert mapping.stage_rule == STAGE_NOTES
    labels, rows = preview(sample, mapping)
    assert labels[2] == "协议资金（万元）" and rows[0][2] == "25000.00"
    report = import_mapped(units_ledger, path, sheets, dry_run=False)
    assert report.ok, report.all_problems()
    stored = _stored(units_ledger)
    built, herbs, tour = stored["新型建材生产线"], stored["中药材提取"], stored["文旅综合体"]
    assert built.started_date == date(2025, 5, 20) and built.notes == "进展情况：已开工"
    assert herbs.started_date is None and herbs.notes == "进展情况：已开工"  # no date in the sheet: none made up
    assert tour.first_contact_date is None and tour.notes == "进展情况：在谈"
    assert (built.agreement_amount, herbs.agreement_amount, tour.agreement_amount) == (
        250_000_000, 60_000_000, 1_200_000_000)
    assert _unit_name(units_ledger, herbs.landing_park_id) == "正阳工业园区"
    assert _unit_name(units_ledger, built.landing_park_id) == "重庆黔江经济开发区"
    assert _chain(units_ledger, built.chain_id) == "新材料"


def test_layout_b_stage_dates_from_a_chosen_column(units_ledger: Ledger, tmp_path: Path) -> None:
    """The explicit rule: a stage word takes its date from the 开工时间 column; without one it stays text."""
    path = books.layout_b(tmp_path / "b.xlsx")
    sheets = _suggest(units_ledger, path)
    mapping = sheets[0][1]
    mapping.columns[4].field = ""  # 开工时间 feeds the stage rule only
    mapping.stage_rule, mapping.stage_date_column = STAGE_DATE, "开工时间"
    report = import_mapped(units_ledger, path, sheets, dry_run=False)
    assert report.ok, report.all_problems()
    assert any("进展没有日期" in n for n in report.sheets[0].notes)
    stored = _stored(units_ledger)
    assert stored["新型建材生产线"].started_date == date(2025, 5, 20)
    assert stored["新型建材生产线"].notes == ""
    assert stored["中药材提取"].started_date is None and stored["中药材提取"].notes == "进展情况：已开工"


def test_stage_date_rule_without_a_column_is_refused(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_b(tmp_path / "b.xlsx")
    sheets = _suggest(units_ledger, path)
    sheets[0][1].stage_rule = STAGE_DATE
    report = import_mapped(units_ledger, path, sheets, dry_run=False)
    assert not report.ok and not report.written
    assert "请选择从哪一列取日期" in report.problems[0].reason
    assert _stored(units_ledger) == {}


def test_layout_c_one_sheet_per_year_in_one_transaction(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_c(tmp_path / "c.xlsx")
    sheets = _suggest(units_ledger, path)
    assert [s.sheet for s, _ in sheets] == ["2024年", "2025年"]
    report = import_mapped(units_ledger, path, sheets, dry_run=False)
    assert report.ok and report.written and report.would_create == 4
    assert [r.rows_read for r in report.sheets] == [2, 2]
    stored = _stored(units_ledger)
    assert stored["数据中心"].formal_date == date(2024, 8, 8) and stored["数据中心"].agreement_amount == 200_000_000
    assert stored["光伏组件"].agreement_amount == 1_500_000_000 and stored["光伏组件"].origin == "in_district"
    assert stored["食品加工园"].origin == "out_of_city" and stored["仓储物流"].origin == "in_city"
    assert _unit_name(units_ledger, stored["数据中心"].lead_unit_id) == "区商务委"
    assert report.change is not None and len({r.entity_id for r in report.change.records
                                              if r.entity == "project"}) == 4


def test_layout_c_a_bad_row_in_one_sheet_writes_nothing_from_any(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_c(tmp_path / "c.xlsx")
    sheets = _suggest(units_ledger, path)
    sample = sheets[1][0]
    assert sample.rows is not None
    sample.rows[1][1][3] = "2025年13月1日"
    report = import_mapped(units_ledger, path, sheets, dry_run=False)
    assert not report.written
    (problem,) = report.all_problems()
    assert (problem.sheet, problem.row, problem.column) == ("2025年", 3, "签约日期")
    assert "不是存在的日期" in problem.reason
    assert _stored(units_ledger) == {}


def test_layout_d_short_and_old_unit_names(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_d(tmp_path / "d.xlsx")
    sheets = _suggest(units_ledger, path)
    mapping = sheets[0][1]
    assert mapping.values["unit"] == {"经开区": "重庆黔江经济开发区", "商务局": "区商务委"}
    report = import_mapped(units_ledger, path, sheets, dry_run=False)
    assert report.ok, report.all_problems()
    stored = _stored(units_ledger)
    park = stored["智能装备产业园"]
    assert _unit_name(units_ledger, park.lead_unit_id) == "重庆黔江经济开发区"
    assert _cooperating(units_ledger, park.id) == ["区商务委", "城南街道"]
    assert park.planned_investment == 1_000_000_000
    assert _unit_name(units_ledger, stored["跨境电商中心"].lead_unit_id) == "区商务委"


def test_an_unknown_old_name_is_reported_by_row_and_column(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_d(tmp_path / "d.xlsx")
    sheets = _suggest(units_ledger, path)
    sheets[0][1].values["unit"].pop("商务局")
    report = import_mapped(units_ledger, path, sheets, dry_run=True)
    found = {(p.row, p.column, p.reason) for p in report.all_problems()}
    assert (3, "引资单位", "没有这个单位：商务局") in found and (2, "协办单位", "没有这个单位：商务局") in found


def test_duplicates_against_the_ledger_are_flagged(units_ledger: Ledger, tmp_path: Path) -> None:
    path = books.layout_c(tmp_path / "c.xlsx")
    assert import_mapped(units_ledger, path, _suggest(units_ledger, path), dry_run=False).written
    again = import_mapped(units_ledger, path, _suggest(units_ledger, path), dry_run=True)
    assert again.ok and again.would_update == 4 and again.would_create == 0
    other = books.write_book(tmp_path / "c2.xlsx", [("2026年", [books.LAYOUT_C_HEADER,
                                                              ["食品加工园区", "某食品集团", 1, "2026-1-1", "经开区",
                                                               "省外"]], [])])
    dup = import_mapped(units_ledger, other, _suggest(units_ledger, other), dry_run=True)
    assert [(d.row, d.where) for d in dup.sheets[0].duplicates] == [(2, "ledger")]


def test_preview_marks_what_the_check_will_refuse(units_ledger: Ledger, tmp_path: Path) -> None:
    rows = [books.LAYOUT_C_HEADER, ["甲", "甲公司", "很多", "2025-13-01", "经开区", "省外"]]
    path = books.write_book(tmp_path / "p.xlsx", [("表", rows, [])])
    ((sample, mapping),) = _suggest(units_ledger, path)
    labels, shown = preview(sample, mapping)
    cells = dict(zip(labels, shown[0], strict=True))
    assert cells["协议资金（万元）"] == "很多（无法识别）" and cells["正式合同签订日期"] == "2025-13-01（无法识别）"
    assert cells["牵头单位"] == "重庆黔江经济开发区" and cells["投资方来源"] == "市外"
