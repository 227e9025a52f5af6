"""The import's per-cell shortcuts (issue 20) answer exactly as the plain definitions: the near-duplicate
test (length bound, quick_ratio first) as ``SequenceMatcher(None, a, b).ratio() >= 0.85``, the
``（清空）`` test (no 清, no word) as NFKC + no spaces == "(清空)", and the remembered ``norm``."""

from __future__ import annotations

import difflib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from zsdesk.ops.projects import normalized_name
from zsdesk.xlsx.cells import is_clear
from zsdesk.xlsx.lookups import norm, shared_bound
from zsdesk.xlsx.rows_projects import _similar

NAME = st.text(st.sampled_from("ab甲乙丙丁项目公司1２ _-（）"), max_size=14)


@settings(max_examples=3000, deadline=None)
@given(NAME, NAME)
def test_same_answer_as_the_full_ratio(a: str, b: str) -> None:
    a, b = normalized_name(a), normalized_name(b)
    assert _similar(a, b) == (difflib.SequenceMatcher(None, a, b).ratio() >= 0.85)


@settings(max_examples=3000, deadline=None)
@given(NAME, NAME)
def test_the_character_set_bound_is_never_below_quick_ratio(a: str, b: str) -> None:
    """quick_ratio's matches (the multiset intersection) never exceed the bound, so rejecting by it is exact."""
    matches = round(difflib.SequenceMatcher(None, a, b).quick_ratio() * (len(a) + len(b)) / 2)
    assert shared_bound(a, b, set(a), set(b)) >= matches


def test_the_bound_worked() -> None:
    assert shared_bound("甲乙丙", "甲乙丁", {"甲", "乙", "丙"}, {"甲", "乙", "丁"}) == 2
    assert shared_bound("甲甲甲", "甲", {"甲"}, {"甲"}) == 1  # the shorter text
    assert shared_bound("ab", "cd", {"a", "b"}, {"c", "d"}) == 0


def test_worked_examples() -> None:
    assert _similar("", "")
    assert _similar("巫溪县智能制造产业园项目", "巫溪县智能制造产业园二期项目") is (
        difflib.SequenceMatcher(None, "巫溪县智能制造产业园项目", "巫溪县智能制造产业园二期项目").ratio() >= 0.85)
    assert not _similar("甲", "甲乙丙丁")
    assert normalized_name("Ａ项目 （一期）") == "a项目一期"


CELL = st.text(st.sampled_from("清空（）() \u3000\t清清空空㈠项目\uf900\U0001f233"), max_size=8) | st.sampled_from(
    ["（清空）", "(清空)", " （ 清 空 ） ", "\uff08清空\uff09", "清空", "(清空", "（清空）。"])


@settings(max_examples=2000, deadline=None)
@given(CELL)
def test_clear_word_as_defined(value: str) -> None:
    assert is_clear(value) == (re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)) == "(清空)")


@given(st.one_of(st.text(max_size=10), st.integers(), st.floats(allow_nan=False)))
def test_norm_as_defined(value: object) -> None:
    assert norm(value) == unicodedata.normalize("NFKC", str(value)).strip()
    assert norm(value) == norm(value)


def test_ledger_hints_as_the_full_ratio(build) -> None:  # type: ignore[no-untyped-def]
    """The import's ledger hints (length bound, character sets, longest_match) name exactly the stored projects
    of the investor whose normalised name has SequenceMatcher.ratio() >= 0.85 and is not the same."""
    from zsdesk.xlsx.lookups import SIMILAR, Lookups

    stored = ["玻纤新材料生产项目（实测1-17）", "玻纤新材料生产项目（实测2-17）", "玻纤新材料生产项目", "料材新纤玻生产项目",
              "年产10万吨玻纤项目", "年产１０万吨玻纤项目二期", "光伏组件", "光伏组建", "Ａ项目 （一期）", "a项目一期扩建"]
    ids = {build.project(name, investor="某玻纤公司"): name for name in stored}
    asked = ["玻纤新材料生产项目（实测3-17）", "玻纤新材料生产项目", "年产10万吨玻纤项目二期", "光伏组件", "a项目一期",
             "生产项目材料新纤玻", "完全不同的名字"]
    hits = 0
    with build.ledger.reading() as s:
        look = Lookups(s)
        for name in asked:
            key = normalized_name(name)
            expected = sorted(pid for pid, other in ids.items() if normalized_name(other) != key
                              and difflib.SequenceMatcher(None, normalized_name(other), key).ratio() >= SIMILAR)
            assert sorted(pid for pid, _c, _n in look.similar_projects("某玻纤公司", name)) == expected, name
            hits += len(expected)
    assert hits >= 3  # the examples do have near-twins
