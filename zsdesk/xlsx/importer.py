"""Import units, persons, targets, projects and funding entries from xlsx.

Every row is checked first with the same field kinds and cross-field rules the window uses
(``zsdesk.ops`` entity specs), every problem is reported at once with its sheet, row, column and
a Chinese reason, and possible duplicates are listed. A dry run writes nothing; a real run is
one operation — every row or none — with audit rows, undoable like any other change.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from ..errors import LedgerError, ValidationError
from ..ops.crud import create_in
from ..ops.dictionaries import DICTIONARY
from ..ops.history import Operation, operation
from ..ops.projects import expect_new_projects, seed_same_names
from ..ops.units import PERSON, UNIT
from .check_worker import WORKER, CannotSignIn, Job, Server
from .columns import kind_columns
from .diff import FieldChange
from .lookups import projects_of
from .reader import ImportProblem, SheetTable, read_table
from .row_checks import count_plans, sort_problems, validate_plans
from .rows_base import MAX_REASON as MAX_REASON  # the row-reader base moved below the readers
from .rows_base import Cancel, Context, ImportReport, Progress, RowPlan, RowReader, collector_paused
from .rows_base import DuplicateHint as DuplicateHint
from .rows_projects import FundingReader, ProjectReader
from .rows_simple import PersonReader, TargetReader, UnitReader
from .workbook import ExportCancelled

if TYPE_CHECKING:
    from ..ledger import Ledger

log = logging.getLogger("zsdesk.import")


def _readers() -> dict[str, RowReader]:
    return {"projects": ProjectReader(), "funding": FundingReader(), "targets": TargetReader(),
            "units": UnitReader(), "persons": PersonReader()}


def _check(ctx: Context, reader: RowReader, progress: Progress | None, cancel: Cancel | None) -> list[RowPlan]:
    plans = []
    rows = ctx.table.rows
    for i, (number, row) in enumerate(rows):
        if i % 500 == 0:
            if cancel is not None and cancel():
                raise ExportCancelled("已取消导入，没有写入任何数据。")
            if progress is not None:
                progress(i, len(rows))
        plan = reader.plan(ctx, number, row)
        if plan is not None:
            plans.append(plan)
    reader.finish(ctx, plans)
    validate_plans(ctx, reader, plans, ctx.report.notes)
    count_plans(ctx.report, plans)
    sort_problems(ctx.report, ctx.table)
    return plans


class _Rejected(Exception):
    """Raised inside the operation to roll it back when a check fails."""


_TOWN = re.compile(r"(镇|乡|街道|街道办事处)$")
_PARK = re.compile(r"(园区|开发区|产业园|工业园|园)$")
_DEPARTMENT = re.compile(r"(局|委|办|委员会|办公室|中心|部|院|所|会)$")


def guess_unit_kind(name: str, park: bool = False) -> str:
    """The kind a unit created from an import gets: a 落地园区 or a name like “…园区” is a park, “…镇/乡/街道”
    a town, “…局/委/办” a department, else other (the clerk can change it on the 单位与人员 page)."""
    if park or _PARK.search(name):
        return "park"
    if _TOWN.search(name):
        return "town"
    return "department" if _DEPARTMENT.search(name) else "other"


def _create_missing(op: Operation, report: ImportReport) -> None:
    """Create every missing unit, chain, tag and person inside the import's own operation (audited, undone
    with it)."""
    for name in report.missing_units:
        create_in(op, UNIT, {"name": name, "short_name": name, "kind": guess_unit_kind(name, name in report.missing_parks)})
        report.created.append(f"单位“{name}”")
    for kind, label, names in (("chain", "产业链", report.missing_chains),
                               ("investor_tag", "投资方标签", report.missing_tags)):
        for name in names:
            create_in(op, DICTIONARY, {"kind": kind, "name": name})
            report.created.append(f"{label}“{name}”")
    for name in report.missing_persons:
        create_in(op, PERSON, {"name": name})
        report.created.append(f"人员“{name}”")


def import_file(ledger: Ledger, kind: str, path: str | Path, dry_run: bool = True,
                progress: Progress | None = None, cancel: Cancel | None = None,
                add_missing: bool = False, aliases: dict[tuple[str, str], str] | None = None) -> ImportReport:
    """Check (and unless ``dry_run``, write) one import file; returns the report.

    A bad file (wrong format, password, zip bomb, no header, too many rows) raises a ``LedgerError``.
    Row problems do not raise: they are in ``report.problems`` and nothing is written. A file with
    headers and no data rows reports “没有可导入的行” and writes nothing. With ``add_missing`` (and not
    ``dry_run``) the missing units, persons, chains and tags are created first, in the import's own
    operation, and the rows are checked again; a problem left rolls everything back. ``aliases`` maps a
    (kind, name in the file) to an existing name to use instead (kind ``unit`` / ``person`` / ``chain`` /
    ``investor_tag``; e.g. ``report.nearest``), so a file need not be edited to match the ledger.
    """
    with collector_paused():
        return _import_file(ledger, kind, path, dry_run, progress, cancel, add_missing, aliases)


def _import_file(ledger: Ledger, kind: str, path: str | Path, dry_run: bool, progress: Progress | None,
                 cancel: Cancel | None, add_missing: bool, aliases: dict[tuple[str, str], str] | None) -> ImportReport:
    label, _ = kind_columns(kind)
    if (kind == "projects" and not dry_run and not add_missing and ledger.read_only_reason is None
            and (ledger.path is not None or ledger.engine.dialect.name == "postgresql") and WORKER.started):
        try:
            return _import_beside(ledger, label, path, progress, cancel, aliases)
        except CannotSignIn as err:  # rolled back; checked here instead, as the command line does
            log.warning("the import helper could not connect (%s): checking in this process", err)
    reader = _readers()[kind]
    table = read_table(path, kind, progress=_scaled(progress, 0, 40), cancel=cancel)
    report = _new_report(kind, path, table, len(table.rows), dry_run, aliases)
    if not table.rows:
        return report
    if dry_run:
        with ledger.reading() as session:
            _check(Context(session, table, report, aliases), reader, _scaled(progress, 40, 100), cancel)
        return report
    try:
        with operation(ledger, f"导入{label}：{Path(path).name}") as op:
            plans = _check(Context(op.session, table, report, aliases), reader, _scaled(progress, 40, 70), cancel)
            if report.problems and add_missing and report.missing_any:
                _create_missing(op, report)
                report.missing_units, report.missing_persons = [], []
                report.missing_chains, report.missing_tags, report.missing_parks = [], [], []
                report.problems = list(table.problems)
                report.duplicates = []
                reader = _readers()[kind]
                plans = _check(Context(op.session, table, report, aliases), reader, _scaled(progress, 40, 70),
                               cancel)
            if report.problems:
                raise _Rejected
            if kind == "projects":
                expect_new_projects(op, sum(1 for p in plans if p.existing_id is None))
            apply_plans(op, reader, plans, _scaled(progress, 70, 100), cancel)
            op.change.label = _written_label(label, path, report)
    except _Rejected:
        report.created = []  # rolled back with the rest
        return report
    except ValidationError as err:  # a rule that only the write itself could see; nothing was written
        report.problems.append(ImportProblem(table.sheet, 0, "", str(err)))
        return report
    report.written = True
    report.change = op.change
    return report


class _Writer:
    """Checked rows into the import's one operation, in file order: new records in batches of up to ``BATCH``
    through ``reader.create_many`` when the reader has one (one executemany per table; the same rows and audit
    records), the rest one by one."""

    def __init__(self, op: Operation, reader: RowReader) -> None:
        self.op, self.reader = op, reader
        self.batch: list[RowPlan] = []

    def add(self, plan: RowPlan) -> None:
        if self.reader.create_many is not None and plan.existing_id is None and plan.values is not None:
            self.batch.append(plan)
            if len(self.batch) >= BATCH:
                self.flush()
            return
        self.flush()
        self.reader.apply(self.op, plan)

    def flush(self) -> None:
        if self.batch:
            self.reader.create_many(self.op, [p.values for p in self.batch])
            self.batch.clear()


def _new_report(kind: str, path: str | Path, table: SheetTable, rows: int, dry_run: bool,
                aliases: dict[tuple[str, str], str] | None) -> ImportReport:
    """The report of a file read into ``table`` (``rows`` data rows): what the reading found, and the aliases
    the clerk chose, if any (only when there are rows to check)."""
    report = ImportReport(kind, str(path), table.sheet, table.header_row, rows, list(table.problems),
                          notes=list(table.notes), ignored_headers=table.ignored_headers, dry_run=dry_run)
    if rows and aliases:
        report.notes.append("按相近的已有名称导入：" + "、".join(f"“{v}”→“{to}”" for (_k, v), to in aliases.items()))
    return report


def _written_label(label: str, path: str | Path, report: ImportReport) -> str:
    """The operation's name in the undo menu and the log, once the counts are known."""
    return f"导入{label}：{Path(path).name}（新增 {report.would_create} 条，更新 {report.would_update} 条）"


