"""Row readers for projects and funding entries: names to ids, matching, duplicates."""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..dates import parse_date
from ..errors import FieldProblem, LedgerError
from ..models import Funding
from ..money import format_wan, parse_money
from ..ops.fields import split_list
from ..ops.funding import FUNDING
from ..ops.history import Operation
from ..ops.projects import PROJECT, insert_projects_in, normalized_name, project_rules, seed_same_names
from ..ops.projects import _after_write as project_after_write  # the same bookkeeping create_project does
from ..ops.projects import _prepare as project_prepare
from .cells import exact_key, is_clear, row_cells
from .lookups import norm, ratio_at_least, shared_bound
from .rows_base import Context, DuplicateHint, RowPlan, RowReader, memoized

MONEY_FIELDS = ("planned_investment", "agreement_amount", "expected_output", "amount")
_UNIT_SUFFIX = {"亿元": "亿", "亿": "亿", "元": "元", "万元": "万元", "万": "万元"}
_PROVINCE = re.compile(r"^(.+?(?:省|自治区|特别行政区))(.*)$")
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def text_value(value: Any) -> Any:
    """Numbers and dates typed into a text column become the text a clerk sees."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, (int, float, date)):
        return str(value)
    return value


_WAN_PER = {"亿": Decimal(10000), "元": Decimal("0.0001"), "万元": Decimal(1)}
FLOAT_TOLERANCE = Decimal("0.000001")  # 万元: how far Excel's binary float may stray from a 4-decimal value


def money_value(value: Any, unit: str | None) -> Any:
    """A bare number in a column headed ``（亿元）`` or ``（元）`` is in that unit; text keeps its own.

    Excel stores numbers as binary floats, so a typed 1234.5 may arrive as 1234.5000000000002:
    a float within 1e-6 万元 of a 4-decimal 万元 value is read as that value.
    """
    if isinstance(value, float) and math.isfinite(value) and abs(value) < 1e15:
        wan = Decimal(repr(value)) * _WAN_PER[_UNIT_SUFFIX.get(unit or "万元", "万元")]
        snapped = wan.quantize(Decimal("0.0001"))
        if abs(wan - snapped) <= FLOAT_TOLERANCE:
            return format(snapped.normalize(), "f")  # now in 万元, the default unit
    if value is None or unit not in _UNIT_SUFFIX or _UNIT_SUFFIX[unit] == "万元":
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(Decimal(str(value)), "f") + _UNIT_SUFFIX[unit]
    text = norm(value)
    if re.fullmatch(r"[+-]?[\d,]*\.?\d+", text):
        return text + _UNIT_SUFFIX[unit]
    return value


def split_place(value: Any) -> tuple[str, str]:
    """``广东省深圳市`` → (广东省, 深圳市); ``重庆 两江新区`` → (重庆, 两江新区); ``深圳市`` → ("", 深圳市)."""
    text = norm(value or "")
    if not text:
        return "", ""
    parts = re.split(r"[\s/、,，\-]+", text, maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1]
    m = _PROVINCE.match(text)
    if m:
        return m.group(1), m.group(2)
    for city in MUNICIPALITIES:
        if text.startswith(city):
            return city, text[len(city):]
    return "", text


def _similar(name: str, other: str, threshold: float = 0.85) -> bool:
    """``SequenceMatcher(None, name, other).ratio() >= threshold``, its cheap upper bounds first
    (the same answer: each bound is ≥ the ratio): the lengths, the character sets, ``quick_ratio``."""
    total = len(name) + len(other)
    if not total:
        return threshold <= 1.0  # two empty names: ratio() is 1.0
    if 2.0 * min(len(name), len(other)) / total < threshold:  # real_quick_ratio, without building a matcher
        return False
    if 2.0 * shared_bound(name, other, set(name), set(other)) / total < threshold:
        return False
    matcher = difflib.SequenceMatcher(None, name, other)
    return matcher.quick_ratio() >= threshold and ratio_at_least(matcher, name, other, threshold)


def file_investors(rows: Iterable[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """The investors of a file's rows by their exact update key, and loosely normalised (``_ProjectIndex``)."""
    exact = {exact_key(text_value(row.get("investor"))) for row in rows}
    return exact, {norm(i) for i in exact}


