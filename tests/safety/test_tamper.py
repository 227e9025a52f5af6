"""Tamper evidence (issue 13): edits made with a database tool are caught by ``zsdesk check``.

Each case tampers a real ledger file with raw sqlite3, the way an adversary with DB Browser would,
then runs ``zsdesk check`` as a subprocess: exit code 2 and a Chinese line naming what is wrong.
Honest use (demo, imports, undo/redo, rules, settings, issuing, backups, restore) stays clean.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zsdesk import ops
from zsdesk.audit_guard import SQLITE_TRIGGER_NAMES, SQLITE_TRIGGERS, chained_rows, dumps, hash_values
from zsdesk.backup import create_backup, restore_backup
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period
from zsdesk.rules import load_rules, save_rules

TODAY = date(2026, 11, 1)
_TEMPLATE: Path | None = None


@pytest.fixture
def demo_file(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo district, built by the app (one build per session, copied per test)."""
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        template = tmp_path_factory.mktemp("tamper-template") / "demo.sqlite"
        with open_unlocked(template, operator="测试员", create=True) as led:
            build_demo(led, today=TODAY)
        _TEMPLATE = template
    path = tmp_path / "台账.sqlite"
    shutil.copy(_TEMPLATE, path)
    return path


def check(path: Path | str) -> tuple[int, str]:
    """``zsdesk check`` in its own process; returns (exit code, stdout + stderr)."""
    run = subprocess.run([sys.executable, "-m", "zsdesk", "check", "--db", str(path)], capture_output=True,
                         text=True, timeout=300, env=os.environ.copy())
    return run.returncode, run.stdout + run.stderr


def assert_clean(path: Path | str) -> None:
    code, out = check(path)
    assert code == 0, out
    assert "检查通过" in out


def assert_caught(path: Path, *words: str) -> str:
    code, out = check(path)
    assert code == 2, out
    lines = [line for line in out.splitlines() if all(w in line for w in words)]
    assert lines, f"no line with {words} in:\n{out}"
    assert "Traceback" not in out
    return out


class Adversary:
    """A database tool on the ledger file: drops the append-only triggers, edits, puts them back."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(path)
        self.con.execute("PRAGMA foreign_keys=OFF")

    def __enter__(self) -> sqlite3.Connection:
        for name in SQLITE_TRIGGER_NAMES:
            self.con.execute(f"DROP TRIGGER IF EXISTS {name}")
        return self.con

    def __exit__(self, *exc: object) -> None:
        for statement in SQLITE_TRIGGERS:
            self.con.execute(statement)
        self.con.commit()
        self.con.close()

    @staticmethod
    def rehash_from(con: sqlite3.Connection, first_id: int) -> None:
        """Recompute the keyless chain from ``first_id`` on, with the app's own (public) formula."""
        prev = con.execute("SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1",
                           (first_id,)).fetchone()
        prev_hash = prev[0] if prev else ""
        rows = con.execute("SELECT id, op_id, op_label, at, operator, entity, entity_id, action, before, after "
                           "FROM audit_log WHERE id >= ? ORDER BY id", (first_id,)).fetchall()
        for row_id, op_id, label, at, operator, entity, entity_id, action, before, after in rows:
            digest = hash_values(prev_hash, op_id, label, datetime.fromisoformat(at), operator, entity, entity_id,
                                 action, before, after)
            con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, digest, row_id))
            prev_hash = digest


def open_ledger(path: Path) -> Ledger:
    return open_unlocked(path, operator="测试员")


# --- the database refuses edits of the audit log ------------------------------------------------

def test_the_database_refuses_update_and_delete_on_the_audit_log(demo_file: Path) -> None:
    con = sqlite3.connect(demo_file)
    for sql in ("UPDATE audit_log SET operator = '别人' WHERE id = 1", "DELETE FROM audit_log WHERE id > 1"):
        with pytest.raises(sqlite3.IntegrityError, match="操作记录只能追加"):
            con.execute(sql)
    con.close()
    assert_clean(demo_file)


def test_dropped_triggers_are_reported(demo_file: Path) -> None:
    con = sqlite3.connect(demo_file)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.commit()
    con.close()
    assert_caught(demo_file, "触发器", "audit_log_no_delete")


# --- the five tamperings of the issue -------------------------------------------------------------

