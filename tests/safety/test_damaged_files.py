"""Damaged and foreign files: a clear Chinese message, an offer of the newest good backup, nothing changed."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from zsdesk import ops
from zsdesk.backup import create_backup
from zsdesk.errors import LedgerDamaged, LedgerError, LedgerTooNew
from zsdesk.models import Project
from zsdesk.opening import open_unlocked

from .conftest import remount, small_ledger


def open_fails(path: Path, kind: type[Exception] = LedgerDamaged) -> str:
    wal = Path(str(path) + "-wal")
    before = path.read_bytes(), wal.read_bytes() if wal.exists() else None
    with pytest.raises(kind) as info:
        open_unlocked(path)
    after = path.read_bytes(), wal.read_bytes() if wal.exists() else None
    assert after == before, "the file must not be changed"
    message = str(info.value)
    assert "Traceback" not in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)
    return message


@pytest.fixture
def with_backup(ledger_file: Path) -> tuple[Path, Path]:
    return ledger_file, create_backup(ledger_file).path


def test_truncated_file_names_the_latest_good_backup(with_backup: tuple[Path, Path]) -> None:
    ledger, backup = with_backup
    ledger.write_bytes(ledger.read_bytes()[: 4096 * 5 + 123])
    message = open_fails(ledger)
    assert "截断" in message and str(backup) in message and "zsdesk restore" in message


def test_random_bytes(with_backup: tuple[Path, Path]) -> None:
    ledger, backup = with_backup
    ledger.write_bytes(os.urandom(50_000))
    message = open_fails(ledger)
    assert "不是招商桌面台账" in message and str(backup) in message


def test_zero_length_file_is_not_silently_made_a_new_ledger(with_backup: tuple[Path, Path]) -> None:
    ledger, backup = with_backup
    ledger.write_bytes(b"")
    message = open_fails(ledger)
    assert "0 字节" in message and str(backup) in message
    assert ledger.stat().st_size == 0


def test_zero_length_file_with_create_becomes_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "新.sqlite"
    path.write_bytes(b"")
    with open_unlocked(path, create=True) as led:
        ops.create_unit(led, {"name": "经开区", "kind": "园区"})


def test_xlsx_renamed_to_the_ledger_extension(tmp_path: Path) -> None:
    path = tmp_path / "台账.zsdesk.sqlite"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    message = open_fails(path)
    assert "不是招商桌面台账" in message and "没有找到这个台账的可用备份" in message


def test_a_database_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "别的.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    assert "其他程序" in open_fails(path)


def test_damaged_page_inside_the_file(with_backup: tuple[Path, Path]) -> None:
    ledger, backup = with_backup
    data = bytearray(ledger.read_bytes())
    data[4096:8192] = os.urandom(4096)  # the schema's second page
    ledger.write_bytes(bytes(data))
    try:
        led = open_unlocked(ledger)
    except LedgerDamaged as err:
        assert str(backup) in str(err)
        return
    # SQLite may still open it if the damaged page is not needed yet; check must then find it.
    led.close()
    from zsdesk.check import check_ledger

    assert not check_ledger(ledger).healthy


def test_a_ledger_from_a_newer_app(ledger_file: Path) -> None:
    con = sqlite3.connect(ledger_file)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    message = open_fails(ledger_file, LedgerTooNew)
    assert "更新版本" in message and "9999_from_the_future" in message
    with pytest.raises(LedgerTooNew):
        open_unlocked(ledger_file, read_only=True)


def test_read_only_on_request_refuses_writes_with_a_message(ledger_file: Path) -> None:
    before = ledger_file.read_bytes()
    with open_unlocked(ledger_file, read_only=True) as led:
        assert led.read_only_reason
        with led.reading() as s:
            assert s.query(Project).count() == 3
        with pytest.raises(LedgerError, match="只读") as info:
            ops.create_project(led, {"name": "不应保存", "investor": "甲"})
        assert "未保存" in str(info.value)
        with pytest.raises(LedgerError, match="只读"):
            ops.set_setting(led, "backup.every_operations", 5)
        # Even SQL that bypasses the ORM cannot write.
        with led.engine.connect() as conn, pytest.raises(Exception, match="readonly"):
            conn.exec_driver_sql("DELETE FROM funding")
    assert ledger_file.read_bytes() == before


def test_read_only_medium_opens_read_only(tmpfs: Path) -> None:
    path = small_ledger(tmpfs / "台账.sqlite")
    remount(tmpfs, "ro")
    with open_unlocked(path) as led:
        assert led.read_only_reason and "只读" in led.read_only_reason
        with led.reading() as s:
            assert s.query(Project).count() == 3
        with pytest.raises(LedgerError, match="只读"):
            ops.create_unit(led, {"name": "新单位", "kind": "部门"})


def test_full_disk_while_saving_keeps_what_was_saved(tmpfs: Path, tmp_path: Path) -> None:
    path = small_ledger(tmpfs / "台账.sqlite")
    filler = tmpfs / "filler"
    with open_unlocked(path) as led:
        with open(filler, "wb", buffering=0) as fh:  # fill the disk to the last byte
            for chunk in (65536, 4096, 512, 1):
                try:
                    while True:
                        fh.write(b"\0" * chunk)
                except OSError:
                    pass
        with pytest.raises(LedgerError, match="磁盘空间已满") as info:
            ops.create_project(led, {"name": "大项目", "investor": "甲", "notes": "备注" * 9000})
        assert "已保存的数据不受影响" in str(info.value)
        with pytest.raises(LedgerError, match="空间不足"):  # a backup onto the full disk
            create_backup(path, tmpfs / "备份")
        assert not list(tmpfs.glob("备份/*"))
    filler.unlink()
    from zsdesk.check import check_ledger

    report = check_ledger(path)
    assert report.healthy, report.lines()
    assert report.projects == 3
    with open_unlocked(path) as led:  # space freed: saving works again
        ops.create_project(led, {"name": "大项目", "investor": "甲"})
    assert check_ledger(path).projects == 4
