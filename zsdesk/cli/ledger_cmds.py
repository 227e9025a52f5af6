"""``zsdesk init`` and ``zsdesk demo``: create a ledger, or fill one with the demo district."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..db import database_has_tables
from ..errors import LedgerError
from . import add_db_option, db_of, open_ledger


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="新建空台账（含默认规则和字典，不含单位）")
    add_db_option(p)
    p.set_defaults(run=run_init)
    p = sub.add_parser("demo", help="生成演示台账（黔江区）；--projects N 生成市级规模台账")
    add_db_option(p)
    p.add_argument("--projects", type=int, default=None, help="项目数（默认约 420 个，即一个区三年的量）")
    p.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同台账）")
    p.set_defaults(run=run_demo)


def run_init(args: argparse.Namespace) -> int:
    db = db_of(args)
    if "://" not in db and Path(db).exists() and Path(db).stat().st_size > 0:
        raise LedgerError(f"文件已存在：{db}。为免覆盖，未做任何修改。")
    if "://" in db and database_has_tables(db):
        raise LedgerError("这个数据库里已有台账（或其他数据），为免覆盖，未做任何修改。"
                          "要使用它请直接打开；要新建请指定一个空数据库。")
    with open_ledger(args, create=True, write=True) as ledger:
        print(f"已新建台账：{ledger.path or ledger.url}")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (the demo loads ops and the models)
    from ..demo import build_demo

    if args.projects is not None and not 1 <= args.projects <= 2_000_000:
        raise LedgerError("--projects 应在 1—2000000 之间")
    with open_ledger(args, create=True, write=True) as ledger:
        summary = build_demo(ledger, projects=args.projects, seed=args.seed,
                             progress=_progress if sys.stderr.isatty() else None)
        print(f"演示台账已生成：{ledger.path or ledger.url}\n"
              f"单位 {summary.units} 个，人员 {summary.persons} 人，项目 {summary.projects} 个，"
              f"到位资金记录 {summary.funding} 条，目标任务 {summary.targets} 条；用时 {summary.seconds:.2f} 秒")
    return 0


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r正在生成项目 {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
