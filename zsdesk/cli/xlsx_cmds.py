"""``zsdesk import``, ``zsdesk export`` and ``zsdesk template``: spreadsheets in and out (SPEC §5)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from ..errors import LedgerError
from ..outputs import refuse_output
from ..periods import parse_period
from . import add_db_option, db_of, open_ledger, parse_year
from .reporting import print_import_report, write_template

IMPORT_KINDS = ("units", "persons", "targets", "projects", "funding")
EXPORT_KINDS = ("ledger", "targets", "board", "funding", "progress", "lifecycle")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="从 xlsx 导入单位、人员、目标任务、项目或到位资金")
    add_db_option(p)
    p.add_argument("kind", choices=IMPORT_KINDS, help="导入的内容")
    p.add_argument("file", help="xlsx 文件")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--add-missing", action="store_true",
                   help="文件中提到而台账中没有的单位、人员、产业链和投资方标签，随本次导入一并创建（同一操作，可一并撤销）")
    p.add_argument("--mapping", metavar="M.json|auto",
                   help="项目：按导入对照读取本单位自己的表格（对照文件，或 auto：按表头找已保存的对照，没有则用建议的对照）；"
                        "工作簿中的每个工作表一并检查、一次导入")
    p.add_argument("--save-mapping", metavar="名称", help="检查无误后把所用的对照以此名称保存到台账，下次同样表头的表格自动选用")
    p.add_argument("--export-mapping", metavar="OUT.json", help="把所用的对照写成 JSON 文件（可编辑后用 --mapping 使用）")
    p.set_defaults(run=run_import)

    p = sub.add_parser("mapping", help="导入对照：列出、导出、导入或删除台账中保存的对照")
    add_db_option(p)
    p.add_argument("action", choices=("list", "export", "import", "delete"), help="操作")
    p.add_argument("name", nargs="?", help="对照名称（export 不填则导出全部；delete 必填）或 import 的 JSON 文件")
    p.add_argument("-o", "--output", help="export 写出的 JSON 文件")
    p.set_defaults(run=run_mapping)

    p = sub.add_parser("export", help="导出台账、目标任务完成情况、英雄榜、到位资金月报、每月项目进展表或项目落地情况（xlsx）")
    add_db_option(p)
    p.add_argument("kind", choices=EXPORT_KINDS, help="导出的内容")
    p.add_argument("-o", "--output", required=True, help="输出的 xlsx 文件")
    p.add_argument("--year", help="年度（到位资金月报、每月项目进展表；默认今年）")
    p.add_argument("--period", help="期间：2026Q3、2026M08、2026M01-08 或 2026（目标任务、英雄榜、项目落地；默认今年累计）")
    p.set_defaults(run=run_export)

    p = sub.add_parser("template", help="生成导入模板（xlsx）")
    add_db_option(p)
    p.add_argument("kind", choices=IMPORT_KINDS, help="模板类型")
    p.add_argument("-o", "--output", required=True, help="输出的 xlsx 文件")
    p.set_defaults(run=run_template)


def run_import(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
    from ..xlsx.importer import import_file

    if args.mapping or args.save_mapping or args.export_mapping:
        # local: loaded only when this command runs, so `zsdesk --help` stays fast
        from .mapping_cmd import run_mapped_import

        return run_mapped_import(args)

    with open_ledger(args, write=not args.dry_run) as ledger:
        report = import_file(ledger, args.kind, args.file, dry_run=args.dry_run, add_missing=args.add_missing)
    return print_import_report(report, "可先添加（zsdesk dict add chain|tag 名称；单位、人员用导入或窗口“台账 → 单位与人员”），"
                                       "或在导入命令后加 --add-missing 随本次导入一并创建。")


def _period(args: argparse.Namespace) -> str:
    if args.period is not None:
        return str(args.period)
    return str(parse_year(args.year) or date.today().year)


def run_export(args: argparse.Namespace) -> int:
    year = parse_year(args.year)  # bad text → exit 2 before anything is opened or written
    if args.period is not None:
        parse_period(args.period)  # every kind: a wrong period is never silently ignored
    period = parse_period(_period(args)) if args.kind in ("targets", "board", "lifecycle") else None
    month = parse_period(args.period) if args.kind == "progress" and args.period else None
    if month is not None and month.kind != "M":
        raise LedgerError("每月项目进展表的 --period 应为月份，如 2026M08；导出全年请用 --year")
    refuse_output(args.output, db_of(args))
    with open_ledger(args) as ledger:
        if args.kind == "ledger":
            # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
            from ..xlsx.ledger_export import export_ledger

            result = export_ledger(ledger, args.output)
        elif args.kind == "funding":
            # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
            from ..xlsx.funding_export import export_funding

            year = year or (parse_period(args.period).year if args.period else None)
            result = export_funding(ledger, args.output, year)
        elif args.kind == "progress":
            # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
            from ..xlsx.progress_export import export_progress

            result = export_progress(ledger, args.output, year or (month.year if month else None),
                                     [month.number] if month else None)
        elif args.kind == "lifecycle":
            # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
            from ..xlsx.lifecycle_export import export_lifecycle

            assert period is not None  # parsed above for this kind
            result = export_lifecycle(ledger, args.output, period)
        elif args.kind == "targets":
            # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
            from ..xlsx.board_export import export_targets

            assert period is not None  # parsed above for this kind
            result = export_targets(ledger, args.output, period)
        else:
            # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
            from ..xlsx.board_export import export_board

            assert period is not None  # parsed above for this kind
            result = export_board(ledger, args.output, period)
    sys.stdout.write(f"已导出 {result.rows} 行到 {result.path}\n")
    return 0


def run_template(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (openpyxl ~75 ms, the models)
    from ..xlsx.template import make_template

    return write_template(args, lambda ledger: make_template(args.kind, ledger, args.output))


def run_mapping(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from .mapping_cmd import run_mapping_action

    return run_mapping_action(args)
