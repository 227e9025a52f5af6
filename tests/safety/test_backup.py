"""Backups: consistent, verified, named by ledger and time, rotated, listed with figures, restorable."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from zsdesk import ops
from zsdesk.backup import (
    AutoBackup,
    BackupInfo,
    create_backup,
    latest_good_backup,
    ledger_id,
    list_backups,
    restore_backup,
    rotate,
    rotation_keep,
)
from zsdesk.check import check_ledger
from zsdesk.errors import LedgerDamaged, LedgerError, LedgerLocked
from zsdesk.lock import acquire_writer_lock
from zsdesk.opening import open_unlocked
from zsdesk.paths import backup_dir

from .conftest import small_ledger


def project_names(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT name FROM projects ORDER BY id")]
    finally:
        con.close()


def test_backup_is_verified_named_and_listed_with_figures(ledger_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "U盘"
    info = create_backup(ledger_file, folder, reason="手动")
    assert info.ok and info.projects == 3 and info.revision
    assert info.path.parent == folder
    assert info.path.name.startswith(f"台账.zsdesk_{ledger_id(ledger_file)}_")
    assert info.path.name.endswith("_手动.sqlite")
    assert info.last_change is not None and abs(info.last_change - datetime.now()) < timedelta(minutes=5)
    # A single self-contained file: no WAL beside a backup on a USB stick.
    assert not Path(str(info.path) + "-wal").exists()
    assert sqlite3.connect(info.path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    listed = list_backups(folder)
    assert [b.path for b in listed] == [info.path]
    assert listed[0].ok and listed[0].projects == 3


def test_backup_sees_changes_still_in_the_wal(ledger_file: Path, tmp_path: Path) -> None:
    with open_unlocked(ledger_file) as led:
        ops.create_project(led, {"name": "未检查点的项目", "investor": "甲"})
        assert Path(str(ledger_file) + "-wal").stat().st_size > 0  # the change is only in the WAL
        info = create_backup(ledger_file, tmp_path / "b")
    assert "未检查点的项目" in project_names(info.path)


def test_names_sort_by_time_and_same_second_does_not_collide(ledger_file: Path, tmp_path: Path) -> None:
    first = create_backup(ledger_file, tmp_path, reason="手动")
    second = create_backup(ledger_file, tmp_path, reason="手动")
    assert first.path != second.path and first.path.exists() and second.path.exists()
    assert [b.path for b in list_backups(tmp_path)] == [second.path, first.path]


def test_explicit_output_file_is_never_overwritten(ledger_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "拷贝.sqlite"
    create_backup(ledger_file, target=out)
    before = out.read_bytes()
    with pytest.raises(LedgerError, match="已存在"):
        create_backup(ledger_file, target=out)
    assert out.read_bytes() == before


def _info(made: datetime, reason: str = "定时") -> BackupInfo:
    return BackupInfo(Path(f"x_{made:%Y%m%d-%H%M%S}"), "x", "00000000", made, reason, 0, True, None, None, 0, None)


def test_rotation_keeps_ten_recent_one_per_day_for_30_days_one_per_month_for_a_year() -> None:
    now = datetime(2026, 6, 30, 18, 0)
    # Four backups a day for 400 days.
    backups = [_info(now - timedelta(hours=6 * i)) for i in range(1600)]
    keep = rotation_keep(backups, now)
    kept = sorted((b for b in backups if b.path in keep), key=lambda b: b.made_at, reverse=True)
    newest_ten = {b.path for b in sorted(backups, key=lambda b: b.made_at, reverse=True)[:10]}
    assert newest_ten <= keep
    days = {b.made_at.date() for b in kept if b.made_at >= now - timedelta(days=30)}
    assert len(days) >= 30
    months = {(b.made_at.year, b.made_at.month) for b in kept}
    assert len(months) == 13  # this month and the 12 before it
    assert min(b.made_at for b in kept) >= now - timedelta(days=366)
    assert len(kept) <= 10 + 31 + 13


def test_rotation_never_drops_the_copy_made_before_a_restore() -> None:
    now = datetime(2026, 6, 30)
    backups = [_info(now - timedelta(hours=i)) for i in range(50)]
    precious = _info(now - timedelta(hours=7, minutes=30), "恢复前")
    assert precious.path in rotation_keep([*backups, precious], now)


def test_rotate_deletes_only_this_ledgers_old_backups(ledger_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    mine = ledger_id(ledger_file)
    # Noon three days ago: the thirty minutes all fall on one calendar day whatever time the test runs
    # (starting at "now - 3 days" crossed midnight when CI ran at 23:58 and kept two days' newest).
    start = (datetime.now() - timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    for i in range(30):
        (folder / f"台账.zsdesk_{mine}_{start + timedelta(minutes=i):%Y%m%d-%H%M%S}_定时.sqlite").write_bytes(b"")
    other = folder / f"台账.zsdesk_ffffffff_{start:%Y%m%d-%H%M%S}_定时.sqlite"
    other.write_bytes(b"")
    unrelated = folder / "说明.txt"
    unrelated.write_text("x", encoding="utf-8")
    removed = rotate(folder, mine)
    assert len(removed) == 30 - 10  # all on one day: only the ten newest stay
    assert other.exists() and unrelated.exists()


def test_a_damaged_ledger_is_not_backed_up_and_good_backups_stay(ledger_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    good = create_backup(ledger_file, folder)
    # Corrupt a page in the middle of the ledger (not the header).
    data = bytearray(ledger_file.read_bytes())
    data[4096 * 3: 4096 * 3 + 2000] = b"\xff" * 2000
    ledger_file.write_bytes(bytes(data))
    Path(str(ledger_file) + "-wal").unlink(missing_ok=True)
    with pytest.raises(LedgerDamaged):
        create_backup(ledger_file, folder)
    assert [b.path for b in list_backups(folder)] == [good.path]
    assert not list(folder.glob("*.partial"))


def test_latest_good_backup_skips_bad_ones(ledger_file: Path, tmp_path: Path) -> None:
    good = create_backup(ledger_file)
    newer = create_backup(ledger_file)
    newer.path.write_bytes(newer.path.read_bytes()[:5000])  # a backup truncated on a failing USB stick
    found = latest_good_backup(ledger_file)
    assert found is not None and found.path == good.path
    bad = [b for b in list_backups(ledger_path=ledger_file) if not b.ok]
    assert [b.path for b in bad] == [newer.path] and "截断" in (bad[0].problem or "")


def test_restore_verifies_keeps_the_current_ledger_and_replaces_it(ledger_file: Path, tmp_path: Path) -> None:
    backup = create_backup(ledger_file, tmp_path / "b")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    with open_unlocked(ledger_file) as led:
        ops.create_project(led, {"name": "备份之后的项目", "investor": "乙"})
        # What a power cut leaves: the newest change only in the WAL beside the file.
        for suffix in ("", "-wal"):
            shutil.copy(str(ledger_file) + suffix, str(crashed / ledger_file.name) + suffix)
    ledger_file = crashed / ledger_file.name
    assert Path(str(ledger_file) + "-wal").stat().st_size > 0
    result = restore_backup(backup.path, ledger_file, tmp_path / "b")
    assert result.previous_copy is not None and "恢复前" in result.previous_copy.name
    assert "备份之后的项目" in project_names(result.previous_copy)  # nothing lost
    assert "备份之后的项目" not in project_names(ledger_file)
    assert check_ledger(ledger_file).healthy
    with open_unlocked(ledger_file) as led:
        ops.create_project(led, {"name": "恢复后新建", "investor": "丙"})
    assert check_ledger(ledger_file).healthy


def test_restore_refuses_a_bad_backup_and_touches_nothing(ledger_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "坏备份.sqlite"
    bad.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    before = ledger_file.read_bytes()
    with pytest.raises(LedgerDamaged, match="这份备份不能用"):
        restore_backup(bad, ledger_file, tmp_path / "b")
    assert ledger_file.read_bytes() == before
    assert not (tmp_path / "b").exists()


def test_restore_is_refused_while_another_instance_holds_the_ledger(ledger_file: Path, tmp_path: Path) -> None:
    backup = create_backup(ledger_file, tmp_path / "b")
    with acquire_writer_lock(ledger_file):
        with pytest.raises(LedgerLocked, match="正由"):
            restore_backup(backup.path, ledger_file, tmp_path / "b")


def test_restore_over_a_damaged_ledger_keeps_its_raw_bytes(ledger_file: Path, tmp_path: Path) -> None:
    backup = create_backup(ledger_file, tmp_path / "b")
    ledger_file.write_bytes(ledger_file.read_bytes()[:3000])
    damaged = ledger_file.read_bytes()
    result = restore_backup(backup.path, ledger_file, tmp_path / "b")
    assert result.previous_copy is not None and result.previous_copy.read_bytes() == damaged
    assert check_ledger(ledger_file).healthy


def test_auto_backup_on_open_every_n_operations_and_on_close(ledger_file: Path) -> None:
    with open_unlocked(ledger_file) as led:
        auto = AutoBackup(led, every=3).attach()
        assert auto.on_open() is not None
        for i in range(7):
            ops.create_unit(led, {"name": f"单位{i}", "kind": "部门"})
        with led.reading() as s:  # reading never counts as an operation
            s.execute(text("SELECT 1"))
        assert auto.pending == 1
        assert auto.on_close() is not None
    reasons = sorted(b.reason for b in list_backups(backup_dir()))
    assert reasons == sorted(["打开时", "定时", "定时", "关闭时"])
    assert auto.last_error is None


def test_auto_backup_every_setting_and_missing_usb_folder_falls_back(ledger_file: Path, tmp_path: Path) -> None:
    with open_unlocked(ledger_file) as led:
        ops.set_setting(led, "backup.folder", str(tmp_path / "拔掉的U盘" / "备份"))
        ops.set_setting(led, "backup.every_operations", 2)
        (tmp_path / "拔掉的U盘").write_text("not a folder", encoding="utf-8")  # the drive is gone
        auto = AutoBackup(led).attach()
        assert auto.every == 2
        info = auto.on_open()
    assert info is not None and info.path.parent == backup_dir()
    assert auto.last_error is not None and "备份文件夹" in auto.last_error


def test_backup_folder_setting_is_used(ledger_file: Path, tmp_path: Path) -> None:
    usb = tmp_path / "U盘"
    with open_unlocked(ledger_file) as led:
        ops.set_setting(led, "backup.folder", str(usb))
        info = AutoBackup(led).on_open()
    assert info is not None and info.path.parent == usb
    # Remembered outside the ledger, so a damaged ledger still finds its backups there.
    shutil.copy(ledger_file, tmp_path / "x")
    ledger_file.write_bytes(b"")
    found = latest_good_backup(ledger_file)
    assert found is not None and found.path == info.path


def test_backup_of_a_bigger_ledger_while_it_is_written(tmp_path: Path) -> None:
    path = small_ledger(tmp_path / "大.sqlite", projects=40)
    with open_unlocked(path) as led:
        info = create_backup(path, tmp_path / "b")
        ops.create_project(led, {"name": "后来", "investor": "丁"})
    assert info.projects == 40
