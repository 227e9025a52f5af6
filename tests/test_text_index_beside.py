"""zsdesk/text_index.py ``catch_up_beside``: many new projects are re-indexed on a second thread while the
operation hashes its audit rows — the same index, the same chain, and a failure on either side fails the
operation with nothing written."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from zsdesk import text_index
from zsdesk.check import check_ledger
from zsdesk.errors import LedgerError
from zsdesk.ledger import Ledger
from zsdesk.ops.history import operation
from zsdesk.ops.projects import insert_projects_in
from zsdesk.queries import ProjectQuery
from zsdesk.text_index import BESIDE_FROM, catch_up_beside

MANY = BESIDE_FROM + 200


def _count(ledger: Ledger, table: str) -> int:
    with ledger.reading() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)


def _import(ledger: Ledger, tag: str, count: int = MANY) -> list[int]:
    with operation(ledger, "导入项目") as op:
        return insert_projects_in(op, [{"name": f"{tag}项目{i}号", "investor": f"{tag}公司{i % 37}"}
                                       for i in range(count)])


def test_many_new_projects_are_found_and_the_ledger_checks_healthy(ledger: Ledger) -> None:
    assert ledger.path is not None
    ids = _import(ledger, "并行")
    few = _import(ledger, "单线", BESIDE_FROM - 1)  # inline: the same index either way
    with ledger.reading() as s:
        assert sorted(ProjectQuery(text="并行").ids(s)) == sorted(ids)
        assert sorted(ProjectQuery(text="行项目1").ids(s)) == sorted(
            pid for i, pid in enumerate(ids) if "行项目1" in f"并行项目{i}号")
        assert sorted(ProjectQuery(text="单线").ids(s)) == sorted(few)
        assert s.execute(text("SELECT count(*) FROM project_text_pending")).scalar() == 0
    report = check_ledger(ledger.path)
    assert report.healthy, [p.message for p in report.problems][:5]  # the text index and the audit chain


def test_without_json_functions_the_ids_go_one_by_one_to_the_same_index(ledger: Ledger,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite before 3.38 (or built without JSON): the pending ids by ``executemany``, the same result."""
    assert ledger.path is not None
    monkeypatch.setattr(text_index, "_JSON_IDS", False)
    ids = _import(ledger, "逐个")
    with ledger.reading() as s:
        assert sorted(ProjectQuery(text="逐个").ids(s)) == sorted(ids)
        assert s.execute(text("SELECT count(*) FROM project_text_pending")).scalar() == 0
    assert check_ledger(ledger.path).healthy


def test_a_failure_on_the_index_thread_fails_the_operation_and_writes_nothing(ledger: Ledger) -> None:
    """The thread's last statement refused (a trigger another tool might have left): the operation rolls back."""
    with ledger.session() as s, s.begin():
        s.execute(text("CREATE TRIGGER refuse_pending BEFORE DELETE ON project_text_pending "
                       "BEGIN SELECT RAISE(ABORT, '测试：拒绝'); END"))
    projects, audit = _count(ledger, "projects"), _count(ledger, "audit_log")
    with pytest.raises(LedgerError, match="本次未保存（测试：拒绝）"):  # the operation's Chinese message
        _import(ledger, "回滚")
    assert (_count(ledger, "projects"), _count(ledger, "audit_log")) == (projects, audit)
    assert not [t for t in threading.enumerate() if t.name == "zsdesk-text-index"]


def test_a_failure_beside_waits_for_the_thread_and_is_raised(ledger: Ledger) -> None:
    """``work`` raising: the thread's statements end before the error reaches the caller (who rolls back)."""
    assert ledger.path is not None
    ids = _import(ledger, "先有")
    seen: list[bool] = []

    def work() -> None:
        seen.append(any(t.name == "zsdesk-text-index" for t in threading.enumerate()))
        raise ValueError("哈希失败")

    with ledger.session() as s, s.begin():
        with pytest.raises(ValueError, match="哈希失败"):
            catch_up_beside(s.connection(), ids, work)
        assert not [t for t in threading.enumerate() if t.name == "zsdesk-text-index"]
        s.rollback()
    assert seen == [True]  # the index was being rebuilt beside work, not before it
    assert check_ledger(ledger.path).healthy
