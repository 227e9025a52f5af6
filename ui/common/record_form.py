"""What the project, lead and trip forms share: fields by key, problems under their fields, saving over
someone else's newer save, and Esc asking 保存 / 不保存 / 取消.

A form keeps its widgets in ``widgets`` and their error labels in ``errors`` (by the engine's field key),
what it loaded in ``_loaded`` and the version it loaded in ``version``; it builds ``message``, the line
beside its buttons, and gives ``values``, ``dirty`` and ``save``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from zsdesk.errors import ConflictError, FieldProblem, LedgerError, ValidationError
from zsdesk.ops.history import Change

from .. import strings as S
from .context import LedgerContext
from .errors import DISCARD, SAVE, ask_save, confirm, show_error

ERROR_STYLE = "color: #c0392b;"
HINT_STYLE = "color: #777;"


def match_persons(text: str, person_ids: dict[str, int]) -> tuple[list[int], list[str]]:
    """Persons typed as names separated by 、: their ids, and what could not be matched (unknown or ambiguous)."""
    ids, problems = [], []
    for part in [p.strip() for p in text.split("、") if p.strip()]:
        pid = person_ids.get(part)
        if pid is not None:
            ids.append(pid)
        elif any(shown.startswith(f"{part}（") for shown in person_ids):
            problems.append(S.FORM_AMBIGUOUS_PERSON.format(name=part))
        else:
            problems.append(S.FORM_UNKNOWN_PERSON.format(name=part))
    return ids, problems


class RecordForm(QDialog):
    ask_save_text = S.ASK_SAVE_FORM  # the question Esc asks over unsaved edits
    problem_fallback = "name"  # the field a problem about the whole record is shown under
    message: QLabel

    def __init__(self, context: LedgerContext, parent: QWidget | None = None,
                 read_only_reason: str | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.version: int | None = None
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._loaded: dict[str, Any] = {}
        self._left = False
        self.read_only_reason = read_only_reason  # why this person may only look (None: may write)

    # --- what a form gives --------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def dirty(self) -> bool:
        raise NotImplementedError

    def save(self) -> bool:
        raise NotImplementedError

    # --- fields -------------------------------------------------------------------------------
    def text_of(self, key: str) -> str:
        w = self.widgets[key]
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QComboBox):
            return w.currentText()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        raise TypeError(key)

    def set_text(self, key: str, text: str) -> None:
        w = self.widgets[key]
        if isinstance(w, QLineEdit):
            w.setText(text)
        elif isinstance(w, QComboBox):
            w.setEditText(text)
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(text)

    def field_box(self, key: str, widget: QWidget, hint: QLabel | None = None) -> QWidget:
        """``widget`` with its grey hint beside it and its red problem line under it, kept by ``key``."""
        self.widgets[key] = widget
        error = QLabel(self)
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setVisible(False)
        error.setObjectName(f"error_{key}")
        self.errors[key] = error
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        row = QHBoxLayout()
        row.addWidget(widget, 1)
        if hint is not None:
            hint.setStyleSheet(HINT_STYLE)
            row.addWidget(hint)
        lay.addLayout(row)
        lay.addWidget(error)
        return box

    def show_problem(self, key: str, reason: str | None) -> None:
        label = self.errors.get(key)
        if label is not None:
            label.setText(reason or "")
            label.setVisible(bool(reason))

    def clear_problems(self) -> None:
        for key in self.errors:
            self.show_problem(key, None)
        self.message.setText("")

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Each problem under its field (one about the record under ``problem_fallback``); the first focused."""
        first = None
        for problem in problems:
            key = problem.field if problem.field in self.errors else self.problem_fallback
            self.show_problem(key, problem.reason if key == problem.field else str(problem))
            first = first or key
        self.message.setText(S.FORM_NOT_SAVED.format(n=len(problems)))
        if first is not None:
            self.focus_field(first)

    def focus_field(self, key: str) -> None:
        self.widgets[key].setFocus()

    # --- saving -------------------------------------------------------------------------------
    def write_record(self, record_id: int | None, create: Callable[..., Change], update: Callable[..., Change],
                     new_id: Callable[[Change], int]) -> int | None:
        """Create the record, or write what changed since it was loaded; its id, or None when refused
        (the problems shown, a newer save offered to reload, any other refusal in a message box)."""
        changes: dict[str, Any] = {}
        try:
            values = self.values()
            if record_id is None:
                return new_id(self.context.try_run(create, values))
            changes = {k: v for k, v in values.items() if v != self._loaded.get(k)}
            if changes:
                self.context.try_run(update, record_id, changes, expected_version=self.version)
            return record_id
        except ValidationError as err:
            self.show_problems(err.problems)
        except ConflictError as err:
            self.after_conflict(err, set(changes))
        except LedgerError as err:
            show_error(self, err)
        return None

    def after_conflict(self, err: ConflictError, mine: set[str]) -> None:
        raise NotImplementedError

    def reload_over_conflict(self, err: ConflictError, mine: set[str], reload: Callable[[], None],
                             restore: Callable[[], None] = lambda: None,
                             typed_keys: Callable[[str], bool] = lambda _key: True) -> None:
        """Someone saved this record since it was opened: show what they changed, load their version, and
        (if asked) type this clerk's own edits in again on top, to check and save."""
        both = [c.label for c in err.changes if c.field in mine]
        both_text = S.CONFLICT_BOTH.format(fields="、".join(both)) if both else ""
        reapply = confirm(self, S.CONFLICT_TITLE, str(err) + both_text, yes=S.CONFLICT_REAPPLY,
                          no=S.CONFLICT_RELOAD)
        typed = {k: self.text_of(k) for k in mine if k in self.widgets and typed_keys(k)}
        reload()  # theirs, and the version to save over
        if not reapply:
            self.message.setText(S.CONFLICT_RELOADED)
            return
        for key, value in typed.items():
            self.set_text(key, value)
        restore()
        self.message.setText(S.CONFLICT_REAPPLIED + both_text)

    # --- leaving ------------------------------------------------------------------------------
    def save_before_leaving(self) -> bool:
        return self.save()

    def leave(self) -> bool:
        """Unsaved edits: 保存 / 不保存 / 取消. True when the form may close (saved or discarded)."""
        if self._left or self.read_only_reason is not None or not self.dirty():
            return True
        answer = ask_save(self, self.ask_save_text)
        if answer == SAVE:
            if not self.save_before_leaving():
                return False
        elif answer != DISCARD:
            return False
        self._left = True
        return True

    def reject(self) -> None:
        if not self.leave():
            return
        if self.isVisible():  # 保存 closed it already
            super().reject()

