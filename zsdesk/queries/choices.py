"""What a clerk can pick while typing: projects, units, parks, persons, investors, chains, tags.

Each choice carries the text that goes into the field (``value``) and the text it is found by
(``keys``): its name, short name and code, plus the pinyin initials and full pinyin of each, so
``zytj`` finds "中药贴剂" and ``zyyq`` finds "正阳工业园区" by its short name "正阳园区". Pinyin is
computed once per distinct text and cached for the life of the process (pypinyin, offline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DictionaryEntry, Person, Project, Unit

__all__ = ["Choice", "Choices", "choice", "load_choices", "pinyin_keys", "search_keys"]

KEY_SEPARATOR = "\x1f"  # never typed, so a match cannot span two keys
MAX_INVESTORS = 20000


@lru_cache(maxsize=200_000)
def pinyin_keys(text: str) -> tuple[str, str]:
    """``"中药贴剂"`` → ``("zytj", "zhongyaotieji")``; letters and digits stay as they are (lower-cased).

    One phrase-aware pass (``重庆`` reads chong qing, not zhong qing); the initials are taken from it
    rather than from a second pass (measured: ~100 µs a name instead of ~250 µs).
    """
    if not text:
        return "", ""
    from pypinyin import Style, lazy_pinyin  # a large dictionary: loaded on first use only

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    initials = "".join(s if s in text else s[:1] for s in syllables).lower()  # "ABC12" stays whole
    return initials, "".join(syllables).lower()


def search_keys(*texts: str) -> str:
    """The text a choice is found by: each given text and its pinyin initials and full pinyin."""
    keys: list[str] = []
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        keys.append(text.lower())
        keys.extend(k for k in pinyin_keys(text) if k)
    return KEY_SEPARATOR.join(dict.fromkeys(keys))


@dataclass(frozen=True)
class Choice:
    value: str  # what goes into the field
    keys: str  # what it is found by (see search_keys)
    id: int | None = None


def choice(value: str, *also: str, id: int | None = None) -> Choice:  # noqa: A002 - the record's id
    return Choice(value, search_keys(value, *also), id)


@dataclass
class Choices:
    projects: list[Choice] = field(default_factory=list)  # value "代码 名称"
    units: list[Choice] = field(default_factory=list)  # active units, in their sort order
    parks: list[Choice] = field(default_factory=list)
    persons: list[Choice] = field(default_factory=list)  # "张伟", or "张伟（高新区）" when two share a name
    investors: list[Choice] = field(default_factory=list)
    chains: list[Choice] = field(default_factory=list)
    tags: list[Choice] = field(default_factory=list)
    unit_kinds: dict[str, str] = field(default_factory=dict)  # unit name → kind


def _dictionary(s: Session, kind: str) -> list[Choice]:
    names = s.scalars(select(DictionaryEntry.name).where(
        DictionaryEntry.kind == kind, DictionaryEntry.deleted_at.is_(None))
        .order_by(DictionaryEntry.sort_order, DictionaryEntry.id))
    return [choice(n) for n in dict.fromkeys(names)]


def project_choices(s: Session) -> list[Choice]:
    rows = s.execute(select(Project.id, Project.code, Project.name).where(Project.deleted_at.is_(None))
                     .order_by(Project.code.desc())).all()
    return [choice(f"{code} {name}", code, name, id=pid) for pid, code, name in rows]


def person_choices(s: Session) -> list[Choice]:
    persons = s.execute(select(Person.id, Person.name, Unit.short_name, Unit.name)
                        .outerjoin(Unit, Unit.id == Person.unit_id)
                        .where(Person.deleted_at.is_(None)).order_by(Person.name, Person.id)).all()
    counts: dict[str, int] = {}
    for _pid, name, _short, _unit in persons:
        counts[name] = counts.get(name, 0) + 1
    out: list[Choice] = []
    for pid, name, short, unit in persons:
        # Same name twice: "张伟（高新区）" so the clerk can pick the right one.
        shown = name if counts[name] == 1 else f"{name}（{short or unit or '无单位'}）"
        out.append(choice(shown, name, short or "", unit or "", id=pid))
    return out


def load_choices(s: Session, kinds: Iterable[str] | None = None) -> Choices:
    """Everything a form can suggest, or only ``kinds`` (field names of :class:`Choices`)."""
    want = set(kinds) if kinds is not None else {"projects", "units", "parks", "persons", "investors",
                                                  "chains", "tags"}
    out = Choices()
    if want & {"units", "parks"}:
        units = s.execute(select(Unit.id, Unit.name, Unit.short_name, Unit.kind)
                          .where(Unit.deleted_at.is_(None), Unit.active.is_(True))
                          .order_by(Unit.sort_order, Unit.id)).all()
        out.units = [choice(name, short, id=uid) for uid, name, short, _kind in units]
        out.parks = [c for c, (*_x, kind) in zip(out.units, units, strict=True) if kind == "park"]
        out.unit_kinds = {name: kind for _uid, name, _short, kind in units}
    if "projects" in want:
        out.projects = project_choices(s)
    if "persons" in want:
        out.persons = person_choices(s)
    if "investors" in want:
        out.investors = [choice(n) for n in s.scalars(
            select(Project.investor).where(Project.investor != "", Project.deleted_at.is_(None)).distinct()
            .order_by(Project.investor).limit(MAX_INVESTORS))]
    if "chains" in want:
        out.chains = _dictionary(s, "chain")
    if "tags" in want:
        out.tags = _dictionary(s, "investor_tag")
    return out
