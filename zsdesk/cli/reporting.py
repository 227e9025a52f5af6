"""What the CLI's report commands share: printing an import report, writing a template, and
emitting a period's figures as the contract JSON or a readable table."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LedgerError
from ..outputs import refuse_output
from . import add_db_option, db_of, open_ledger

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..xlsx.rows_base import ImportReport


def print_import_report(report: ImportReport, add_missing_hint: str) -> int:
    """The import's notes, problems and changes on stdout; exit 2 with the summary on stderr when
    anything was refused (nothing was written then), else 0."""
    for note in report.notes:
        sys.stdout.write(f"注意：{note}\n")
    if report.ignored_headers:
        sys.stdout.write(f"未使用的列：{'、'.join(report.ignored_headers)}\n")
    if not report.ok:
        sys.stdout.write(report.problem_table() + "\n")
        for line in report.missing_lines():
            sys.stdout.write(line + "\n")
        if report.missing_any:
            sys.stdout.write(add_missing_hint + "\n")
        sys.stderr.write(f"zsdesk: {report.summary()}\n")
        return 2
    for hint in report.duplicates:
        sys.stdout.write(f"可能重复：{hint}\n")
    for line in report.change_lines():  # every field an update changes, before → after
        sys.stdout.write(line + "\n")
    sys.stdout.write(report.summary() + "\n")
    return 0


def write_template(args: argparse.Namespace, make: Callable[[Ledger | None], Path]) -> int:
    """``… template -o F``: the ledger's own choices when there is a ledger, the fixed ones if not."""
    refuse_output(args.output, db_of(args))
    try:
        ledger: Ledger | None = open_ledger(args)
    except LedgerError:
        ledger = None  # no ledger yet: a template with the fixed choices only
    try:
        path = make(ledger)
    finally:
        if ledger is not None:
            ledger.close()
    sys.stdout.write(f"已生成模板 {path}\n")
    return 0


def add_period_report(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str,
                      period_help: str, run: Callable[[argparse.Namespace], int],
                      json_help: str = "输出 JSON（金额为元）") -> argparse.ArgumentParser:
    """``zsdesk NAME --period P [--json]``: a period's figures."""
    p = sub.add_parser(name, help=help_text)
    add_db_option(p)
    p.add_argument("--period", required=True, help=period_help)
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(run=run)
    return p


def emit_figures(as_json: bool, contract: Callable[[], dict[str, Any]], text: Callable[[], str]) -> None:
    """The contract JSON (``--json``) or the readable table, on stdout."""
    if as_json:
        json.dump(contract(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text())
