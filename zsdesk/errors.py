"""Errors the user can cause. Their message is Chinese and is shown to the user as is.

Anything that is not a ``LedgerError`` is a bug: it is logged, and the user sees an apology.
"""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """A problem the user can fix; ``str(err)`` is a complete Chinese sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FieldProblem:
    field: str  # code name of the field, e.g. "agreement_amount"
    label: str  # Chinese label shown to the user, e.g. "协议资金"
    reason: str  # Chinese reason, e.g. "不能为负数"

    def __str__(self) -> str:
        return f"{self.label}：{self.reason}"


class ValidationError(LedgerError):
    """One or more fields are wrong; nothing was written."""

    def __init__(self, problems: list[FieldProblem], prefix: str = "") -> None:
        self.problems = list(problems)
        text = "；".join(str(p) for p in self.problems)
        super().__init__(f"{prefix}{text}" if prefix else text)


class NotFound(LedgerError):
    pass


@dataclass(frozen=True)
class FieldChange:
    """One field another person changed: shown as ``label：theirs → now``; the raw values for re-applying."""

    field: str
    label: str
    theirs: str  # as the editor saw it
    now: str  # as it is stored now
    old_value: object = None
    new_value: object = None


class ConflictError(LedgerError):
    """Someone else changed the record since it was read (shared ledgers); ``changes`` says what."""

    def __init__(self, message: str, changes: list[FieldChange] | None = None, current_version: int | None = None,
                 by: str = "") -> None:
        super().__init__(message)
        self.changes = list(changes or [])
        self.current_version = current_version
        self.by = by


class LedgerTooNew(LedgerError):
    pass


class LedgerDamaged(LedgerError):
    pass


class LedgerLocked(LedgerError):
    pass
