"""Rows pasted from Excel/WPS go through the xlsx importer's checks: row, column, reason; all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from zsdesk.errors import LedgerError
from zsdesk.ledger import Ledger
from zsdesk.models import Funding, Project
from zsdesk.ops import undo
from zsdesk.xlsx.pasted import grid_headers, import_rows, looks_like_header, parse_pasted


def test_parse_excel_clipboard_text() -> None:
    text = '项目名称\t备注\r\n甲项目\t"第一行\n第二行"\r\n"带""引号""的"\t\t\r\n\r\n'
    assert parse_pasted(text) == [["项目名称", "备注"], ["甲项目", "第一行\n第二行"], ['带"引号"的', "", ""]]
    assert parse_pasted('5"寸屏\t1') == [['5"寸屏', "1"]]
    assert looks_like_header("projects", ["项目名称", "协议资金（万元）"])
    assert not looks_like_header("projects", ["某某项目", "3000"])


def _count(ledger: Ledger, model: type) -> int:
    with ledger.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_pasted_projects_are_all_or_nothing_with_row_column_reason(ledger: Ledger, build: Any) -> None:
    build.unit("区商务委")
    header = ["项目名称", "投资方", "协议资金（亿元）", "框架协议签订日期", "牵头单位"]
    rows = [["甲项目", "甲公司", "1.5", "2026-03-01", "区商务委"],
            ["乙项目", "乙公司", "十亿", "2026-03-02", "区商务委"],
            ["丙项目", "丙公司", "2", "2026-13-40", "不存在的单位"]]
    report = import_rows(ledger, "projects", header, rows, dry_run=False)
    assert not report.written and _count(ledger, Project) == 0
    where = {(p.row, p.column) for p in report.problems}
    assert (2, "协议资金（亿元）") in where
    assert (3, "框架协议签订日期") in where and (3, "牵头单位") in where
    assert all(p.reason for p in report.problems)
    rows[1][2], rows[2][3], rows[2][4] = "10", "2026-03-03", "区商务委"
    report = import_rows(ledger, "projects", header, rows, dry_run=False)
    assert report.written and report.problems == [] and report.would_create == 3
    with ledger.reading() as s:
        assert s.scalar(select(Project.agreement_amount).where(Project.name == "甲项目")) == 150_000_000
    undo(ledger)  # one operation
    assert _count(ledger, Project) == 0


def test_pasted_funding_rows_in_grid_order(ledger: Ledger, build: Any) -> None:
    build.unit("区商务委")
    pid = build.project("甲项目", agreement_amount="1亿", framework_date="2026-01-01", lead_unit_id="区商务委")
    with ledger.reading() as s:
        code = s.get(Project, pid).code
    rows = [[f"{code} 甲项目", "2026-04-05", "1,200", "首笔"], [code, "2026/4/6", "0.1亿", ""]]
    report = import_rows(ledger, "funding", grid_headers("funding"), rows, dry_run=False)
    assert report.written, [str(p) for p in report.problems]
    with ledger.reading() as s:
        assert sorted(s.scalars(select(Funding.amount))) == [10_000_000, 12_000_000]
    bad = [["不存在的项目", "2026-04-05", "10", ""], [code, "2026-04-05", "abc", ""]]
    report = import_rows(ledger, "funding", grid_headers("funding"), bad, dry_run=False)
    assert not report.written
    assert [(p.row, p.column) for p in report.problems] == [(1, "项目"), (2, "到位金额（万元）")]
    assert _count(ledger, Funding) == 2


def test_header_without_required_column_is_refused(ledger: Ledger) -> None:
    with pytest.raises(LedgerError, match="缺少必填列：项目名称"):
        import_rows(ledger, "projects", ["投资方"], [["甲公司"]])
