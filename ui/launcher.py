"""The ``zsdesk`` command: a subcommand runs the engine's CLI; none opens the window.

Qt is imported only when the window opens, so ``zsdesk board …`` starts fast and runs headless.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from zsdesk.cli import build_parser
    from zsdesk.cli import main as cli_main

    parser = build_parser()
    subcommands = {name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
                   for name in action.choices}
    if any(a in subcommands for a in args) or any(a in ("-h", "--help") for a in args):
        return cli_main(args)
    db = ledger_argument(args)
    from ui.shell.app import run_app

    return run_app(db)


def ledger_argument(args: list[str]) -> str | None:
    """The ledger to open: ``--db PATH``, ``--db=PATH``, or a bare path (what a file association passes).

    ``--db`` with nothing after it (an association with no file) means no particular ledger.
    """
    for i, arg in enumerate(args):
        if arg == "--db":
            value = args[i + 1] if i + 1 < len(args) else ""
            return value or None
        if arg.startswith("--db="):
            return arg[5:] or None
    bare = [a for a in args if not a.startswith("-")]
    return bare[0] if bare else None


if __name__ == "__main__":
    sys.exit(main())
