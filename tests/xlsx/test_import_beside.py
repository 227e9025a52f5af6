"""A real project import checked by the helper process (zsdesk/xlsx/check_worker.py) while the import writes:
the same report, rows, links and audit records as the import in one process, and nothing written when the
file has a problem, the clerk cancels, or the helper dies (issue 20)."""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helper_process import helper_holds, helper_lets_go  # tests/ is on sys.path (pytest's rootdir)
from import_twins import (
    batch_reads,
    chunked_investors_file,
    contents,
    counts,
    report_fields,
    row,
    second_file,
    window_reads,
    workbook,
    worker_fixture,  # noqa: F401 - the ``worker`` fixture, shared
)
from sqlalchemy import select

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.errors import LedgerError
from zsdesk.ledger import Ledger
from zsdesk.models import Project
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.check_worker import HELPER_ARGUMENT, WORKER, WorkerGone, helper_command
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.workbook import ExportCancelled

from .conftest import fill_units_and_persons


@pytest.fixture
def twins(ledger: Ledger, tmp_path: Path) -> Iterator[tuple[Ledger, Ledger, list[str]]]:
    """Two copies of one ledger holding 300 projects (imported), and those projects' codes."""
    fill_units_and_persons(ledger)
    report = import_file(ledger, "projects", workbook(tmp_path / "base.xlsx", [row(i) for i in range(300)]),
                         dry_run=False)
    assert report.written, report.problems
    with ledger.reading() as s:
        codes = list(s.scalars(select(Project.code).order_by(Project.id)))
    assert ledger.path is not None
    copy = tmp_path / "twin.sqlite"
    source, target = sqlite3.connect(ledger.path), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    with open_unlocked(copy, operator="测试员") as twin:
        yield ledger, twin, codes


@pytest.mark.parametrize("read_ahead", [False, True], ids=["read-when-the-file-comes", "read-ahead"])
def test_checked_beside_writes_what_one_process_writes(twins, tmp_path, worker, read_ahead, monkeypatch):
    """With ``read_ahead`` the helper has folded every stored project before the job (stored_projects.py), as
    when the import dialog has been open a while, and the job takes them: the import does not read them itself.
    The same report, rows and audit records."""
    one, beside, codes = twins
    path = second_file(tmp_path, codes)
    WORKER.stop()
    expected = import_file(one, "projects", path, dry_run=False)  # no helper: the one-process path
    assert beside.path is not None
    assert WORKER.wait_ready(beside.path if read_ahead else None) is read_ahead
    reads = window_reads(monkeypatch)
    got = import_file(beside, "projects", path, dry_run=False)
    # The helper frees what it read ahead only once idle (check_worker.IDLE_AFTER): not while the import ends.
    assert helper_holds(beside.path) is read_ahead
    assert len(reads) == (0 if read_ahead else 1)
    assert expected.written and got.written, got.problems
    assert (got.would_create, got.would_update) == (1_105, 200)
    assert got.notes and got.duplicates and got.changes  # the cleaned names, the near-twins, the updates
    assert report_fields(got) == report_fields(expected)
    assert contents(beside) == contents(one)
    assert got.change is not None and got.change.label == expected.change.label  # type: ignore[union-attr]
    assert beside.path is not None and check_ledger(beside.path).healthy
    # What it read ahead is dropped once the helper is idle after its job (check_worker.IDLE_AFTER): the file closed.
    assert helper_lets_go(beside.path)


@pytest.mark.parametrize("read_ahead", [False, True], ids=["read-when-the-file-comes", "read-ahead"])
def test_a_problem_anywhere_writes_nothing_and_reports_as_one_process(twins, tmp_path, worker, read_ahead):
    one, beside, codes = twins
    path = second_file(tmp_path, codes, bad=True)
    WORKER.stop()
    expected = import_file(one, "projects", path, dry_run=False)
    assert beside.path is not None
    assert WORKER.wait_ready(beside.path if read_ahead else None) is read_ahead
    before = counts(beside)
    got = import_file(beside, "projects", path, dry_run=False)
    assert not got.written and [(p.row, p.column) for p in got.problems] == [(702, "协议资金（万元）"),
                                                                            (1102, "牵头单位")]
    assert report_fields(got) == report_fields(expected)
    assert counts(beside) == before  # the batches written before row 702 was found: rolled back


