"""``zsdesk backup``, ``zsdesk restore`` and ``zsdesk check``: keeping a ledger safe from a script.

``check`` exits 0 when the ledger is healthy and 2 when it found problems (listed in Chinese on
stdout, one per line); 1 stays reserved for an internal error of the app.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..backup import configured_folder, create_backup, list_backups, restore_backup
from ..errors import LedgerError
from ..outputs import refuse_output
from ..paths import backup_dir
from . import add_db_option, db_of, open_ledger


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("backup", help="备份台账（校验后存入备份文件夹，或 -o 指定文件）；--list 列出已有备份")
    add_db_option(p)
    p.add_argument("-o", "--output", help="备份到这个文件（不覆盖已有文件）")
    p.add_argument("--folder", help="备份到这个文件夹（默认：设置中的备份文件夹）")
    p.add_argument("--list", action="store_true", help="列出这个台账的备份（新的在前）及其数字")
    p.set_defaults(run=run_backup)
    p = sub.add_parser("restore", help="从备份恢复台账（先校验备份，并保留当前台账的副本）")
    add_db_option(p)
    p.add_argument("file", help="备份文件")
    p.add_argument("--folder", help="当前台账的副本存到这个文件夹（默认：备份文件夹）")
    p.set_defaults(run=run_restore)
    p = sub.add_parser("check", help="检查台账：文件完整性、外键、金额、阶段、操作记录链；有问题时退出码为 2")
    add_db_option(p)
    p.set_defaults(run=run_check)


def _is_url(db: str) -> bool:
    return "://" in db


def _folder_of(args: argparse.Namespace) -> Path:
    if args.folder:
        return Path(args.folder)
    with open_ledger(args, read_only=True) as ledger:
        return configured_folder(ledger)


def run_backup(args: argparse.Namespace) -> int:
    db = db_of(args)
    if _is_url(db):
        raise LedgerError("PostgreSQL 台账请用数据库服务器的备份工具（pg_dump）备份。")
    if args.list:
        infos = list_backups(None if not args.folder else args.folder, ledger_path=db)
        if not infos:
            print("没有找到这个台账的备份。")
        for info in infos:
            print(f"{info.describe()}\n    {info.path}")
        return 0
    if args.output:
        refuse_output(args.output, db, [args.folder] if args.folder else None)
        info = create_backup(db, target=args.output, reason="手动")
    else:
        info = create_backup(db, _folder_of(args), reason="手动")
    print(f"已备份并校验：{info.path}（{info.projects} 个项目，{info.size / 1024 / 1024:.1f} MB）")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    db = db_of(args)
    if _is_url(db):
        raise LedgerError("PostgreSQL 台账请用数据库服务器的工具恢复。")
    folder = Path(args.folder) if args.folder else _current_folder_or_default(args, backup_dir())
    result = restore_backup(args.file, db, folder)
    with open_ledger(args) as ledger:  # upgrades an older backup and proves it opens
        where = ledger.path
    print(f"已从备份恢复台账：{where}\n备份时间 {result.info.made_at:%Y-%m-%d %H:%M:%S}，{result.info.projects} 个项目。")
    if result.previous_copy is not None:
        print(f"恢复前的台账已另存为：{result.previous_copy}")
    if result.kept_notices:
        print(f"备份之后签发的通报是正式记录，已保留在恢复后的台账中（文号不会重复使用）：{'、'.join(result.kept_notices)}")
    return 0


def _current_folder_or_default(args: argparse.Namespace, default: Path) -> Path:
    try:
        return _folder_of(args)
    except LedgerError:
        return default  # the current ledger is damaged or missing: keep its copy in the default folder


def run_check(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (check loads the models and the audit replay)
    from ..check import check_ledger

    report = check_ledger(db_of(args))
    print("\n".join(report.lines()))
    return 0 if report.healthy else 2
