"""认定 (SPEC §11): 待认定 / 已认定 / 退回, ``require_verification`` on the board, the lifecycle and the notice
tables, the queue's diff and 搭车挂靠 warnings; a single-PC SQLite ledger counts as before."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from zsdesk import ops
from zsdesk.board import board_to_json, compute_board
from zsdesk.check import check_ledger
from zsdesk.errors import ConflictError, ValidationError
from zsdesk.ledger import Ledger
from zsdesk.lifecycle.engine import compute_lifecycle
from zsdesk.models import Project
from zsdesk.opening import open_unlocked
from zsdesk.queries.verification import verification_queue
from zsdesk.rules import load_rules, save_rules


def _two_units(ledger: Ledger) -> tuple[int, int]:
    ops.create_unit(ledger, {"name": "城东园区", "kind": "园区"})
    ops.create_unit(ledger, {"name": "城西园区", "kind": "园区"})
    a = ops.create_project(ledger, {"name": "新材料产业园项目", "investor": "重庆某某新材料有限公司",
                                    "formal_date": "2026-03-01", "lead_unit_id": "城东园区",
                                    "agreement_amount": "2亿"}).ids("project")[0]
    b = ops.create_project(ledger, {"name": "新材料产业园项目（二期）", "investor": "重庆某某新材料有限公司 ",
                                    "formal_date": "2026-04-01", "lead_unit_id": "城西园区",
                                    "agreement_amount": "3亿"}).ids("project")[0]
    return a, b


def _district(ledger: Ledger) -> dict:
    return board_to_json(compute_board(ledger, "2026Q3"))["district"]


def _set_require(ledger: Ledger, on: bool) -> None:
    rules = load_rules(ledger, 2026)
    save_rules(ledger, 2026, dict(rules.document, require_verification=on), based_on_version=rules.version)


def _version(ledger: Ledger, pid: int) -> int:
    with ledger.reading() as s:
        return s.get(Project, pid).version


def test_sqlite_counts_as_before_until_the_rules_say_otherwise(ledger: Ledger) -> None:
    a, b = _two_units(ledger)
    before = _district(ledger)
    assert load_rules(ledger, 2026).require_verification is False  # a single PC: off by default
    ops.return_project(ledger, b, "与城东园区重复申报")
    assert _district(ledger) == before  # off: a 退回 project still counts, nothing changes for SQLite users
    _set_require(ledger, True)
    now = _district(ledger)
    assert (now["signed_projects"], now["formal_amount"]) == (1, 200_000_000)
    ops.verify_project(ledger, b)
    assert _district(ledger) == before


def test_return_needs_a_reason_and_is_audited_and_undoable(ledger: Ledger) -> None:
    a, _ = _two_units(ledger)
    with pytest.raises(ValidationError, match="退回原因：必填"):
        ops.return_project(ledger, a, "  ")
    change = ops.return_project(ledger, a, "投资方与城西园区项目相同，请说明")
    assert change.label == "退回项目“新材料产业园项目”：投资方与城西园区项目相同，请说明"
    with ledger.reading() as s:
        p = s.get(Project, a)
        assert (p.verification, p.verification_reason, p.verification_by) == (
            "returned", "投资方与城西园区项目相同，请说明", ledger.operator)
    ops.undo(ledger)
    with ledger.reading() as s:
        assert s.get(Project, a).verification is None
    assert check_ledger(ledger.path).healthy


def test_a_stale_verification_is_refused(ledger: Ledger) -> None:
    a, _ = _two_units(ledger)
    seen = _version(ledger, a)
    ops.update_project(ledger, a, {"agreement_amount": "5亿"})
    with pytest.raises(ConflictError, match="协议资金：20,000.00万元 → 50,000.00万元"):
        ops.verify_project(ledger, a, expected_version=seen)


def test_queue_shows_the_diff_since_the_last_verification_and_duplicate_claims(ledger: Ledger) -> None:
    a, b = _two_units(ledger)
    ops.verify_project(ledger, b)  # the counted fields as verified are kept
    ops.update_project(ledger, b, {"agreement_amount": "4亿", "formal_date": "2026-05-01"})
    ops.return_project(ledger, b, "请补充合同")
    with ledger.reading() as s:
        queue = verification_queue(s)
    assert [q.project_id for q in queue] == [b]
    item = queue[0]
    assert (item.state_label, item.reason, item.first_time) == ("退回", "请补充合同", False)
    assert [f"{c.label}：{c.theirs} → {c.now}" for c in item.changes] == [
        "协议资金：30,000.00万元 → 40,000.00万元", "正式合同签订日期：2026-04-01 → 2026-05-01"]
    # Same investor (after normalising the trailing space) and a near-identical name, in another unit.
    assert item.warnings == ["投资方“重庆某某新材料有限公司”也在城东园区的项目“新材料产业园项目”（2026-0001）中申报"]
    ops.return_project(ledger, a, "待核实")
    with ledger.reading() as s:
        queue = {q.project_id: q for q in verification_queue(s)}
    assert queue[a].first_time and "名称" not in "".join(queue[a].warnings)  # listed once, by investor


def test_near_identical_names_warn_without_the_same_investor(ledger: Ledger) -> None:
    _two_units(ledger)
    c = ops.create_project(ledger, {"name": "新材料产业园项目 ", "investor": "另一家公司",
                                    "lead_unit_id": "城西园区"}).ids("project")[0]
    ops.return_project(ledger, c, "疑似重复")
    with ledger.reading() as s:
        (item,) = verification_queue(s)
    assert item.warnings == ["与城东园区的项目“新材料产业园项目”（2026-0001）名称几乎相同"]


def test_existing_ledgers_keep_every_project_counted(tmp_path: Path) -> None:
    """Migration 0006 leaves every project 已认定: upgrading changes no figure even with the rule on."""
    from zsdesk.demo import build_demo

    path = tmp_path / "demo.sqlite"
    with open_unlocked(path, create=True) as ledger:
        build_demo(ledger, today=date(2026, 11, 1))
        before = _district(ledger)
        _set_require(ledger, True)
        assert _district(ledger) == before


def test_pg_default_is_on_and_the_board_lifecycle_and_notice_count_only_verified(pg_url: str) -> None:
    with open_unlocked(pg_url, operator="科长", create=True) as ledger:
        a, b = _two_units(ledger)
        ops.update_project(ledger, b, {"started_date": "2026-06-01"})
        assert load_rules(ledger, 2026).require_verification is True  # shared: on by default
        both = _district(ledger)
        assert (both["signed_projects"], both["formal_amount"]) == (2, 500_000_000)
        cohort = compute_lifecycle(ledger, "2026Q3").district.cohort
        ops.return_project(ledger, b, "与城东园区重复申报")
        only_a = _district(ledger)
        assert (only_a["signed_projects"], only_a["formal_amount"], only_a["started_projects"]) == (1, 200_000_000, 0)
        assert compute_lifecycle(ledger, "2026Q3").district.cohort == cohort - 1
        ops.verify_project(ledger, b)
        assert _district(ledger) == both
        _set_require(ledger, False)  # a bureau may switch it off
        ops.return_project(ledger, a, "复核")
        assert _district(ledger) == both
    report = check_ledger(pg_url)
    assert report.healthy, report.lines()


def test_pg_verification_snapshot_is_json_of_the_counted_fields(pg_url: str) -> None:
    with open_unlocked(pg_url, create=True) as ledger:
        a, _ = _two_units(ledger)
        ops.verify_project(ledger, a)
        with ledger.reading() as s:
            snap = json.loads(s.get(Project, a).verified_snapshot)
        assert snap["agreement_amount"] == 200_000_000 and snap["lead_unit_id"] == 1