class _ProjectIndex:
    """The live projects of the file's investors by their exact update key, by their loosely normalised
    key (for hints only) and by the key the same-name rule of ``ops.projects`` compares. Only the
    file's investors are looked at: every key here starts with the investor."""

    def __init__(self, ctx: Context) -> None:
        self.exact: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self.loose: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
        self.lowered: dict[tuple[str, str], str] = {}
        exact_investors, loose_investors = file_investors(row for _, row in ctx.table.rows)
        stored = ctx.lookups.stored
        if stored is not None:  # read ahead for every investor by the helper (stored_projects.py): the same answers
            self.spellings = sorted(stored.spellings_of(exact_investors, loose_investors))
            self.rows = stored.rows_of(self.spellings)
            self.exact, self.loose, self.lowered = stored.exact, stored.loose, stored.lowered
            return
        spellings = [inv for inv in ctx.lookups.stored_investors()
                     if exact_key(inv) in exact_investors or norm(inv) in loose_investors]
        rows = ctx.lookups.projects_of(spellings)
        self.spellings, self.rows = spellings, rows  # the write's same-name rule starts from them (seed_same_names)
        # Each stored name's keys once, each investor spelling's once (shared with the lookups' groups).
        investor_keys = {inv: (exact_key(inv), norm(inv or "")) for inv in {r[3] for r in rows}}
        loose_names = [normalized_name(r[2]) for r in rows]
        # the ledger duplicate hints ask for the same investors
        ctx.lookups.add_investor_rows(loose_investors, rows, loose_names)
        for (pid, code, name, investor), loose_name in zip(rows, loose_names, strict=True):
            investor_key, loose_investor = investor_keys[investor]
            if investor_key in exact_investors:
                name_key = exact_key(name)
                self.exact.setdefault((investor_key, name_key), []).append((pid, code))
                self.lowered.setdefault((investor_key, name_key.lower()), code)
            if loose_investor in loose_investors:
                self.loose.setdefault((loose_investor, loose_name), []).append((pid, code, name))


# Cells ``ProjectReader._raw`` does more with than ``text_value``; every other field is plain (remembered by name).
_SPECIAL_CELLS = frozenset({"code", "origin_place", "lead_unit_id", "landing_park_id", "cooperating_unit_ids",
                            "person_ids", "chain_id", "tag_ids", *MONEY_FIELDS, "origin", "industrial"})
_PLAIN_CELL: dict[str, bool] = {}


