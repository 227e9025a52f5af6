"""Notice settings and narrative live in the ledger; placeholders are documented and filled."""

from __future__ import annotations

import pytest

from zsdesk.board import compute_board
from zsdesk.errors import LedgerError
from zsdesk.notice.narrative import (
    PLACEHOLDERS,
    Narrative,
    NoticeSettings,
    default_narrative,
    fill_placeholders,
    format_doc_number,
    has_saved_narrative,
    load_narrative,
    load_settings,
    save_narrative,
    save_settings,
    unknown_placeholders,
)
from zsdesk.notice.quarterly import placeholder_values
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period


def test_settings_default_from_ledger_and_round_trip(ledger):  # type: ignore[no-untyped-def]
    s = load_settings(ledger)
    assert s.authority == "重庆市黔江区招商投资促进局" and s.number_pattern == "黔江招商发〔{年}〕{号}号"
    assert s.header_text == "重庆市黔江区招商投资促进局文件"
    changed = NoticeSettings(authority="某某区招商局", header="", number_pattern="某招发〔{年}〕{号}号",
                             addressees="各单位", cc="区委办", printer="某某区招商局办公室", signatory="某某区招商局")
    change = save_settings(ledger, changed)
    assert {r.entity for r in change.records} == {"setting"} and len(change.records) >= 5
    assert load_settings(ledger) == changed
    assert ledger.get_setting("notice.number_pattern") == "某招发〔{年}〕{号}号"
    with pytest.raises(LedgerError, match="缺少"):
        save_settings(ledger, NoticeSettings(number_pattern="某招发〔{年}〕号"))
    assert load_settings(ledger) == changed  # nothing written by the refused save


def test_doc_number_pattern():  # type: ignore[no-untyped-def]
    assert format_doc_number("黔江招商发〔{年}〕{号}号", 2026, 12) == "黔江招商发〔2026〕12号"
    assert format_doc_number("黔江招商发〔{年}〕{号}号", 2026, None) == "黔江招商发〔2026〕\u3000\u3000号"


def test_narrative_per_period(ledger):  # type: ignore[no-untyped-def]
    assert not has_saved_narrative(ledger, parse_period("2026Q3"))
    assert load_narrative(ledger, parse_period("2026Q3")) == default_narrative()
    mine = Narrative(highlights="亮点{正式合同额}", problems="问题", next_steps="下步")
    save_narrative(ledger, parse_period("2026q3"), mine)
    assert load_narrative(ledger, parse_period("2026Q3")) == mine
    assert load_narrative(ledger, parse_period("2026Q2")) == default_narrative()
    assert ledger.get_setting("notice.narrative.2026Q3")["highlights"] == "亮点{正式合同额}"


def test_every_placeholder_documented_and_filled(demo_path):  # type: ignore[no-untyped-def]
    with open_unlocked(demo_path, read_only=True) as led:
        values = placeholder_values(compute_board(led, "2025Q3"))
    assert set(values) == set(PLACEHOLDERS)
    assert all(values[k] for k in values)
    for part in (default_narrative().highlights, default_narrative().problems, default_narrative().next_steps):
        assert unknown_placeholders(part) == []
        filled = fill_placeholders(part, values)
        assert "{" not in filled and "}" not in filled
        assert "增长-" not in filled and "下降-" not in filled


def test_fill_leaves_unknown_and_lone_braces_as_typed():  # type: ignore[no-untyped-def]
    values = {"正式合同额": "9.50亿元"}
    assert fill_placeholders("合同{正式合同额}，{未知}，{ 正式合同额 }", values) == "合同9.50亿元，{未知}，9.50亿元"
    assert fill_placeholders("{{正式合同额}} { } {", values) == "{9.50亿元} { } {"
    assert fill_placeholders("", values) == ""
    assert unknown_placeholders("{正式合同额}{正式合同金额}") == ["正式合同金额"]