def test_an_unaudited_5yi_funding_insert_is_caught(demo_file: Path) -> None:
    assert_clean(demo_file)
    con = sqlite3.connect(demo_file)  # an INSERT needs no trigger dropped
    con.execute("INSERT INTO funding (project_id, date, amount, note, deleted_at) "
                "VALUES (1, '2026-10-01', 500000000, '', NULL)")
    con.commit()
    con.close()
    assert_caught(demo_file, "到位资金", "500,000,000", "没有任何操作记录")


def test_deleting_the_audit_tail_with_its_records_is_caught_by_a_backup(demo_file: Path, tmp_path: Path) -> None:
    with open_ledger(demo_file) as led:
        pid = ops.create_project(led, {"name": "尾部项目", "investor": "某公司", "agreement_amount": "3亿",
                                       "framework_date": "2026-09-01", "lead_unit_id": "高新区"}).ids("project")[0]
        ops.add_funding(led, {"project_id": pid, "date": "2026-10-01", "amount": "2000万"})
    create_backup(demo_file, reason="手动")  # the anchor: the default backup folder
    assert_clean(demo_file)
    with Adversary(demo_file) as con:
        tail = con.execute("SELECT min(id) FROM audit_log WHERE op_label LIKE '%尾部项目%'").fetchone()[0]
        con.execute("DELETE FROM funding WHERE project_id = ?", (pid,))
        con.execute("DELETE FROM projects WHERE id = ?", (pid,))
        con.execute("DELETE FROM audit_log WHERE id >= ?", (tail,))
    # The file alone is self-consistent now: only the backup outside it shows the tail is gone.
    out = assert_caught(demo_file, "备份", "操作记录的末尾连同记录一起被删除")
    assert "尾部项目" not in out or "备份" in out


def test_deleting_the_audit_tail_is_caught_by_an_issued_notice(demo_file: Path) -> None:
    from zsdesk.notice import FontSet
    from zsdesk.notice.issuing import issue_notice

    with open_ledger(demo_file) as led:
        ops.create_unit(led, {"name": "删尾单位", "kind": "部门"})
        issue_notice(led, parse_period("2026Q3"), issue_date=date(2026, 10, 15), fonts=FontSet.bundled())
    assert_clean(demo_file)
    with Adversary(demo_file) as con:
        # Delete the notice's own audit row and the unit row before it, and the unit itself —
        # but the notice, an official record, stays: it remembers the chain head it was issued at.
        last_unit = con.execute("SELECT max(id) FROM audit_log WHERE entity = 'unit'").fetchone()[0]
        con.execute("DELETE FROM units WHERE name = '删尾单位'")
        con.execute("DELETE FROM audit_log WHERE id >= ? AND entity IN ('unit', 'notice')", (last_unit,))
        notice_id = con.execute("SELECT id FROM issued_notices").fetchone()[0]
        after = _notice_audit_after(con, notice_id)
        con.execute("INSERT INTO audit_log (op_id, op_label, at, operator, entity, entity_id, action, before, after, "
                    "prev_hash, hash) VALUES ('x', '签发通报', '2026-10-15 09:00:00.000000', '测试员', 'notice', ?, "
                    "'insert', NULL, ?, '', '')", (notice_id, after))
        Adversary.rehash_from(con, last_unit)
    assert_caught(demo_file, "已签发通报", "签发之后操作记录被整段改写")


def _notice_audit_after(con: sqlite3.Connection, notice_id: int) -> str:
    r = con.execute("SELECT id, period, doc_number, serial, year, issue_date, sha256, length(pdf), operator "
                    "FROM issued_notices WHERE id = ?", (notice_id,)).fetchone()
    return dumps({"id": r[0], "period": r[1], "doc_number": r[2], "serial": r[3], "year": r[4], "issue_date": r[5],
                  "title": "", "sha256": r[6], "size": r[7], "operator": r[8]})


def test_an_edited_setting_is_caught(demo_file: Path) -> None:
    with open_ledger(demo_file) as led:
        ops.set_setting(led, "notice.authority", "黔江区招商投资促进局")
    assert_clean(demo_file)
    con = sqlite3.connect(demo_file)
    con.execute("UPDATE settings SET value = ? WHERE key = 'notice.authority'", (json.dumps("某某办公室"),))
    con.commit()
    con.close()
    assert_caught(demo_file, "设置", "notice.authority", "程序之外被修改")