class ProjectReader(RowReader):
    kind = "projects"
    spec = PROJECT
    # Same fields and rules, without the per-row same-name query: plan() matches names against
    # every stored project at once (and more loosely). The write itself still runs the full check.
    check_spec = dataclasses.replace(PROJECT, check=lambda session, values, existing_id: project_rules(values))
    after_write = staticmethod(project_after_write)
    prepare = staticmethod(project_prepare)
    create_many = staticmethod(insert_projects_in)

    def before_write(self, op: Operation) -> None:
        """The stored projects every sheet's check read are the ones the batch insert's same-name rule
        compares with: hand them over instead of reading them again."""
        if self.indexes:
            rows = {r[0]: r for index in self.indexes for r in index.rows}
            seed_same_names(op, {s for index in self.indexes for s in index.spellings}, rows.values())

    def __init__(self) -> None:
        self.seen_keys: dict[tuple[str, str], int] = {}  # exact (investor, name) → first row
        self.seen_loose: dict[tuple[str, str], int] = {}  # normalised (investor, name) → first row
        self.seen_targets: dict[int, int] = {}
        self.by_investor: dict[str, list[tuple[str, int]]] = {}
        self.index: _ProjectIndex | None = None
        self.index_table: object = None  # the sheet the index was built for (a workbook reuses one reader)
        self.indexes: list[_ProjectIndex] = []  # every sheet's
        self.check_spec = memoized(ProjectReader.check_spec)  # a new reader for every check pass

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        if self.index is None or self.index_table is not ctx.table:  # each sheet's own investors
            self.index = _ProjectIndex(ctx)
            self.indexes.append(self.index)
            self.index_table = ctx.table
        name = exact_key(text_value(row.get("name")))
        investor = exact_key(text_value(row.get("investor")))
        by_code = "code" in ctx.table.headers
        existing = self._match(ctx, number, row, name, investor, by_code)
        if existing is False:
            return None
        cells = row_cells(ctx, number, row, existing is not None, keep=("code", "name", "origin", "industrial"))
        raw = self._raw(ctx, number, cells)
        if existing is not None:
            if existing in self.seen_targets:
                ctx.problem(number, "name", f"与第 {self.seen_targets[existing]} 行对应台账中的同一个项目")
            self.seen_targets[existing] = number
        if name:
            self._duplicates(ctx, number, name, investor, existing)
        return RowPlan(number, raw, existing)

    def _match(self, ctx: Context, number: int, row: dict[str, Any], name: str, investor: str,
               by_code: bool) -> int | None | bool:
        """The project this row updates: by its code when the sheet has a 项目编号 column, else by the
        exact name and investor (only white space is normalised). ``None``: a new project; ``False``:
        the row cannot be placed (a problem was reported)."""
        assert self.index is not None
        code = row.get("code")
        same = self.index.exact.get((investor, name), []) if name else []
        if by_code and code is not None and not is_clear(code):
            found = ctx.lookups.project_by_code(text_value(code))
            if found is not None and any(pid != found for pid, _ in same):
                other = "、".join(c for pid, c in same if pid != found)
                ctx.problem(number, "name", f"改名后会与台账中投资方相同的项目（{other}）同名")
                return False
            if found is not None:
                return found
            if same:
                ctx.problem(number, "code", f"台账中没有编号为“{code}”的项目，但有名称和投资方都相同的项目"
                                            f"（{'、'.join(c for _, c in same)}），请核对编号")
                return False
            # e.g. a ledger exported from another computer: a new project, numbered by this ledger
            ctx.report.notes.append(f"第 {number} 行：台账中没有编号为“{code}”的项目，将作为新项目导入，编号由软件重新分配。")
            return None
        if by_code and same:
            code_list = "、".join(c for _, c in same)
            ctx.problem(number, "code", f"没有填编号，但台账中已有名称和投资方都相同的项目（{code_list}）；"
                                        "要更新它请填写它的项目编号")
            return False
        if len(same) > 1:
            ctx.problem(number, "name", f"台账中有 {len(same)} 个名称和投资方都相同的项目"
                                        f"（{'、'.join(c for _, c in same)}），请加“项目编号”列按编号更新")
            return False
        if same:
            return same[0][0]
        clash = self.index.lowered.get((investor, name.lower())) if name else None
        if clash:  # the write would refuse it as a same-name project: say so now, at the row
            ctx.problem(number, "name", f"台账中已有投资方相同、名称仅大小写不同的项目（{clash}），"
                                        "要更新它请把名称写得完全一致或填写项目编号")
            return False
        return None

    def _raw(self, ctx: Context, number: int, row: dict[str, Any]) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for name, value in row.items():
            plain = _PLAIN_CELL.get(name)
            if plain is None:
                plain = _PLAIN_CELL.setdefault(name, not (name in _SPECIAL_CELLS or name.endswith("_date")))
            if plain:  # most cells: text as the clerk sees it
                raw[name] = value if value is None or type(value) is str else text_value(value)
            elif name == "code":
                continue
            elif name == "origin_place":
                raw["origin_province"], raw["origin_city"] = split_place(value)
            elif name in ("lead_unit_id", "landing_park_id"):
                raw[name] = self._unit(ctx, number, name, value)
            elif name == "cooperating_unit_ids":
                ids = [self._unit(ctx, number, name, item) for item in split_list(text_value(value))]
                raw[name] = [i for i in ids if i is not None]
            elif name == "person_ids":
                raw[name] = self._persons(ctx, number, value)
            elif name == "chain_id":
                raw[name] = self._entry(ctx, number, name, "chain", value)
            elif name == "tag_ids":
                ids = [self._entry(ctx, number, name, "investor_tag", item) for item in split_list(text_value(value))]
                raw[name] = [i for i in ids if i is not None]
            elif name in MONEY_FIELDS:
                raw[name] = money_value(value, ctx.unit_of(name))
            elif name in ("origin", "industrial"):
                if value is not None:  # blank: the default for a new project
                    raw[name] = value
            elif name.endswith("_date"):
                raw[name] = value
            else:
                raw[name] = text_value(value)
        return raw

    def _duplicates(self, ctx: Context, number: int, name: str, investor: str, existing: int | None) -> None:
        assert self.index is not None
        text = f"“{name}”（{investor or '投资方未填'}）"
        if (investor, name) in self.seen_keys:
            ctx.problem(number, "name", f"与第 {self.seen_keys[(investor, name)]} 行是同一投资方的同名项目")
            return
        self.seen_keys[(investor, name)] = number
        key = (norm(investor), normalized_name(name))
        if key in self.seen_loose:
            ctx.report.duplicates.append(DuplicateHint(number, text, (f"第 {self.seen_loose[key]} 行",), "file"))
        else:
            self.seen_loose[key] = number
            if investor:
                earlier = self.by_investor.setdefault(key[0], [])
                close = [f"第 {row} 行" for other, row in earlier[-500:] if _similar(key[1], other)]
                earlier.append((key[1], number))
                if close:
                    ctx.report.duplicates.append(DuplicateHint(number, text, tuple(close), "file"))
        if existing is None:
            near = [(pid, c, n) for pid, c, n in self.index.loose.get(key, [])]
            near += ctx.lookups.similar_projects(investor, name)
            if near:
                ctx.report.duplicates.append(DuplicateHint(number, text, tuple(f"{c} {n}" for _, c, n in near),
                                                           "ledger"))

    def _unit(self, ctx: Context, number: int, field_name: str, value: Any) -> int | None:
        if value is None:
            return None
        unit = ctx.lookups.unit(text_value(value))
        if unit is None:
            ctx.problem(number, field_name, f"没有这个单位：{value}")
            ctx.missing_unit(norm(text_value(value)), field_name)
            return None
        return unit.id

    def _persons(self, ctx: Context, number: int, value: Any) -> list[int]:
        ids = []
        for item in split_list(text_value(value)):
            person, reason = ctx.lookups.person(item)
            if person is None:
                ctx.problem(number, "person_ids", reason)
                if reason.startswith("没有"):
                    ctx.missing_person(norm(item))
            else:
                ids.append(person.id)
        return ids

    def _entry(self, ctx: Context, number: int, field_name: str, kind: str, value: Any) -> int | None:
        if value is None:
            return None
        entry = ctx.lookups.entry(kind, text_value(value))
        if entry is None:
            what = "产业链" if kind == "chain" else "投资方标签"
            near = ctx.missing_entry(kind, norm(text_value(value)))
            hint = f"相近：{near}？" if near else ""
            where = f"可在“台账 → 单位与人员 → {what}”中添加"
            ctx.problem(number, field_name, f"{what}字典中没有“{value}”（{hint}{'；' if hint else ''}{where}）")
        return entry


