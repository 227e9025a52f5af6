"""Counting rules (计数规则) for the 英雄榜 engine: one versioned document per year.

The document is JSON (money in integer yuan, weights and shares in percent); the defaults ship in
``resources/defaults/rules.json``. A year with no saved document uses the defaults. Every save is
a new row in ``rules_documents`` (the highest version is in force) and an audited operation.

Public API::

    default_document() -> dict
    parse_rules(document: dict, year: int | None = None, version: int = 0) -> Rules   # validates
    load_rules(ledger_or_session, year: int) -> Rules          # saved document in force, else defaults
    save_rules(ledger, year: int, document: dict, note: str = "") -> Change   # validates, new version
    rules_versions(ledger_or_session, year: int) -> list[RulesVersion]        # newest first

``parse_rules`` raises ``zsdesk.errors.ValidationError`` with Chinese reasons.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import ConflictError, FieldProblem, ValidationError
from .labels import ORIGIN_LABELS
from .models import ORIGINS, RulesDocument
from .ops.history import ChangeRecord, operation
from .resources import resource

if TYPE_CHECKING:
    from .ledger import Ledger
    from .ops.history import Change



class SizeClass(StrEnum):
    """A project's size class (SPEC §3), highest first. Str-valued: JSON and stored values stay "major" …"""

    MAJOR = "major"
    LARGE = "large"
    KEY = "key"
    GENERAL = "general"
    NONE = "none"


SIZE_CLASSES = tuple(SizeClass)
SIZE_CLASS_LABELS: dict[str, str] = {SizeClass.MAJOR: "重大", SizeClass.LARGE: "较大", SizeClass.KEY: "重点",
                     SizeClass.GENERAL: "一般", SizeClass.NONE: "不计"}
SCORE_ITEMS = ("major", "large", "key", "agreement", "formal", "arrived")
SCORE_ITEM_LABELS = {"major": "重大项目", "large": "较大项目", "key": "重点项目",
                     "agreement": "协议资金", "formal": "正式合同额", "arrived": "到位资金"}
SCORE_METHODS = {"weighted": "完成率加权", "efficiency": "功效系数法"}
DEADLINE_CLASSES = ("major", "large", "key", "general")
DEFAULT_START_WITHIN_MONTHS = {"major": 6, "large": 6, "key": 6, "general": 3}
DEFAULT_PRODUCTION_WITHIN_MONTHS = 24
# SPEC §10 defaults: ``activity.lead_stale_days``, ``activity.trip_min_companies``, ``activity.trip_min_intentions``.
DEFAULT_LEAD_STALE_DAYS = 30
DEFAULT_TRIP_MIN_COMPANIES = 3
DEFAULT_TRIP_MIN_INTENTIONS = 3
NO_TARGET_POLICIES = {"skip": "不计入（按其余项目折算）", "zero": "按 0 分计"}


@dataclass(frozen=True)
class Threshold:
    agreement_amount: int | None  # yuan; None = not a criterion
    expected_output: int | None


@dataclass(frozen=True)
class ScoreItem:
    item: str  # one of SCORE_ITEMS
    weight: Fraction  # percent of the score
    cap: Fraction | None  # completion rate cap in percent; None = uncapped


