"""项目进展: dated one-line notes — validated, one transaction, audited, undoable; a note resets 无进展."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from zsdesk import ops
from zsdesk.errors import ValidationError
from zsdesk.models import AuditEntry, Project, ProjectProgress
from zsdesk.queries import ProjectQuery, fetch_rows


@pytest.fixture
def project(build):  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    return build.project("进展项目", lead_unit_id="园区甲", formal_date="2026-01-10")


def _notes(ledger):  # type: ignore[no-untyped-def]
    with ledger.reading() as s:
        return [(n.date, n.text, n.deleted_at is None) for n in s.scalars(select(ProjectProgress).order_by(
            ProjectProgress.id))]


def test_add_edit_delete_are_audited_and_undoable(ledger, project):  # type: ignore[no-untyped-def]
    change = ops.add_progress(ledger, project, "2026-03-01", "  已完成土地摘牌，\n 下周进场  ")
    assert change.ids("progress", "insert") and "进展项目" in change.label
    assert _notes(ledger) == [(date(2026, 3, 1), "已完成土地摘牌， 下周进场", True)]
    note_id = change.ids("progress")[0]
    with ledger.reading() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "progress")).all()
        assert [a.action for a in audit] == ["insert"] and audit[0].operator == "测试员"
        assert json.loads(audit[0].after)["text"] == "已完成土地摘牌， 下周进场"
        assert s.get(ProjectProgress, note_id).operator == "测试员"
    ops.update_progress(ledger, note_id, text="已进场施工")
    assert _notes(ledger)[0][1] == "已进场施工"
    ops.delete_progress(ledger, [note_id])
    assert _notes(ledger)[0][2] is False
    ops.undo(ledger)  # the delete
    assert _notes(ledger)[0][2] is True
    ops.undo(ledger)  # the edit
    assert _notes(ledger)[0][1] == "已完成土地摘牌， 下周进场"
    ops.undo(ledger)  # the insert
    assert _notes(ledger) == []
    ops.redo(ledger)
    assert _notes(ledger) == [(date(2026, 3, 1), "已完成土地摘牌， 下周进场", True)]
    with ledger.reading() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "progress")) == 7


def test_bad_notes_name_the_field_and_write_nothing(ledger, project):  # type: ignore[no-untyped-def]
    tomorrow = date.today() + timedelta(days=1)
    for args, words in (((project, "", "内容"), "进展日期：必填"),
                        ((project, "2026-02-30", "内容"), "进展日期：“2026-02-30”不是存在的日期"),
                        ((project, tomorrow, "内容"), "晚于今天"),
                        ((project, "2026-03-01", " \n "), "进展内容：必填"),
                        ((project, "2026-03-01", "长" * 501), "不能超过 500 个字"),
                        ((99999, "2026-03-01", "内容"), "项目：没有这个项目")):
        with pytest.raises(ValidationError) as err:
            ops.add_progress(ledger, *args)
        assert words in str(err.value)
    with pytest.raises(ValidationError, match="进展日期.*进展内容"):
        ops.add_progress(ledger, project, None, "")
    assert _notes(ledger) == []
    with ledger.reading() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "progress")) == 0


def test_a_note_resets_the_stale_clock(ledger, project):  # type: ignore[no-untyped-def]
    today = date.today()
    with ledger.session() as s:  # last touched 60 days ago: 无进展 under the default 30 days
        s.execute(update(Project).values(updated_at=datetime.combine(today - timedelta(days=60), datetime.min.time())))
        s.commit()
    query = ProjectQuery(stale_only=True, today=today)

    def stale() -> tuple[bool, bool]:
        with ledger.reading() as s:
            return project in query.ids(s), fetch_rows(s, [project], today=today)[project].stale

    assert stale() == (True, True)
    old = ops.add_progress(ledger, project, today - timedelta(days=45), "45 天前的进展").ids("progress")[0]
    assert stale() == (True, True)  # an old note does not reset the clock
    recent = ops.add_progress(ledger, project, today - timedelta(days=30), "30 天前的进展").ids("progress")[0]
    assert stale() == (False, False)  # a note on the cut-off day counts
    ops.delete_progress(ledger, [recent])
    assert stale() == (True, True)  # a deleted note does not
    ops.update_progress(ledger, old, when=today)
    assert stale() == (False, False)
    with ledger.reading() as s:
        assert s.get(Project, project).version == 1  # the project record itself was not touched