def _funding_row_check(session: Any, values: dict[str, Any], existing_id: int | None) -> list[Any]:
    """The per-row funding rules except the cumulative one, which an import checks over the whole file."""
    return [FieldProblem("amount", "到位金额", "不能为 0")] if values.get("amount") == 0 else []


# Rows of one file are checked as one set (SPEC §5): a correction may follow, in the same file, the entry it
# corrects; ``FundingReader.finish`` checks that no project's cumulative funds is negative after the file.
FUNDING_IN_SET = dataclasses.replace(FUNDING, check=_funding_row_check)


class FundingReader(RowReader):
    kind = "funding"
    spec = FUNDING_IN_SET

    def __init__(self) -> None:
        self.keys: dict[int, tuple[Any, Any]] = {}

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        look = ctx.lookups
        if not self.keys and number == ctx.table.rows[0][0]:  # the file's investors in one pass, not one query each
            look.load_investors(norm(text_value(r.get("investor")) or "") for _, r in ctx.table.rows)
        name = norm(text_value(row.get("name")) or "")
        investor = norm(text_value(row.get("investor")) or "")
        project = None
        if row.get("code") is not None:
            project = look.project_by_code(text_value(row["code"]))
            if project is None:
                ctx.problem(number, "code", f"台账中没有编号为“{row['code']}”的项目")
                return None
        if project is None:
            found = look.project_by_key(investor, name) if name else None
            if found is None:
                similar = look.similar_projects(investor, name) if name else []
                hint = f"；相近的项目：{'、'.join(f'{c} {n}' for _, c, n in similar)}" if similar else ""
                ctx.problem(number, "name", f"台账中没有投资方为“{investor or '（空）'}”、名称为“{name}”的项目{hint}")
                return None
            project = found[0]
        raw = {"project_id": project, "date": row.get("date"),
               "amount": money_value(row.get("amount"), ctx.unit_of("amount")), "note": text_value(row.get("note"))}
        self.keys[number] = (project, raw)
        return RowPlan(number, raw)

    def finish(self, ctx: Context, plans: list[RowPlan]) -> None:
        existing = ctx.lookups.funding_keys(p.raw["project_id"] for p in plans)
        seen: dict[tuple[int, Any, Any], int] = {}
        for plan in plans:
            try:
                key = (plan.raw["project_id"], parse_date(plan.raw["date"]),
                       parse_money(plan.raw["amount"], allow_negative=True))
            except LedgerError:
                continue  # the field check reports it
            text = f"{key[1]} {plan.raw['amount']}万元"
            if key in existing:
                ctx.report.duplicates.append(DuplicateHint(plan.row, text, ("同日同金额的到位记录",), "ledger"))
            if key in seen:
                ctx.report.duplicates.append(DuplicateHint(plan.row, text, (f"第 {seen[key]} 行",), "file"))
            seen.setdefault(key, plan.row)
        self._cumulative(ctx, plans)

    @staticmethod
    def _cumulative(ctx: Context, plans: list[RowPlan]) -> None:
        """No project's cumulative funds arrived may be negative once the whole file is applied."""
        in_file: dict[int, list[tuple[int, int]]] = {}
        for plan in plans:
            try:
                amount = parse_money(plan.raw["amount"], allow_negative=True)
            except LedgerError:
                continue
            if amount is not None:
                in_file.setdefault(plan.raw["project_id"], []).append((plan.row, amount))
        corrected = [pid for pid, rows in in_file.items() if any(a < 0 for _, a in rows)]
        for start in range(0, len(corrected), 900):
            chunk = corrected[start:start + 900]
            totals = dict(ctx.session.execute(
                select(Funding.project_id, func.coalesce(func.sum(Funding.amount), 0))
                .where(Funding.project_id.in_(chunk), Funding.deleted_at.is_(None))
                .group_by(Funding.project_id)).all())
            for pid in chunk:
                before = int(totals.get(pid, 0))
                after = before + sum(a for _, a in in_file[pid])
                if after < 0:
                    last = max(r for r, a in in_file[pid] if a < 0)
                    ctx.problem(last, "amount", f"冲减后该项目累计到位资金为负数（台账中累计 {format_wan(before)} 万元，"
                                                f"本文件合计 {format_wan(after - before)} 万元）")
