"""The ``zsdesk`` command. With no subcommand it opens the window.

Each subcommand lives in its own module here and registers itself through ``register(sub)``;
``COMMAND_MODULES`` lists them. Exit codes: 0 success, 2 bad input (one Chinese line on stderr,
nothing written), 1 internal error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy.exc import DBAPIError

from ..errors import LedgerError
from ..paths import default_ledger_path, log_file, setup_logging

if TYPE_CHECKING:
    from ..ledger import Ledger

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2

COMMAND_MODULES = [
    "zsdesk.cli.ledger_cmds",  # init, demo
    "zsdesk.cli.board_cmd",  # board
    "zsdesk.cli.safety_cmds",  # backup, restore, check
    "zsdesk.cli.notice_cmd",  # notice
    "zsdesk.cli.xlsx_cmds",  # import, export, template
    "zsdesk.cli.dict_cmd",  # dict list|add
    "zsdesk.cli.lifecycle_cmd",  # lifecycle
    "zsdesk.cli.activity_cmds",  # activity, leads, trips
    "zsdesk.cli.users_cmd",  # users list|add|set-role|disable (shared ledgers)
    # Further subcommands register here, one module each.
]


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"zsdesk: 参数错误：{message}\n")
        sys.exit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="zsdesk", description="招商桌面：招商引资项目台账、英雄榜与季度通报")
    parser.add_argument("--db", help="台账文件路径或 PostgreSQL 地址（默认：用户数据文件夹中的台账）")
    parser.add_argument("--operator", help="操作员姓名（写入操作日志）")
    sub = parser.add_subparsers(dest="command", metavar="子命令", parser_class=ChineseArgumentParser)
    for name in dict.fromkeys(COMMAND_MODULES):  # each module once, even if listed twice by a merge
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        # The window is opened by ui.launcher (the installed ``zsdesk`` command); the engine has no Qt.
        parser.print_help()
        return EXIT_OK
    sys.unraisablehook = _log_unraisable  # a half-closed file after a failed write: the log, not the terminal
    try:
        ask_password_if_needed(args)
        return int(args.run(args) or 0)
    except LedgerError as err:
        sys.stderr.write(f"zsdesk: {_one_line(str(err))}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``zsdesk board --json | head``): not an error of ours.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        except OSError:
            pass
        return EXIT_OK
    except (DBAPIError, sqlite3.Error, OSError) as err:
        translated = _translate(err, args)
        if translated is None:
            return _internal_error()
        sys.stderr.write(f"zsdesk: {_one_line(str(translated))}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("zsdesk: 已取消\n")
        return EXIT_BAD_INPUT
    except Exception:  # noqa: BLE001 - the one place that turns a bug into exit code 1
        return _internal_error()


def ask_password_if_needed(args: argparse.Namespace) -> None:
    """A shared ledger's address names the login only: libpq takes the password from ``PGPASSWORD``
    or ``~/.pgpass``; failing both, ask for it without echo when a person sits at the terminal. It
    lives in this process's environment for this run only — never on the command line, never saved."""
    db = getattr(args, "db_sub", None) or getattr(args, "db", None)
    if not db or "://" not in db or not db.startswith("postgresql") or os.environ.get("PGPASSWORD"):
        return
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from sqlalchemy.engine import make_url

    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..db import make_engine
    from ..db_errors import SignInError
    from ..opening import resolve_url, sign_in

    url = make_url(resolve_url(db))
    if url.password:
        return
    engine = make_engine(str(url))
    try:
        sign_in(engine)
        return
    except SignInError as err:
        if err.kind != "no_password" or not sys.stdin.isatty():
            raise
    finally:
        engine.dispose()
    import getpass  # only when a person must type a password

    os.environ["PGPASSWORD"] = getpass.getpass(f"{url.username or ''}@{url.host or ''} 的密码：")


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    logging.getLogger("zsdesk").debug("ignored while cleaning up: %r", unraisable.exc_value)


def _internal_error() -> int:
    setup_logging()  # the traceback goes to the log file, not onto the clerk's terminal
    logging.getLogger("zsdesk").exception("internal error")
    sys.stderr.write(f"zsdesk: 内部错误，详情已写入日志 {log_file()}\n")
    return EXIT_INTERNAL


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _translate(err: BaseException, args: argparse.Namespace) -> LedgerError | None:
    """A damaged file met in the middle of a command (exit 2 with the restore hint), a full disk."""
    # local: keeps `zsdesk --help` fast (opening loads the models and Alembic)
    from ..opening import translate_error

    db = getattr(args, "db_sub", None) or getattr(args, "db", None)
    file = Path(db).expanduser().resolve() if db and "://" not in db else None
    if isinstance(err, OSError) and not isinstance(err, BrokenPipeError):
        if err.errno == 28:
            return LedgerError("磁盘空间已满，本次操作未完成。请清理磁盘后重试，已保存的数据不受影响。")
        return None
    return translate_error(err, file)


def add_db_option(p: argparse.ArgumentParser) -> None:
    """Every subcommand also takes ``--db`` after its name (``zsdesk check --db x.sqlite``)."""
    p.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    p.add_argument("--operator", dest="operator_sub", help=argparse.SUPPRESS)


def db_of(args: argparse.Namespace) -> str:
    return getattr(args, "db_sub", None) or args.db or str(default_ledger_path())


def operator_of(args: argparse.Namespace) -> str | None:
    return getattr(args, "operator_sub", None) or args.operator


def open_ledger(args: argparse.Namespace, create: bool = False, read_only: bool = False,
                write: bool = False) -> Ledger:
    """The one opening sequence (``zsdesk.opening``). A command that writes passes ``write=True``
    and holds the same writer lock as the window (refused with exit 2 while another process
    writes); every other command opens the ledger read-only."""
    # local: keeps `zsdesk --help` fast (opening loads the models and Alembic)
    from ..opening import open_ledger as open_sequence

    return open_sequence(db_of(args), operator_of(args), create=create, write=write and not read_only,
                         read_only=read_only, fallback_read_only=False)


YEAR_RANGE = (2000, 2100)  # the same years a period may name (zsdesk.periods)


def parse_year(text: str | None) -> int | None:
    """``--year``: a whole year 2000–2100, else a ``LedgerError`` (exit 2) naming what was given."""
    if text is None:
        return None
    raw = str(text).strip()
    if not raw.isdigit() or not YEAR_RANGE[0] <= int(raw) <= YEAR_RANGE[1]:
        raise LedgerError(f"年度应为 {YEAR_RANGE[0]}—{YEAR_RANGE[1]} 之间的整数年份，而不是“{text}”。")
    return int(raw)
