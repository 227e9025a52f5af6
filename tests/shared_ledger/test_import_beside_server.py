"""A real project import into a shared ledger, checked by the helper process while the import writes (issue 20):
the helper signs in as the import's own login and reads in the import transaction's exported snapshot, so it
sees exactly what the import sees — row-level security included — and the ledger ends as after the import in
one process. The password reaches the helper through its pipe only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
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
from pg_databases import fresh_database
from sqlalchemy import select, text
from xlsx.conftest import fill_units_and_persons

from zsdesk import ops
from zsdesk.access import access_of
from zsdesk.audit_guard import CHAIN_LOCK_KEY
from zsdesk.check import check_ledger
from zsdesk.errors import LedgerError
from zsdesk.models import Project
from zsdesk.opening import open_unlocked
from zsdesk.users import add_login
from zsdesk.xlsx.check_worker import WORKER, Server, WorkerGone, read_ahead_source
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.stored_projects import read_stored_server

from .conftest import PASSWORD


@pytest.fixture
def twins(tmp_path: Path) -> Iterator[tuple[str, str, list[str]]]:
    """Two shared ledgers holding the same 300 projects (imported by the owner), and their codes."""
    with ExitStack() as stack:
        urls = [stack.enter_context(fresh_database("zsdesk_beside"))[0] for _ in range(2)]
        base = workbook(tmp_path / "base.xlsx", [row(i) for i in range(300)])
        WORKER.stop()
        for url in urls:
            with open_unlocked(url, create=True) as ledger:
                fill_units_and_persons(ledger)
                assert import_file(ledger, "projects", base, dry_run=False).written
        with open_unlocked(urls[0]) as ledger, ledger.reading() as s:
            codes = list(s.scalars(select(Project.code).order_by(Project.id)))
        yield urls[0], urls[1], codes


def _login(url: str, role: str, unit: str | None = None) -> str:
    """A new login of ``role`` on the ledger at ``url`` (owner's URL); its URL with the test's password."""
    from sqlalchemy.engine import make_url

    with open_unlocked(url) as owner:
        login = add_login(owner, f"bs{abs(hash(url)) % 10**8}_{role}", role, PASSWORD, unit).login
    return make_url(url).set(username=login, password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
def logins() -> Iterator[list[str]]:
    """Logins a test made (cluster-wide): dropped after the test's databases are."""
    made: list[str] = []
    yield made
    if not made:  # none made (the test was skipped without a server, say)
        return
    from pg_databases import SERVER
    from sqlalchemy import create_engine

    admin = create_engine(str(SERVER), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for login in made:
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    finally:
        admin.dispose()


@pytest.mark.parametrize("read_ahead", [False, True], ids=["read-when-the-file-comes", "read-ahead"])
def test_a_shared_ledger_import_checked_beside_writes_what_one_process_writes(twins, tmp_path, worker, read_ahead,
                                                                              monkeypatch):
    """With ``read_ahead`` the helper has read every stored project as the import's login in a snapshot of its own
    (the import dialog asks it to when it opens); the job's snapshot is the same, so the check takes them and the
    import does not read them again: the same report, rows and audit records."""
    one, beside, codes = twins
    path = second_file(tmp_path, codes)
    WORKER.stop()
    with open_unlocked(one) as ledger:
        expected = import_file(ledger, "projects", path, dry_run=False)
    with open_unlocked(beside) as ledger:
        assert WORKER.wait_ready(read_ahead_source(ledger) if read_ahead else None) is read_ahead
        reads = window_reads(monkeypatch)
        got = import_file(ledger, "projects", path, dry_run=False)
        assert WORKER.started  # the helper checked it (a job left half-way would have replaced it)
        assert len(reads) == (0 if read_ahead else 1)
        got_contents = contents(ledger)
    with open_unlocked(one) as ledger:
        expected_contents = contents(ledger)
    assert expected.written and got.written, got.problems
    assert (got.would_create, got.would_update) == (1_105, 200)
    assert got.notes and got.duplicates and got.changes
    assert report_fields(got) == report_fields(expected)
    assert got_contents == expected_contents
    assert got.change is not None and expected.change is not None and got.change.label == expected.change.label
    assert check_ledger(beside).healthy


def test_rows_checked_as_read_on_a_shared_ledger(twins, tmp_path, worker, monkeypatch):
    """Read ahead, the helper checks rows as it reads them and sends each chunk's new investors before the chunk:
    the import never reads stored projects itself (that read would wait for the batch on the server), and the
    ledger ends as after the import in one process."""
    one, beside, codes = twins
    path = chunked_investors_file(tmp_path, codes)
    WORKER.stop()
    with open_unlocked(one) as ledger:
        expected = import_file(ledger, "projects", path, dry_run=False)
        expected_contents = contents(ledger)
    with open_unlocked(beside) as ledger:
        assert WORKER.wait_ready(read_ahead_source(ledger))
        seeded, stored_reads = batch_reads(monkeypatch)
        got = import_file(ledger, "projects", path, dry_run=False)
        got_contents = contents(ledger)
    assert expected.written and got.written, got.problems
    assert len(seeded) >= 2 and seeded[0] == 0 and max(seeded) > 0 and stored_reads == []
    assert report_fields(got) == report_fields(expected)
    assert got_contents == expected_contents


@pytest.mark.parametrize("read_ahead", [False, True], ids=["read-when-the-file-comes", "read-ahead"])
def test_the_helper_reads_as_the_imports_login_and_never_sees_its_password_elsewhere(logins, twins, tmp_path,
                                                                                      worker, read_ahead):
    """A 单位联络员 (row-level security: only projects their unit leads or works on) imports new projects whose
    names are near those of stored ones on both twins: the helper, signed in as that login, hints at the stored
    projects the login can see, as the one-process import does. A helper reading as the owner would hint at
    all 60 (tried: the reports differ)."""
    from sqlalchemy.engine import make_url

    one, beside, _ = twins
    urls = [_login(url, "liaison", "城南街道") for url in (one, beside)]
    logins += [str(make_url(u).username) for u in urls]
    path = workbook(tmp_path / "联络员.xlsx", [
        [None, f"并行检查项目{i}号", f"投资方{i % 11}", None, None, "10", "2025-12-01", None, "城南街道",
         None, None, None, None] for i in range(60)])
    WORKER.stop()
    with open_unlocked(urls[0]) as ledger:
        expected = import_file(ledger, "projects", path, dry_run=False)
    with open_unlocked(urls[1]) as ledger:
        assert WORKER.wait_ready(read_ahead_source(ledger) if read_ahead else None) is read_ahead
        proc = WORKER._proc  # noqa: SLF001 - the helper process itself
        assert proc is not None
        got = import_file(ledger, "projects", path, dry_run=False)
    assert WORKER._proc is proc  # noqa: SLF001 - the same helper checked it, and it goes on
    assert expected.written and got.written, got.problems
    assert report_fields(got) == report_fields(expected)
    seen = [h for h in got.duplicates if h.where == "ledger"]
    assert 0 < len(seen) < 60  # the projects 城南街道 works on (every sixth), not the others
    secret = PASSWORD.encode()
    for part in ("cmdline", "environ"):
        assert secret not in Path(f"/proc/{proc.pid}/{part}").read_bytes()
    assert PASSWORD not in repr(Server("postgresql+psycopg://x@h/d", "00000003-0000001B-1", PASSWORD))


def test_a_problem_anywhere_writes_nothing_on_a_shared_ledger(twins, tmp_path, worker):
    one, beside, codes = twins
    path = second_file(tmp_path, codes, bad=True)
    WORKER.stop()
    with open_unlocked(one) as ledger:
        expected = import_file(ledger, "projects", path, dry_run=False)
    WORKER.wait_ready()
    with open_unlocked(beside) as ledger:
        before = counts(ledger)
        got = import_file(ledger, "projects", path, dry_run=False)
        assert counts(ledger) == before
    assert not got.written and [(p.row, p.column) for p in got.problems] == [(702, "协议资金（万元）"),
                                                                            (1102, "牵头单位")]
    assert report_fields(got) == report_fields(expected)


def test_a_read_ahead_the_shared_ledger_has_moved_on_from_is_not_used(twins, tmp_path, worker):
    """Read ahead, then a project of the file's (same investor, same name) is saved by the window: the job's
    snapshot is not the read-ahead's, so the helper reads what it needs in the import's own, and the row without
    a code is refused as the twin of a stored project, as in one process. Taken stale, the read-ahead would have
    let the import write a second project of that name (tried: the test fails with ``fresh`` always true)."""
    one, beside, codes = twins
    path = second_file(tmp_path, codes)
    twin = {"name": "并行检查项目300", "investor": "投资方3"}
    WORKER.stop()
    with open_unlocked(one) as ledger:
        ops.create_project(ledger, twin)
        expected = import_file(ledger, "projects", path, dry_run=False)  # one process
    with open_unlocked(beside) as ledger:
        assert WORKER.wait_ready(read_ahead_source(ledger))
        ops.create_project(ledger, twin)  # after the read-ahead
        got = import_file(ledger, "projects", path, dry_run=False)
    assert [(p.row, p.column) for p in got.problems] == [(202, "项目编号")]
    assert "台账中已有名称和投资方都相同的项目" in got.problems[0].reason
    assert not got.written and report_fields(got) == report_fields(expected)


def test_other_writers_wait_and_a_dying_helper_writes_nothing(twins, tmp_path, worker):
    """The import holds the writer lock (every zsdesk writer takes it first) while the helper reads its snapshot;
    a helper killed half-way rolls everything back, and the next import works."""
    _, beside, codes = twins
    path = second_file(tmp_path, codes)
    taken: list[bool] = []
    with open_unlocked(beside) as ledger:
        before = counts(ledger)

        def other_writer(done: int, total: int) -> None:
            if not taken:
                with ledger.engine.connect() as conn:
                    taken.append(bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                                                   {"k": CHAIN_LOCK_KEY}).scalar()))
                    conn.rollback()

        assert import_file(ledger, "projects", path, dry_run=False, progress=other_writer).written
        assert taken == [False]

        def kill(done: int, total: int) -> None:
            if done and WORKER._proc is not None:  # noqa: SLF001 - the helper itself, killed half-way
                WORKER._proc.kill()  # noqa: SLF001

        again = counts(ledger)
        assert again != before
        with pytest.raises(WorkerGone, match="后台进程意外退出，没有写入任何数据"):
            import_file(ledger, "projects", workbook(tmp_path / "新.xlsx", [row(2_000 + i) for i in range(1_500)]),
                        dry_run=False, progress=kill)
        assert counts(ledger) == again
        assert import_file(ledger, "projects", workbook(tmp_path / "小.xlsx", [row(5_000)]), dry_run=False).written
    assert check_ledger(beside).healthy


