"""Every editable record carries a version and an edit naming an old one is refused, saying what changed
(issue 17: "no lost edits"). Two handles on one ledger file stand for two clerks; the PostgreSQL run of the
same is tests/shared_ledger/test_concurrency.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zsdesk import ops
from zsdesk.errors import ConflictError, ValidationError
from zsdesk.ledger import Ledger
from zsdesk.models import DictionaryEntry, Funding, Person, ProjectProgress, Target, Unit
from zsdesk.notice.narrative import Narrative, load_narrative, load_settings, save_narrative, save_settings
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period
from zsdesk.rules import load_rules, save_rules

Q3 = parse_period("2026Q3")


@pytest.fixture
def other(ledger: Ledger) -> Ledger:
    assert ledger.path is not None
    with open_unlocked(ledger.path, operator="乙") as second:
        yield second


def _setup(ledger: Ledger) -> dict[str, int]:
    unit = ops.create_unit(ledger, {"name": "城东园区", "short_name": "城东", "kind": "园区"}).ids("unit")[0]
    person = ops.create_person(ledger, {"name": "张伟", "unit_id": unit}).ids("person")[0]
    entry = ops.create_entry(ledger, {"kind": "chain", "name": "新材料测试链"}).ids("dictionary")[0]
    pid = ops.create_project(ledger, {"name": "项目", "formal_date": "2026-03-01", "lead_unit_id": unit,
                                      "agreement_amount": "1亿"}).ids("project")[0]
    funding = ops.add_funding(ledger, {"project_id": pid, "date": "2026-04-01", "amount": "100万"}).ids("funding")[0]
    target = ops.set_target(ledger, {"unit_id": unit, "year": 2026, "agreement_amount": "10亿"}).ids("target")[0]
    note = ops.add_progress(ledger, pid, "2026-04-02", "已对接").ids("progress")[0]
    return {"unit": unit, "person": person, "dictionary": entry, "funding": funding, "target": target, "progress": note}


CASES: list[tuple[str, Any, Callable[..., Any], dict[str, Any], dict[str, Any], str]] = [
    ("unit", Unit, ops.update_unit, {"short_name": "东区"}, {"short_name": "城东园"}, "简称：城东 → 东区"),
    ("person", Person, ops.update_person, {"name": "张伟伟"}, {"name": "张三"}, "姓名：张伟 → 张伟伟"),
    ("dictionary", DictionaryEntry, ops.update_entry, {"flags": "new_economy"}, {"flags": "big"},
     "标记：（空） → new_economy"),
    ("funding", Funding, ops.update_funding, {"amount": "200万"}, {"amount": "300万"},
     "到位金额：100.00万元 → 200.00万元"),
    ("target", Target, ops.update_target, {"agreement_amount": "12亿"}, {"agreement_amount": "11亿"},
     "协议资金：100,000.00万元 → 120,000.00万元"),
]


@pytest.mark.parametrize(("entity", "model", "update", "theirs", "mine", "shown"), CASES, ids=[c[0] for c in CASES])
def test_a_stale_edit_is_refused_with_what_changed(ledger: Ledger, other: Ledger, entity: str, model: Any,
                                                   update: Callable[..., Any], theirs: dict[str, Any],
                                                   mine: dict[str, Any], shown: str) -> None:
    ids = _setup(ledger)
    with ledger.reading() as s:
        seen = s.get(model, ids[entity]).version
    update(other, ids[entity], theirs, expected_version=seen)  # 乙 saves first
    with pytest.raises(ConflictError) as refused:
        update(ledger, ids[entity], mine, expected_version=seen)
    assert "其他人修改过（乙）" in str(refused.value) and shown in str(refused.value), str(refused.value)
    with ledger.reading() as s:
        row = s.get(model, ids[entity])
        assert row.version == seen + 1  # 乙's edit stands, nothing of 甲's was written
    update(ledger, ids[entity], mine, expected_version=seen + 1)  # on the newest version it saves


def test_a_stale_progress_note_edit_is_refused(ledger: Ledger, other: Ledger) -> None:
    ids = _setup(ledger)
    ops.update_progress(other, ids["progress"], text="乙：合同已寄出", expected_version=1)
    with pytest.raises(ConflictError, match="进展内容：已对接 → 乙：合同已寄出"):
        ops.update_progress(ledger, ids["progress"], text="甲：已约谈", expected_version=1)
    with ledger.reading() as s:
        assert s.get(ProjectProgress, ids["progress"]).text == "乙：合同已寄出"


def test_the_narrative_and_notice_settings_refuse_a_stale_save(ledger: Ledger, other: Ledger) -> None:
    seen = load_narrative(ledger, Q3)
    save_narrative(other, Q3, Narrative("乙写的亮点", seen.problems, seen.next_steps), based_on=seen)
    with pytest.raises(ConflictError) as refused:
        save_narrative(ledger, Q3, Narrative("甲写的亮点", seen.problems, seen.next_steps), based_on=seen)
    assert "2026Q3通报正文刚被其他人修改过（乙）" in str(refused.value)
    assert "工作亮点：（一）坚持高位推动" in str(refused.value) and "→ 乙写的亮点" in str(refused.value)
    assert load_narrative(ledger, Q3).highlights == "乙写的亮点"
    settings = load_settings(ledger)
    save_settings(other, settings.__class__(**{**settings.to_dict(), "cc": "区委办公室。"}), based_on=settings)
    with pytest.raises(ConflictError, match="抄送机关"):
        save_settings(ledger, settings.__class__(**{**settings.to_dict(), "printer": "某局"}), based_on=settings)
    # Saved on what is there now, it goes through.
    save_narrative(ledger, Q3, Narrative("甲写的亮点"), based_on=load_narrative(ledger, Q3))


def test_a_stale_rules_editor_does_not_revert_a_newer_version(ledger: Ledger, other: Ledger) -> None:
    seen = load_rules(ledger, 2026)
    save_rules(other, 2026, dict(seen.document, stale_days=45), based_on_version=seen.version)
    with pytest.raises(ConflictError) as refused:
        save_rules(ledger, 2026, dict(seen.document, stale_days=60), based_on_version=seen.version)
    assert "已有更新的第 1 版（乙" in str(refused.value) and "改动了 1 处设置" in str(refused.value)
    assert load_rules(ledger, 2026).stale_days == 45
    save_rules(ledger, 2026, dict(seen.document, stale_days=60), based_on_version=1)
    assert load_rules(ledger, 2026).version == 2


def test_old_rules_documents_still_load_and_the_default_follows_the_ledger(ledger: Ledger) -> None:
    seen = load_rules(ledger, 2026)
    assert "require_verification" not in seen.document and seen.require_verification is False
    with pytest.raises(ValidationError, match="只统计已认定项目"):
        save_rules(ledger, 2026, dict(seen.document, require_verification="是"))
