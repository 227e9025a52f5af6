"""Rules documents: defaults, validation (Chinese messages), versioned audited saves, the engine obeys them."""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from sqlalchemy import select

from zsdesk.board import compute_board
from zsdesk.errors import ValidationError
from zsdesk.models import AuditEntry
from zsdesk.rules import default_document, load_rules, parse_rules, rules_versions, save_rules


def test_defaults_parse_to_the_spec_values():
    r = parse_rules(default_document())
    assert r.major.agreement_amount == 20 * 10**8 and r.major.expected_output == 50 * 10**8
    assert r.large.agreement_amount == 10 * 10**8 and r.large.expected_output == 30 * 10**8
    assert r.key.agreement_amount == 10**8
    assert (r.general_industrial, r.general_non_industrial) == (20_000_000, 5_000_000)
    assert r.origin_weights == {"out_of_city": 1, "in_city": Fraction(1, 5), "in_district": 0}
    assert (r.lead_share, r.cooperating_share) == (Fraction(4, 5), Fraction(1, 5))
    assert r.unit_share("lead", 0) == 1 and r.unit_share("coop", 2) == Fraction(1, 10)
    assert r.stale_days == 30 and sum(i.weight for i in r.score_items) == 100
    assert r.size_class(19 * 10**8, 50 * 10**8, True) == "major"
    assert r.size_class(4_999_999, 0, False) == "none" and r.size_class(5_000_000, 0, False) == "general"


@pytest.mark.parametrize("path, value, words", [
    (("joint_shares", "lead"), 70, "合计应为 100%"),
    (("scoring", "items", 0, "weight"), 5, "权重合计应为 100%"),
    (("size_classes", "key", "agreement_amount"), -1, "不能为负数"),
    (("size_classes", "major", "agreement_amount"), 5 * 10**8, "不能低于较大项目的标准"),
    (("origin_weights", "in_city"), 120, "不能超过 100%"),
    (("scoring", "method"), "random", "排名方法"),
    (("stale_days",), 0, "无进展天数"),
    (("scoring", "items", 0, "cap"), 90, "不能低于 100%"),
])
def test_invalid_documents_are_refused_in_chinese(path, value, words):  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(default_document())
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValidationError) as err:
        parse_rules(doc)
    assert words in str(err.value) and str(err.value).startswith("计数规则有误：")


def test_save_is_versioned_and_audited_and_a_year_without_document_uses_defaults(ledger):  # type: ignore[no-untyped-def]
    assert load_rules(ledger, 2026).version == 0
    doc = default_document()
    doc["origin_weights"]["in_city"] = 50
    save_rules(ledger, 2026, doc, note="区外市内改为 50%")
    doc["stale_days"] = 45
    save_rules(ledger, 2026, doc)
    versions = rules_versions(ledger, 2026)
    assert [v.version for v in versions] == [2, 1] and versions[1].note == "区外市内改为 50%"
    assert versions[0].operator == "测试员"
    rules = load_rules(ledger, 2026)
    assert (rules.version, rules.stale_days, rules.origin_weights["in_city"]) == (2, 45, Fraction(1, 2))
    assert load_rules(ledger, 2025).version == 0  # other years keep the defaults
    with ledger.reading() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "rules")).all()
    assert len(audit) == 2 and audit[0].op_label == "修改2026年计数规则"
    bad = default_document()
    bad["joint_shares"]["lead"] = 90
    with pytest.raises(ValidationError):
        save_rules(ledger, 2026, bad)
    assert len(rules_versions(ledger, 2026)) == 2  # nothing written


def test_engine_uses_the_saved_rules(build):  # type: ignore[no-untyped-def]
    build.unit("部门")
    build.project("市内", lead_unit_id="部门", origin="区外市内", formal_date="2026-02-01", agreement_amount="10亿")
    assert compute_board(build.ledger, "2026Q1").units[0].figures.formal_amount == 2 * 10**8
    doc = default_document()
    doc["origin_weights"]["in_city"] = 50
    doc["size_classes"]["large"]["agreement_amount"] = 12 * 10**8  # 10亿 is no longer 较大
    save_rules(build.ledger, 2026, doc)
    board = compute_board(build.ledger, "2026Q1")
    assert board.units[0].figures.formal_amount == 5 * 10**8
    assert (board.district.figures.large, board.district.figures.key) == (0, 1)
    assert board.rules.version == 1


def test_efficiency_coefficient_method(build):  # type: ignore[no-untyped-def]
    doc = default_document()
    doc["scoring"] = {"method": "efficiency", "no_target": "skip",
                      "items": [{"item": "formal", "weight": 100, "cap": None}]}
    save_rules(build.ledger, 2026, doc)
    for name, amount in (("甲", "1亿"), ("乙", "2亿"), ("丙", "3亿")):
        build.unit(name)
        build.target(name, 2026, formal_amount="2亿")
        build.project(f"{name}项目", lead_unit_id=name, formal_date="2026-01-05", agreement_amount=amount)
    board = compute_board(build.ledger, "2026Q1")
    # rates 50 / 100 / 150 → 60 + 40 × (x − 50) ÷ 100
    assert {u.unit: float(u.score) for u in board.units} == {"甲": 60.0, "乙": 80.0, "丙": 100.0}
