"""The 认定 queue (SPEC §11): projects 待认定 or 退回, what changed since the last 认定, and 搭车挂靠 warnings.

A warning names another unit's live project with the same investor or a near-identical name (both
normalised: width-folded, lower-case, no spaces or punctuation) — two units claiming one investment.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import FieldChange
from ..models import Project, Unit
from ..ops.conflicts import differences
from ..ops.projects import normalized_name
from ..ops.verification import counted_snapshot, state_label

NAME_SIMILARITY = 0.85  # difflib ratio of the normalised names; 0.85 is find_similar's threshold too


@dataclass
class QueueItem:
    project_id: int
    code: str
    name: str
    investor: str
    unit: str
    state: str | None
    reason: str
    decided_by: str
    decided_at: datetime | None
    version: int
    first_time: bool  # never 认定 before: the changes list every filled counted field
    changes: list[FieldChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return state_label(self.state)


def verification_queue(session: Session, include_returned: bool = True) -> list[QueueItem]:
    """Projects awaiting 认定 (and, with ``include_returned``, those 退回), oldest change first."""
    states = ["pending", "returned"] if include_returned else ["pending"]
    projects = list(session.scalars(select(Project).where(Project.deleted_at.is_(None),
                                                          Project.verification.in_(states))
                                    .order_by(Project.updated_at, Project.id)))
    if not projects:
        return []
    units: dict[int, str] = {i: n for i, n in session.execute(select(Unit.id, Unit.name))}
    warnings = duplicate_claims(session, projects, units)
    items = []
    for p in projects:
        seen = json.loads(p.verified_snapshot) if p.verified_snapshot else {}
        changes = differences(session, seen, counted_snapshot(session, p))
        items.append(QueueItem(p.id, p.code, p.name, p.investor, units.get(p.lead_unit_id or -1, ""), p.verification,
                               p.verification_reason or "", p.verification_by or "", p.verification_at, p.version,
                               not p.verified_snapshot, changes, warnings.get(p.id, [])))
    return items


def duplicate_claims(session: Session, projects: list[Project], units: dict[int, str]) -> dict[int, list[str]]:
    """For each of ``projects``: other units' live projects with the same investor or a near-identical name."""
    by_investor: dict[str, list[tuple[int, str, str, int | None]]] = defaultdict(list)
    by_prefix: dict[str, list[tuple[int, str, str, int | None]]] = defaultdict(list)
    for pid, code, name, investor, lead in session.execute(select(
            Project.id, Project.code, Project.name, Project.investor, Project.lead_unit_id)
            .where(Project.deleted_at.is_(None), Project.withdrawn_date.is_(None))):
        key = normalized_name(name)
        row = (pid, code, name, lead)
        if normalized_name(investor):
            by_investor[normalized_name(investor)].append(row)
        by_prefix[key[:4]].append(row)
    out: dict[int, list[str]] = {}
    for p in projects:
        found: list[str] = []
        key, inv = normalized_name(p.name), normalized_name(p.investor)
        for pid, code, name, lead in by_investor.get(inv, []) if inv else []:
            if pid != p.id and lead != p.lead_unit_id:
                found.append(f"投资方“{p.investor}”也在{units.get(lead or -1, '未填牵头单位')}的项目"
                             f"“{name}”（{code}）中申报")
        for pid, code, name, lead in by_prefix.get(key[:4], []):
            if pid == p.id or lead == p.lead_unit_id:
                continue
            ratio = difflib.SequenceMatcher(None, key, normalized_name(name)).ratio()
            if ratio >= NAME_SIMILARITY and not any(f"（{code}）" in w for w in found):
                found.append(f"与{units.get(lead or -1, '未填牵头单位')}的项目“{name}”（{code}）名称几乎相同")
        if found:
            out[p.id] = found
    return out
