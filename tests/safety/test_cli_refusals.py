"""Bad arguments, dangerous output paths and awkward files on the command line: exit 2, one
Chinese line on stderr, nothing written. Real subprocess runs of ``python -m zsdesk``."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from zsdesk.backup import create_backup

from .conftest import remount, small_ledger

CJK = re.compile(r"[\u4e00-\u9fff]")


def env(tmp: Path) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "ZSDESK_DATA_DIR": str(tmp / "data")}


def zsdesk(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], capture_output=True, text=True,
                          env=env(tmp), timeout=300)


def refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert CJK.search(lines[0]), lines[0]
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return small_ledger(tmp_path / "台账.sqlite")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.endswith("-shm")}


BAD_ARGS = {
    "year -1": ["export", "funding", "--year", "-1", "-o", "{out}"],
    "year 99999": ["export", "funding", "--year", "99999", "-o", "{out}"],
    "year 1e22": ["export", "funding", "--year", "1e22", "-o", "{out}"],
    "year 0": ["export", "funding", "--year", "0", "-o", "{out}"],
    "period empty": ["board", "--period", ""],
    "period Q5 on ledger export": ["export", "ledger", "--period", "2026Q5", "-o", "{out}"],
    "huge document number": ["notice", "--period", "2026Q1", "-o", "{pdf}", "--issue", "--number",
                             "99999999999999999999"],
    "issue date 1990": ["notice", "--period", "2026Q1", "-o", "{pdf}", "--issue", "--date", "1990-01-01"],
    "issue date far ahead": ["notice", "--period", "2026Q1", "-o", "{pdf}", "--issue", "--date", "2099-01-01"],
}


@pytest.mark.parametrize("case", list(BAD_ARGS))
def test_bad_arguments_exit_2_and_write_nothing(tmp_path: Path, ledger: Path, case: str) -> None:
    args = [a.format(out=tmp_path / "out.xlsx", pdf=tmp_path / "out.pdf") for a in BAD_ARGS[case]]
    before = files(tmp_path)
    refused(zsdesk(tmp_path, *args, "--db", str(ledger)))
    assert files(tmp_path) == before


@pytest.mark.parametrize("url", ["foo://bar", "postgresql://zsdesk@127.0.0.1:5432/x", "mysql://a@b/c"])
def test_addresses_we_cannot_open_exit_2(tmp_path: Path, url: str) -> None:
    refused(zsdesk(tmp_path, "board", "--db", url, "--period", "2026Q1"))


def test_forced_issue_date_is_allowed(tmp_path: Path, ledger: Path) -> None:
    result = zsdesk(tmp_path, "notice", "--db", str(ledger), "--period", "2026Q1", "-o", str(tmp_path / "n.pdf"),
                    "--issue", "--date", "2026-03-15", "--force-date")
    assert result.returncode == 0, result.stderr


# --- output paths -----------------------------------------------------------------------------

def test_output_that_is_the_ledger_or_a_ledger_or_a_backup_is_refused(tmp_path: Path, ledger: Path) -> None:
    backups = tmp_path / "备份"
    made = zsdesk(tmp_path, "backup", "--db", str(ledger), "--folder", str(backups))  # remembered as a backup folder
    assert made.returncode == 0, made.stderr
    backup = next(p for p in backups.iterdir() if p.suffix == ".sqlite")
    other = small_ledger(tmp_path / "另一个台账.xlsx")  # a ledger file, whatever its name
    pdf_ledger = tmp_path / "通报.pdf"
    shutil.copy(ledger, pdf_ledger)
    db = ["--db", str(ledger)]
    cases = [
        ["export", "ledger", *db, "-o", str(ledger)],
        ["export", "targets", *db, "-o", str(ledger)],
        ["export", "board", *db, "--period", "2026Q1", "-o", str(ledger)],
        ["export", "funding", *db, "-o", str(other)],
        ["export", "ledger", *db, "-o", str(backup)],
        ["export", "ledger", *db, "-o", str(backups / "台账.xlsx")],
        ["template", "projects", *db, "-o", str(ledger)],
        ["template", "projects", *db, "-o", str(other)],
        ["notice", *db, "--period", "2026Q1", "-o", str(pdf_ledger)],
        ["backup", *db, "-o", str(backups / "手工备份.sqlite")],
        ["backup", *db, "-o", str(tmp_path / "data" / "backups" / "手工备份.sqlite")],
    ]
    before = {p: p.read_bytes() for p in (ledger, other, pdf_ledger, backup)}
    listing = sorted(p.name for p in backups.iterdir())
    for args in cases:
        refused(zsdesk(tmp_path, *args))
    assert {p: p.read_bytes() for p in before} == before
    assert not (tmp_path / "data" / "backups" / "手工备份.sqlite").exists()
    assert sorted(p.name for p in backups.iterdir()) == listing


def test_a_failed_export_leaves_the_previous_file(tmpfs: Path, tmp_path: Path, ledger: Path) -> None:
    out = tmpfs / "台账导出.xlsx"
    first = zsdesk(tmp_path, "export", "ledger", "--db", str(ledger), "-o", str(out))
    assert first.returncode == 0, first.stderr
    previous = out.read_bytes()
    filler = tmpfs / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    refused(zsdesk(tmp_path, "export", "ledger", "--db", str(ledger), "-o", str(out)), "磁盘空间已满")
    assert out.read_bytes() == previous
    assert sorted(p.name for p in tmpfs.iterdir()) == sorted([out.name, filler.name])  # no temp file left


# --- damaged or awkward files -----------------------------------------------------------------

def test_mid_file_corruption_is_exit_2_with_the_restore_hint(tmp_path: Path) -> None:
    ledger = small_ledger(tmp_path / "台账.sqlite", projects=300)
    backup = create_backup(ledger, tmp_path / "data" / "backups")
    con = sqlite3.connect(ledger)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'projects'").fetchone()[0]
    con.close()
    data = bytearray(ledger.read_bytes())
    schema_pages = {1, root}
    for n in range(2, pages + 1):  # every page but the schema and the projects table's root
        if n not in schema_pages:
            data[(n - 1) * page:n * page] = os.urandom(page)
    ledger.write_bytes(bytes(data))
    xlsx = tmp_path / "t.xlsx"
    assert zsdesk(tmp_path, "template", "funding", "-o", str(xlsx)).returncode == 0
    for args in (["board", "--period", "2026Q1"], ["export", "ledger", "-o", str(tmp_path / "o.xlsx")],
                 ["notice", "--period", "2026Q1", "-o", str(tmp_path / "o.pdf")],
                 ["import", "funding", str(xlsx)]):
        line = refused(zsdesk(tmp_path, *args, "--db", str(ledger)))
        assert "损坏" in line and str(backup.path) in line, line


def test_init_on_a_full_disk_leaves_no_stub(tmpfs: Path, tmp_path: Path) -> None:
    filler = tmpfs / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    filler.write_bytes(filler.read_bytes()[: -40 * 1024])  # 40 KB left: the file starts, then fills
    target = tmpfs / "新台账.sqlite"
    line = refused(zsdesk(tmp_path, "init", "--db", str(target)))
    assert "磁盘" in line, line
    assert sorted(p.name for p in tmpfs.iterdir()) == ["filler"]
    filler.unlink()
    again = zsdesk(tmp_path, "init", "--db", str(target))
    assert again.returncode == 0, again.stderr


def test_init_on_dev_null_is_refused(tmp_path: Path) -> None:
    Path("/dev/null-journal").unlink(missing_ok=True)
    refused(zsdesk(tmp_path, "init", "--db", "/dev/null"), "不是普通文件")
    assert not Path("/dev/null-journal").exists()
    assert Path("/dev/null").is_char_device()


def test_read_only_folder_reads_but_refuses_writes_with_the_reason(tmpfs: Path, tmp_path: Path) -> None:
    ledger = small_ledger(tmpfs / "台账.sqlite")
    xlsx = tmp_path / "t.xlsx"
    assert zsdesk(tmp_path, "template", "funding", "-o", str(xlsx)).returncode == 0
    remount(tmpfs, "ro")
    board = zsdesk(tmp_path, "board", "--db", str(ledger), "--period", "2026Q1")
    assert board.returncode == 0, board.stderr
    refused(zsdesk(tmp_path, "import", "funding", str(xlsx), "--db", str(ledger)), "只读")


def test_writing_commands_take_the_windows_lock(tmp_path: Path, ledger: Path) -> None:
    from zsdesk.lock import acquire_writer_lock

    xlsx = tmp_path / "t.xlsx"
    assert zsdesk(tmp_path, "template", "funding", "-o", str(xlsx)).returncode == 0
    before = ledger.read_bytes()
    with acquire_writer_lock(ledger):  # the window has it open
        refused(zsdesk(tmp_path, "import", "funding", str(xlsx), "--db", str(ledger)), "正由")
        refused(zsdesk(tmp_path, "notice", "--db", str(ledger), "--period", "2026Q1", "-o",
                       str(tmp_path / "n.pdf"), "--issue"), "正由")
        refused(zsdesk(tmp_path, "demo", "--db", str(ledger)), "正由")
        board = zsdesk(tmp_path, "board", "--db", str(ledger), "--period", "2026Q1")  # reading is fine
        assert board.returncode == 0, board.stderr
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("room_kb", [0, 8, 64, 256])
def test_import_on_a_nearly_full_disk_says_the_disk_is_full(tmpfs: Path, tmp_path: Path, room_kb: int) -> None:
    from .test_crash import build_import_ledger, write_projects_xlsx

    ledger = build_import_ledger(tmpfs / "台账.sqlite")
    xlsx = write_projects_xlsx(tmp_path / "导入.xlsx", ledger, rows=800)
    con = sqlite3.connect(ledger)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = ledger.read_bytes()
    filler = tmpfs / "filler"
    with open(filler, "wb", buffering=0) as fh:
        for chunk in (65536, 4096, 512):
            try:
                while True:
                    fh.write(b"\0" * chunk)
            except OSError:
                pass
    if room_kb:
        os.truncate(filler, filler.stat().st_size - room_kb * 1024)
    line = refused(zsdesk(tmp_path, "import", "projects", str(xlsx), "--db", str(ledger)), "磁盘空间已满")
    assert "损坏" not in line
    filler.unlink()
    con = sqlite3.connect(ledger)
    assert con.execute("SELECT count(*) FROM projects WHERE name LIKE '导入项目%'").fetchone()[0] == 0
    con.close()
    assert len(ledger.read_bytes()) == len(before)


def test_a_newer_ledger_stays_byte_identical_through_every_command(tmp_path: Path) -> None:
    folder = tmp_path / "newer"
    folder.mkdir()
    ledger = small_ledger(folder / "台账.sqlite")
    con = sqlite3.connect(ledger)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")  # as an older SQLite tool would leave it: not WAL
    con.close()
    before = files(folder)
    assert ledger.read_bytes()[18:20] == b"\x01\x01"
    xlsx = tmp_path / "t.xlsx"
    assert zsdesk(tmp_path, "template", "funding", "-o", str(xlsx)).returncode == 0
    db = ["--db", str(ledger)]
    for args in (["board", *db, "--period", "2026Q1"], ["import", "funding", str(xlsx), *db],
                 ["notice", *db, "--period", "2026Q1", "-o", str(tmp_path / "n.pdf"), "--issue"],
                 ["export", "ledger", *db, "-o", str(tmp_path / "o.xlsx")], ["demo", *db]):
        refused(zsdesk(tmp_path, *args), "更新版本")
        assert files(folder) == before, args
    assert sorted(p.name for p in folder.iterdir()) == sorted(before)
