"""Field kinds: turning what a clerk typed (or a typed value) into what the ledger stores.

Each coercion returns the stored value or raises ``FieldProblem``-producing ``LedgerError``; the
caller collects every problem so the clerk sees all of them at once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dates import parse_date
from ..errors import LedgerError
from ..labels import ORIGIN_LABELS, UNIT_KIND_LABELS
from ..models import DictionaryEntry, Person, Project, Unit
from ..money import parse_money


class Invalid(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Characters a one-line field never stores: line breaks become one space; C0/C1 controls and the
# bidirectional controls (which can make “A\u202eTXT.EXE” display as “AEXE.TXT”) are removed.
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]+")
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_line(text: str) -> str:
    """``text`` as one line: line breaks → a space, control and bidi characters removed."""
    if text.isprintable():  # every character either pattern matches is Unicode Cc, Cf, Zl or Zp: not printable
        return text
    return _INVISIBLE.sub("", _LINE_BREAKS.sub(" ", text))


@dataclass(frozen=True)
class Text:
    max_length: int = 200
    required: bool = False
    strip: bool = True  # a stripped field is a one-line field (names, places …); notes keep their lines

    def coerce(self, session: Session, value: Any) -> str:
        text = "" if value is None else str(value)
        if self.strip:
            text = clean_line(text).strip()
        if self.required and not text:
            raise Invalid("必填")
        if len(text) > self.max_length:
            raise Invalid(f"不能超过 {self.max_length} 个字（现有 {len(text)} 个）")
        return text


@dataclass(frozen=True)
class MoneyField:
    allow_negative: bool = False
    required: bool = False

    def coerce(self, session: Session, value: Any) -> int:
        try:
            yuan = parse_money(value, allow_negative=self.allow_negative)
        except LedgerError as err:
            raise Invalid(str(err)) from err
        if yuan is None:
            if self.required:
                raise Invalid("必填")
            return 0
        if self.required and yuan == 0:
            raise Invalid("不能为 0")
        return yuan


@dataclass(frozen=True)
class DateField:
    required: bool = False

    def coerce(self, session: Session, value: Any) -> date | None:
        try:
            result = parse_date(value)
        except LedgerError as err:
            raise Invalid(str(err)) from err
        if result is None and self.required:
            raise Invalid("必填")
        return result


@dataclass(frozen=True)
class Flag:
    def coerce(self, session: Session, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().lower()
        if text in ("是", "true", "1", "yes", "y", "工业"):
            return True
        if text in ("否", "false", "0", "no", "n", "非工业"):
            return False
        raise Invalid(f"“{value}”应为“是”或“否”")


@dataclass(frozen=True)
class Count:
    minimum: int = 0
    maximum: int = 1_000_000

    def coerce(self, session: Session, value: Any) -> int:
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.minimum if self.minimum > 0 else 0
        try:
            number = float(unicodedata.normalize("NFKC", str(value)).strip().rstrip("个"))
        except ValueError as err:
            raise Invalid(f"“{value}”不是整数") from err
        if not math.isfinite(number) or number != int(number):  # “NaN”, “inf” parse as floats
            raise Invalid(f"“{value}”不是整数")
        if not self.minimum <= number <= self.maximum:
            raise Invalid(f"应在 {self.minimum}—{self.maximum} 之间")
        return int(number)


@dataclass(frozen=True)
class Choice:
    labels: dict[str, str]

    def coerce(self, session: Session, value: Any) -> str:
        text = unicodedata.normalize("NFKC", str(value or "")).strip()
        if text in self.labels:
            return text
        for code, label in self.labels.items():
            if text == label:
                return code
        raise Invalid(f"“{value}”不是可选值（{'、'.join(self.labels.values())}）")


ORIGIN = Choice(ORIGIN_LABELS)
UNIT_KIND = Choice(UNIT_KIND_LABELS)


def _lookup_unit(session: Session, value: Any) -> Unit:
    if isinstance(value, int) and not isinstance(value, bool):
        unit = session.get(Unit, value)
    else:
        name = str(value).strip()
        unit = session.scalar(select(Unit).where(Unit.name == name)) or session.scalar(
            select(Unit).where(Unit.short_name == name, Unit.short_name != ""))
    if unit is None or unit.deleted_at is not None:
        raise Invalid(f"没有这个单位：{value}")
    return unit


@dataclass(frozen=True)
class UnitRef:
    required: bool = False
    kind: str | None = None  # e.g. "park" for the landing park

    def coerce(self, session: Session, value: Any) -> int | None:
        if value is None or value == "":
            if self.required:
                raise Invalid("必填")
            return None
        unit = _lookup_unit(session, value)
        if self.kind and unit.kind != self.kind:
            raise Invalid(f"{unit.name}不是{UNIT_KIND_LABELS[self.kind]}")
        return unit.id


def split_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    text = unicodedata.normalize("NFKC", str(value))
    for sep in (",", ";", "，", "；", "/", "\n"):
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


@dataclass(frozen=True)
class UnitRefs:
    def coerce(self, session: Session, value: Any) -> list[int]:
        ids, missing = [], []
        for item in split_list(value):
            try:
                ids.append(_lookup_unit(session, item).id)
            except Invalid:
                missing.append(str(item))
        if missing:
            raise Invalid(f"没有这些单位：{'、'.join(missing)}")
        return sorted(set(ids))


@dataclass(frozen=True)
class PersonRefs:
    def coerce(self, session: Session, value: Any) -> list[int]:
        ids, problems = [], []
        for item in split_list(value):
            if isinstance(item, int) and not isinstance(item, bool):
                person = session.get(Person, item)
                found = [person] if person is not None and person.deleted_at is None else []
            else:
                found = list(session.scalars(select(Person).where(Person.name == str(item).strip(),
                                                                  Person.deleted_at.is_(None))))
            if not found:
                problems.append(f"没有这个人员：{item}")
            elif len(found) > 1:
                problems.append(f"有 {len(found)} 位同名人员“{item}”，请在界面中选择")
            else:
                ids.append(found[0].id)
        if problems:
            raise Invalid("；".join(problems))
        return sorted(set(ids))


@dataclass(frozen=True)
class DictionaryRef:
    kind: str

    def lookup(self, session: Session, value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            entry = session.get(DictionaryEntry, value)
        else:
            entry = session.scalar(select(DictionaryEntry).where(DictionaryEntry.kind == self.kind,
                                                                 DictionaryEntry.name == str(value).strip()))
        if entry is None or entry.kind != self.kind or entry.deleted_at is not None:
            raise Invalid(f"字典中没有“{value}”")
        return entry.id

    def coerce(self, session: Session, value: Any) -> int | None:
        if value is None or value == "":
            return None
        return self.lookup(session, value)


@dataclass(frozen=True)
class DictionaryRefs:
    kind: str

    def coerce(self, session: Session, value: Any) -> list[int]:
        ref = DictionaryRef(self.kind)
        ids, missing = [], []
        for item in split_list(value):
            try:
                ids.append(ref.lookup(session, item))
            except Invalid:
                missing.append(str(item))
        if missing:
            raise Invalid(f"字典中没有：{'、'.join(missing)}")
        return sorted(set(ids))


@dataclass(frozen=True)
class ProjectRef:
    def coerce(self, session: Session, value: Any) -> int:
        project = session.get(Project, value) if isinstance(value, int) else session.scalar(
            select(Project).where(Project.code == str(value).strip()))
        if project is None or project.deleted_at is not None:
            raise Invalid(f"没有这个项目：{value}")
        return project.id