def test_a_login_out_of_connections_imports_without_the_helper(logins, twins, tmp_path, worker):
    """The helper needs one more connection of the import's login; where the login may hold no more (``CONNECTION
    LIMIT 1``, the window's one connection signed in), the helper says so, the half-begun import is rolled back,
    and the import checks in this process: written, the same report as one process."""
    from sqlalchemy.engine import make_url

    one, beside, codes = twins
    urls = [_login(url, "clerk") for url in (one, beside)]
    logins += [str(make_url(u).username) for u in urls]
    with open_unlocked(beside) as owner, owner.engine.connect() as conn:
        conn.execute(text(f'ALTER ROLE "{logins[1]}" CONNECTION LIMIT 1'))
        conn.commit()
    path = second_file(tmp_path, codes)
    WORKER.stop()
    with open_unlocked(urls[0]) as ledger:
        expected = import_file(ledger, "projects", path, dry_run=False)
    WORKER.wait_ready()
    proc = WORKER._proc  # noqa: SLF001 - the helper process itself
    with open_unlocked(urls[1]) as ledger:
        assert access_of(ledger).role == "clerk"  # signed in, as the window does first: its one connection
        got = import_file(ledger, "projects", path, dry_run=False)
        got_contents = contents(ledger)
    with open_unlocked(urls[0]) as ledger:
        expected_contents = contents(ledger)
    assert WORKER._proc is proc  # noqa: SLF001 - the helper answered and goes on
    assert expected.written and got.written, got.problems
    assert report_fields(got) == report_fields(expected)
    assert got_contents == expected_contents


