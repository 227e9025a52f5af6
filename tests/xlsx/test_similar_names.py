"""The import's near-duplicate test takes shortcuts (length bound, quick_ratio) but answers exactly as
``difflib.SequenceMatcher(None, a, b).ratio() >= 0.85`` did."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from zsdesk.ops.projects import normalized_name
from zsdesk.xlsx.rows_projects import _similar

NAME = st.text(st.sampled_from("ab甲乙丙丁项目公司1２ _-（）"), max_size=14)


@settings(max_examples=3000, deadline=None)
@given(NAME, NAME)
def test_same_answer_as_the_full_ratio(a: str, b: str) -> None:
    a, b = normalized_name(a), normalized_name(b)
    assert _similar(a, b) == (difflib.SequenceMatcher(None, a, b).ratio() >= 0.85)


def test_worked_examples() -> None:
    assert _similar("", "")
    assert _similar("巫溪县智能制造产业园项目", "巫溪县智能制造产业园二期项目") is (
        difflib.SequenceMatcher(None, "巫溪县智能制造产业园项目", "巫溪县智能制造产业园二期项目").ratio() >= 0.85)
    assert not _similar("甲", "甲乙丙丁")
    assert normalized_name("Ａ项目 （一期）") == "a项目一期"
