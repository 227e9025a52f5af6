"""What a cell means in an import: a blank never changes a field, ``（清空）`` clears it.

A unit's sheet often fills only some columns; for a record the ledger already has, a blank cell
means "not reported", never "erase". Clearing a stored value takes the explicit word ``（清空）``
(half-width ``(清空)`` too).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol

from ..ops.fields import clean_line


class Problems(Protocol):
    """Where a row's problems go (the importer's ``Context``)."""

    def problem(self, row: int, field_name: str, reason: str) -> None: ...

CLEAR_WORD = "（清空）"
_WHITESPACE = re.compile(r"\s+")


def is_clear(value: Any) -> bool:
    """``（清空）`` / ``(清空)`` (any width, spaces ignored)."""
    # 清 (U+6E05) is the only character NFKC maps to one containing 清: without it, never the word
    # (a fast answer for the 25 cells of every row).
    if not isinstance(value, str) or "清" not in value:
        return False
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", value)) == "(清空)"


def exact_key(value: Any) -> str:
    """A name as an update key: one-line cleaned, runs of white space folded to one space, trimmed.

    Nothing else is folded: “正常 项目-A” and “正常项目-A” are different keys.
    """
    if value is None:
        return ""
    text = str(value)
    # Fast path, the same answer: a printable text has no line break, control or direction character (all
    # are Unicode Cc/Cf/Zl/Zp) and no white space but U+0020, so only the runs of spaces and the ends remain.
    if text.isprintable() and "  " not in text:
        return text.strip()
    return _WHITESPACE.sub(" ", clean_line(text)).strip()


def row_cells(ctx: Problems, number: int, row: dict[str, Any], updating: bool,
              keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """The cells of one row that take part in the write.

    For an update, blank cells are dropped (the stored value stays) and ``（清空）`` becomes a blank
    (the stored value is cleared), except in ``keep`` — key and required columns — where clearing is
    refused. For a new record ``（清空）`` is just a blank.
    """
    out: dict[str, Any] = {}
    for name, value in row.items():
        if is_clear(value):
            if updating and name in keep:
                ctx.problem(number, name, f"这一列不能{CLEAR_WORD}")
                continue
            out[name] = None
        elif value is None:
            if not updating:
                out[name] = None
        else:
            out[name] = value
    return out
