"""The engine refuses in Chinese what a role may not do (before the database would), and the audit log
names the signed-in login (SPEC §11)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from zsdesk import ops
from zsdesk.access import access_of
from zsdesk.check import check_ledger
from zsdesk.db_errors import PermissionRefused
from zsdesk.errors import LedgerError
from zsdesk.models import AuditEntry, Project
from zsdesk.notice.issuing import issue_notice
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period
from zsdesk.rules import default_document, save_rules

from .conftest import Shared


def test_a_liaisons_edits_carry_their_login_and_stay_in_their_unit(shared: Shared) -> None:
    login = shared.login("liaison", unit="甲园区")
    with open_unlocked(shared.url_for(login), operator="冒充的科长") as led:
        who = access_of(led)
        assert (who.login, who.role, who.unit_name) == (login, "liaison", "甲园区")
        assert who.describe() == f"已登录：{login}，角色：单位联络员（甲园区）"
        ops.update_project(led, shared.projects["甲的项目"], {"notes": "先写错了"})
        ops.undo(led)  # a liaison's undo reads their own audit rows
        change = ops.update_project(led, shared.projects["甲的项目"], {"notes": "联络员补充"})
        new = ops.create_project(led, {"name": "甲新项目", "investor": "新公司", "formal_date": "2026-05-01",
                                       "lead_unit_id": "甲园区", "agreement_amount": "5000万"}).ids("project")[0]
        ops.add_funding(led, {"project_id": new, "date": "2026-06-01", "amount": "10万"})
        with led.reading() as s:
            operators = set(s.scalars(select(AuditEntry.operator).where(AuditEntry.op_id == change.op_id)))
            code = s.get(Project, new).code
        assert operators == {login}
        # Another unit's project: invisible, so neither found nor changed; a project for another unit: refused.
        with pytest.raises(LedgerError) as refused:
            ops.update_project(led, shared.projects["乙的项目"], {"notes": "越权"})
        assert "乙的项目" not in str(refused.value)
        with pytest.raises(PermissionRefused, match="不属于您的单位"):
            ops.create_project(led, {"name": "替乙报", "investor": "某公司", "lead_unit_id": "乙街道"})
        with pytest.raises(PermissionRefused, match="录入员、科长或管理员"):
            ops.update_unit(led, shared.units["甲园区"], {"short_name": "改"})
    # The code continued after every unit's projects (2026-0001..0003 were made by the owner).
    assert code == "2026-0004"
    with open_unlocked(shared.url) as owner, owner.reading() as s:
        assert s.get(Project, shared.projects["乙的项目"]).notes == ""
        assert set(s.scalars(select(AuditEntry.operator).where(AuditEntry.entity_id == new,
                                                               AuditEntry.entity == "project"))) == {login}
    assert check_ledger(shared.url).healthy


def test_a_clerk_cannot_issue_a_notice_change_rules_or_settings_through_the_engine(shared: Shared) -> None:
    login = shared.login("clerk")
    with open_unlocked(shared.url_for(login)) as led:
        assert access_of(led).role == "clerk"
        with pytest.raises(PermissionRefused, match="只有科长可以签发通报"):
            issue_notice(led, parse_period("2026Q1"), issue_date=date(2026, 4, 10))
        with pytest.raises(PermissionRefused, match="只有科长可以修改计分规则"):
            save_rules(led, 2026, default_document())
        with pytest.raises(PermissionRefused, match="只有科长或管理员可以修改台账设置"):
            ops.set_setting(led, "stale_days", 30)
        with pytest.raises(PermissionRefused, match="只有科长可以修改目标任务"):
            ops.set_target(led, {"unit_id": "甲园区", "year": 2026, "agreement_amount": "1亿"})
        ops.update_project(led, shared.projects["乙的项目"], {"notes": "录入员可以改任何单位的项目"})
    chief = shared.login("chief")
    with open_unlocked(shared.url_for(chief)) as led:
        ops.set_setting(led, "stale_days", 45)
        ops.set_target(led, {"unit_id": "甲园区", "year": 2026, "agreement_amount": "1亿"})
    assert check_ledger(shared.url).healthy


def test_a_reader_changes_nothing_through_the_engine(shared: Shared) -> None:
    login = shared.login("reader")
    with open_unlocked(shared.url_for(login)) as led:
        assert access_of(led).describe() == f"已登录：{login}，角色：只读"
        for attempt in (lambda: ops.update_project(led, shared.projects["甲的项目"], {"notes": "x"}),
                        lambda: ops.add_funding(led, {"project_id": shared.projects["甲的项目"], "date": "2026-05-01",
                                                      "amount": "1万"}),
                        lambda: ops.create_unit(led, {"name": "丙镇", "kind": "乡镇街道"})):
            with pytest.raises(PermissionRefused, match="只读账号不能修改台账"):
                attempt()


def test_a_sqlite_ledger_is_single_operator(ledger) -> None:  # type: ignore[no-untyped-def]  # conftest fixture
    who = access_of(ledger)
    assert who.role == "single" and who.may("manage_users") and who.may("edit_rules")
    assert who.describe() == "单机台账：一名操作员，无需登录"


def test_only_the_owner_upgrades_a_shared_ledger(shared: Shared) -> None:
    from sqlalchemy import create_engine, text

    from zsdesk.migrate import head_revision, script_directory

    login = shared.login("clerk")
    previous = script_directory().get_revision(head_revision()).down_revision
    owner = create_engine(shared.url)
    with owner.begin() as conn:  # as if the app was updated and the ledger is one version behind
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    with pytest.raises(PermissionRefused, match="只有台账所有者.*可以升级"):
        open_unlocked(shared.url_for(login))
    with owner.begin() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == previous  # nothing done
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()})
    owner.dispose()
    with open_unlocked(shared.url_for(login)) as led:
        assert access_of(led).role == "clerk"
