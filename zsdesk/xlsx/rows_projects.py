"""Row readers for projects and funding entries: names to ids, matching, duplicates."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..dates import parse_date
from ..errors import LedgerError
from ..money import parse_money
from ..ops.fields import split_list
from ..ops.funding import FUNDING
from ..ops.projects import PROJECT, project_rules
from ..ops.projects import _after_write as project_after_write  # the same bookkeeping create_project does
from ..ops.projects import _prepare as project_prepare
from .importer import Context, DuplicateHint, RowPlan, RowReader
from .lookups import norm

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


def money_value(value: Any, unit: str | None) -> Any:
    """A bare number in a column headed ``（亿元）`` or ``（元）`` is in that unit; text keeps its own."""
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


class ProjectReader(RowReader):
    kind = "projects"
    spec = PROJECT
    # Same fields and rules, without the per-row same-name query: plan() matches names against
    # every stored project at once (and more loosely). The write itself still runs the full check.
    check_spec = dataclasses.replace(PROJECT, check=lambda session, values, existing_id: project_rules(values))
    after_write = staticmethod(project_after_write)
    prepare = staticmethod(project_prepare)

    def __init__(self) -> None:
        self.seen_keys: dict[tuple[str, str], int] = {}
        self.seen_targets: dict[int, int] = {}
        self.by_investor: dict[str, list[tuple[str, int]]] = {}

    def plan(self, ctx: Context, number: int, row: dict[str, Any]) -> RowPlan | None:
        look = ctx.lookups
        raw: dict[str, Any] = {}
        for name, value in row.items():
            if name == "code":
                continue
            if name == "origin_place":
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
                if value is not None:  # blank: the default for a new project, unchanged for an update
                    raw[name] = value
            elif name.endswith("_date"):
                raw[name] = value
            else:
                raw[name] = text_value(value)
        name = norm(text_value(row.get("name")) or "")
        investor = norm(text_value(row.get("investor")) or "")
        existing = None
        if row.get("code") is not None:
            existing = look.project_by_code(text_value(row["code"]))
        if existing is None and name:
            found = look.project_by_key(investor, name)
            existing = found[0] if found else None
        if existing is not None:
            if existing in self.seen_targets:
                ctx.problem(number, "name", f"与第 {self.seen_targets[existing]} 行对应台账中的同一个项目")
            self.seen_targets[existing] = number
        if name:
            self._duplicates(ctx, number, name, investor, existing)
        return RowPlan(number, raw, existing)

    def _duplicates(self, ctx: Context, number: int, name: str, investor: str, existing: int | None) -> None:
        from ..ops.projects import normalized_name

        key = (investor, normalized_name(name))
        text = f"“{name}”（{investor or '投资方未填'}）"
        if key in self.seen_keys:
            ctx.problem(number, "name", f"与第 {self.seen_keys[key]} 行是同一投资方的同名项目")
            return
        self.seen_keys[key] = number
        if investor:
            import difflib

            earlier = self.by_investor.setdefault(investor, [])
            close = [f"第 {row} 行" for other, row in earlier[-500:]
                     if difflib.SequenceMatcher(None, key[1], other).ratio() >= 0.85]
            earlier.append((key[1], number))
            if close:
                ctx.report.duplicates.append(DuplicateHint(number, text, tuple(close), "file"))
        if existing is None:
            similar = ctx.lookups.similar_projects(investor, name)
            if similar:
                ctx.report.duplicates.append(DuplicateHint(number, text, tuple(f"{c} {n}" for _, c, n in similar),
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
    from ..errors import FieldProblem

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
        from sqlalchemy import func, select

        from ..models import Funding
        from ..money import format_wan

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