@pytest.mark.parametrize("helper", [True, False], ids=["checked-beside", "one-process"])
@pytest.mark.parametrize("at", [1_300, 2_699, 1_010], ids=["a-middle-batch", "the-last-batch", "before-an-update"])
def test_a_batch_the_server_refuses_behind_writes_nothing(twins, tmp_path, worker, helper, at):
    """A shared ledger's batches are written behind (zsdesk/ops/bulk.py: the server works on one while the import
    builds the next). A row the server refuses (here a trigger of the test's, as a constraint or a policy would) in
    a middle batch is raised when the next batch is sent; in the last one when the operation ends; in a batch an
    update of a stored project follows, at the update's first statement: either way the import fails with its
    Chinese message, nothing is written, and the next import works."""
    _, beside, codes = twins
    refused = f"并行检查项目{at}"
    rows = [row(1_000 + i) for i in range(1_700)]
    if at == 1_010:
        rows = rows[:20] + [row(0, codes[0])] + rows[20:]
        rows[20][5] = "999"
    path = workbook(tmp_path / "拒绝.xlsx", rows)
    with open_unlocked(beside) as ledger, ledger.engine.connect() as conn:
        conn.execute(text(f"""
            CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.name = '{refused}' THEN
                RAISE EXCEPTION 'refused by the test' USING ERRCODE = '23514';
              END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse BEFORE INSERT ON projects FOR EACH ROW EXECUTE FUNCTION test_refuse();
        """))
        conn.commit()
    if not helper:
        WORKER.stop()
    with open_unlocked(beside) as ledger:
        before = counts(ledger)
        with pytest.raises(LedgerError, match="数据不一致，本次未保存") as caught:
            import_file(ledger, "projects", path, dry_run=False)
        assert "refused by the test" in str(caught.value)
        assert counts(ledger) == before
        assert WORKER.started is helper  # the helper's job ended in order: it goes on
        small = workbook(tmp_path / "小.xlsx", [row(9_000)])
        assert import_file(ledger, "projects", small, dry_run=False).written
        assert counts(ledger)[0] == before[0] + 1
    assert check_ledger(beside).healthy