def test_rows_checked_as_they_are_read_write_what_one_process_writes(twins, tmp_path, worker, monkeypatch):
    """Read ahead, the helper checks each row as soon as it is read (``TableReading``) and sends each chunk's new
    investors' stored projects before the chunk: the import writes the first rows before the file is read to its
    end, never reads a stored project itself (``_stored_same_names`` would wait for the batch on the way), and
    writes and reports what one process does — the totals row's note and the rows' count come at the end."""
    one, beside, codes = twins
    path = chunked_investors_file(tmp_path, codes)
    WORKER.stop()
    expected = import_file(one, "projects", path, dry_run=False)
    assert beside.path is not None and WORKER.wait_ready(beside.path)
    seeded, stored_reads = batch_reads(monkeypatch)
    got = import_file(beside, "projects", path, dry_run=False)
    assert expected.written and got.written, got.problems
    assert len(seeded) >= 2 and seeded[0] == 0 and max(seeded) > 0  # later investors: after rows were written
    assert stored_reads == []
    assert got.rows_read == 1_300 and any("合计" in n for n in got.notes)
    assert report_fields(got) == report_fields(expected)
    assert contents(beside) == contents(one)


def test_a_problem_the_reading_finds_late_writes_nothing(twins, tmp_path, worker):
    """A formula with no saved result in row 1,202, found by the reading after the first chunks were written:
    nothing written, the report as in one process."""
    one, beside, codes = twins
    path = chunked_investors_file(tmp_path, codes, formula_at=1_200)
    WORKER.stop()
    expected = import_file(one, "projects", path, dry_run=False)
    assert beside.path is not None and WORKER.wait_ready(beside.path)
    before = counts(beside)
    got = import_file(beside, "projects", path, dry_run=False)
    assert not got.written and [(p.row, p.column) for p in got.problems] == [(1202, "协议资金（万元）")]
    assert report_fields(got) == report_fields(expected)
    assert counts(beside) == before
    only_totals = workbook(tmp_path / "只有合计.xlsx", [[None] * 13, ["合计"] + [None] * 12])
    assert WORKER.wait_ready(beside.path)
    empty = import_file(beside, "projects", only_totals, dry_run=False)
    assert not empty.written and "没有可导入的行" in empty.summary() and counts(beside) == before


def test_a_read_ahead_the_ledger_has_moved_on_from_is_not_used(twins, tmp_path, worker):
    """Read ahead, then a project of the file's (same investor, same name) is saved in the window: the helper
    sees the commit (``PRAGMA data_version``) and reads what it needs itself, so the row without a code is
    refused as the twin of a stored project, as in one process. Taken stale, the read-ahead would have let the
    import write a second project of that name (tried: the test fails with ``fresh`` always true)."""
    one, beside, codes = twins
    path = second_file(tmp_path, codes)
    twin = {"name": "并行检查项目300", "investor": "投资方3"}
    WORKER.stop()
    ops.create_project(one, twin)
    expected = import_file(one, "projects", path, dry_run=False)  # one process
    assert beside.path is not None and WORKER.wait_ready(beside.path)
    ops.create_project(beside, twin)  # after the read-ahead
    got = import_file(beside, "projects", path, dry_run=False)
    assert [(p.row, p.column) for p in got.problems] == [(202, "项目编号")]
    assert "台账中已有名称和投资方都相同的项目" in got.problems[0].reason
    assert not got.written and report_fields(got) == report_fields(expected)
    assert contents(beside) == contents(one)


