"""The import's fast paths give the very answers of the slow ones they replace (issue 20)."""

from __future__ import annotations

import difflib
import gc
import random
from datetime import date, datetime

import pytest

from zsdesk.ops.fields import (
    _INVISIBLE,
    _LINE_BREAKS,
    DateField,
    Flag,
    Invalid,
    MoneyField,
    clean_line,
)
from zsdesk.xlsx.cells import _WHITESPACE, exact_key
from zsdesk.xlsx.lookups import ratio_at_least
from zsdesk.xlsx.rows_base import MemoKind, collector_paused


def _slow_clean(text: str) -> str:
    return _INVISIBLE.sub("", _LINE_BREAKS.sub(" ", text))


def _slow_key(text: str) -> str:
    return _WHITESPACE.sub(" ", _slow_clean(text)).strip()


def test_exact_key_and_clean_line_fast_paths_agree_on_every_code_point() -> None:
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        for text in (c, f"甲{c}乙", f" {c} ", c + c, f"项目 {c}"):
            assert clean_line(text) == _slow_clean(text), hex(cp)
            assert exact_key(text) == _slow_key(text), hex(cp)


def _mutated(rng: random.Random, text: str, alphabet: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 5)):
        at = rng.randint(0, len(chars))
        roll = rng.random()
        if roll < 0.4:
            chars.insert(at, rng.choice(alphabet))
        elif chars and roll < 0.7:
            chars.pop(min(at, len(chars) - 1))
        elif chars:
            chars[min(at, len(chars) - 1)] = rng.choice(alphabet)
    return "".join(chars)


@pytest.mark.parametrize("threshold", [0.85, 0.6, 0.95])
def test_ratio_at_least_is_ratio_compared(threshold: float) -> None:
    rng = random.Random(20)
    alphabet = "原料药生产线一期项目实测0123456789ab"
    seen = {True: 0, False: 0}
    for _ in range(20_000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        b = _mutated(rng, a, alphabet) if rng.random() < 0.6 else "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        want = difflib.SequenceMatcher(None, a, b).ratio() >= threshold
        assert ratio_at_least(difflib.SequenceMatcher(None, a, b), a, b, threshold) is want, (a, b)
        seen[want] += 1
    assert min(seen.values()) > 100  # both answers were exercised


def test_ratio_at_least_on_long_names_with_junk_heuristic() -> None:
    rng = random.Random(7)
    for _ in range(300):  # 200+ characters: SequenceMatcher's popular-element heuristic is on
        a = "".join(rng.choice("abcde项目") for _ in range(rng.randint(190, 260)))
        b = _mutated(rng, a, "abcdefg")
        want = difflib.SequenceMatcher(None, a, b).ratio() >= 0.85
        assert ratio_at_least(difflib.SequenceMatcher(None, a, b), a, b, 0.85) is want


class _Counting:
    def __init__(self, kind: object) -> None:
        self.kind = kind
        self.calls = 0

    def coerce(self, session: object, value: object) -> object:
        self.calls += 1
        return self.kind.coerce(session, value)  # type: ignore[attr-defined]  # a field kind


@pytest.mark.parametrize("kind,values", [
    (MoneyField(), ["12.5", 12.5, 12, "1,000", "abc", "-3", None, "", "12.5亿"]),
    (DateField(), ["2026-03-01", datetime(2026, 3, 1), date(2026, 3, 1), 46082, "2026-02-30", "x", None]),
    (Flag(), [True, 1, 1.0, "1", "是", "否", "也许", None, False, 0]),
])
def test_memo_kind_answers_as_the_kind_once_per_distinct_value(kind: object, values: list[object]) -> None:
    counting = _Counting(kind)
    memo = MemoKind(counting)
    for _ in range(3):
        for value in values:
            try:
                expected: object = ("ok", kind.coerce(None, value))  # type: ignore[attr-defined]  # a field kind
            except Invalid as err:
                expected = ("bad", err.reason)
            try:
                got: object = ("ok", memo.coerce(None, value))  # type: ignore[arg-type]  # no session needed
            except Invalid as err:
                got = ("bad", err.reason)
            assert got == expected, value
            assert type(got[1]) is type(expected[1])  # type: ignore[index]  # both are pairs
    # 1, 1.0, True and "1" are remembered apart; every distinct value was asked once
    distinct = {(type(v), v) for v in values}
    assert counting.calls == len(distinct)


def test_memo_kind_hands_out_a_fresh_list() -> None:
    class Listing:
        def coerce(self, session: object, value: object) -> list[int]:
            return [1, 2]

    memo = MemoKind(Listing())
    first = memo.coerce(None, "a")  # type: ignore[arg-type]  # no session needed
    first.append(3)
    assert memo.coerce(None, "a") == [1, 2]  # type: ignore[arg-type]  # no session needed


def test_collector_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_seeded_same_names_refuse_as_the_database_would(ledger) -> None:
    """The check's stored projects start the batch insert's same-name memo (seed_same_names): a stored name
    in other ASCII capitals is still refused, and a seed after a write in the operation is not taken."""
    from sqlalchemy import select

    from zsdesk import ops
    from zsdesk.errors import ValidationError
    from zsdesk.models import Project
    from zsdesk.ops.crud import create_in, validate
    from zsdesk.ops.history import operation
    from zsdesk.ops.projects import insert_projects_in, seed_same_names
    from zsdesk.ops.units import UNIT
    from zsdesk.xlsx.rows_projects import ProjectReader

    ops.create_project(ledger, {"name": "Alpha项目", "investor": "甲公司"})

    def values(session: object, name: str) -> dict[str, object]:
        return validate(session, ProjectReader.check_spec, {"name": name, "investor": "甲公司"}, None)  # type: ignore[arg-type]  # a Session

    def stored(session: object) -> list[object]:
        return list(session.execute(select(Project.id, Project.code, Project.name, Project.investor)))  # type: ignore[attr-defined]  # a Session

    with pytest.raises(ValidationError, match="同名项目"), operation(ledger, "导入") as op:
        seed_same_names(op, ["甲公司"], stored(op.session))
        assert "project_same_names" in op.memo
        insert_projects_in(op, [values(op.session, "ALPHA项目")])
    with pytest.raises(ValidationError, match="同名项目"), operation(ledger, "导入") as op:
        create_in(op, UNIT, {"name": "新单位", "short_name": "新单位", "kind": "other"})
        seed_same_names(op, ["甲公司"], [])  # written already: an (empty, wrong) seed is not taken
        assert "project_same_names" not in op.memo
        insert_projects_in(op, [values(op.session, "alpha项目")])
    with ledger.reading() as s:
        assert s.scalar(select(Project.id).where(Project.name == "alpha项目")) is None
