"""What every import kind shares: the report, a row's plan, the checking context, the reader base.

Below ``importer`` (which runs the passes) and the readers (``rows_projects``, ``rows_simple``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..gc_pause import collector_paused as collector_paused  # re-exported: moved beside the board's use
from ..labels import field_label
from ..ops.crud import EntitySpec, FieldKind, create_in, update_in
from ..ops.fields import Invalid, Text
from ..ops.history import Change, Operation
from .columns import kind_columns
from .diff import FieldChange
from .lookups import Lookups, norm
from .reader import ImportProblem, SheetTable

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
    values: dict[str, Any] | None = None  # a new record's checked values (kept by the check for a batch write)


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
        self._column_units: dict[str, str | None] | None = None

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
        units = self._column_units
        if units is None:  # once per file, not per cell
            units = self._column_units = {}
            for m in self.table.columns:
                units.setdefault(m.column.field, m.unit)
        return units.get(field_name)


_PLAIN = (str, int, float, bool, date, datetime, type(None))


def _memo_key(value: Any) -> Any:
    """A key telling apart every value a field kind may answer differently (``1``, ``1.0``, ``True`` and
    ``"1"`` are four), or ``None`` for a value not to remember."""
    if type(value) is str:  # a text equals no other type's value: itself (most cells)
        return value
    if type(value) in _PLAIN:
        return (type(value), value)
    if type(value) in (list, tuple):
        keys = tuple(_memo_key(v) for v in value)
        return None if None in keys else (type(value), keys)
    return None


class MemoKind:
    """A field kind whose answers are remembered for one check pass: a file names the same units, chains,
    dates and amounts over and over, and the stored units, persons and entries do not change while it is
    checked. The same value, or the same ``Invalid`` reason, as the kind itself gives."""

    def __init__(self, kind: FieldKind) -> None:
        self.kind = kind
        self.memo: dict[Any, tuple[bool, Any]] = {}

    def coerce(self, session: Session, value: Any) -> Any:
        key = _memo_key(value)
        if key is None:
            return self.kind.coerce(session, value)
        hit = self.memo.get(key)
        if hit is None:
            try:
                hit = (True, self.kind.coerce(session, value))
            except Invalid as err:
                hit = (False, err.reason)
            self.memo[key] = hit
        if not hit[0]:
            raise Invalid(hit[1])
        return list(hit[1]) if type(hit[1]) is list else hit[1]


def memoized(spec: EntitySpec) -> EntitySpec:
    """``spec`` with every field kind but text remembered (:class:`MemoKind`) for one check pass; text stays
    as it is (names and notes rarely repeat, and the importer looks at which fields are text)."""
    return dataclasses.replace(spec, fields={name: kind if isinstance(kind, Text) else MemoKind(kind)
                                             for name, kind in spec.fields.items()})


class RowReader:
    """One import kind: turns rows into plans (``plan``) and writes a checked plan (``apply``)."""

    kind: str
    spec: EntitySpec
    # The spec the checking pass validates with; a reader may drop per-row queries it does in bulk.
    check_spec: EntitySpec | None = None
    after_write: Any = None
    prepare: Any = None
    # Writes many checked new records at once (Operation, list of checked values) → ids; None: one by one.
    create_many: Any = None

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        raise NotImplementedError

    def finish(self, ctx: Context, plans: list[RowPlan]) -> None:
        """Checks that need every row (e.g. duplicates of existing entries)."""

    def before_write(self, op: Operation) -> None:
        """Called once before the checked plans are written, in the operation the check ran in."""

    def apply(self, op: Operation, plan: RowPlan) -> None:
        if plan.existing_id is None:
            create_in(op, self.spec, plan.raw, self.after_write, self.prepare)
        else:
            obj = op.session.get(self.spec.model, plan.existing_id)
            update_in(op, self.spec, obj, plan.raw, self.after_write)  # type: ignore[arg-type]  # the planned row was read in this transaction, so get() finds it
