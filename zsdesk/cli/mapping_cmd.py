"""``zsdesk import projects FILE --mapping M.json|auto`` and ``zsdesk mapping list|export|import|delete``:
a bureau's own workbook read through column mappings (issue 22). Registered by ``xlsx_cmds``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LedgerError
from ..outputs import refuse_output
from . import db_of, open_ledger

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..xlsx.mapping import SheetMapping
    from ..xlsx.mapping_sheet import SheetSample

AUTO = "auto"


def _choose(args: argparse.Namespace, ledger: Ledger) -> tuple[list[tuple[SheetSample, SheetMapping]], list[str]]:
    """Each sheet with its mapping (from the file, saved, or suggested) and notes on what was chosen."""
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..xlsx.mapping_sheet import fill_value_maps, read_samples, suggest_for, vocabulary
    from ..xlsx.mapping_store import find_saved, fitted, read_mapping_file, saved_mappings

    spec = args.mapping or AUTO
    given = None if spec == AUTO else read_mapping_file(spec)
    samples = read_samples(args.file, full=True)
    with ledger.reading() as session:
        vocab = vocabulary(session)
    saved = saved_mappings(ledger)
    pairs: list[tuple[SheetSample, SheetMapping]] = []
    notes: list[str] = []
    for sample in samples:
        if given is not None:
            found = find_saved(given, sample.headers)
            if found is None and len(given) == 1:
                used = {c.header for c in given[0].columns if c.field}
                found = given[0] if used <= set(sample.headers) else None
            if found is None:
                notes.append(f"工作表“{sample.sheet}”的表头与对照文件中的对照都不一致，未导入。")
                continue
            pairs.append((sample, fitted(found, sample.headers)))
            continue
        found = find_saved(saved, sample.headers)
        if found is not None:
            mapping = fitted(found, sample.headers)
            notes.append(f"工作表“{sample.sheet}”：使用已保存的对照“{found.name}”。")
        else:
            mapping = suggest_for(sample, vocab)
            notes.append(f"工作表“{sample.sheet}”：没有已保存的对照，使用建议的对照（可先加 --export-mapping 导出查看）。")
        fill_value_maps(sample, mapping, vocab)
        pairs.append((sample, mapping))
    if not pairs:
        raise LedgerError("工作簿中没有可按对照导入的工作表。")
    return pairs, notes


def run_mapped_import(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..xlsx.mapping_apply import import_mapped
    from ..xlsx.mapping_store import merged_by_headers, save_mapping, write_mapping_file

    if args.kind != "projects":
        raise LedgerError("--mapping、--save-mapping 和 --export-mapping 只用于导入项目（zsdesk import projects …）。")
    if args.export_mapping:
        refuse_output(args.export_mapping, db_of(args))
    write = not args.dry_run or bool(args.save_mapping)
    with open_ledger(args, write=write) as ledger:
        pairs, notes = _choose(args, ledger)
        mappings = [m for _, m in pairs]
        report = import_mapped(ledger, args.file, pairs, dry_run=args.dry_run,
                               add_missing=args.add_missing)
        if args.save_mapping and report.ok:
            for i, m in enumerate(merged_by_headers(mappings)):  # sheets with the same headers share one
                m.name = args.save_mapping if i == 0 else f"{args.save_mapping}（{i + 1}）"
                save_mapping(ledger, m)
                notes.append(f"已保存导入对照“{m.name}”。")
    if args.export_mapping:
        write_mapping_file(merged_by_headers(mappings), args.export_mapping)
        notes.append(f"已写出导入对照文件 {args.export_mapping}")
    for note in notes:
        sys.stdout.write(f"注意：{note}\n")
    for sheet in report.sheets:
        for note in sheet.notes:
            sys.stdout.write(f"注意：{sheet.sheet}：{note}\n")
    problems = report.all_problems()
    if problems:
        # local: loaded only when this command runs, so `zsdesk --help` stays fast
        from ..xlsx.rows_base import ImportReport

        table = ImportReport("projects", args.file, problems=problems)
        sys.stdout.write(table.problem_table() + "\n")
        for sheet in report.sheets:
            for line in sheet.missing_lines():
                sys.stdout.write(f"{sheet.sheet}：{line}\n")
        sys.stderr.write(f"zsdesk: {report.summary()}\n")
        return 2
    for sheet in report.sheets:
        for hint in sheet.duplicates:
            sys.stdout.write(f"可能重复：{sheet.sheet} {hint}\n")
        for line in sheet.change_lines():
            sys.stdout.write(f"{sheet.sheet} {line}\n")
    for line in report.sheet_lines():
        sys.stdout.write(line + "\n")
    sys.stdout.write(report.summary() + "\n")
    return 0


def run_mapping_action(args: argparse.Namespace) -> int:
    # local: loaded only when this command runs, so `zsdesk --help` stays fast
    from ..xlsx.mapping import FIELD_LABELS
    from ..xlsx.mapping_store import delete_mapping, read_mapping_file, save_mapping, saved_mappings, write_mapping_file

    if args.action == "list":
        with open_ledger(args) as ledger:
            found = saved_mappings(ledger)
        if not found:
            sys.stdout.write("台账中没有保存的导入对照。\n")
        for m in found:
            used = "、".join(f"{c.header}→{FIELD_LABELS.get(c.field, '备注')}" for c in m.columns if c.field)
            sys.stdout.write(f"{m.name}：{used}\n")
        return 0
    if args.action == "export":
        if not args.output:
            raise LedgerError("请用 -o 指定写出的 JSON 文件。")
        refuse_output(args.output, db_of(args))
        with open_ledger(args) as ledger:
            found = [m for m in saved_mappings(ledger) if args.name in (None, m.name)]
        if not found:
            raise LedgerError(f"台账中没有名为“{args.name}”的导入对照。" if args.name else "台账中没有保存的导入对照。")
        write_mapping_file(found, args.output)
        sys.stdout.write(f"已导出 {len(found)} 个导入对照到 {args.output}\n")
        return 0
    if not args.name:
        raise LedgerError("请写出对照名称（delete）或 JSON 文件（import）。")
    with open_ledger(args, write=True) as ledger:
        if args.action == "delete":
            if args.name not in {m.name for m in saved_mappings(ledger)}:
                raise LedgerError(f"台账中没有名为“{args.name}”的导入对照。")
            delete_mapping(ledger, args.name)
            sys.stdout.write(f"已删除导入对照“{args.name}”\n")
            return 0
        read = read_mapping_file(args.name)
        for i, m in enumerate(read, start=1):
            if not m.name:
                m.name = f"{Path(args.name).stem}{'' if len(read) == 1 else i}"
            save_mapping(ledger, m)
        sys.stdout.write(f"已导入 {len(read)} 个导入对照：{'、'.join(m.name for m in read)}\n")
    return 0
