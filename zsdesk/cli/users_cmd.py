"""``zsdesk users list|add|set-role|disable`` — the users of a shared ledger (管理员 only; SPEC §11).

``zsdesk --db postgresql+psycopg://管理员登录名@服务器/台账 users add 张三 --role liaison --unit 正阳工业园区``
reads the new password from standard input (typed twice without echo at a terminal), never from the
command line. On a single-PC ledger every subcommand exits 2: a SQLite ledger has no users.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..errors import LedgerError
from . import add_db_option, db_of, open_ledger

ROLE_HELP = "admin（管理员）、chief（科长）、clerk（录入员）、liaison（单位联络员）、reader（只读）"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("users", help="管理共享台账的用户和角色（仅管理员）")
    add_db_option(p)
    actions = p.add_subparsers(dest="users_action", metavar="操作")
    lst = actions.add_parser("list", help="列出用户")
    add_db_option(lst)
    lst.set_defaults(run=run_list)
    add = actions.add_parser("add", help="新建登录名并授予角色；密码从标准输入读取")
    add_db_option(add)
    add.add_argument("login", help="登录名")
    add.add_argument("--role", required=True, help=ROLE_HELP)
    add.add_argument("--unit", help="单位联络员所属单位（全称或简称）")
    add.set_defaults(run=run_add)
    sr = actions.add_parser("set-role", help="改变用户的角色（及联络员的单位）")
    add_db_option(sr)
    sr.add_argument("login", help="登录名")
    sr.add_argument("role", help=ROLE_HELP)
    sr.add_argument("--unit", help="单位联络员所属单位（全称或简称）")
    sr.set_defaults(run=run_set_role)
    dis = actions.add_parser("disable", help="停用登录名（保留其操作记录）")
    add_db_option(dis)
    dis.add_argument("login", help="登录名")
    dis.set_defaults(run=run_disable)
    p.set_defaults(run=_usage())


def _usage() -> Callable[[argparse.Namespace], int]:
    def run(_args: argparse.Namespace) -> int:
        raise LedgerError("请写明操作：zsdesk users list、add、set-role 或 disable。")
    return run


def _shared_only(args: argparse.Namespace) -> None:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..db import is_sqlite
    from ..opening import resolve_url
    from ..users import SINGLE_PC

    if is_sqlite(resolve_url(db_of(args))):
        raise LedgerError(SINGLE_PC)


def read_new_password() -> str:
    """The new user's password: typed twice without echo at a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        import getpass  # only when a person types

        first = getpass.getpass("新用户的密码：")
        if getpass.getpass("再输入一次：") != first:
            raise LedgerError("两次输入的密码不一致，未新建用户。")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_list(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..users import list_logins

    _shared_only(args)
    with open_ledger(args, write=True) as ledger:
        rows = list_logins(ledger)
    print("登录名\t角色\t单位\t状态")
    for r in rows:
        print(f"{r.login}\t{r.role_label}\t{r.unit or '—'}\t{'已停用' if r.disabled else '可登录'}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..users import add_login, check_login_name, parse_role

    _shared_only(args)
    check_login_name(args.login)
    parse_role(args.role)
    password = read_new_password()
    with open_ledger(args, write=True) as ledger:
        row = add_login(ledger, args.login, args.role, password, args.unit)
    print(f"已新建用户 {row.login}，角色：{row.role_label}" + (f"，单位：{row.unit}" if row.unit else ""))
    return 0


def run_set_role(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..users import set_role

    _shared_only(args)
    with open_ledger(args, write=True) as ledger:
        row = set_role(ledger, args.login, args.role, args.unit)
    print(f"已将 {row.login} 的角色改为：{row.role_label}" + (f"，单位：{row.unit}" if row.unit else ""))
    return 0


def run_disable(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..users import disable_login

    _shared_only(args)
    with open_ledger(args, write=True) as ledger:
        row = disable_login(ledger, args.login)
    print(f"已停用登录名 {row.login}，它的操作记录仍保留。")
    return 0
