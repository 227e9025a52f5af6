"""Schema migrations with Alembic, shipped inside the package.

Opening a ledger compares its revision with the newest one this app knows: an older file is
copied aside and upgraded; a file from a newer app is refused; a file that is not a ledger is
reported as such. Nothing is changed before the backup copy exists.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DatabaseError, OperationalError

from .errors import LedgerDamaged, LedgerLocked, LedgerTooNew

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as err:
        if "locked" in str(err).lower():
            raise LedgerLocked("台账文件正被其他程序占用，请稍后再试或关闭另一个招商桌面窗口。") from err
        raise LedgerDamaged(f"台账文件无法读取，可能已损坏（{err.orig}），文件未做任何修改。") from err
    except DatabaseError as err:
        raise LedgerDamaged(f"这不是一个招商桌面台账文件，或文件已损坏（{err.orig}），文件未做任何修改。") from err


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def backup_before_upgrade(path: Path, revision: str | None) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.升级前备份-{revision or 'none'}-{stamp}{path.suffix}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def prepare_schema(engine: Engine, sqlite_file: Path | None, create: bool) -> Path | None:
    """Bring the ledger's schema to head. Returns the backup path when an upgrade made one."""
    revision = current_revision(engine)
    head = head_revision()
    if revision == head:
        return None
    if revision is None:
        tables = set(inspect(engine).get_table_names())
        if tables:
            raise LedgerDamaged("这个文件不是招商桌面台账（里面有其他程序的数据表），为保护它，未做任何修改。")
        if not create:
            raise LedgerDamaged("台账文件是空的。请新建台账，或从备份恢复。")
        upgrade(engine)
        return None
    known = {rev.revision for rev in script_directory().walk_revisions()}
    if revision not in known:
        raise LedgerTooNew(
            f"这个台账由更新版本的招商桌面创建（数据版本 {revision}），当前版本无法打开。请升级招商桌面后再打开，文件未做任何修改。")
    backup = None
    if sqlite_file is not None:
        backup = backup_before_upgrade(sqlite_file, revision)
    upgrade(engine)
    return backup


def copy_file(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)
