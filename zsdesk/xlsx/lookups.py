"""Everything an import checks against, loaded once (not one query per row).

Units, persons and dictionary entries stay in the session's identity map, so the entity specs'
own field checks (``session.get`` by id) run without touching the database again.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ..models import DictionaryEntry, Funding, Person, Project, Target, Unit
from ..ops.projects import normalized_name

SIMILAR = 0.85  # the ratio ops.find_similar uses
SIMILAR_GROUP_LIMIT = 500  # compare with at most this many projects of one investor
_PERSON_WITH_UNIT = re.compile(r"^(.+?)[(](.+)[)]$")


def norm(value: Any) -> str:
    return _norm_text(value) if type(value) is str else unicodedata.normalize("NFKC", str(value)).strip()


@functools.lru_cache(maxsize=1 << 16)
def _norm_text(value: str) -> str:
    """``norm`` of a text, remembered: an import folds the same investor spellings many times over."""
    return unicodedata.normalize("NFKC", value).strip()


def shared_bound(a: str, b: str, a_chars: set[str], b_chars: set[str]) -> int:
    """An upper bound of ``quick_ratio``'s matches between ``a`` and ``b`` (``*_chars``: their sets of
    characters), from two C-speed set differences: a character of one that the other lacks matches nothing,
    and it stands at least once in its text. Hence ``ratio() <= quick_ratio() <= 2·bound / (len(a) + len(b))``.
    An import compared ~5,800 stored names by ``quick_ratio`` (a Python loop, ~25 µs each) to keep ~100;
    this bound alone rejects ~98% of them (the same answers)."""
    return min(len(a) - len(a_chars - b_chars), len(b) - len(b_chars - a_chars))


def ratio_at_least(matcher: difflib.SequenceMatcher[str], a: str, b: str, threshold: float) -> bool:
    """``matcher.ratio() >= threshold`` (``matcher`` set to ``a`` and ``b``), the same answer, stopping as soon
    as it is known.

    ``ratio()`` is 2·M / (len(a) + len(b)) with M the sizes of ``get_matching_blocks`` summed, found by
    splitting at the longest match and recursing left and right. M only grows as blocks are found (say yes
    once the found ones reach the threshold), and each region still to split adds at most its shorter side
    (say no once even that cannot reach it). The same ``find_longest_match`` calls as the matcher's own,
    fewer of them; for a name just like another (a re-import), usually one or two instead of a dozen."""
    la, lb = len(a), len(b)
    total = la + lb
    if not total:
        return 1.0 >= threshold
    found = 0
    pending = min(la, lb)
    queue = [(0, la, 0, lb)]
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        pending -= min(ahi - alo, bhi - blo)
        i, j, k = matcher.find_longest_match(alo, ahi, blo, bhi)
        if k:
            found += k
            if 2.0 * found / total >= threshold:
                return True
            if alo < i and blo < j:
                queue.append((alo, i, blo, j))
                pending += min(i - alo, j - blo)
            if i + k < ahi and j + k < bhi:
                queue.append((i + k, ahi, j + k, bhi))
                pending += min(ahi - i - k, bhi - j - k)
        if 2.0 * (found + pending) / total < threshold:
            return False
    return 2.0 * found / total >= threshold


def projects_of(session: Session, spellings: Iterable[str]) -> list[Any]:
    """(id, code, name, investor) of the live projects of these exact investor spellings, in id order."""
    spellings = sorted(set(spellings))
    rows: list[Any] = []
    columns = (Project.id, Project.code, Project.name, Project.investor)
    if session.get_bind().dialect.name == "postgresql":  # one array parameter: 3× faster than IN lists
        if spellings:
            rows = list(session.execute(select(*columns).where(
                Project.investor == any_(bindparam("spellings", spellings, type_=ARRAY(String))),
                Project.deleted_at.is_(None))).all())
    else:
        # SQLite: at most 999 parameters in older builds. The statement as text, straight to the driver:
        # SQLAlchemy compiled each 900-name IN list and processed every row (27k rows of 4.5k investors at
        # 100k: 164 → 99 ms, the driver alone 93 ms). The same rows: these columns have no result processing.
        connection = session.connection()
        for start in range(0, len(spellings), 900):
            chunk = tuple(spellings[start:start + 900])
            rows += connection.exec_driver_sql(
                "SELECT id, code, name, investor FROM projects "
                f"WHERE investor IN ({', '.join('?' * len(chunk))}) AND deleted_at IS NULL", chunk).all()
    rows.sort(key=lambda r: r[0])  # id order, as one scan of the table gave them
    return rows


class Lookups:
    def __init__(self, session: Session) -> None:
        self.session = session
        # (kind, name in the file) → existing name to use instead (the window's “改用相近的已有名称”)
        self.aliases: dict[tuple[str, str], str] = {}
        live_units = [u for u in session.scalars(select(Unit)) if u.deleted_at is None]
        self._keep: list[Any] = list(live_units)  # strong references keep the identity map warm
        self.units: dict[str, Unit] = {}
        for unit in live_units:
            if unit.short_name:
                self.units.setdefault(norm(unit.short_name), unit)
        for unit in live_units:
            self.units[norm(unit.name)] = unit
        self.unit_by_exact = {u.name: u for u in live_units}
        persons = [p for p in session.scalars(select(Person)) if p.deleted_at is None]
        self._keep += persons
        self.persons: dict[str, list[Person]] = defaultdict(list)
        for person in persons:
            self.persons[norm(person.name)].append(person)
        entries = [e for e in session.scalars(select(DictionaryEntry)) if e.deleted_at is None]
        self._keep += entries
        self.dictionary = {(e.kind, norm(e.name)): e.id for e in entries}
        self._investors: list[str] | None = None
        self._by_code: dict[str, int] | None = None
        self._by_key: dict[tuple[str, str], tuple[int, str, str]] = {}
        self._groups: dict[str, list[tuple[str, int, str, str]]] = {}  # norm(investor) → its live projects
        # value in a file → ``person``'s answer: a file names the same persons row after row (the stored
        # persons and the aliases do not change while one is checked)
        self._person_answers: dict[tuple[type, Any], tuple[Person | None, str]] = {}
        self.stored: Any = None  # the helper's ``StoredProjects`` when they are current (``adopt``)

    def adopt(self, stored: Any) -> None:
        """Take the stored projects' look-ups read ahead by the helper (``stored_projects.StoredProjects``, current:
        nothing committed since) instead of reading the file's investors' projects: the same answers."""
        self.stored = stored
        self._investors = stored.investors
        self._by_code = stored.by_code
        self._groups = dict(stored.groups)  # copies: a check adds the investors it found no project of
        self._by_key = dict(stored.by_key)

    def _alias(self, kind: str, value: Any) -> str:
        text = norm(value)
        return self.aliases.get((kind, text), text)

    def unit(self, value: Any) -> Unit | None:
        return self.units.get(self._alias("unit", value))

    def person(self, value: Any) -> tuple[Person | None, str]:
        """A person by name, or ``姓名（单位）`` where two share a name; else a Chinese reason."""
        key = (type(value), value)
        found = self._person_answers.get(key)
        if found is None:
            found = self._person_answers[key] = self._person(value)
        return found

    def _person(self, value: Any) -> tuple[Person | None, str]:
        text = self._alias("person", value)
        found = self.persons.get(text, [])
        if not found:
            m = _PERSON_WITH_UNIT.match(text)
            if m:
                unit = self.unit(m.group(2))
                found = [p for p in self.persons.get(m.group(1).strip(), []) if unit and p.unit_id == unit.id]
        if not found:
            return None, f"没有这个人员：{value}"
        if len(found) > 1:
            return None, f"有 {len(found)} 位同名人员“{value}”，请写成“姓名（单位）”"
        return found[0], ""

    def entry(self, kind: str, value: Any) -> int | None:
        return self.dictionary.get((kind, self._alias(kind, value)))

    def nearest(self, kind: str, value: Any) -> str | None:
        """The existing name closest to a missing one (``文旅`` → ``文旅康养``), or ``None`` if none is close:
        a name that contains it or is contained in it (the shortest such), else the best similar one."""
        text = norm(value)
        if kind == "unit":
            names = list(self.unit_by_exact)
        elif kind == "person":
            names = [p.name for group in self.persons.values() for p in group]
        else:
            names = [name for k, name in self.dictionary if k == kind]
        if not text or not names:
            return None
        inside = [n for n in names if n != text and (text in n or n in text)]
        if inside:
            return min(inside, key=lambda n: (abs(len(n) - len(text)), n))
        close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
        return close[0] if close else None

    # -- projects -------------------------------------------------------------------------------
    # Loaded per investor, not for the whole ledger: an import of 5,000 rows into a 100k ledger looked
    # at every stored project (1.3 s) to answer questions about the file's few thousand investors.
    def stored_investors(self) -> list[str]:
        """Every investor spelling of the ledger's live projects (only their projects are looked up; read from
        ix_projects_live_investor alone)."""
        if self._investors is None:
            self._investors = [inv or "" for inv in self.session.scalars(
                select(Project.investor).where(Project.deleted_at.is_(None)).distinct())]
        return self._investors

    def load_investors(self, investors: Iterable[Any]) -> None:
        """Load the live projects of these investors (any spelling ``norm`` folds together) in one pass."""
        wanted = {norm(i or "") for i in investors} - set(self._groups)
        if wanted:
            self.add_investor_rows(wanted, self.projects_of([inv for inv in self.stored_investors()
                                                             if norm(inv) in wanted]))

    def projects_of(self, spellings: Iterable[str]) -> list[Any]:
        """(id, code, name, investor) of the live projects of these exact investor spellings, in id order."""
        return projects_of(self.session, spellings)

    def add_investor_rows(self, wanted: set[str], rows: list[Any], keys: list[str] | None = None) -> None:
        """Keep ``rows`` (``projects_of``) as the whole live projects of the ``norm``-ed investors ``wanted``;
        ``keys``: their names' ``normalized_name`` when the caller has them already."""
        wanted = wanted - set(self._groups)
        if not wanted:
            return
        for inv in wanted:
            self._groups[inv] = []
        folded: dict[str, str] = {}
        for n, (pid, code, name, investor) in enumerate(rows):
            known = folded.get(investor)
            inv = known if known is not None else folded.setdefault(investor, norm(investor or ""))
            if inv in wanted:
                key = normalized_name(name) if keys is None else keys[n]
                self._groups[inv].append((key, pid, code, name))
                self._by_key.setdefault((inv, key), (pid, code, name))

    def _group(self, inv: str) -> list[tuple[str, int, str, str]]:
        if inv not in self._groups:
            self.load_investors([inv])
        return self._groups[inv]

    def project_by_code(self, code: Any) -> int | None:
        if self._by_code is None:
            self._by_code = dict(self.session.execute(select(Project.code, Project.id).where(
                Project.deleted_at.is_(None))).all())
        return self._by_code.get(norm(code))

    def project_by_key(self, investor: Any, name: Any) -> tuple[int, str, str] | None:
        inv = norm(investor or "")
        self._group(inv)
        return self._by_key.get((inv, normalized_name(str(name))))

    def similar_projects(self, investor: Any, name: Any, exclude: int | None = None) -> list[tuple[int, str, str]]:
        """Same investor, very similar name (not the same); blank investors are not compared."""
        inv = norm(investor or "")
        if not inv:
            return []
        key = normalized_name(str(name))
        size = len(key)
        out = []
        matcher = None  # set up (its index of ``key``) only for a name the bounds let through: most rows have none
        chars = set(key)
        for other, pid, code, pname in self._group(inv)[:SIMILAR_GROUP_LIMIT]:
            if pid == exclude or other == key:
                continue
            total = len(other) + size  # > 0: two empty names are equal, skipped above
            if 2.0 * min(len(other), size) / total < SIMILAR:  # real_quick_ratio(), before setting the matcher up
                continue
            if 2.0 * shared_bound(other, key, set(other), chars) / total < SIMILAR:
                continue
            if matcher is None:
                matcher = difflib.SequenceMatcher(None, "", key)
            matcher.set_seq1(other)
            if matcher.quick_ratio() >= SIMILAR and ratio_at_least(matcher, other, key, SIMILAR):
                out.append((pid, code, pname))
        return out

    # -- funding and targets ----------------------------------------------------------------------
    def funding_keys(self, project_ids: Iterable[int]) -> set[tuple[int, date, int]]:
        ids = sorted(set(project_ids))
        keys: set[tuple[int, date, int]] = set()
        for start in range(0, len(ids), 900):
            rows = self.session.execute(select(Funding.project_id, Funding.date, Funding.amount).where(
                Funding.project_id.in_(ids[start:start + 900]), Funding.deleted_at.is_(None)))
            keys.update((pid, on, amount) for pid, on, amount in rows)
        return keys

    def targets(self) -> dict[tuple[int | None, int], Target]:
        found = [t for t in self.session.scalars(select(Target)) if t.deleted_at is None]
        self._keep += found
        return {(t.unit_id, t.year): t for t in found}
