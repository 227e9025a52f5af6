"""Column mappings: a bureau's own project sheet, whatever its columns, read as the import's canonical rows.

A :class:`SheetMapping` says, for each column of a sheet, which project field it feeds (or 备注, or
nothing), the amount unit of a money column, how categorical words map to the ledger's values
(origin ``省外`` → 市外, a unit's short or old name → its name, ``已开工`` → the stage 开工 …) and
what a stage word does: fill that stage's date from a date column the clerk chose, or stay as text in
备注. A date is never invented. :func:`suggest_mapping` proposes one from the header text and a
sample of the values; ``mapping_apply`` turns rows into the importer's canonical form, and the
importer's own checks and write do the rest.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..dates import parse_date
from ..errors import LedgerError
from ..labels import ORIGIN_LABELS, STAGE_LABELS
from ..money import parse_money
from .columns import PROJECT_COLUMNS, ImportColumn, header_key, normalize_header

NOTES = "notes"
STAGE = "stage"
IGNORE = ""
MONEY_UNITS = ("万元", "亿元", "元")
STAGE_NOTES = "notes"  # a stage word stays as text in 备注
STAGE_DATE = "date"  # a stage word's date comes from the chosen date column

# The fields a column can feed: every project import column, plus 进展 words (a derived stage).
FIELD_COLUMNS: dict[str, ImportColumn] = {c.field: c for c in PROJECT_COLUMNS}
FIELD_LABELS: dict[str, str] = {c.field: c.header.split("（")[0] for c in PROJECT_COLUMNS}
FIELD_LABELS[STAGE] = "进展（阶段文字）"
FIELD_LABELS[IGNORE] = "忽略"
MONEY_FIELDS = tuple(c.field for c in PROJECT_COLUMNS if c.kind == "money")
DATE_FIELDS = tuple(c.field for c in PROJECT_COLUMNS if c.kind == "date")

# Which value map a field's cells go through.
CATEGORY_OF = {"origin": "origin", "industrial": "industrial", "lead_unit_id": "unit", "cooperating_unit_ids": "unit",
               "landing_park_id": "unit", "chain_id": "chain", "tag_ids": "tag", "person_ids": "person",
               STAGE: "stage"}
CATEGORY_LABELS = {"origin": "投资方来源", "industrial": "是否工业项目", "unit": "单位", "chain": "产业链",
                   "tag": "投资方标签", "person": "引荐人", "stage": "进展"}
# The date a stage reaches (线索 has none).
STAGE_DATE_FIELD = {"negotiating": "first_contact_date", "framework": "framework_date", "formal": "formal_date",
                    "started": "started_date", "production": "production_date",
                    "full_production": "full_production_date", "withdrawn": "withdrawn_date"}
KEEP_AS_TEXT = "（保留原文）"  # a stage word mapped to this stays in 备注 whatever the rule

# Header words → field, longest first wins; the exact canonical headers and their aliases come too.
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("项目编号", "code"), ("编号", "code"),
    ("项目名称", "name"), ("项目全称", "name"), ("项目名", "name"), ("项目", "name"), ("名称", "name"),
    ("投资方名称", "investor"), ("投资方", "investor"), ("投资主体", "investor"), ("投资企业", "investor"),
    ("签约企业", "investor"), ("企业名称", "investor"), ("公司名称", "investor"), ("客商", "investor"),
    ("投资商", "investor"), ("企业", "investor"),
    ("投资方标签", "tag_ids"), ("企业标签", "tag_ids"), ("企业类型", "tag_ids"), ("标签", "tag_ids"),
    ("投资方来源", "origin"), ("来源类别", "origin"), ("区域类别", "origin"), ("资金来源", "origin"),
    ("引资类别", "origin"), ("内外资", "origin"), ("来源", "origin"),
    ("客商来源地", "origin_place"), ("客商来源", "origin"), ("来源地", "origin_place"), ("投资方所在地", "origin_place"), ("所在地", "origin_place"),
    ("籍贯", "origin_place"),
    ("产业链", "chain_id"), ("所属产业", "chain_id"), ("所属行业", "chain_id"), ("产业类别", "chain_id"),
    ("行业", "chain_id"), ("产业", "chain_id"),
    ("是否工业项目", "industrial"), ("是否工业", "industrial"), ("工业项目", "industrial"),
    ("工业/非工业", "industrial"), ("项目类型", "industrial"),
    ("计划总投资", "planned_investment"), ("总投资", "planned_investment"), ("计划投资", "planned_investment"),
    ("协议资金", "agreement_amount"), ("协议投资", "agreement_amount"), ("协议金额", "agreement_amount"),
    ("签约金额", "agreement_amount"), ("签约额", "agreement_amount"), ("合同金额", "agreement_amount"),
    ("合同额", "agreement_amount"), ("投资额", "agreement_amount"), ("签约资金", "agreement_amount"),
    ("投资金额", "agreement_amount"), ("金额", "agreement_amount"),
    ("达产年产值", "expected_output"), ("年产值", "expected_output"), ("产值", "expected_output"),
    ("首次接洽", "first_contact_date"), ("接洽时间", "first_contact_date"), ("接洽日期", "first_contact_date"),
    ("洽谈时间", "first_contact_date"), ("洽谈日期", "first_contact_date"),
    ("框架协议", "framework_date"), ("框架签约", "framework_date"),
    ("正式合同", "formal_date"), ("签约时间", "formal_date"), ("签约日期", "formal_date"),
    ("签订时间", "formal_date"), ("签订日期", "formal_date"), ("合同签订", "formal_date"),
    ("开工时间", "started_date"), ("开工日期", "started_date"), ("开工", "started_date"),
    ("投产时间", "production_date"), ("投产日期", "production_date"), ("投产", "production_date"),
    ("达产时间", "full_production_date"), ("达产日期", "full_production_date"),
    ("退库", "withdrawn_date"),
    ("约定开工", "promised_start_date"), ("约定投产", "promised_production_date"),
    ("牵头单位", "lead_unit_id"), ("责任单位", "lead_unit_id"), ("引资单位", "lead_unit_id"),
    ("招商单位", "lead_unit_id"), ("承办单位", "lead_unit_id"), ("单位", "lead_unit_id"),
    ("配合单位", "cooperating_unit_ids"), ("协办单位", "cooperating_unit_ids"),
    ("落地园区", "landing_park_id"), ("所属园区", "landing_park_id"), ("落户园区", "landing_park_id"),
    ("落地平台", "landing_park_id"), ("园区", "landing_park_id"),
    ("挂帅领导", "leader"), ("联系领导", "leader"), ("包保领导", "leader"), ("责任领导", "leader"),
    ("引荐人", "person_ids"), ("竞榜个人", "person_ids"), ("招商人员", "person_ids"),
    ("备注", NOTES), ("说明", NOTES),
    ("进展情况", STAGE), ("项目进展", STAGE), ("推进情况", STAGE), ("项目阶段", STAGE), ("进展", STAGE),
    ("阶段", STAGE), ("状态", STAGE), ("进度", STAGE),
    ("序号", IGNORE),
)

ORIGIN_WORDS = {"市外": "市外", "省外": "市外", "外省": "市外", "国外": "市外", "境外": "市外", "外资": "市外",
                "港澳台": "市外", "市外项目": "市外", "区外市内": "区外市内", "区外": "区外市内", "市内区外": "区外市内",
                "市内": "区外市内", "本市": "区外市内", "区内": "区内", "本区": "区内", "区内企业": "区内", "本地": "区内"}
INDUSTRIAL_WORDS = {"是": "是", "工业": "是", "工业项目": "是", "y": "是", "yes": "是", "√": "是", "1": "是",
                    "否": "否", "非工业": "否", "非工业项目": "否", "服务业": "否", "n": "否", "no": "否", "×": "否",
                    "0": "否"}
# A stage word: the first key found in the cell (after removing negated words like 未开工) wins.
_STAGE_KEYS: tuple[tuple[str, str], ...] = (
    ("退库", "withdrawn"), ("终止", "withdrawn"), ("中止", "withdrawn"), ("放弃", "withdrawn"),
    ("达产", "full_production"), ("投产", "production"), ("试生产", "production"),
    ("开工", "started"), ("在建", "started"), ("动工", "started"), ("建设", "started"),
    ("框架", "framework"), ("签约", "formal"), ("签合同", "formal"), ("正式合同", "formal"),
    ("在谈", "negotiating"), ("洽谈", "negotiating"), ("跟进", "negotiating"), ("对接", "negotiating"),
    ("线索", "lead"), ("意向", "lead"),
)
_NEGATED = re.compile(r"(未|没有|尚未|待)(开工|投产|达产|签约|建设|动工)")
STAGE_BY_LABEL = {label: code for code, label in STAGE_LABELS.items()}


def norm_text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value)).split()) if value is not None else ""


def stage_of_word(value: Any) -> str | None:
    """``已开工`` → ``started``; ``签约未开工`` → ``formal``; ``None`` for a cell that names no stage."""
    text = _NEGATED.sub("", norm_text(value))
    if not text:
        return None
    if text in STAGE_BY_LABEL:
        return STAGE_BY_LABEL[text]
    for key, stage in _STAGE_KEYS:
        if key in text:
            return stage
    return None


@dataclass
class ColumnRule:
    header: str  # as written in the sheet
    field: str = IGNORE  # a project field, ``notes``, ``stage`` or "" (ignored)
    unit: str | None = None  # money columns: 万元 / 亿元 / 元 (a unit written in a cell wins)


@dataclass
class SheetMapping:
    """How one sheet's columns become project rows. Stored as JSON (``to_json`` / ``from_json``)."""

    columns: list[ColumnRule]
    name: str = ""
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # category → {word in file: ledger word}
    stage_rule: str = STAGE_NOTES
    stage_date_column: str = ""  # header of the date column a stage word takes its date from

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def signature(self) -> tuple[str, ...]:
        return header_signature(self.headers)

    def field_columns(self, field_name: str) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.field == field_name]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "columns": [{"header": c.header, "field": c.field, "unit": c.unit}
                                               for c in self.columns],
                "values": {k: dict(v) for k, v in self.values.items() if v},
                "stage_rule": self.stage_rule, "stage_date_column": self.stage_date_column}

    @classmethod
    def from_json(cls, data: Any) -> SheetMapping:
        """A mapping from its JSON form; anything malformed raises a ``LedgerError`` naming what."""
        if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
            raise LedgerError("导入对照不是有效的格式：缺少“columns”列表。")
        columns = []
        for i, item in enumerate(data["columns"], start=1):
            if not isinstance(item, dict) or not isinstance(item.get("header", ""), str):
                raise LedgerError(f"导入对照第 {i} 列的格式不对。")
            name = str(item.get("field") or "")
            if name not in FIELD_LABELS and name != NOTES:
                raise LedgerError(f"导入对照第 {i} 列“{item.get('header', '')}”的字段“{name}”不认识。")
            unit = item.get("unit")
            if unit is not None and unit not in MONEY_UNITS:
                raise LedgerError(f"导入对照第 {i} 列的金额单位“{unit}”应为 万元、亿元 或 元。")
            columns.append(ColumnRule(str(item.get("header") or ""), name, unit))
        values = data.get("values") or {}
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise LedgerError("导入对照的“values”应为“类别 → {原值: 台账中的值}”。")
        rule = str(data.get("stage_rule") or STAGE_NOTES)
        if rule not in (STAGE_NOTES, STAGE_DATE):
            raise LedgerError(f"导入对照的进展规则“{rule}”应为 notes 或 date。")
        return cls(columns, str(data.get("name") or ""),
                   {str(k): {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
                   rule, str(data.get("stage_date_column") or ""))

    def problems(self) -> list[str]:
        """What must be settled before the mapping can be applied (Chinese, one line each)."""
        out = []
        used: dict[str, str] = {}
        for c in self.columns:
            if c.field in (IGNORE, NOTES):
                continue
            if c.field in used:
                out.append(f"“{c.header}”和“{used[c.field]}”都对应“{FIELD_LABELS[c.field]}”，一个字段只能来自一列")
            used.setdefault(c.field, c.header)
        if "name" not in used:
            out.append("没有哪一列对应“项目名称”（必填）")
        if STAGE in used and self.stage_rule == STAGE_DATE:
            if not self.stage_date_column:
                out.append(f"“{used[STAGE]}”是进展文字：请选择从哪一列取日期，或改为“日期留空，进展记入备注”")
            elif self.stage_date_column not in self.headers:
                out.append(f"进展的日期列“{self.stage_date_column}”不在表中")
        return out


def header_signature(headers: list[str]) -> tuple[str, ...]:
    """The set of a sheet's non-blank headers (normalised): sheets with the same signature share a mapping."""
    return tuple(sorted({normalize_header(h) for h in headers if normalize_header(h)}))


# -- suggestions -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    """The ledger's names a suggestion matches values against (read once, see ``mapping_sheet.vocabulary``)."""

    units: dict[str, str] = field(default_factory=dict)  # name or short name (normalised) → unit name
    parks: frozenset[str] = frozenset()  # names of park units
    chains: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()


_WORDS_SORTED = sorted(_HEADER_WORDS, key=lambda kv: -len(kv[0]))
_CANONICAL = {header_key(name)[0]: c.field for c in PROJECT_COLUMNS for name in (c.header, *c.aliases)}


def header_field(header: str) -> tuple[str | None, int]:
    """The field a header names and how sure (3 exact, 2 contains a known word), or (None, 0)."""
    base, _ = header_key(header)
    if not base:
        return None, 0
    if base in _CANONICAL:
        return _CANONICAL[base], 3
    for word, name in _HEADER_WORDS:
        if base == word:
            return name, 3
    for word, name in _WORDS_SORTED:
        if word in base:
            return name, 2
    return None, 0


def header_unit(header: str) -> str | None:
    """``签约金额（亿元）`` → 亿元; ``金额(万)`` → 万元."""
    _, unit = header_key(header)
    if unit is None:
        m = re.search(r"(亿元|万元|亿|万)", normalize_header(header))
        unit = m.group(1) if m else None
    return {"亿": "亿元", "万": "万元", "个": None}.get(unit or "", unit) if unit else None


def _is_date(value: Any) -> bool:
    if isinstance(value, (date, datetime)):
        return True
    if isinstance(value, (int, float)) or not isinstance(value, str):
        return False
    try:
        return parse_date(value) is not None
    except LedgerError:
        return False


def _is_amount(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        return parse_money(str(value)) is not None
    except (LedgerError, ValueError):
        return False


def classify_values(values: list[Any], vocab: Vocabulary) -> dict[str, float]:
    """The share of non-blank sample values that look like each kind (date, amount, unit …)."""
    present = [v for v in values if v not in (None, "")]
    if not present:
        return {}
    shares: dict[str, float] = {}
    tests = {
        "date": _is_date,
        "amount": _is_amount,
        "unit": lambda v: norm_text(v) in vocab.units,
        "park": lambda v: vocab.units.get(norm_text(v)) in vocab.parks,
        "industrial": lambda v: norm_text(v).lower() in INDUSTRIAL_WORDS and not isinstance(v, (int, float)),
        "origin": lambda v: norm_text(v) in ORIGIN_WORDS,
        "stage": lambda v: isinstance(v, str) and not _is_date(v) and stage_of_word(v) is not None,
        "chain": lambda v: norm_text(v) in vocab.chains,
        "tag": lambda v: all(p in vocab.tags for p in re.split(r"[、,，;；/]", norm_text(v)) if p),
        "person": lambda v: norm_text(v) in vocab.persons,
    }
    for kind, test in tests.items():
        shares[kind] = sum(1 for v in present if test(v)) / len(present)
    return shares


_BY_VALUES = (("origin", "origin"), ("industrial", "industrial"), ("park", "landing_park_id"),
              ("unit", "lead_unit_id"), ("chain", "chain_id"), ("tag", "tag_ids"), ("person", "person_ids"),
              ("stage", STAGE), ("date", "formal_date"), ("amount", "agreement_amount"))
_VALUE_FITS = {"date": DATE_FIELDS, "amount": MONEY_FIELDS, "stage": (STAGE,), "origin": ("origin",),
               "industrial": ("industrial",), "unit": ("lead_unit_id", "cooperating_unit_ids", "landing_park_id")}


def suggest_column(header: str, sample: list[Any], vocab: Vocabulary) -> tuple[str, int]:
    """The field a column most likely feeds and a confidence (3 header exact … 0 nothing)."""
    by_header, sure = header_field(header)
    shares = classify_values(sample, vocab)
    if by_header is not None and sure < 3:
        # a loose header word gives way to values that are plainly categorical (客商来源: 省外 / 本区)
        for kind, target in (("origin", "origin"), ("industrial", "industrial"), ("stage", STAGE)):
            if shares.get(kind, 0) >= 0.8 and by_header not in DATE_FIELDS + MONEY_FIELDS:
                return target, sure
    if by_header is not None:
        # values can overrule a header word: ``签约情况`` holding 已开工 / 在谈 is a stage column
        if by_header in DATE_FIELDS and shares.get("stage", 0) >= 0.6 and shares.get("date", 0) < 0.3:
            return STAGE, sure
        if by_header == STAGE and shares.get("date", 0) >= 0.6:
            return "started_date" if "开工" in header else "formal_date", 1
        return by_header, sure
    if not shares:
        return IGNORE, 0
    for kind, target in _BY_VALUES:
        if shares.get(kind, 0) >= 0.8:
            return target, 1
    return NOTES, 1  # text we cannot place: kept in 备注, never thrown away unseen


def suggest_mapping(headers: list[str], samples: list[list[Any]], vocab: Vocabulary,
                    default_unit: str | None = None) -> SheetMapping:
    """A mapping proposed from the headers and a sample of each column's values (the clerk adjusts it)."""
    guesses = [suggest_column(h, samples[i] if i < len(samples) else [], vocab) for i, h in enumerate(headers)]
    columns = [ColumnRule(h) for h in headers]
    taken: set[str] = set()
    # surest first: an exact header claims its field before a guess from values
    for i in sorted(range(len(headers)), key=lambda i: (-guesses[i][1], i)):
        name = guesses[i][0]
        if name in (IGNORE, NOTES):
            columns[i].field = name
            continue
        if name in taken:
            alternatives = {"lead_unit_id": "cooperating_unit_ids", "formal_date": "framework_date"}
            name = alternatives.get(name, NOTES)
            if name in taken:
                name = NOTES
        taken.add(name)
        columns[i].field = name
    for col in columns:
        if col.field in MONEY_FIELDS:
            col.unit = header_unit(col.header) or default_unit or "万元"
    mapping = SheetMapping(columns)
    stage_cols = mapping.field_columns(STAGE)
    if stage_cols:
        mapping.values["stage"] = {}
    return mapping


def suggest_values(category: str, words: list[str], vocab: Vocabulary) -> dict[str, str]:
    """For each distinct word of a categorical column, the ledger's value it most likely means ("" unknown)."""

    out: dict[str, str] = {}
    for word in words:
        text = norm_text(word)
        found = ""
        if category == "origin":
            found = ORIGIN_WORDS.get(text, text if text in ORIGIN_LABELS.values() else "")
        elif category == "industrial":
            found = INDUSTRIAL_WORDS.get(text.lower(), "")
        elif category == "stage":
            stage = stage_of_word(text)
            found = STAGE_LABELS[stage] if stage else ""
        elif category == "unit":
            found = vocab.units.get(text, "")
            if not found:  # an old or loose name: the unit whose name or short name is closest
                names = sorted(vocab.units)
                inside = [n for n in names if text and (text in n or n in text)]
                close = inside or difflib.get_close_matches(text, names, n=1, cutoff=0.6)
                found = vocab.units[min(close, key=len)] if close else ""
        else:
            pool = {"chain": vocab.chains, "tag": vocab.tags, "person": vocab.persons}.get(category, frozenset())
            if text in pool:
                found = text
            else:
                inside = sorted(n for n in pool if text and (text in n or n in text))
                close = inside or difflib.get_close_matches(text, sorted(pool), n=1, cutoff=0.6)
                found = close[0] if close else ""
        out[text] = found
    return out


__all__ = ["FIELD_LABELS", "IGNORE", "NOTES", "STAGE", "STAGE_DATE", "STAGE_NOTES", "ColumnRule", "SheetMapping",
           "Vocabulary", "header_signature", "stage_of_word", "suggest_mapping", "suggest_values"]
