"""认定 (SPEC §11): the section chief verifies a project's claim, or returns it with a reason.

States: ``verification`` NULL 已认定, ``"pending"`` 待认定, ``"returned"`` 退回. A 联络员's new project or
change of a counted field goes back to 待认定 by a PostgreSQL trigger (migration 0006), which also lets
only 科长 / 管理员 (and the ledger's owner, who could drop the trigger anyway) decide — psql included. These
operations check the same before writing so the refusal is a Chinese sentence, and record the counted
fields at each 认定 so the queue can show what changed since.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..errors import FieldProblem, LedgerError, ValidationError
from ..models import Project
from .conflicts import check_version
from .crud import get_live
from .fields import clean_line
from .history import Change, Operation, operation
from .projects import PROJECT
from .records import snapshot

if TYPE_CHECKING:
    from ..ledger import Ledger

PENDING, RETURNED = "pending", "returned"
STATE_LABELS = {None: "已认定", PENDING: "待认定", RETURNED: "退回"}
# What a claim is made of: the trigger's list (migration 0006) plus the units and persons credited.
COUNTED_FIELDS = ("name", "investor", "origin", "industrial", "planned_investment", "agreement_amount",
                  "expected_output", "framework_date", "formal_date", "started_date", "production_date",
                  "full_production_date", "withdrawn_date", "lead_unit_id", "landing_park_id", "deleted_at",
                  "cooperating_unit_ids", "person_ids")
MAX_REASON = 500
REFUSED = "只有科长可以认定或退回项目，本次未保存。"


def state_label(state: str | None) -> str:
    return STATE_LABELS.get(state, str(state))


def counted_snapshot(session: Session, project: Project) -> dict[str, Any]:
    snap = snapshot(session, "project", project)
    return {k: snap.get(k) for k in COUNTED_FIELDS}


def may_decide(session: Session) -> bool:
    """Whether this database login may 认定 / 退回 (always on SQLite: one operator)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text(
        "SELECT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'projects'::regclass), 'member')"
        " OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname IN ('zsdesk_chief', 'zsdesk_admin')"
        "            AND pg_has_role(session_user, oid, 'member'))")))


def _decide(op: Operation, project_id: int, expected_version: int | None) -> tuple[Project, dict[str, Any]]:
    if not may_decide(op.session):
        raise LedgerError(REFUSED)
    project = cast(Project, get_live(op.session, PROJECT, project_id))  # PROJECT's model is Project
    check_version(op.session, "project", project, expected_version)
    return project, op.snapshot("project", project)


def verify_projects(ledger: Ledger, ids: Iterable[int], expected_versions: dict[int, int] | None = None) -> Change:
    """认定: the projects count (with ``require_verification``); their counted fields are kept for the diff."""
    ids = list(ids)
    with operation(ledger, f"认定 {len(ids)} 个项目") as op:
        names = []
        for project_id in ids:
            project, before = _decide(op, project_id, (expected_versions or {}).get(project_id))
            project.verification, project.verification_reason = None, None
            project.verification_by, project.verification_at = ledger.operator, op.now
            project.verified_snapshot = json.dumps(counted_snapshot(op.session, project), ensure_ascii=False,
                                                   sort_keys=True)
            op.record("project", project, "update", before)
            names.append(project.name)
        if len(names) == 1:
            op.change.label = f"认定项目“{names[0]}”"
    return op.change


def verify_project(ledger: Ledger, project_id: int, expected_version: int | None = None) -> Change:
    return verify_projects(ledger, [project_id], None if expected_version is None else {project_id: expected_version})


def return_project(ledger: Ledger, project_id: int, reason: str, expected_version: int | None = None) -> Change:
    """退回 with a reason (required): the project does not count until it is corrected and 认定."""
    why = clean_line(reason or "").strip()
    if not why:
        raise ValidationError([FieldProblem("verification_reason", "退回原因", "必填")])
    if len(why) > MAX_REASON:
        raise ValidationError([FieldProblem("verification_reason", "退回原因",
                                            f"不能超过 {MAX_REASON} 个字（现有 {len(why)} 个）")])
    with operation(ledger, "退回项目") as op:
        project, before = _decide(op, project_id, expected_version)
        project.verification, project.verification_reason = RETURNED, why
        project.verification_by, project.verification_at = ledger.operator, op.now
        op.record("project", project, "update", before)
        op.change.label = f"退回项目“{project.name}”：{why}"
    return op.change
