"""Operations: validation writes nothing, audit rows for every change, undo/redo, soft delete."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from zsdesk import ops
from zsdesk.errors import LedgerError, ValidationError
from zsdesk.models import AuditEntry, Funding, Project, ProjectCooperatingUnit
from zsdesk.ops.history import audit_hash


def count(ledger, model):
    with ledger.reading() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def district(ledger):
    ops.create_unit(ledger, {"name": "正阳工业园区", "short_name": "正阳", "kind": "园区"})
    ops.create_unit(ledger, {"name": "区经济信息委", "kind": "部门"})
    ops.create_unit(ledger, {"name": "区商务委", "kind": "部门"})
    ops.create_person(ledger, {"name": "张伟", "unit_id": "区经济信息委"})
    return ledger


def new_project(ledger, **extra):
    fields = {"name": "新型玻纤材料生产项目", "investor": "重庆某玻纤有限公司", "agreement_amount": "3.2亿",
              "first_contact_date": "2026-01-05", "formal_date": "2026/3/1", "lead_unit_id": "正阳工业园区",
              "cooperating_unit_ids": "区经济信息委、区商务委", "person_ids": "张伟", "chain_id": "新材料",
              "tag_ids": "上市公司"} | extra
    return ops.create_project(ledger, fields)


def test_create_project_stores_typed_values_and_derives_stage(district):
    change = new_project(district)
    rec = change.records[0]
    assert rec.action == "insert" and rec.entity == "project"
    after = rec.after
    assert after["agreement_amount"] == 320_000_000
    assert after["formal_date"] == "2026-03-01"
    assert after["stage"] == "formal"
    assert after["code"] == "2026-0001"
    assert len(after["cooperating_unit_ids"]) == 2 and len(after["person_ids"]) == 1
    assert change.label == "新增项目“新型玻纤材料生产项目”"


def test_codes_count_up_per_year(district):
    new_project(district)
    second = new_project(district, name="再生铝项目", first_contact_date="2025-12-01", formal_date=None)
    third = new_project(district, name="中药贴剂项目")
    assert second.records[0].after["code"] == "2025-0001"
    assert third.records[0].after["code"] == "2026-0002"


def test_bad_input_names_every_field_and_writes_nothing(district):
    before_projects, before_audit = count(district, Project), count(district, AuditEntry)
    with pytest.raises(ValidationError) as err:
        new_project(district, agreement_amount="-5", first_contact_date="2026-04-01", lead_unit_id="不存在的单位")
    fields = {p.field for p in err.value.problems}
    assert {"agreement_amount", "formal_date", "lead_unit_id"} <= fields
    text = str(err.value)
    assert "协议资金" in text and "负数" in text
    assert "正式合同签订日期" in text and "早于" in text
    assert "没有这个单位" in text
    assert count(district, Project) == before_projects
    assert count(district, AuditEntry) == before_audit


def test_duplicate_name_with_same_investor_is_refused(district):
    new_project(district)
    with pytest.raises(ValidationError, match="已有投资方相同的同名项目"):
        new_project(district)
    # Same name, another investor is a different project.
    new_project(district, investor="另一家公司")


def test_signed_project_needs_lead_unit_and_lead_is_not_cooperating(district):
    with pytest.raises(ValidationError, match="牵头单位"):
        new_project(district, lead_unit_id=None)
    with pytest.raises(ValidationError, match="不能同时是配合单位"):
        new_project(district, cooperating_unit_ids="正阳工业园区")


def test_landing_park_must_be_a_park(district):
    with pytest.raises(ValidationError, match="不是园区"):
        new_project(district, landing_park_id="区商务委")


def test_update_returns_what_changed_and_audits_before_after(district):
    pid = new_project(district).ids("project")[0]
    change = ops.update_project(district, pid, {"started_date": "2026-05-10", "agreement_amount": "3.5亿"})
    rec = change.records[0]
    assert rec.changed_fields() == ["agreement_amount", "stage", "started_date"]
    with district.reading() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.op_id == change.op_id)).one()
    assert audit.operator == "测试员" and audit.action == "update"
    assert json.loads(audit.before)["agreement_amount"] == 320_000_000
    assert json.loads(audit.after)["agreement_amount"] == 350_000_000
    # Links survive an update that does not touch them.
    assert len(json.loads(audit.after)["cooperating_unit_ids"]) == 2


def test_update_without_a_real_change_writes_no_audit(district):
    pid = new_project(district).ids("project")[0]
    n = count(district, AuditEntry)
    change = ops.update_project(district, pid, {"agreement_amount": "32000"})  # 32000万 = 3.2亿: the same
    assert change.empty
    assert count(district, AuditEntry) == n


def test_undo_and_redo_restore_exact_state(district):
    pid = new_project(district).ids("project")[0]
    ops.update_project(district, pid, {"cooperating_unit_ids": [], "notes": "改过"})
    assert district.history.undo_label == "修改项目“新型玻纤材料生产项目”"
    ops.undo(district)
    with district.reading() as s:
        p = s.get(Project, pid)
        assert p.notes == ""
        assert s.scalar(select(func.count()).select_from(ProjectCooperatingUnit)) == 2
    ops.redo(district)
    with district.reading() as s:
        assert s.get(Project, pid).notes == "改过"
        assert s.scalar(select(func.count()).select_from(ProjectCooperatingUnit)) == 0


def test_undo_a_deletion_and_undo_a_creation(district):
    pid = new_project(district).ids("project")[0]
    ops.delete_projects(district, [pid])
    with district.reading() as s:
        assert s.get(Project, pid).deleted_at is not None
    ops.undo(district)
    with district.reading() as s:
        assert s.get(Project, pid).deleted_at is None
    ops.undo(district)  # the creation itself
    with district.reading() as s:
        assert s.get(Project, pid) is None
    ops.redo(district)
    with district.reading() as s:
        assert s.get(Project, pid).name == "新型玻纤材料生产项目"


def test_undo_refuses_when_the_record_changed_since(district):
    pid = new_project(district).ids("project")[0]
    ops.update_project(district, pid, {"notes": "一"})
    # Someone else (another window, another clerk) edits the same project afterwards.
    with district.session() as s:
        s.get(Project, pid).notes = "别人改的"
        s.commit()
    with pytest.raises(LedgerError, match="之后又被修改过"):
        ops.undo(district)


def test_nothing_to_undo_is_a_clear_message(ledger):
    with pytest.raises(LedgerError, match="没有可以撤销"):
        ops.undo(ledger)


def test_soft_delete_and_restore_of_every_entity(district):
    pid = new_project(district).ids("project")[0]
    fid = ops.add_funding(district, {"project_id": pid, "date": "2026-06-01", "amount": "1,200万元"}).ids("funding")[0]
    tid = ops.set_target(district, {"unit_id": "全区", "year": 2026, "formal_amount": "160亿"}).ids("target")[0]
    person = ops.create_person(district, {"name": "李娜", "unit_id": "区商务委"}).ids("person")[0]
    unit = ops.create_unit(district, {"name": "濯水镇", "kind": "乡镇街道"}).ids("unit")[0]
    entry = ops.create_entry(district, {"kind": "chain", "name": "低空经济"}).ids("dictionary")[0]
    pairs = [(ops.delete_funding, ops.restore_funding, fid), (ops.delete_targets, ops.restore_targets, tid),
             (ops.delete_persons, ops.restore_persons, person), (ops.delete_units, ops.restore_units, unit),
             (ops.delete_entries, ops.restore_entries, entry), (ops.delete_projects, ops.restore_projects, pid)]
    for delete, restore, entity_id in pairs:
        deleted = delete(district, [entity_id])
        assert deleted.records[0].action == "delete"
        assert deleted.records[0].after["deleted_at"] is not None
        restored = restore(district, [entity_id])
        assert restored.records[0].action == "restore"
        assert restored.records[0].after["deleted_at"] is None


def test_unit_with_projects_cannot_be_deleted(district):
    new_project(district)
    with district.reading() as s:
        from zsdesk.models import Unit
        unit_id = s.scalar(select(Unit.id).where(Unit.name == "正阳工业园区"))
    with pytest.raises(LedgerError, match="仍有项目"):
        ops.delete_units(district, [unit_id])


def test_funding_correction_may_be_negative_but_not_below_zero(district):
    pid = new_project(district).ids("project")[0]
    ops.add_funding(district, {"project_id": pid, "date": "2026-06-01", "amount": "100"})
    ops.add_funding(district, {"project_id": pid, "date": "2026-06-02", "amount": "-30"})
    with pytest.raises(ValidationError, match="累计到位资金为负数"):
        ops.add_funding(district, {"project_id": pid, "date": "2026-06-03", "amount": "-80"})
    with pytest.raises(ValidationError, match="不能为 0"):
        ops.add_funding(district, {"project_id": pid, "date": "2026-06-03", "amount": "0"})
    with district.reading() as s:
        assert s.scalar(select(func.sum(Funding.amount))) == 700_000


def test_targets_one_per_unit_and_year(district):
    ops.set_target(district, {"unit_id": "正阳工业园区", "year": 2026, "formal_amount": "20亿"})
    with pytest.raises(ValidationError, match="已有这个单位的目标任务"):
        ops.set_target(district, {"unit_id": "正阳", "year": 2026})  # by short name
    ops.set_target(district, {"unit_id": "正阳工业园区", "year": 2027})


def test_batch_withdraw_is_one_undoable_operation(district):
    a = new_project(district).ids("project")[0]
    b = new_project(district, name="第二个项目").ids("project")[0]
    change = ops.withdraw_projects(district, [a, b], date(2026, 9, 1))
    assert sorted(change.ids("project")) == [a, b]
    assert {r.after["stage"] for r in change.records} == {"withdrawn"}
    ops.undo(district)
    with district.reading() as s:
        assert {s.get(Project, a).stage, s.get(Project, b).stage} == {"formal"}


def test_find_similar_names_for_the_same_investor(district):
    new_project(district)
    with district.reading() as s:
        hits = ops.find_similar(s, "新型玻纤材料生产项目（一期）", "重庆某玻纤有限公司")
        assert [p.name for p in hits] == ["新型玻纤材料生产项目"]
        assert ops.find_similar(s, "新型玻纤材料生产项目", "别的公司") == []


def test_audit_rows_form_a_hash_chain(district):
    new_project(district)
    with district.reading() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert len(rows) >= 5
    prev = rows[0].prev_hash
    for row in rows:
        assert row.prev_hash == prev
        assert row.hash == audit_hash(row)
        prev = row.hash


def test_hostile_text_is_stored_exactly(district):
    text = "<font color=red>&amp;</font><br/>=HYPERLINK(\"x\")\t@SUM 𠀀㐀😀" + "长" * 10_000
    pid = new_project(district, notes=text).ids("project")[0]
    with district.reading() as s:
        assert s.get(Project, pid).notes == text