def test_the_helper_dying_writes_nothing_and_the_next_import_works(twins, tmp_path, worker):
    _, beside, codes = twins
    path = second_file(tmp_path, codes)
    before = counts(beside)

    def kill(done: int, total: int) -> None:
        if done and WORKER._proc is not None:  # noqa: SLF001 - the helper itself, killed half-way
            WORKER._proc.kill()  # noqa: SLF001

    with pytest.raises(WorkerGone, match="后台进程意外退出，没有写入任何数据"):
        import_file(beside, "projects", path, dry_run=False, progress=kill)
    assert counts(beside) == before
    assert import_file(beside, "projects", path, dry_run=False).written  # a new helper took over
    assert beside.path is not None and check_ledger(beside.path).healthy


def test_cancel_half_way_writes_nothing(twins, tmp_path, worker):
    _, beside, codes = twins
    path = second_file(tmp_path, codes)
    before = counts(beside)
    seen: list[int] = []
    with pytest.raises(ExportCancelled):
        import_file(beside, "projects", path, dry_run=False, progress=lambda done, total: seen.append(done),
                    cancel=lambda: len(seen) >= 1)
    assert counts(beside) == before
    assert import_file(beside, "projects", path, dry_run=False).written


def test_nobody_else_writes_while_the_helper_reads(twins, tmp_path, worker):
    """The writer lock is taken before the job is sent: another connection cannot commit meanwhile."""
    _, beside, codes = twins
    assert beside.path is not None
    refused: list[str] = []

    def other_writer(done: int, total: int) -> None:
        if not refused:
            conn = sqlite3.connect(beside.path, timeout=0)
            try:
                conn.execute("UPDATE settings SET value = value")
                conn.commit()
                refused.append("written")
            except sqlite3.OperationalError as err:
                refused.append(str(err))
            finally:
                conn.close()

    assert import_file(beside, "projects", second_file(tmp_path, codes), dry_run=False,
                       progress=other_writer).written
    assert refused == ["database is locked"]


def test_files_the_helper_cannot_read_or_that_hold_no_rows(ledger, tmp_path, worker):
    fill_units_and_persons(ledger)
    not_xlsx = tmp_path / "坏文件.xlsx"
    not_xlsx.write_text("这不是表格", encoding="utf-8")
    WORKER.stop()
    with pytest.raises(LedgerError) as one_process:
        import_file(ledger, "projects", not_xlsx, dry_run=False)
    WORKER.wait_ready()
    with pytest.raises(LedgerError) as beside:
        import_file(ledger, "projects", not_xlsx, dry_run=False)
    assert str(beside.value) == str(one_process.value)
    assert ledger.path is not None  # the ledger file itself picked as the import: refused, the ledger untouched
    before = counts(ledger)
    with pytest.raises(LedgerError, match="不是 Excel 工作簿"):
        import_file(ledger, "projects", ledger.path, dry_run=False)
    assert counts(ledger) == before and check_ledger(ledger.path).healthy
    empty = import_file(ledger, "projects", workbook(tmp_path / "空.xlsx", []), dry_run=False)
    assert not empty.written and "没有可导入的行" in empty.summary()
    assert import_file(ledger, "projects", workbook(tmp_path / "小.xlsx", [row(1)]), dry_run=False).written


def test_the_bundled_program_runs_the_helper_through_its_console_twin(monkeypatch, tmp_path):
    """installer/zsdesk.spec bundles no Python: the helper is ``zsdesk-cli --import-check-helper`` beside the
    program, and installer/zsdesk_cli.py runs it (here as a script: it answers "ready", ends with its input)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "zsdesk" / "zsdesk"))
    assert helper_command() == [str(tmp_path / "zsdesk" / "zsdesk-cli"), HELPER_ARGUMENT]
    monkeypatch.undo()
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "installer" / "zsdesk_cli.py"), HELPER_ARGUMENT],
                          input=b"", capture_output=True, timeout=60, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert pickle.loads(done.stdout[8:]) == ("ready",)