def test_a_read_ahead_gives_way_to_a_job(twins):
    """The read-ahead reads ``_STEP`` rows at a time and stops as soon as a job waits (a liaison's read, filtered
    row by row, must not hold up the import it was meant to speed up)."""
    _, beside, _ = twins
    with open_unlocked(beside) as ledger:
        server = read_ahead_source(ledger)
    assert isinstance(server, Server)
    stored = read_stored_server(server, lambda: False)
    assert stored is not None and len(stored.by_code) == 300 and stored.snapshot
    assert read_stored_server(server, lambda: True) is None


def test_an_import_killed_while_batches_are_on_the_server_writes_nothing(tmp_path):
    """The importing process itself killed (SIGKILL) while its batches are written behind: the server rolls the
    one transaction back with the dropped connection — no project, no audit row — the chain checks, and the next
    import works. The kill lands in the writing phase (progress past 75%: batches in flight)."""
    import os
    import signal
    import subprocess
    import sys

    from sqlalchemy.engine import make_url

    child = Path(__file__).resolve().parents[1] / "safety" / "crash_child.py"
    with fresh_database("zsdesk_kill") as (url, _):
        with open_unlocked(url, create=True) as ledger:
            fill_units_and_persons(ledger)
            before = counts(ledger)
        path = workbook(tmp_path / "大.xlsx", [row(i) for i in range(3_000)])
        parsed = make_url(url)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "ZSDESK_CRASH_HELPER": "1",
               "PGPASSWORD": parsed.password or ""}  # the password in the environment, not on the command line
        bare = parsed.set(password="").render_as_string(hide_password=False).replace(":@", "@")
        proc = subprocess.Popen([sys.executable, str(child), bare, str(path)], stdout=subprocess.PIPE, text=True,
                                env=env)
        assert proc.stdout is not None
        killed_at = None
        for line in proc.stdout:
            if line.startswith("P ") and int(line[2:]) >= 75:
                proc.send_signal(signal.SIGKILL)
                killed_at = int(line[2:])
                break
        proc.wait(timeout=60)
        assert killed_at is not None and killed_at < 100, "the import ended before the kill"
        with open_unlocked(url) as ledger:
            assert counts(ledger) == before
            assert import_file(ledger, "projects", workbook(tmp_path / "小.xlsx", [row(9_000)]), dry_run=False).written
            assert counts(ledger)[0] == before[0] + 1
        assert check_ledger(url).healthy
