"""项目进展 (SPEC §9): dated one-line notes on a project — add, edit, delete, restore; audited, undoable.

A note counts as an update for the 无进展 flag (``zsdesk.queries.stale_condition`` looks at the latest
note's date beside the project's ``updated_at``); adding one does not touch the project record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ..dates import parse_date
from ..errors import FieldProblem, LedgerError, NotFound, ValidationError
from ..models import Project, ProjectProgress
from .conflicts import check_version
from .crud import EntitySpec, set_deleted
from .fields import Invalid, ProjectRef
from .history import Change, operation

if TYPE_CHECKING:
    from ..ledger import Ledger

MAX_TEXT = 500
PROGRESS = EntitySpec("progress", ProjectProgress, {}, title=lambda n: f"{n.date} {n.text[:20]}")


def clean_text(value: Any) -> str:
    """One line: line breaks and runs of spaces become one space; control characters are dropped."""
    text = "" if value is None else str(value)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", text.replace("\r", "\n"))
    return re.sub(r"\s*\n\s*|[ \t\u3000]{2,}", " ", text).strip()


def _checked(session: Session, project: Any, when: Any, text: Any, today: date,
             check_project: bool = True) -> tuple[int | None, date | None, str]:
    problems: list[FieldProblem] = []
    project_id = None
    if check_project:
        try:
            project_id = ProjectRef().coerce(session, project)
        except Invalid as err:
            problems.append(FieldProblem("project_id", "项目", err.reason))
    on = None
    try:
        on = parse_date(when)
        if on is None:
            problems.append(FieldProblem("date", "进展日期", "必填"))
        elif on > today:
            problems.append(FieldProblem("date", "进展日期", f"{on:%Y-%m-%d} 晚于今天"))
    except LedgerError as err:
        problems.append(FieldProblem("date", "进展日期", str(err)))
    note = clean_text(text)
    if not note:
        problems.append(FieldProblem("text", "进展内容", "必填"))
    elif len(note) > MAX_TEXT:
        problems.append(FieldProblem("text", "进展内容", f"不能超过 {MAX_TEXT} 个字（现有 {len(note)} 个）"))
    if problems:
        raise ValidationError(problems)
    return project_id, on, note


def _project_title(session: Session, project_id: int) -> str:
    project = session.get(Project, project_id)
    return "" if project is None else project.name


def add_progress(ledger: Ledger, project: int | str, when: Any, text: str) -> Change:
    """Add a note to ``project`` (its id or code); ``when`` is a date or what a clerk types."""
    with operation(ledger, "新增项目进展") as op:
        project_id, on, note = _checked(op.session, project, when, text, op.now.date())
        row = ProjectProgress(project_id=project_id, date=on, text=note, operator=ledger.operator,
                              created_at=op.now)
        op.session.add(row)
        op.session.flush()
        op.record("progress", row, "insert", None)
        op.change.label = f"新增项目进展“{_project_title(op.session, row.project_id)}”"
    return op.change


def _live_note(session: Session, note_id: int) -> ProjectProgress:
    row = session.get(ProjectProgress, note_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(f"找不到这条项目进展记录（编号 {note_id}），可能已被删除。")
    return row


def update_progress(ledger: Ledger, note_id: int, when: Any = None, text: Any = None,
                    expected_version: int | None = None) -> Change:
    """Change a note's date and/or text (``None`` keeps the stored value)."""
    with operation(ledger, "修改项目进展") as op:
        row = _live_note(op.session, note_id)
        check_version(op.session, "progress", row, expected_version)
        before = op.snapshot("progress", row)
        _, on, note = _checked(op.session, None, row.date if when is None else when,
                               row.text if text is None else text, op.now.date(), check_project=False)
        row.date, row.text = on, note  # type: ignore[assignment]  # _checked raised unless the date is set
        op.record("progress", row, "update", before)
        op.change.label = f"修改项目进展“{_project_title(op.session, row.project_id)}”"
    return op.change


def delete_progress(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, PROGRESS, ids, True)


def restore_progress(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, PROGRESS, ids, False)