def _import_beside(ledger: Ledger, label: str, path: str | Path, progress: Progress | None, cancel: Cancel | None,
                   aliases: dict[tuple[str, str], str] | None) -> ImportReport:
    """A real import of project rows that the helper process reads and checks (``check_worker``) while this
    one writes the rows checked so far, in the same one operation: the same rows, audit records and report as
    the one-process path, or nothing written."""
    report: ImportReport | None = None
    table: Any = None
    try:
        with operation(ledger, f"导入{label}：{Path(path).name}") as op:
            # The writer lock first (a shared ledger's operation has taken it: lock_chain), so nobody commits
            # until this operation ends: the helper's own read-only connection, or on a shared ledger its
            # transaction in this one's exported snapshot, sees what this transaction sees.
            if ledger.path is not None:
                op.session.execute(text("UPDATE projects SET id = id WHERE 0"))
                job = Job(str(ledger.path), str(path), dict(aliases or {}))
            else:
                job = Job("", str(path), dict(aliases or {}), Server.of(op.session))
            with WORKER.job(job, cancel) as receive:
                _, table, rows = receive()
                report = _new_report("projects", path, table, rows, False, aliases)
                if not rows:
                    receive()
                    raise _Rejected
                expect_new_projects(op, rows)
                writer = _Writer(op, ProjectReader())
                while (frame := receive())[0] != "done":
                    if frame[0] == "spellings":  # the investors so far: their stored projects for the write's rule
                        _, spellings, stored = frame
                        seed_same_names(op, spellings, projects_of(op.session, spellings) if stored is None else stored)
                        continue
                    _, chunk, problems, done, total = frame
                    if cancel is not None and cancel():
                        raise ExportCancelled("已取消导入，没有写入任何数据。")
                    if progress is not None:
                        progress(95 * done // max(total, 1), 100)
                    if not problems and not report.problems:  # else it will all be rolled back: write no more
                        for plan in chunk:
                            writer.add(plan)
                        # each chunk at once (not batches of BATCH): the first rows go in sooner, and a shared
                        # ledger's server works on them behind (5,000 rows into a 100k ledger file, alternated 6×:
                        # 0.93 → 0.90 s)
                        writer.flush()
                # the whole sheet's reading (checked as read: the rows' count, what only every row could say)
                _, checked, table, rows = frame
                report = _new_report("projects", path, table, rows, False, aliases)
                if not rows:
                    raise _Rejected
            report.problems += checked.problems
            sort_problems(report, table)
            report.notes += checked.notes
            for name in ("duplicates", "changes", "would_create", "would_update", "missing_units", "missing_persons",
                         "missing_chains", "missing_tags", "missing_parks", "nearest"):
                setattr(report, name, getattr(checked, name))
            if report.problems:
                raise _Rejected
            writer.flush()
            op.change.label = _written_label(label, path, report)
    except _Rejected:
        assert report is not None
        report.created = []
        return report
    except ValidationError as err:  # a rule that only the write itself could see; nothing was written
        assert report is not None
        report.problems.append(ImportProblem(table.sheet, 0, "", str(err)))
        return report
    report.written = True
    report.change = op.change
    return report


def apply_plans(op: Operation, reader: RowReader, plans: list[RowPlan], step: Progress | None,
                cancel: Cancel | None) -> None:
    """Write checked rows in the import's one operation (``_Writer``); cancel and progress are looked at every
    200 rows."""
    reader.before_write(op)
    writer = _Writer(op, reader)
    for i, plan in enumerate(plans):
        if i % 200 == 0:
            if cancel is not None and cancel():
                raise ExportCancelled("已取消导入，没有写入任何数据。")
            if step is not None:
                step(i, len(plans))
        writer.add(plan)
    writer.flush()


BATCH = 1000  # new rows per executemany: big enough to amortise, small enough for a moving progress bar


def _scaled(progress: Progress | None, low: int, high: int) -> Progress | None:
    """Map a phase's (done, total) onto low..high of one 0..100 bar."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(low + (high - low) * done // max(total, 1), 100)
    return report


__all__ = ["DuplicateHint", "FieldChange", "ImportProblem", "ImportReport", "LedgerError", "import_file"]
