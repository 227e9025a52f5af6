"""Hostile text is stored exactly and read back equal; over-long input gets a clear Chinese message."""

from __future__ import annotations

import pytest

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.errors import ValidationError
from zsdesk.ledger import Ledger
from zsdesk.models import Project, Unit

HOSTILE = [
    '<font color="red">红色</font>&amp;<br/><para>',
    "=HYPERLINK(\"http://evil.example\",\"点我\")",
    "+1", "-2+3", "@SUM(A1:A9)", "=1+1",
    "控制\x01字符\x07与\x1b[31m转义\u200b零宽\u202e反向",
    "表情😀🏭🚀 与罕见字𠀀㐀𪚥",
    "单引号' 双引号\" 反斜杠\\ 百分号% 下划线_",
    "'; DROP TABLE projects; --",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_names_and_notes_round_trip_exactly(ledger: Ledger, text: str) -> None:
    ops.create_unit(ledger, {"name": "经开区", "kind": "园区"})
    notes = f"\n  {text}\n第二行\t制表\r\n"
    change = ops.create_project(ledger, {"name": text, "investor": text, "notes": notes, "leader": text[:100]})
    pid = change.ids("project")[0]
    with ledger.reading() as s:
        p = s.get(Project, pid)
        assert p is not None
        assert (p.name, p.investor, p.notes, p.leader) == (text, text, notes, text[:100])
    assert change.records[0].after is not None and change.records[0].after["name"] == text
    ops.update_project(ledger, pid, {"notes": notes + text})
    ops.undo(ledger)
    with ledger.reading() as s:
        assert s.get(Project, pid).notes == notes  # type: ignore[union-attr]
    assert check_ledger(ledger.path).healthy  # type: ignore[arg-type]


def test_long_strings(ledger: Ledger) -> None:
    notes = ("长备注𠀀😀<b>&amp;" * 2000)[:20000]
    change = ops.create_project(ledger, {"name": "长" * 200, "investor": "甲", "notes": notes})
    with ledger.reading() as s:
        p = s.get(Project, change.ids("project")[0])
        assert p is not None and p.notes == notes and len(p.name) == 200
    with pytest.raises(ValidationError) as info:
        ops.create_project(ledger, {"name": "名" * 10000, "investor": "乙", "notes": "x" * 20001})
    message = str(info.value)
    assert "项目名称：不能超过 200 个字（现有 10000 个）" in message
    assert "不能超过 20000 个字（现有 20001 个）" in message
    assert len(message) < 200  # the clerk sees the counts, not the 10,000 characters


def test_unit_names_with_markup_and_rare_characters_are_found_by_name(ledger: Ledger) -> None:
    name = "<b>𠀀㐀</b>&园区"
    ops.create_unit(ledger, {"name": name, "kind": "园区"})
    change = ops.create_project(ledger, {"name": "项目", "framework_date": "2026-01-01", "lead_unit_id": name})
    with ledger.reading() as s:
        p = s.get(Project, change.ids("project")[0])
        unit = s.query(Unit).filter_by(name=name).one()
        assert p is not None and p.lead_unit_id == unit.id


def test_blank_required_name_gets_a_clear_message(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match="项目名称：必填"):
        ops.create_project(ledger, {"name": " \t\n", "investor": "甲"})