@dataclass(frozen=True)
class Rules:
    """A validated rules document. ``version`` 0 means the shipped defaults."""

    year: int | None
    version: int
    major: Threshold
    large: Threshold
    key: Threshold
    general_industrial: int
    general_non_industrial: int
    origin_weights: dict[str, Fraction]  # origin code -> fraction (1 = 100%)
    lead_share: Fraction  # fraction of a joint project's money for the lead unit
    cooperating_share: Fraction  # fraction the cooperating units share equally
    score_method: str
    no_target: str
    score_items: tuple[ScoreItem, ...]
    stale_days: int
    big_classes: tuple[str, ...]
    big_tag_flags: tuple[str, ...]
    new_tag_flags: tuple[str, ...]
    new_chain_flags: tuple[str, ...]
    started_classes: tuple[str, ...]
    document: dict[str, Any]
    # SPEC §9 deadlines: months from the formal contract to 开工, by size class (不计 has none), and
    # from the actual start to 投产. Old documents without the keys get the shipped defaults.
    start_within_months: dict[str, int] = dc_field(default_factory=lambda: dict(DEFAULT_START_WITHIN_MONTHS))
    production_within_months: int = DEFAULT_PRODUCTION_WITHIN_MONTHS
    # SPEC §11: only 已认定 projects count. None (the key absent): on for a shared (PostgreSQL) ledger,
    # off for a single-PC file — ``load_rules`` decides; a document may say true or false.
    require_verification: bool | None = None
    # SPEC §10 (leads and trips): a lead with no follow-up for this many days is stale; a trip visiting
    # fewer companies or bringing back fewer intentions is under quota. Old documents get the defaults.
    lead_stale_days: int = DEFAULT_LEAD_STALE_DAYS
    trip_min_companies: int = DEFAULT_TRIP_MIN_COMPANIES
    trip_min_intentions: int = DEFAULT_TRIP_MIN_INTENTIONS

    def unit_share(self, role: str, cooperating_count: int) -> Fraction:
        """Share of a project's money credited to one unit in ``role`` ("lead" / "coop")."""
        if role == "lead":
            return Fraction(1) if cooperating_count == 0 else self.lead_share
        return self.cooperating_share / cooperating_count if cooperating_count else Fraction(0)

    def size_class(self, agreement_amount: int, expected_output: int, industrial: bool) -> SizeClass:
        """The class a project's amounts give (``zsdesk.queries.expressions.size_class_expr`` is its SQL twin)."""
        for name, t in ((SizeClass.MAJOR, self.major), (SizeClass.LARGE, self.large), (SizeClass.KEY, self.key)):
            if _meets(agreement_amount, t.agreement_amount) or _meets(expected_output, t.expected_output):
                return name
        floor = self.general_industrial if industrial else self.general_non_industrial
        return SizeClass.GENERAL if agreement_amount >= floor else SizeClass.NONE


def _meets(value: int, threshold: int | None) -> bool:
    return threshold is not None and value >= threshold


@dataclass(frozen=True)
class RulesVersion:
    year: int
    version: int
    saved_at: datetime
    operator: str
    note: str
    document: dict[str, Any]


def default_document() -> dict[str, Any]:
    return json.loads(resource("defaults", "rules.json").read_text(encoding="utf-8"))


# ---- validation -------------------------------------------------------------------------------

