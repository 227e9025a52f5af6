"""``check_ledger`` and the append-only audit log: edits made behind the app's back are found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from zsdesk import ops
from zsdesk.audit_guard import SQLITE_TRIGGER_NAMES, SQLITE_TRIGGERS, AuditTampering
from zsdesk.check import check_ledger
from zsdesk.cli import main
from zsdesk.models import AuditEntry
from zsdesk.opening import open_unlocked


def tamper(path: Path, sql: str) -> None:
    """An adversary with a database tool: the append-only triggers (schema 0004) refuse edits of the
    audit log, so they are dropped first and put back afterwards, as a careful tamperer would."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    for name in SQLITE_TRIGGER_NAMES:
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    con.execute(sql)
    for statement in SQLITE_TRIGGERS:
        con.execute(statement)
    con.commit()
    con.close()


def kinds(path: Path) -> set[str]:
    return {p.kind for p in check_ledger(path).problems}


def test_a_healthy_ledger_passes(ledger_file: Path) -> None:
    report = check_ledger(ledger_file)
    assert report.healthy, report.lines()
    assert report.projects == 3 and report.audit_rows >= 7
    assert "检查通过" in report.lines()[0]


def test_an_edited_audit_row_is_found(ledger_file: Path) -> None:
    tamper(ledger_file, "UPDATE audit_log SET operator = '别人' WHERE id = 2")
    report = check_ledger(ledger_file)
    assert [p.kind for p in report.problems] == ["audit"]
    assert "第 2 条" in report.problems[0].message and "程序之外被改动" in report.problems[0].message


def test_a_deleted_audit_row_is_found(ledger_file: Path) -> None:
    tamper(ledger_file, "DELETE FROM audit_log WHERE id = 3")
    messages = [p.message for p in check_ledger(ledger_file).problems]
    assert any("第 4 条与前一条（第 2 条）接不上" in m for m in messages)


def test_a_project_edited_with_a_database_tool_is_found(ledger_file: Path) -> None:
    tamper(ledger_file, "UPDATE projects SET agreement_amount = agreement_amount * 10 WHERE id = 1")
    report = check_ledger(ledger_file)
    assert any("在程序之外被修改过" in p.message for p in report.problems), report.lines()


def test_money_stage_and_foreign_key_problems(ledger_file: Path) -> None:
    tamper(ledger_file, "INSERT INTO funding (project_id, date, amount, note) VALUES (2, '2026-03-01', -900000000, '')")
    tamper(ledger_file, "UPDATE projects SET stage = 'full_production' WHERE id = 3")
    tamper(ledger_file, "INSERT INTO project_persons (project_id, person_id) VALUES (1, 999)")
    report = check_ledger(ledger_file)
    found = {p.kind for p in report.problems}
    assert {"money", "stage", "foreign_key"} <= found, report.lines()
    text = "\n".join(report.lines())
    assert "到位资金合计不合理" in text and "达产" in text and "persons" in text


def test_check_does_not_change_the_file(ledger_file: Path) -> None:
    before = ledger_file.read_bytes()
    check_ledger(ledger_file)
    assert ledger_file.read_bytes() == before


def test_audit_log_is_append_only_in_the_engine(ledger_file: Path) -> None:
    with open_unlocked(ledger_file) as led:
        with led.session() as s:
            entry = s.get(AuditEntry, 1)
            assert entry is not None
            entry.operator = "改名"
            with pytest.raises(AuditTampering, match="只能追加"):
                s.flush()
        with led.session() as s:
            entry = s.get(AuditEntry, 1)
            s.delete(entry)
            with pytest.raises(AuditTampering):
                s.flush()
        with led.session() as s:
            from sqlalchemy import delete, update

            with pytest.raises(AuditTampering):
                s.execute(update(AuditEntry).values(operator="x"))
            with pytest.raises(AuditTampering):
                s.execute(delete(AuditEntry).where(AuditEntry.id > 0))
        # Undo still works: it appends, never rewrites.
        change = ops.create_unit(led, {"name": "撤销测试", "kind": "部门"})
        assert change.records
        ops.undo(led)
    assert check_ledger(ledger_file).healthy


def test_cli_check_exit_codes(ledger_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--db", str(ledger_file)]) == 0
    assert "检查通过" in capsys.readouterr().out
    tamper(ledger_file, "UPDATE audit_log SET after = '{}' WHERE id = 1")
    assert main(["check", "--db", str(ledger_file)]) == 2
    assert "程序之外" in capsys.readouterr().out
    missing = ledger_file.with_name("没有.sqlite")
    assert main(["check", "--db", str(missing)]) == 2
    assert "找不到" in capsys.readouterr().out


def test_cli_backup_list_and_restore(ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "手动备份.sqlite"
    assert main(["backup", "-o", str(out), "--db", str(ledger_file)]) == 0
    assert out.exists() and "已备份并校验" in capsys.readouterr().out
    assert main(["backup", "--db", str(ledger_file)]) == 0
    assert main(["backup", "--list", "--db", str(ledger_file)]) == 0
    assert "3 个项目" in capsys.readouterr().out
    with open_unlocked(ledger_file) as led:
        ops.create_unit(led, {"name": "备份后", "kind": "部门"})
    assert main(["restore", str(out), "--db", str(ledger_file)]) == 0
    printed = capsys.readouterr().out
    assert "已从备份恢复" in printed and "恢复前的台账已另存为" in printed
    with open_unlocked(ledger_file) as led, led.reading() as s:
        from zsdesk.models import Unit

        assert s.query(Unit).filter_by(name="备份后").count() == 0
    assert main(["restore", str(tmp_path / "不存在.sqlite"), "--db", str(ledger_file)]) == 2
    assert main(["backup", "-o", str(out), "--db", str(ledger_file)]) == 2  # never overwrites
