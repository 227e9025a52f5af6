"""The duplicate checks' name folding (imp3's fast paths) gives exactly the plain definitions' answers:
NFKC, lower case, spaces and punctuation removed; SQLite's ``lower()`` folds ASCII letters only."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from zsdesk.ops.projects import _sqlite_lower, normalized_name

_NOT_NAME = re.compile(r"[\s\W_]+")


def plain_normalized(text: str) -> str:
    return _NOT_NAME.sub("", unicodedata.normalize("NFKC", text or "").lower())


def plain_sqlite_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


CASES = ["", "重庆玻纤有限公司", "ＡＢＣ（重庆）有限公司", "abc_def", "A B\tC", "Ⅻ号厂", "ﬁ公司", "İstanbul", "ß", "Σ甲",
         "１２３", "株式会社　ABC", "\u200b隐形", "é", "e\u0301", "㍿"]


def test_known_names() -> None:
    for text in CASES:
        assert normalized_name(text) == plain_normalized(text), text
        assert _sqlite_lower(text) == plain_sqlite_lower(text), text


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FFF) | st.sampled_from("ＡＢＣ（）　İßΣ㍿ﬁ"), max_size=30))
def test_same_as_plain_definitions(text: str) -> None:
    assert normalized_name(text) == plain_normalized(text)
    assert _sqlite_lower(text) == plain_sqlite_lower(text)