class _Checker:
    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def fail(self, field: str, label: str, reason: str) -> None:
        self.problems.append(FieldProblem(field, label, reason))

    def money(self, value: Any, field: str, label: str, optional: bool = False) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, label, "应为整数金额（元）")
            return None
        if value < 0:
            self.fail(field, label, "不能为负数")
            return None
        return value

    def percent(self, value: Any, field: str, label: str, high: int | None = 100) -> Fraction | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(field, label, "应为百分数")
            return None
        try:
            number = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            self.fail(field, label, "应为百分数")
            return None
        if number < 0:
            self.fail(field, label, "不能为负数")
            return None
        if high is not None and number > high:
            self.fail(field, label, f"不能超过 {high}%")
            return None
        return number

    def names(self, value: Any, field: str, label: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(field, label, "应为名称列表")
            return ()
        if allowed is not None:
            bad = [v for v in value if v not in allowed]
            if bad:
                self.fail(field, label, f"未知的项目规模“{'、'.join(bad)}”")
                return ()
        return tuple(value)


def _get(doc: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def parse_rules(document: dict[str, Any], year: int | None = None, version: int = 0) -> Rules:
    """Validate a rules document and return it as ``Rules``; ``ValidationError`` lists every problem."""
    c = _Checker()
    if not isinstance(document, dict):
        raise ValidationError([FieldProblem("document", "计数规则", "规则文件格式不正确")], "计数规则有误：")
    thresholds: dict[str, Threshold] = {}
    for name in ("major", "large", "key"):
        label = SIZE_CLASS_LABELS[name]
        node = _get(document, "size_classes", name)
        if not isinstance(node, dict):
            c.fail(f"size_classes.{name}", f"{label}项目标准", "缺少")
            thresholds[name] = Threshold(None, None)
            continue
        inv = c.money(node.get("agreement_amount"), f"size_classes.{name}.agreement_amount", f"{label}项目协议资金标准", True)
        out = c.money(node.get("expected_output"), f"size_classes.{name}.expected_output", f"{label}项目达产产值标准", True)
        if inv is None and out is None and node.get("agreement_amount") is None and node.get("expected_output") is None:
            c.fail(f"size_classes.{name}", f"{label}项目标准", "协议资金和达产产值标准至少要有一个")
        thresholds[name] = Threshold(inv, out)
    for field in ("agreement_amount", "expected_output"):
        chain = [(n, getattr(thresholds[n], field)) for n in ("major", "large", "key")]
        present = [(n, v) for n, v in chain if v is not None]
        for (hi, hv), (lo, lv) in zip(present, present[1:], strict=False):
            if hv < lv:
                what = "协议资金" if field == "agreement_amount" else "达产产值"
                c.fail(f"size_classes.{hi}.{field}", f"{SIZE_CLASS_LABELS[hi]}项目{what}标准",
                       f"不能低于{SIZE_CLASS_LABELS[lo]}项目的标准")
    general = _get(document, "size_classes", "general") or {}
    g_ind = c.money(general.get("industrial"), "size_classes.general.industrial", "一般项目（工业）标准") or 0
    g_non = c.money(general.get("non_industrial"), "size_classes.general.non_industrial", "一般项目（非工业）标准") or 0
    key_floor = thresholds["key"].agreement_amount
    if key_floor is not None and max(g_ind, g_non) > key_floor:
        c.fail("size_classes.general", "一般项目标准", "不能高于重点项目的协议资金标准")

    weights: dict[str, Fraction] = {}
    origin_node = document.get("origin_weights")

    for origin in ORIGINS:
        value = origin_node.get(origin) if isinstance(origin_node, dict) else None
        w = c.percent(value, f"origin_weights.{origin}", f"{ORIGIN_LABELS[origin]}项目计入比例")
        weights[origin] = (w or Fraction(0)) / 100
    lead = c.percent(_get(document, "joint_shares", "lead"), "joint_shares.lead", "牵头单位分成比例")
    coop = c.percent(_get(document, "joint_shares", "cooperating"), "joint_shares.cooperating", "配合单位分成比例")
    if lead is not None and coop is not None and lead + coop != 100:
        c.fail("joint_shares", "联合招商分成", f"牵头单位与配合单位合计应为 100%，现为 {float(lead + coop):g}%")

    raw_scoring = document.get("scoring")
    scoring: dict[str, Any] = raw_scoring if isinstance(raw_scoring, dict) else {}
    method = scoring.get("method")
    if method not in SCORE_METHODS:
        c.fail("scoring.method", "排名方法", "应为“完成率加权”（weighted）或“功效系数法”（efficiency）")
    no_target = scoring.get("no_target", "skip")
    if no_target not in NO_TARGET_POLICIES:
        c.fail("scoring.no_target", "无目标任务的项目", "应为 skip 或 zero")
    items: list[ScoreItem] = []
    raw_items = scoring.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        c.fail("scoring.items", "评分项目", "至少要有一个评分项目")
        raw_items = []
    seen: set[str] = set()
    for i, node in enumerate(raw_items):
        raw_name = node.get("item") if isinstance(node, dict) else None
        if not isinstance(raw_name, str) or raw_name not in SCORE_ITEMS:
            c.fail(f"scoring.items[{i}]", "评分项目", f"未知的评分项目“{raw_name}”")
            continue
        name = raw_name
        label = SCORE_ITEM_LABELS[name]
        if name in seen:
            c.fail(f"scoring.items[{i}]", "评分项目", f"“{label}”重复")
            continue
        seen.add(name)
        weight = c.percent(node.get("weight"), f"scoring.items[{i}].weight", f"{label}权重")
        cap = None if node.get("cap") is None else c.percent(node.get("cap"), f"scoring.items[{i}].cap",
                                                              f"{label}完成率封顶", high=None)
        if cap is not None and cap < 100:
            c.fail(f"scoring.items[{i}].cap", f"{label}完成率封顶", "不能低于 100%")
        if weight is not None:
            items.append(ScoreItem(name, weight, cap))
    total = sum((it.weight for it in items), Fraction(0))
    if items and len(items) == len(raw_items) and total != 100:
        c.fail("scoring.items", "评分权重", f"各项权重合计应为 100%，现为 {float(total):g}%")

    stale = document.get("stale_days")
    if isinstance(stale, bool) or not isinstance(stale, int) or not 1 <= stale <= 3650:
        c.fail("stale_days", "无进展天数", "应为 1—3650 之间的整数")
        stale = 30
    big_classes = c.names(_get(document, "boards", "big", "classes"), "boards.big.classes", "招大引强项目规模",
                          SIZE_CLASSES[:3])
    big_tags = c.names(_get(document, "boards", "big", "tag_flags"), "boards.big.tag_flags", "招大引强投资方标记")
    new_tags = c.names(_get(document, "boards", "new", "tag_flags"), "boards.new.tag_flags", "招新引优投资方标记")
    new_chains = c.names(_get(document, "boards", "new", "chain_flags"), "boards.new.chain_flags", "招新引优产业链标记")
    started = c.names(_get(document, "boards", "major_started", "classes"), "boards.major_started.classes",
                      "重大项目开工规模", SIZE_CLASSES[:3])
    start_within, production_within = _deadlines(c, document.get("lifecycle"))
    require_verification = document.get("require_verification")
    if require_verification is not None and not isinstance(require_verification, bool):
        c.fail("require_verification", "只统计已认定项目", "应为“是”（true）或“否”（false）")
        require_verification = None
    lead_stale, min_companies, min_intentions = _activity(c, document.get("activity"))
    if c.problems:
        raise ValidationError(c.problems, "计数规则有误：")
    return Rules(
        year=year, version=version, major=thresholds["major"], large=thresholds["large"], key=thresholds["key"],
        general_industrial=g_ind, general_non_industrial=g_non, origin_weights=weights,
        lead_share=(lead or Fraction(0)) / 100, cooperating_share=(coop or Fraction(0)) / 100,
        score_method=str(method), no_target=str(no_target), score_items=tuple(items), stale_days=int(stale),
        big_classes=big_classes, big_tag_flags=big_tags, new_tag_flags=new_tags, new_chain_flags=new_chains,
        started_classes=started, document=copy.deepcopy(document),
        start_within_months=start_within, production_within_months=production_within,
        require_verification=require_verification,
        lead_stale_days=lead_stale, trip_min_companies=min_companies, trip_min_intentions=min_intentions)


def _activity(c: _Checker, node: Any) -> tuple[int, int, int]:
    """SPEC §10's ``activity`` block: each key optional (a document saved before it keeps the defaults)."""
    if node is None:
        node = {}
    if not isinstance(node, dict):
        c.fail("activity", "招商活动规则", "格式不正确")
        node = {}
    out = []
    for key, label, default, low in (("lead_stale_days", "线索无跟进天数", DEFAULT_LEAD_STALE_DAYS, 1),
                                     ("trip_min_companies", "每次外出招商至少拜访企业数", DEFAULT_TRIP_MIN_COMPANIES, 0),
                                     ("trip_min_intentions", "每次外出招商至少有效意向数", DEFAULT_TRIP_MIN_INTENTIONS, 0)):
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 3650:
            c.fail(f"activity.{key}", label, f"应为 {low}—3650 之间的整数")
            value = default
        out.append(int(value))
    return out[0], out[1], out[2]


def _months(c: _Checker, value: Any, field_name: str, label: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
        c.fail(field_name, label, "应为 1—120 之间的整数（月）")
        return None
    return value


def _deadlines(c: _Checker, node: Any) -> tuple[dict[str, int], int]:
    """``lifecycle.start_within_months`` per class and ``lifecycle.production_within_months``; a document
    saved before SPEC §9 has no ``lifecycle`` node, and any key it lacks takes the default."""
    start = dict(DEFAULT_START_WITHIN_MONTHS)
    production = DEFAULT_PRODUCTION_WITHIN_MONTHS
    if node is None:
        return start, production
    if not isinstance(node, dict):
        c.fail("lifecycle", "落地期限", "格式不正确")
        return start, production
    by_class = node.get("start_within_months")
    if by_class is not None:
        if not isinstance(by_class, dict):
            c.fail("lifecycle.start_within_months", "开工期限", "格式不正确")
        else:
            for name, value in by_class.items():
                if name not in DEADLINE_CLASSES:
                    c.fail(f"lifecycle.start_within_months.{name}", "开工期限", f"未知的项目规模“{name}”")
                    continue
                months = _months(c, value, f"lifecycle.start_within_months.{name}",
                                 f"{SIZE_CLASS_LABELS[name]}项目签约后开工期限")
                if months is not None:
                    start[name] = months
    if node.get("production_within_months") is not None:
        months = _months(c, node["production_within_months"], "lifecycle.production_within_months",
                         "开工后投产期限")
        if months is not None:
            production = months
    return start, production


# ---- storage ----------------------------------------------------------------------------------

def _session_of(source: Ledger | Session) -> tuple[Session, bool]:
    if isinstance(source, Session):
        return source, False
    return source.session(), True


def load_rules(source: Ledger | Session, year: int) -> Rules:
    """The rules in force for ``year``: its newest saved version, or the shipped defaults."""
    session, own = _session_of(source)
    try:
        row = session.execute(select(RulesDocument.version, RulesDocument.document)
                              .where(RulesDocument.year == year)
                              .order_by(RulesDocument.version.desc()).limit(1)).first()
    finally:
        if own:
            session.close()
    rules = parse_rules(default_document() if row is None else json.loads(row.document), year,
                        0 if row is None else row.version)
    if rules.require_verification is None:  # the ledger's default: on when shared (SPEC §11)
        return replace(rules, require_verification=session.get_bind().dialect.name == "postgresql")
    return rules


def rules_versions(source: Ledger | Session, year: int) -> list[RulesVersion]:
    session, own = _session_of(source)
    try:
        rows = session.scalars(select(RulesDocument).where(RulesDocument.year == year)
                               .order_by(RulesDocument.version.desc())).all()
        return [RulesVersion(r.year, r.version, r.saved_at, r.operator, r.note, json.loads(r.document)) for r in rows]
    finally:
        if own:
            session.close()


def save_rules(ledger: Ledger, year: int, document: dict[str, Any], note: str = "",
               based_on_version: int | None = None) -> Change:
    """Validate and save ``document`` as the next version of ``year``'s rules (an audited operation).

    ``based_on_version``: the version the editor loaded (0: the shipped defaults). When a newer one was
    saved since, nothing is written: a ``ConflictError`` names it and what it changed."""
    # local: access sits above the rules (it reads the ledger handle's login); a top import would cycle
    from .access import require

    require(ledger, "edit_rules")  # 只有科长可以修改规则 (the database refuses anyway)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError([FieldProblem("year", "年度", "应为 2000—2100 之间的年份")], "计数规则有误：")
    parse_rules(document, year)
    with operation(ledger, f"修改{year}年计数规则", undoable=False) as op:
        s = op.session
        last = s.scalar(select(func.max(RulesDocument.version)).where(RulesDocument.year == year)) or 0
        before_row = s.scalar(select(RulesDocument).where(RulesDocument.year == year,
                                                          RulesDocument.version == last)) if last else None
        if based_on_version is not None and based_on_version != last and before_row is not None:
            raise _newer_rules(s, year, based_on_version, before_row)
        text = json.dumps(document, ensure_ascii=False, sort_keys=True)
        row = RulesDocument(year=year, version=last + 1, document=text, saved_at=op.now,
                            operator=ledger.operator, note=note)
        s.add(row)
        s.flush()
        before = None if before_row is None else {"year": year, "version": last,
                                                  "document": json.loads(before_row.document)}
        after = {"year": year, "version": last + 1, "document": document, "note": note}
        op.change.records.append(ChangeRecord("rules", row.id, "insert", before, after))
    return op.change


def _leaves(node: Any, path: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(_leaves(value, f"{path}.{key}" if path else str(key)))
        return out
    return {path: node}


def _newer_rules(session: Session, year: int, based_on: int, newest: RulesDocument) -> ConflictError:
    """A stale rules editor: which version is in force now, by whom, and how much it changed."""
    seen_doc = default_document() if based_on == 0 else json.loads(session.scalar(
        select(RulesDocument.document).where(RulesDocument.year == year, RulesDocument.version == based_on)) or "{}")
    old, new = _leaves(seen_doc), _leaves(json.loads(newest.document))
    changed = sum(1 for k in set(old) | set(new) if old.get(k) != new.get(k))
    return ConflictError(
        f"{year} 年计数规则刚被其他人修改过：已有更新的第 {newest.version} 版（{newest.operator} 于 "
        f"{newest.saved_at:%Y-%m-%d %H:%M} 保存，改动了 {changed} 处设置），您是在第 {based_on} 版上修改的。"
        "为免把新版改回旧版，本次未保存。请关闭规则编辑后重新打开，在新版上修改。", by=newest.operator)
