"""Lead and trip operations: checks in Chinese, conversion once, undo/redo, audit replay clean (SPEC §10)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.errors import ConflictError, LedgerError, ValidationError
from zsdesk.ledger import Ledger
from zsdesk.models import DictionaryEntry, Lead, Project, TripVisit
from zsdesk.ops import leads as lead_ops
from zsdesk.ops import trips as trip_ops
from zsdesk.queries.leads import LeadQuery, fetch_lead_rows, lead_followups, mask_phone, stale_lead_ids
from zsdesk.queries.trips import TripQuery, fetch_trip_rows, trip_detail, under_quota_trip_ids

from .conftest import Worked, new_lead


def _path(ledger: Ledger) -> Path:
    assert ledger.path is not None
    return ledger.path


def test_a_new_ledger_has_the_seven_lead_sources(ledger: Ledger) -> None:
    with ledger.reading() as s:
        names = list(s.scalars(select(DictionaryEntry.name).where(DictionaryEntry.kind == "lead_source")
                               .order_by(DictionaryEntry.sort_order)))
    assert names == ["以商招商", "中介机构", "驻外招商", "领导招商", "产业赋能大使", "网络推介", "其他"]
    assert check_ledger(_path(ledger)).healthy


def test_convert_creates_the_project_at_negotiation_and_only_once(worked: Worked) -> None:
    led = worked.ledger
    with led.reading() as s:
        lead = s.get(Lead, worked.leads["L1"])
        assert lead is not None and lead.status == "converted"
        project = s.get(Project, lead.project_id)
        assert project is not None
        assert (project.stage, project.first_contact_date, project.investor) == ("negotiating", date(2026, 1, 5), "一号公司")
    with pytest.raises(LedgerError, match="已转为项目.*不能重复转换"):
        lead_ops.convert_lead(led, worked.leads["L1"])
    with pytest.raises(LedgerError, match="无效.*不能转为项目"):
        lead_ops.convert_lead(led, worked.leads["L3"])
    with pytest.raises(ValidationError, match="转为项目"):
        lead_ops.update_lead(led, worked.leads["L2"], {"status": "已转项目"})
    with pytest.raises(ValidationError, match="状态不能再改"):
        lead_ops.update_lead(led, worked.leads["L1"], {"status": "跟进中"})


def test_intended_investment_becomes_the_planned_investment_to_the_yuan(ledger: Ledger) -> None:
    lid = new_lead(ledger, "2026-05-01", "精确公司", None, intended_investment="1234.5678")
    change = lead_ops.convert_lead(ledger, lid, name="精确公司新材料项目")
    with ledger.reading() as s:
        project = s.get(Project, change.ids("project", "insert")[0])
        assert project is not None and project.planned_investment == 12_345_678 and project.name == "精确公司新材料项目"


def test_checks_name_the_field_in_chinese(ledger: Ledger) -> None:
    with pytest.raises(ValidationError) as err:
        lead_ops.create_lead(ledger, {"received_date": "", "company": "", "source_id": "没有的来源", "phone": "abc"})
    text = str(err.value)
    assert "收到日期：必填" in text and "企业名称：必填" in text and "字典中没有“没有的来源”" in text
    assert "不是电话号码" in text
    with pytest.raises(ValidationError, match="线索来源：必填"):
        lead_ops.create_lead(ledger, {"received_date": "2026-01-01", "company": "甲"})
    with pytest.raises(ValidationError, match="无效线索必须写明原因"):
        lead_ops.create_lead(ledger, {"received_date": "2026-01-01", "company": "甲", "source_id": "其他",
                                      "status": "无效"})
    ops.create_unit(ledger, {"name": "甲园区", "short_name": "甲", "kind": "园区"})
    with pytest.raises(ValidationError) as trip_err:
        trip_ops.create_trip(ledger, {"departure_date": "2026-03-01", "return_date": "2026-03-03", "unit_ids": "甲园区"},
                             [{"company": "好公司", "date": "2026-03-02"}, {"company": "", "date": "2026-03-09",
                                                                         "outcome": "很好"}])
    msg = str(trip_err.value)
    assert "第 2 家拜访企业的企业名称：必填" in msg and "晚于返回日期 2026-03-03" in msg and "“很好”不是可选值" in msg
    with ledger.reading() as s:
        assert s.scalar(select(TripVisit.id)) is None  # nothing written


def test_a_stale_version_is_refused(worked: Worked) -> None:
    led = worked.ledger
    with led.reading() as s:
        version = fetch_lead_rows(s, [worked.leads["L2"]])[worked.leads["L2"]].version
        trip_version = fetch_trip_rows(s, [worked.trips["T2"]])[worked.trips["T2"]].version
    lead_ops.update_lead(led, worked.leads["L2"], {"notes": "第一次"}, expected_version=version)
    with pytest.raises(ConflictError, match="刚被其他人修改过"):
        lead_ops.update_lead(led, worked.leads["L2"], {"notes": "第二次"}, expected_version=version)
    trip_ops.update_trip(led, worked.trips["T2"], {}, [{"company": "新增一家", "outcome": "有合作意向"}],
                         expected_version=trip_version)
    with pytest.raises(ConflictError):
        trip_ops.update_trip(led, worked.trips["T2"], {"city": "宁波市"}, expected_version=trip_version)


def test_followups_and_stale_leads(worked: Worked) -> None:
    led = worked.ledger
    today = date(2026, 3, 20)
    with led.reading() as s:
        stale = set(stale_lead_ids(s, 30, today))
        # L2's last follow-up 02-10 is 38 days old; L5 (01-20) never followed up; L3 无效 and converted ones never stale
        assert stale == {worked.leads["L2"], worked.leads["L5"]}
        assert set(stale_lead_ids(s, 40, today)) == {worked.leads["L5"]}
        assert [f.text for f in lead_followups(s, worked.leads["L2"])] == ["电话沟通，对方有兴趣"]
    change = lead_ops.add_followup(led, worked.leads["L5"], "2026-03-18", "实地拜访\n 已约二次洽谈")
    assert change.ids("lead", "update") == [worked.leads["L5"]]  # 新线索 → 跟进中
    with led.reading() as s:
        assert set(stale_lead_ids(s, 30, today)) == {worked.leads["L2"]}
        row = fetch_lead_rows(s, [worked.leads["L5"]], 30, today)[worked.leads["L5"]]
        assert (row.status, row.last_followup, row.stale) == ("following", date(2026, 3, 18), False)
        assert lead_followups(s, worked.leads["L5"])[0].text == "实地拜访 已约二次洽谈"
    ops.undo(led)
    with led.reading() as s:
        assert set(stale_lead_ids(s, 30, today)) == {worked.leads["L2"], worked.leads["L5"]}


def test_the_listing_filters_and_sorts(worked: Worked) -> None:
    led = worked.ledger
    with led.reading() as s:
        unit = s.scalar(select(Lead.unit_id).where(Lead.id == worked.leads["L1"]))
        by_unit = LeadQuery(unit_id=unit, sort="received_date", descending=False).ids(s)
        assert by_unit == [worked.leads[k] for k in ("L6", "L1", "L2", "L3")]
        assert LeadQuery(statuses=("converted",)).count(s) == 3
        assert LeadQuery(text="五号").ids(s) == [worked.leads["L5"]]
        assert LeadQuery(received_from=date(2026, 3, 1), received_to=date(2026, 3, 31)).count(s) == 2
        assert LeadQuery(min_age_days=60, today=date(2026, 3, 20)).count(s) == 2  # L6, L1: on or before 01-19
        assert LeadQuery(max_age_days=20, today=date(2026, 3, 20)).count(s) == 2  # L3, L4: on or after 02-28
        for key in ("received_date", "company", "status", "unit", "source", "chain", "stale", "last_followup",
                    "intended_investment", "updated_at"):
            assert sorted(LeadQuery(sort=key).ids(s)) == sorted(LeadQuery().ids(s))
        assert TripQuery(unit_id=unit).count(s) == 3  # T1, T2, T4
        assert set(under_quota_trip_ids(s, date(2026, 1, 1), date(2026, 3, 31))) == {worked.trips["T2"], worked.trips["T3"]}
        assert TripQuery(text="企业2026-02-06").ids(s) == [worked.trips["T2"]]
        detail = trip_detail(s, worked.trips["T1"])
        assert detail is not None and len(detail.visits) == 4 and detail.values["level"] == "district_leader"


def test_a_lead_from_a_visit_once(worked: Worked) -> None:
    led = worked.ledger
    with led.reading() as s:
        visit = s.scalars(select(TripVisit).where(TripVisit.trip_id == worked.trips["T3"])).first()
        assert visit is not None
        visit_id = visit.id
    change = trip_ops.lead_from_visit(led, visit_id)
    lead_id = change.ids("lead", "insert")[0]
    with led.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None and lead.received_date == date(2026, 3, 31) and lead.status == "new"
        assert s.get(TripVisit, visit_id).lead_id == lead_id  # type: ignore[union-attr]
    with pytest.raises(LedgerError, match="已生成过线索"):
        trip_ops.lead_from_visit(led, visit_id)


def test_check_is_clean_after_honest_use_and_undo_redo(worked: Worked) -> None:
    led = worked.ledger
    trip_ops.update_trip(led, worked.trips["T3"], {"unit_ids": "丙镇", "notes": "改为一个单位"})
    ops.undo(led)
    ops.redo(led)
    ops.undo(led)
    lead_ops.restore_leads(led, [worked.leads["L7"]])
    trip_ops.restore_trips(led, [worked.trips["T5"]])
    report = check_ledger(_path(led))
    assert report.healthy, [p.message for p in report.problems]


def test_check_finds_a_trip_changed_behind_the_apps_back(worked: Worked) -> None:
    path = _path(worked.ledger)
    worked.ledger.close()
    con = sqlite3.connect(path)
    con.execute("DELETE FROM trip_units WHERE trip_id = ?", (worked.trips["T1"],))
    con.execute("UPDATE trip_visits SET outcome = 'intention' WHERE trip_id = ?", (worked.trips["T2"],))
    con.commit()
    con.close()
    messages = " ".join(p.message for p in check_ledger(path).problems)
    assert "外出招商记录" in messages and "参加单位" in messages
    assert "走访企业记录" in messages and "洽谈结果" in messages


def test_an_old_ledger_upgrades_with_audited_lead_sources(tmp_path: Path) -> None:
    from zsdesk.db import make_engine
    from zsdesk.migrate import upgrade
    from zsdesk.opening import open_unlocked

    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    upgrade(engine, "0005")
    engine.dispose()
    with open_unlocked(path) as led:
        new_lead(led, "2026-01-01", "老台账新线索", None, source_id="产业赋能大使")
    assert check_ledger(path).healthy


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138-****-5678"
    assert mask_phone("") == ""
    assert "1234" not in mask_phone("023-12345678")[:-4]


def test_the_operation_log_shows_lead_and_trip_codes_as_words() -> None:
    from ui.common.audit_text import describe_change

    text = describe_change({"status": "new", "intended_investment": 0, "level": "department", "outcome": "general"},
                           {"status": "following", "intended_investment": 50_000_000, "level": "district_leader",
                            "outcome": "intention"})
    assert "新线索" in text and "跟进中" in text and "区领导带队" in text and "有合作意向" in text
    assert "new" not in text and "5,000.00万元" in text
