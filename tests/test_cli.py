"""The command line: exit codes and messages as SPEC §6 says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from zsdesk.cli import main
from zsdesk.models import Funding, Project, Target, Unit
from zsdesk.opening import open_unlocked

ROOT = Path(__file__).resolve().parent.parent


def test_init_creates_an_empty_ledger_with_dictionaries(tmp_path, capsys):
    db = tmp_path / "new.sqlite"
    assert main(["init", "--db", str(db)]) == 0
    assert "已新建台账" in capsys.readouterr().out
    with open_unlocked(db) as ledger, ledger.reading() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 0
    # A second init refuses to overwrite.
    assert main(["init", "--db", str(db)]) == 2
    assert "已存在" in capsys.readouterr().err


def test_demo_builds_a_district(tmp_path, capsys):
    db = tmp_path / "demo.sqlite"
    assert main(["--db", str(db), "demo"]) == 0
    out = capsys.readouterr().out
    assert "演示台账已生成" in out
    with open_unlocked(db) as ledger, ledger.reading() as s:
        assert s.scalar(select(func.count()).select_from(Project)) > 200
        assert s.scalar(select(func.count()).select_from(Funding)) > 300
        assert s.scalar(select(Unit.name).where(Unit.name == "正阳工业园区")) == "正阳工业园区"
        assert s.scalar(select(func.count()).select_from(Target).where(Target.unit_id.is_(None))) == 4  # base year + 3
        stages = set(s.scalars(select(Project.stage).distinct()))
    assert stages == {"lead", "negotiating", "framework", "formal", "started", "production", "full_production",
                      "withdrawn"}
    # Into a ledger that already has data: exit 2, one Chinese line, nothing written.
    assert main(["demo", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "空台账" in err


def test_demo_is_deterministic(tmp_path):
    from zsdesk.demo import build_demo

    names = []
    for i in range(2):
        with open_unlocked(tmp_path / f"d{i}.sqlite", create=True) as ledger:
            build_demo(ledger, seed=7)
            with ledger.reading() as s:
                names.append(list(s.execute(select(Project.code, Project.name, Project.agreement_amount))))
    assert names[0] == names[1]


def test_bad_arguments_exit_2_in_chinese(tmp_path, capsys):
    assert main(["demo", "--db", str(tmp_path / "x.sqlite"), "--projects", "0"]) == 2
    assert "--projects" in capsys.readouterr().err


def test_a_damaged_file_is_a_clear_message(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"PK\x03\x04 this is a zip renamed")
    assert main(["init", "--db", str(bad)]) == 2


def test_installed_console_entry_runs_subcommands_without_qt(tmp_path):
    db = tmp_path / "e.sqlite"
    code = ("import sys; from ui.launcher import main; rc = main(['init', '--db', sys.argv[1]]); "
            "assert 'PySide6' not in sys.modules, 'CLI imported Qt'; sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_launcher_finds_the_ledger_argument():
    from ui.launcher import ledger_argument

    assert ledger_argument(["--db", "a.sqlite"]) == "a.sqlite"
    assert ledger_argument(["--db=b.sqlite"]) == "b.sqlite"
    assert ledger_argument(["--db"]) is None  # association with no file
    assert ledger_argument(["/home/u/台账.zsdesk.sqlite"]) == "/home/u/台账.zsdesk.sqlite"
    assert ledger_argument([]) is None


def test_a_closed_pipe_is_not_an_internal_error(tmp_path):
    db = tmp_path / "p.sqlite"
    assert main(["demo", "--db", str(db)]) == 0
    code = ("import subprocess, sys\n"
            "p = subprocess.Popen([sys.executable, '-m', 'zsdesk', 'board', '--db', sys.argv[1], '--period', '2025Q3',"
            " '--json'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)\n"
            "p.stdout.read(10); p.stdout.close(); err = p.stderr.read().decode(); rc = p.wait()\n"
            "assert rc == 0 and '内部错误' not in err, (rc, err)\n")
    result = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, capture_output=True, text=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-1500:]


def test_municipal_demo_rebuilds_every_index(tmp_path):
    """The large demo drops and rebuilds secondary indexes around its bulk insert: none may go missing."""
    import sqlite3

    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from zsdesk.models import Base
    from zsdesk.text_index import is_index_table

    db = tmp_path / "city.sqlite"
    assert main(["demo", "--db", str(db), "--projects", "6000"]) == 0
    with open_unlocked(db) as ledger:
        with ledger.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        # The text filter's FTS5 index (0011) and its tables are SQLite's, not models.
        assert [d for d in diff if not (d[0] == "remove_table" and is_index_table(d[1].name))] == []
        with ledger.reading() as s:
            assert s.scalar(select(func.count()).select_from(Unit)) == 300
    con = sqlite3.connect(db)
    live = con.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_projects_live_agreement_amount'").fetchone()
    indexed = con.execute("SELECT count(*) FROM project_text_docsize").fetchone()[0]  # the text filter's index
    con.close()
    assert indexed == 6000
    assert live is not None and "WHERE deleted_at IS NULL" in live[0]


def test_demo_board_keeps_the_shared_contract(tmp_path, capsys):
    """Issue 3's acceptance check: `zsdesk board --period 2025Q3 --json` on the demo district."""
    import json

    import pytest

    checker = ROOT.parent / "shared" / "tools" / "check_board_contract.py"  # ../shared beside the checkout
    if not checker.exists():
        pytest.skip("shared/tools/check_board_contract.py is not beside the repository")
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["board", "--db", str(db), "--period", "2025Q3", "--json"]) == 0
    out = capsys.readouterr().out
    board = json.loads(out)
    assert len(board["units"]) == 25 and board["district"]["formal_contracts"] > 0
    done = subprocess.run([sys.executable, str(checker), "2025-01-01", "2025-09-30"], input=out,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert "0 contract breaks" in done.stdout


def test_an_internal_error_is_logged_not_printed(tmp_path, capsys, monkeypatch):
    """A bug gives exit 1 and one Chinese line naming the log; the traceback is in the log file."""
    from zsdesk import demo as demo_module
    from zsdesk.paths import log_file

    def broken(*_a, **_k):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(demo_module, "build_demo", broken)
    assert main(["demo", "--db", str(tmp_path / "x.sqlite")]) == 1
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err and err.count("\n") == 1
    assert "ZeroDivisionError: a bug" in log_file().read_text(encoding="utf-8")
