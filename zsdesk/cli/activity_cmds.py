"""``zsdesk activity``, ``zsdesk leads …`` and ``zsdesk trips …`` (SPEC §10).

- ``zsdesk activity --period P [--json] [-o F.xlsx]`` — the 招商活动 figures: a table, SPEC §10's JSON, or xlsx.
- ``zsdesk leads|trips import FILE [--dry-run] [--add-missing]`` — checked like ``zsdesk import``.
- ``zsdesk leads|trips export -o F [--period P] [--with-contacts]`` — phone numbers masked unless
  ``--with-contacts`` (含联系方式); the choice is written to the operation log.
- ``zsdesk leads|trips template -o F`` — the import template.
"""

from __future__ import annotations

import argparse
import sys

from ..outputs import refuse_output
from . import add_db_option, db_of, open_ledger
from .reporting import add_period_report, emit_figures, print_import_report, write_template


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_period_report(sub, "activity", "招商活动统计：外出招商、拜访企业、线索与转化（--json 输出约定格式）",
                          "期间：2026Q3（1—9月累计）、2026M08、2026M07-09 或 2026", run_activity, "输出 JSON")
    p.add_argument("-o", "--output", help="导出为 xlsx 文件")
    for kind, label in (("leads", "招商线索"), ("trips", "外出招商")):
        group = sub.add_parser(kind, help=f"{label}：导入、导出、模板")
        actions = group.add_subparsers(dest="action", metavar="操作", required=True,
                                       parser_class=type(group))
        p = actions.add_parser("import", help=f"从 xlsx 导入{label}")
        add_db_option(p)
        p.add_argument("file", help="xlsx 文件")
        p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        p.add_argument("--add-missing", action="store_true",
                       help="文件中提到而台账中没有的单位、人员、产业链和线索来源，随本次导入一并创建")
        p.set_defaults(run=run_import, kind=kind)
        p = actions.add_parser("export", help=f"导出{label}（xlsx）")
        add_db_option(p)
        p.add_argument("-o", "--output", required=True, help="输出的 xlsx 文件")
        p.add_argument("--period", help="只导出这一期间（线索按收到日期、外出招商按出发日期）")
        if kind == "leads":
            p.add_argument("--with-contacts", action="store_true", help="含联系方式（不遮蔽电话号码；记入操作日志）")
        p.set_defaults(run=run_export, kind=kind)
        p = actions.add_parser("template", help=f"生成{label}导入模板（xlsx）")
        add_db_option(p)
        p.add_argument("-o", "--output", required=True, help="输出的 xlsx 文件")
        p.set_defaults(run=run_template, kind=kind)


def run_activity(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..activity import activity_to_json, compute_activity
    from ..periods import parse_period

    period = parse_period(args.period)  # bad text → exit 2 before the ledger is opened
    if args.output:
        refuse_output(args.output, db_of(args))
    with open_ledger(args) as ledger:
        with ledger.reading() as session:
            activity = compute_activity(session, period)
        if args.output:
            # local: loaded only when this command runs, so `zsdesk --help` stays fast
            from ..xlsx.activity_export import export_activity

            result = export_activity(ledger, args.output, activity)
    if args.output and not args.json:
        sys.stdout.write(f"已导出 {result.rows} 个单位到 {result.path}\n")
    else:
        emit_figures(args.json, lambda: activity_to_json(activity), lambda: render_text(activity))
    return 0


def render_text(activity: object) -> str:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..activity import FIGURE_LABELS, FIGURES, Activity
    from .board_cmd import table

    assert isinstance(activity, Activity)
    p = activity.period

    def cells(f: object) -> list[str]:
        # local: loaded only when this command runs, so `zsdesk --help` stays fast
        from ..activity import ActivityFigures

        assert isinstance(f, ActivityFigures)
        rate = f.conversion_rate
        return [str(getattr(f, n)) for n in FIGURES[:-1]] + ["—" if rate is None else f"{rate}%"]

    rows = [[u.short_name, *cells(u.figures)] for u in activity.units]
    rows.append(["全区", *cells(activity.district)])
    heads = ["单位", *(FIGURE_LABELS[n].split("（")[0] for n in FIGURES)]
    return (f"招商活动　{p.label}（{p.start:%Y-%m-%d} 至 {p.end:%Y-%m-%d}）\n"
            f"每次外出招商至少拜访 {activity.min_companies} 家企业、带回 {activity.min_intentions} 个有效意向\n\n"
            + table(heads, rows, right_from=1))


def run_import(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..xlsx.activity_import import import_activity_file

    with open_ledger(args, write=not args.dry_run) as ledger:
        report = import_activity_file(ledger, args.kind, args.file, dry_run=args.dry_run,
                                      add_missing=args.add_missing)
    return print_import_report(report, "可先添加，或在导入命令后加 --add-missing 随本次导入一并创建。")


def run_export(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..periods import parse_period
    from ..xlsx.activity_io import export_leads, export_trips

    period = parse_period(args.period) if args.period else None
    refuse_output(args.output, db_of(args))
    with_contacts = bool(getattr(args, "with_contacts", False))
    with open_ledger(args, write=with_contacts) as ledger:
        if args.kind == "leads":
            result = export_leads(ledger, args.output, period, with_contacts=with_contacts)
        else:
            result = export_trips(ledger, args.output, period)
    sys.stdout.write(f"已导出 {result.rows} 行到 {result.path}"
                     f"{'（含联系方式，已记入操作日志）' if with_contacts else ''}\n")
    return 0


def run_template(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..xlsx.activity_io import make_activity_template

    return write_template(args, lambda ledger: make_activity_template(args.kind, ledger, args.output))