def test_an_inserted_rules_version_is_caught(demo_file: Path) -> None:
    with open_ledger(demo_file) as led:
        document = json.loads(json.dumps(load_rules(led, 2026).document))
        save_rules(led, 2026, document, note="正式版")
    assert_clean(demo_file)
    document["weights"] = document.get("weights", {})
    con = sqlite3.connect(demo_file)
    con.execute("INSERT INTO rules_documents (year, version, document, saved_at, operator, note) "
                "VALUES (2026, 2, ?, '2026-10-20 10:00:00.000000', '测试员', '')",
                (json.dumps(document, ensure_ascii=False),))
    con.commit()
    con.close()
    assert_caught(demo_file, "2026 年计数规则第 2 版", "没有任何操作记录")


def test_an_edited_amount_with_a_recomputed_chain_is_caught_by_the_backup(demo_file: Path) -> None:
    """The keyless chain can be recomputed by whoever edits the file; the backup outside cannot."""
    create_backup(demo_file, reason="手动")
    assert_clean(demo_file)
    with Adversary(demo_file) as con:
        fid, after_id, after = con.execute(
            "SELECT entity_id, id, after FROM audit_log WHERE entity = 'funding' ORDER BY id LIMIT 1").fetchone()
        snap = json.loads(after)
        snap["amount"] = 500_000_000
        con.execute("UPDATE funding SET amount = 500000000 WHERE id = ?", (fid,))
        con.execute("UPDATE audit_log SET after = ? WHERE id = ?", (dumps(snap), after_id))
        Adversary.rehash_from(con, after_id)
    out = assert_caught(demo_file, "备份", "整段改写")
    # Nothing inside the file gives it away: the only problem is the anchor.
    assert "接不上" not in out and "没有任何操作记录" not in out and "程序之外被修改" not in out


def test_an_edited_amount_without_recomputing_is_caught_by_the_replay(demo_file: Path) -> None:
    con = sqlite3.connect(demo_file)
    con.execute("UPDATE projects SET agreement_amount = agreement_amount * 10 WHERE id = 5")
    con.commit()
    con.close()
    assert_caught(demo_file, "项目记录", "协议", "程序之外被修改")


def test_a_record_deleted_behind_the_apps_back_is_caught(demo_file: Path) -> None:
    con = sqlite3.connect(demo_file)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("DELETE FROM targets WHERE id = 3")
    con.commit()
    con.close()
    assert_caught(demo_file, "目标任务", "应当存在", "被删除")


def test_rewritten_history_with_the_same_final_state_is_caught(demo_file: Path) -> None:
    """An extra audit row slipped into a record's history (then the chain recomputed) breaks the replay."""
    with open_ledger(demo_file) as led:
        ops.update_funding(led, 1, {"note": "第一次"})
        ops.update_funding(led, 1, {"note": "第二次"})
    with Adversary(demo_file) as con:
        row_id, before = con.execute("SELECT id, before FROM audit_log WHERE entity = 'funding' AND entity_id = 1 "
                                     "ORDER BY id DESC LIMIT 1").fetchone()
        snap = json.loads(before)
        snap["amount"] = 1
        con.execute("UPDATE audit_log SET before = ? WHERE id = ?", (dumps(snap), row_id))
        Adversary.rehash_from(con, row_id)
    assert_caught(demo_file, "修改前内容", "上一条操作记录不符")


# --- honest use stays clean ------------------------------------------------------------------------

def test_honest_use_stays_clean(demo_file: Path, tmp_path: Path) -> None:
    from zsdesk.notice import FontSet
    from zsdesk.notice.issuing import issue_notice
    from zsdesk.xlsx.importer import import_file
    from zsdesk.xlsx.ledger_export import export_ledger

    assert_clean(demo_file)
    with open_ledger(demo_file) as led:
        unit = ops.create_unit(led, {"name": "诚实园区", "kind": "园区"}).ids("unit")[0]
        ops.create_person(led, {"name": "张诚实", "unit_id": "诚实园区"})
        pid = ops.create_project(led, {"name": "诚实项目", "investor": "诚实公司", "agreement_amount": "2亿",
                                       "formal_date": "2026-08-01", "lead_unit_id": "诚实园区",
                                       "cooperating_unit_ids": ["高新区"]}).ids("project")[0]
        ops.add_funding(led, {"project_id": pid, "date": "2026-09-01", "amount": "500万"})
        ops.update_project(led, pid, {"agreement_amount": "2.5亿"})
        ops.undo(led)
        ops.redo(led)
        ops.undo(led)
        ops.delete_projects(led, [pid])
        ops.undo(led)
        ops.update_unit(led, unit, {"short_name": "诚实"})
        ops.set_target(led, {"unit_id": "诚实园区", "year": 2026, "agreement_amount": "10亿"})
        ops.set_setting(led, "notice.authority", "黔江区招商投资促进局")
        save_rules(led, 2026, json.loads(json.dumps(load_rules(led, 2026).document)))
        issue_notice(led, parse_period("2026Q3"), issue_date=date(2026, 10, 15), fonts=FontSet.bundled())
        export = tmp_path / "台账.xlsx"
        export_ledger(led, export)
        report = import_file(led, "projects", export, dry_run=False)
        assert report.ok, report.problem_table()
    create_backup(demo_file, reason="手动")
    assert_clean(demo_file)


