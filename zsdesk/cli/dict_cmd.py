"""``zsdesk dict list [chain|tag]`` and ``zsdesk dict add chain|tag NAME [--flags new_economy,big,new]``.

The dictionaries of industry chains (产业链) and investor tags (投资方标签), from the command line; the
window edits the same entries on 台账 → 单位与人员. Adding is one audited, undoable operation.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable

from sqlalchemy import select

from ..errors import LedgerError
from . import add_db_option, open_ledger

KINDS = {"chain": "chain", "tag": "investor_tag", "source": "lead_source"}
KIND_LABELS = {"chain": "产业链", "investor_tag": "投资方标签", "lead_source": "线索来源"}
FLAGS = {"new_economy": "新经济产业链（招新引优）", "big": "招大引强（大企业）", "new": "招新引优（专精特新、高新）"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("dict", help="查看或添加产业链、投资方标签字典")
    add_db_option(p)
    actions = p.add_subparsers(dest="dict_action", metavar="操作")
    lst = actions.add_parser("list", help="列出字典")
    add_db_option(lst)
    lst.add_argument("kind", nargs="?", choices=tuple(KINDS), help="chain（产业链）、tag（投资方标签）或 source（线索来源）；默认全部")
    lst.set_defaults(run=run_list)
    add = actions.add_parser("add", help="添加一个产业链或投资方标签")
    add_db_option(add)
    add.add_argument("kind", choices=tuple(KINDS), help="chain（产业链）、tag（投资方标签）或 source（线索来源）")
    add.add_argument("name", help="名称")
    add.add_argument("--flags", default="", help="标记，可多个，用逗号分隔：new_economy（新经济产业链）、big（招大引强）、"
                                                "new（专精特新、高新）")
    add.set_defaults(run=run_add)
    p.set_defaults(run=_usage(p))


def _usage(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def run(_args: argparse.Namespace) -> int:
        raise LedgerError("请写明操作：zsdesk dict list 或 zsdesk dict add chain|tag 名称")
    return run


def parse_flags(text: str) -> str:
    flags = [f for f in re.split(r"[\s,，、;；|]+", text or "") if f]
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise LedgerError(f"不认识的标记“{'、'.join(unknown)}”，可用：{'、'.join(f'{k}（{v}）' for k, v in FLAGS.items())}")
    return ",".join(dict.fromkeys(flags))


def run_list(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (the models load SQLAlchemy's ORM, ~110 ms)
    from ..models import DictionaryEntry

    kinds = [KINDS[args.kind]] if args.kind else list(KINDS.values())
    with open_ledger(args, read_only=True) as ledger, ledger.reading() as session:
        rows = session.execute(select(DictionaryEntry.kind, DictionaryEntry.name, DictionaryEntry.flags,
                                      DictionaryEntry.active)
                               .where(DictionaryEntry.deleted_at.is_(None), DictionaryEntry.kind.in_(kinds))
                               .order_by(DictionaryEntry.kind, DictionaryEntry.sort_order, DictionaryEntry.id)).all()
    for kind in kinds:
        sys.stdout.write(f"{KIND_LABELS[kind]}：\n")
        for k, name, flags, active in rows:
            if k != kind:
                continue
            marks = [FLAGS.get(f, f) for f in re.split(r"[\s,，、;；]+", flags or "") if f]
            extra = f"（{'，'.join(marks)}）" if marks else ""
            sys.stdout.write(f"  {name}{extra}{'' if active else '（已停用）'}\n")
    return 0


def run_add(args: argparse.Namespace) -> int:
    # local: keeps `zsdesk --help` fast (ops loads the models, ~110 ms)
    from .. import ops

    kind = KINDS[args.kind]
    flags = parse_flags(args.flags)
    name = (args.name or "").strip()
    if not name:
        raise LedgerError(f"{KIND_LABELS[kind]}名称不能为空")
    with open_ledger(args, write=True) as ledger:  # writes: the same writer lock as the window
        ops.create_entry(ledger, {"kind": kind, "name": name, "flags": flags})
    shown = f"（{'，'.join(FLAGS[f] for f in flags.split(',') if f)}）" if flags else ""
    sys.stdout.write(f"已添加{KIND_LABELS[kind]}“{name}”{shown}\n")
    return 0
