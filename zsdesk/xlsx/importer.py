"""Import units, persons, targets, projects and funding entries from xlsx.

Every row is checked first with the same field kinds and cross-field rules the window uses
(``zsdesk.ops`` entity specs), every problem is reported at once with its sheet, row, column and
a Chinese reason, and possible duplicates are listed. A dry run writes nothing; a real run is
one operation — every row or none — with audit rows, undoable like any other change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import LedgerError, ValidationError
from ..labels import field_label
from ..ops.crud import EntitySpec, create_in, update_in, validate
from ..ops.history import Change, Operation, operation
from .columns import kind_columns
from .diff import Differ, FieldChange
from .lookups import Lookups, norm
from .reader import ImportProblem, SheetTable, read_table
from .workbook import ExportCancelled

if TYPE_CHECKING:
    from ..ledger import Ledger

Progress = Callable[[int, int], None]
MAX_REASON = 200  # characters of one problem's reason
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class DuplicateHint:
    """A row that may be a project (or entry) the ledger or the file already has; the clerk decides."""

    row: int
    text: str  # the row's record, e.g. “某某项目（某某公司）”
    matches: tuple[str, ...]  # “2026-0003 某某项目” or “第 12 行”
    where: str  # "ledger" or "file"

    def __str__(self) -> str:
        place = "台账中已有相近的" if self.where == "ledger" else "文件中另有相近的"
        return f"第 {self.row} 行 {self.text}：{place}{'、'.join(self.matches)}"


@dataclass
class ImportReport:
    kind: str
    path: str
    sheet: str = ""
    header_row: int = 0
    rows_read: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    duplicates: list[DuplicateHint] = field(default_factory=list)
    would_create: int = 0
    would_update: int = 0
    missing_units: list[str] = field(default_factory=list)
    missing_persons: list[str] = field(default_factory=list)
    missing_chains: list[str] = field(default_factory=list)
    missing_tags: list[str] = field(default_factory=list)
    missing_parks: list[str] = field(default_factory=list)  # missing units named as 落地园区 (created as parks)
    nearest: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, missing name) → closest existing
    created: list[str] = field(default_factory=list)  # what ``add_missing`` created, e.g. “产业链“交通物流””
    notes: list[str] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)  # every field an update changes, before → after
    dry_run: bool = True
    written: bool = False
    change: Change | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def missing_any(self) -> bool:
        return bool(self.missing_units or self.missing_persons or self.missing_chains or self.missing_tags)

    def missing_lines(self) -> list[str]:
        """Each missing unit, person, chain and tag once, with the nearest existing name (``文旅康养？``)."""
        lines = []
        for kind, label, names in (("unit", "单位", self.missing_units), ("person", "人员", self.missing_persons),
                                   ("chain", "产业链", self.missing_chains),
                                   ("investor_tag", "投资方标签", self.missing_tags)):
            if names:
                shown = [f"{n}（相近：{self.nearest[(kind, n)]}？）" if (kind, n) in self.nearest else n for n in names]
                lines.append(f"台账中没有这些{label}：{'、'.join(shown)}")
        return lines

    def summary(self) -> str:
        label = kind_columns(self.kind)[0]
        head = f"{Path(self.path).name}（工作表“{self.sheet}”）：读取 {self.rows_read} 行{label}"
        if not self.rows_read and not self.problems:
            return f"{Path(self.path).name}（工作表“{self.sheet}”）：没有可导入的行，未写入任何数据。"
        if self.problems:
            return f"{head}，发现 {len(self.problems)} 个问题，未写入任何数据。"
        verb = "已" if self.written else "将"
        tail = "（试运行，未写入）" if self.dry_run else ""
        dup = f"，{len(self.duplicates)} 行可能重复" if self.duplicates else ""
        made = f"，并{verb}创建{'、'.join(self.created)}" if self.created else ""
        return f"{head}，{verb}新增 {self.would_create} 条、更新 {self.would_update} 条{made}{dup}{tail}。"

    def change_lines(self) -> list[str]:
        """Every field the import changes in records the ledger already has, before → after."""
        verb = "已修改" if self.written else "将修改"
        return [f"{verb}：{c}" for c in self.changes]

    def problem_table(self) -> str:
        """The problems as an aligned text table (the CLI prints it)."""
        rows = [("工作表", "行", "列", "问题")] + [(p.sheet, str(p.row or ""), p.column, p.reason) for p in self.problems]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        return "\n".join("  ".join(_pad(r[i], widths[i]) for i in range(3)) + "  " + r[3] for r in rows)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@dataclass
class RowPlan:
    row: int
    raw: dict[str, Any]
    existing_id: int | None = None  # update this record; None: create


class Context:
    """What a row reader needs: the session, the preloaded lookups, and where to put problems."""

    def __init__(self, session: Session, table: SheetTable, report: ImportReport,
                 aliases: dict[tuple[str, str], str] | None = None) -> None:
        self.session = session
        self.table = table
        self.report = report
        self.lookups = Lookups(session)
        if aliases:
            self.lookups.aliases = {(k, norm(v)): norm(to) for (k, v), to in aliases.items()}
        self._missing_units: dict[str, None] = {}
        self._missing_persons: dict[str, None] = {}

    def header(self, field_name: str) -> str:
        if field_name in ("origin_province", "origin_city"):
            field_name = "origin_place"
        return self.table.headers.get(field_name) or field_label(field_name)

    def problem(self, row: int, field_name: str, reason: str) -> None:
        if len(reason) > MAX_REASON:  # a reason quotes the cell: a 30,000-character cell must not flood the report
            reason = f"{reason[:MAX_REASON - 40]}……{reason[-20:]}（共 {len(reason):,} 字）"
        self.report.problems.append(ImportProblem(self.table.sheet, row, self.header(field_name), reason))

    def missing_unit(self, name: str, field_name: str = "") -> None:
        self._missing_units[name] = None
        self.report.missing_units = list(self._missing_units)
        if field_name == "landing_park" and name not in self.report.missing_parks:
            self.report.missing_parks.append(name)
        self._nearest("unit", name)

    def missing_person(self, name: str) -> None:
        self._missing_persons[name] = None
        self.report.missing_persons = list(self._missing_persons)
        self._nearest("person", name)

    def missing_entry(self, kind: str, name: str) -> str | None:
        """Note a chain (``chain``) or tag (``investor_tag``) the dictionary lacks; returns the nearest name."""
        target = self.report.missing_chains if kind == "chain" else self.report.missing_tags
        if name not in target:
            target.append(name)
        return self._nearest(kind, name)

    def _nearest(self, kind: str, name: str) -> str | None:
        key = (kind, name)
        if key not in self.report.nearest:
            found = self.lookups.nearest(kind, name)
            if found is None:
                return None
            self.report.nearest[key] = found
        return self.report.nearest[key]

    def unit_of(self, field_name: str) -> str | None:
        for m in self.table.columns:
            if m.column.field == field_name:
                return m.unit
        return None


class RowReader:
    """One import kind: turns rows into plans (``plan``) and writes a checked plan (``apply``)."""

    kind: str
    spec: EntitySpec
    # The spec the checking pass validates with; a reader may drop per-row queries it does in bulk.
    check_spec: EntitySpec | None = None
    after_write: Any = None
    prepare: Any = None

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        raise NotImplementedError

    def finish(self, ctx: Context, plans: list[RowPlan]) -> None:
        """Checks that need every row (e.g. duplicates of existing entries)."""

    def apply(self, op: Operation, plan: RowPlan) -> None:
        if plan.existing_id is None:
            create_in(op, self.spec, plan.raw, self.after_write, self.prepare)
        else:
            obj = op.session.get(self.spec.model, plan.existing_id)
            update_in(op, self.spec, obj, plan.raw, self.after_write)  # type: ignore[arg-type]  # the planned row was read in this transaction, so get() finds it


def _readers() -> dict[str, RowReader]:
    from .rows_projects import FundingReader, ProjectReader
    from .rows_simple import PersonReader, TargetReader, UnitReader

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
    existing = _load_existing(ctx.session, reader.spec, [p.existing_id for p in plans if p.existing_id is not None])
    spec = reader.check_spec or reader.spec
    differ = Differ(ctx.session, reader.spec, existing)
    for plan in plans:
        _note_cleaned(ctx, spec, plan)
        obj = existing.get(plan.existing_id) if plan.existing_id else None
        try:
            values = validate(ctx.session, spec, plan.raw, obj)
        except ValidationError as err:
            for p in err.problems:
                ctx.problem(plan.row, p.field, p.reason)
        else:
            if obj is not None:
                ctx.report.changes += differ.changes(plan.row, obj, values, ctx.header)
    ctx.report.would_create = sum(1 for p in plans if p.existing_id is None)
    ctx.report.would_update = len(plans) - ctx.report.would_create
    order = {m.header: m.index for m in ctx.table.columns}
    ctx.report.problems.sort(key=lambda p: (p.row, order.get(p.column, 999)))
    return plans


def _note_cleaned(ctx: Context, spec: EntitySpec, plan: RowPlan) -> None:
    """Say where a one-line field loses line breaks, control or text-direction characters."""
    from ..ops.fields import Text, clean_line

    for name, value in plan.raw.items():
        kind = spec.fields.get(name)
        if isinstance(kind, Text) and kind.strip and isinstance(value, str) and clean_line(value) != value:
            ctx.report.notes.append(f"第 {plan.row} 行“{ctx.header(name)}”：已去掉换行、控制字符或文字方向控制符。")


def _load_existing(session: Session, spec: EntitySpec, ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    model: Any = spec.model
    for start in range(0, len(ids), 900):
        for obj in session.scalars(select(model).where(model.id.in_(ids[start:start + 900]))):
            found[obj.id] = obj
    return found


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
    from ..ops.dictionaries import DICTIONARY
    from ..ops.units import PERSON, UNIT

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
    label, _ = kind_columns(kind)
    reader = _readers()[kind]
    table = read_table(path, kind, progress=_scaled(progress, 0, 40), cancel=cancel)
    report = ImportReport(kind, str(path), table.sheet, table.header_row, len(table.rows), list(table.problems),
                          notes=list(table.notes), ignored_headers=table.ignored_headers, dry_run=dry_run)
    if not table.rows:
        return report
    if aliases:
        report.notes.append("按相近的已有名称导入：" + "、".join(f"“{v}”→“{to}”" for (_k, v), to in aliases.items()))
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
            step = _scaled(progress, 70, 100)
            for i, plan in enumerate(plans):
                if i % 200 == 0:
                    if cancel is not None and cancel():
                        raise ExportCancelled("已取消导入，没有写入任何数据。")
                    if step is not None:
                        step(i, len(plans))
                reader.apply(op, plan)
            op.change.label = (f"导入{label}：{Path(path).name}（新增 {report.would_create} 条，"
                               f"更新 {report.would_update} 条）")
    except _Rejected:
        report.created = []  # rolled back with the rest
        return report
    except ValidationError as err:  # a rule that only the write itself could see; nothing was written
        report.problems.append(ImportProblem(table.sheet, 0, "", str(err)))
        return report
    report.written = True
    report.change = op.change
    return report


def _scaled(progress: Progress | None, low: int, high: int) -> Progress | None:
    """Map a phase's (done, total) onto low..high of one 0..100 bar."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(low + (high - low) * done // max(total, 1), 100)
    return report


__all__ = ["DuplicateHint", "FieldChange", "ImportProblem", "ImportReport", "LedgerError", "import_file"]