def test_a_restore_from_an_older_backup_stays_clean(demo_file: Path) -> None:
    older = create_backup(demo_file, reason="手动").path
    with open_ledger(demo_file) as led:
        ops.create_unit(led, {"name": "恢复后消失的单位", "kind": "部门"})
    create_backup(demo_file, reason="手动")  # a later backup: its chain is discarded by the restore
    restore_backup(older, demo_file)
    assert_clean(demo_file)  # the discarded branch's anchors are accepted: the restore is recorded
    with open_ledger(demo_file) as led:
        ops.create_unit(led, {"name": "恢复后新增", "kind": "部门"})
    create_backup(demo_file, reason="手动")
    assert_clean(demo_file)


def test_a_notice_carried_over_by_a_restore_stays_clean(demo_file: Path) -> None:
    """Restore keeps issued notices the backup lacks (issue 13 item 5): their anchors lie on the
    discarded branch, which the recorded restore and its "恢复前" copy vouch for."""
    from zsdesk.audit_chain import record_restore
    from zsdesk.notice import FontSet
    from zsdesk.notice.issuing import issue_notice

    older = create_backup(demo_file, reason="手动").path
    with open_ledger(demo_file) as led:
        ops.create_unit(led, {"name": "签发前新增", "kind": "部门"})
        issue_notice(led, parse_period("2026Q3"), issue_date=date(2026, 10, 15), fonts=FontSet.bundled())
    con = sqlite3.connect(demo_file)
    notice = con.execute("SELECT * FROM issued_notices").fetchone()
    con.close()
    restore_backup(older, demo_file)
    con = sqlite3.connect(demo_file)
    if con.execute("SELECT count(*) FROM issued_notices").fetchone()[0] == 0:
        # What restore's carry-over does (if this restore did not already): insert the notice as issued.
        con.execute(f"INSERT INTO issued_notices VALUES ({', '.join('?' * len(notice))})", notice)
        con.commit()
        con.close()
        record_restore(demo_file, older, None)  # the hook restore runs after carrying notices over
    else:
        con.close()
    assert_clean(demo_file)


def test_restoring_a_backup_from_an_older_version_stays_clean(tmp_path: Path) -> None:
    from zsdesk.db import make_engine
    from zsdesk.migrate import upgrade

    old = tmp_path / "旧备份.sqlite"
    engine = make_engine(old)
    upgrade(engine, "0003")
    engine.dispose()
    con = sqlite3.connect(old)
    con.execute("INSERT INTO units (name, short_name, kind, active, sort_order) VALUES ('正阳工业园区', '正阳', 'park', 1, 1)")
    con.commit()
    con.close()
    ledger = tmp_path / "台账.sqlite"
    with open_unlocked(ledger, operator="测试员", create=True) as led:
        ops.create_unit(led, {"name": "现在的单位", "kind": "部门"})
    restore_backup(old, ledger)
    assert_clean(ledger)


def test_a_new_ledger_at_the_same_path_is_not_judged_by_the_old_ones_backups(demo_file: Path) -> None:
    create_backup(demo_file, reason="手动")
    demo_file.unlink()
    for side in ("-wal", "-shm"):
        Path(str(demo_file) + side).unlink(missing_ok=True)
    with open_unlocked(demo_file, operator="测试员", create=True) as led:
        ops.create_unit(led, {"name": "新台账单位", "kind": "部门"})
    assert_clean(demo_file)


