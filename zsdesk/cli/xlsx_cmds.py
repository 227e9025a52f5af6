"""``zsdesk import``, ``zsdesk export`` and ``zsdesk template``: spreadsheets in and out (SPEC §5)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from ..errors import LedgerError
from . import add_db_option, open_ledger

IMPORT_KINDS = ("units", "persons", "targets", "projects", "funding")
EXPORT_KINDS = ("ledger", "targets", "board", "funding", "progress", "lifecycle")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="从 xlsx 导入单位、人员、目标任务、项目或到位资金")
    add_db_option(p)
    p.add_argument("kind", choices=IMPORT_KINDS, help="导入的内容")
    p.add_argument("file", help="xlsx 文件")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.set_defaults(run=run_import)

    p = sub.add_parser("export", help="导出台账、目标任务完成情况、英雄榜、到位资金月报、每月项目进展表或项目落地情况（xlsx）")
    add_db_option(p)
    p.add_argument("kind", choices=EXPORT_KINDS, help="导出的内容")
    p.add_argument("-o", "--output", required=True, help="输出的 xlsx 文件")
    p.add_argument("--year", type=int, help="年度（到位资金月报、每月项目进展表；默认今年）")
    p.add_argument("--period", help="期间：2026Q3、2026M08 或 2026（目标任务、英雄榜、项目落地；默认今年累计）")
    p.set_defaults(run=run_export)

    p = sub.add_parser("template", help="生成导入模板（xlsx）")
    add_db_option(p)
    p.add_argument("kind", choices=IMPORT_KINDS, help="模板类型")
    p.add_argument("-o", "--output", required=True, help="输出的 xlsx 文件")
    p.set_defaults(run=run_template)


def run_import(args: argparse.Namespace) -> int:
    from ..xlsx.importer import import_file

    with open_ledger(args) as ledger:
        report = import_file(ledger, args.kind, args.file, dry_run=args.dry_run)
    for note in report.notes:
        sys.stdout.write(f"注意：{note}\n")
    if report.ignored_headers:
        sys.stdout.write(f"未使用的列：{'、'.join(report.ignored_headers)}\n")
    if not report.ok:
        sys.stdout.write(report.problem_table() + "\n")
        if report.missing_units:
            sys.stdout.write(f"软件中没有这些单位，请先添加：{'、'.join(report.missing_units)}\n")
        if report.missing_persons:
            sys.stdout.write(f"软件中没有这些人员，请先添加：{'、'.join(report.missing_persons)}\n")
        sys.stderr.write(f"zsdesk: {report.summary()}\n")
        return 2
    for hint in report.duplicates:
        sys.stdout.write(f"可能重复：{hint}\n")
    sys.stdout.write(report.summary() + "\n")
    return 0


def _period(args: argparse.Namespace) -> str:
    if args.period:
        return str(args.period)
    return str(args.year or date.today().year)


def run_export(args: argparse.Namespace) -> int:
    from ..periods import parse_period

    period = parse_period(_period(args)) if args.kind in ("targets", "board", "lifecycle") else None
    month = parse_period(args.period) if args.kind == "progress" and args.period else None
    if month is not None and month.kind != "M":
        raise LedgerError("每月项目进展表的 --period 应为月份，如 2026M08；导出全年请用 --year")
    with open_ledger(args) as ledger:
        if args.kind == "ledger":
            from ..xlsx.ledger_export import export_ledger

            result = export_ledger(ledger, args.output)
        elif args.kind == "funding":
            from ..xlsx.funding_export import export_funding

            year = args.year or (parse_period(args.period).year if args.period else None)
            result = export_funding(ledger, args.output, year)
        elif args.kind == "progress":
            from ..xlsx.progress_export import export_progress

            result = export_progress(ledger, args.output, args.year or (month.year if month else None),
                                     [month.number] if month else None)
        elif args.kind == "lifecycle":
            from ..xlsx.lifecycle_export import export_lifecycle

            result = export_lifecycle(ledger, args.output, period)  # type: ignore[arg-type]
        elif args.kind == "targets":
            from ..xlsx.board_export import export_targets

            result = export_targets(ledger, args.output, period)  # type: ignore[arg-type]
        else:
            from ..xlsx.board_export import export_board

            result = export_board(ledger, args.output, period)  # type: ignore[arg-type]
    sys.stdout.write(f"已导出 {result.rows} 行到 {result.path}\n")
    return 0


def run_template(args: argparse.Namespace) -> int:
    from ..xlsx.template import make_template

    try:
        ledger = open_ledger(args)
    except LedgerError:
        ledger = None  # no ledger yet: a template with the fixed choices only
    try:
        path = make_template(args.kind, ledger, args.output)
    finally:
        if ledger is not None:
            ledger.close()
    sys.stdout.write(f"已生成模板 {path}\n")
    return 0