def test_an_upgraded_ledger_gets_a_baseline_and_checks_clean(tmp_path: Path) -> None:
    """A ledger from schema 0003 whose rows have no audit rows (an old demo) is clean after upgrading."""
    from zsdesk.db import make_engine
    from zsdesk.migrate import upgrade

    path = tmp_path / "旧台账.sqlite"
    engine = make_engine(path)
    upgrade(engine, "0003")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO units (name, short_name, kind, active, sort_order) VALUES ('正阳工业园区', '正阳', 'park', 1, 1)")
    con.execute("INSERT INTO settings (key, value) VALUES ('notice.authority', '\"旧机关\"')")
    con.commit()
    con.close()
    open_unlocked(path).close()
    assert_clean(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE units SET name = '改名园区'")
    con.commit()
    con.close()
    assert_caught(path, "单位记录", "程序之外被修改")


# --- PostgreSQL: concurrent clerks never fork the chain ---------------------------------------------

SERVER = os.environ.get("ZSDESK_TEST_PG_URL")




def test_postgres_concurrent_clerks_keep_one_chain_and_the_log_is_insert_only(pg_url: str) -> None:
    import threading

    from sqlalchemy import text

    from zsdesk.check import check_ledger

    with open_unlocked(pg_url, operator="管理员", create=True) as led:
        build_demo(led, today=TODAY)
    errors: list[BaseException] = []

    def clerk(name: str) -> None:
        try:
            with open_unlocked(pg_url, operator=name) as led:
                for i in range(15):
                    ops.add_funding(led, {"project_id": 1 + i % 3, "date": "2026-10-01", "amount": f"{i + 1}万"})
                    ops.update_funding(led, 1, {"note": f"{name}{i}"})
                    ops.create_unit(led, {"name": f"{name}单位{i}", "kind": "部门"})
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in ("甲", "乙", "丙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    report = check_ledger(pg_url)
    assert report.healthy, report.lines()
    with open_unlocked(pg_url) as led, led.engine.connect() as conn:
        for sql in ("UPDATE audit_log SET operator = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
            with pytest.raises(Exception, match="操作记录只能追加"):
                with conn.begin():
                    conn.execute(text(sql))
    # A row slipped in with SQL is found on PostgreSQL too.
    with open_unlocked(pg_url) as led, led.engine.begin() as conn:
        conn.execute(text("INSERT INTO funding (project_id, date, amount, note) VALUES (1, '2026-10-02', 500000000, '')"))
    report = check_ledger(pg_url)
    assert any("500,000,000" in p.message and "没有任何操作记录" in p.message for p in report.problems), report.lines()


# --- the chain's formula, written fast, is the public one -----------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)  # any text UTF-8 can hold
_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=4),
                      max_leaves=10)


@settings(max_examples=400, deadline=None)
@given(_TEXT, _TEXT, _TEXT, _TEXT, st.lists(st.tuples(_TEXT, st.integers(), _TEXT, st.none() | _VALUE,
                                                    st.none() | _VALUE), max_size=4))
def test_chained_rows_hash_as_hash_values(prev: str, op_id: str, label: str, operator: str,
                                          records: list[tuple[str, int, str, object, object]]) -> None:
    """chained_rows encodes the operation's part once and each text by the encoder's string function:
    every hash is hash_values' over the same values (quotes, backslashes, control characters, 汉字)."""
    at = datetime(2026, 12, 1, 9, 30, 5)
    rows = chained_rows(prev, op_id, label, at, operator, records)
    for row, (entity, entity_id, action, _b, _a) in zip(rows, records, strict=True):
        assert row["hash"] == hash_values(row["prev_hash"], op_id, label, at, operator, entity, entity_id, action,
                                          row["before"], row["after"])
        # and the formula as the chain defines it, written out independently
        body = dumps([row["prev_hash"], op_id, label, at.isoformat(timespec="seconds"), operator, entity, entity_id,
                      action, row["before"], row["after"]])
        assert row["hash"] == hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert [r["prev_hash"] for r in rows] == ([prev] + [r["hash"] for r in rows])[:len(rows)]


@settings(max_examples=300, deadline=None)
@given(st.none() | st.booleans() | st.integers() | _TEXT | st.floats(allow_nan=False), st.none() | _TEXT)
def test_hash_values_on_any_kind_of_stored_value(entity_id: object, after: str | None) -> None:
    """A tampered file may hold a NULL or a number where text belongs: the check still computes the formula."""
    at = datetime(2026, 12, 1, 9, 30, 5)
    body = dumps(["", "op", "导入", at.isoformat(timespec="seconds"), "某人", None, entity_id, None, None, after])
    expected = hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert hash_values("", "op", "导入", at, "某人", None, entity_id, None, None, after) == expected  # type: ignore[arg-type]
