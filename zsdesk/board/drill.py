"""Drill-down: the projects behind a figure, with each project's exact credit.

Public API::

    project_credits(rules, amount, origin, lead_unit_id, cooperating_unit_ids) -> dict[int, int]
    unit_projects(source, period, unit_id, figure, rules=None) -> list[CreditLine]

``figure`` is one of ``signed``, ``formal``, ``framework``, ``agreement`` (first signed),
``major`` / ``large`` / ``key`` / ``general``, ``started`` or ``arrived`` — a ``labels.Figure`` (the board's
field names ``formal_amount``, ``framework_amount``, ``agreement_amount``, ``arrived_amount`` are accepted
too: ``Figure.named``).

- The amount figures (``AMOUNT_FIGURES``: formal, framework, agreement, arrived) list every project
  that credits the unit, as lead or as cooperating unit; each line's ``credited`` is the unit's
  whole-yuan part of the project's largest-remainder split (SPEC §3.1), so the sum of the lines'
  ``credited`` is exactly the unit's board amount (``formal_amount`` …).
- The counts go to the lead unit only (SPEC §3): the count figures (``LEAD_ONLY``) list the projects
  the unit leads, and a count on the board (``formal_contracts``, ``framework_agreements`` …) is the
  number of lines with ``role == "lead"`` (``FIGURE_FIELDS`` maps each figure to its board field).
- On ``signed`` and ``formal``, ``earlier_framework`` marks the formal contracts whose framework agreement
  was signed in an earlier period (其中：往期框架协议转正式合同): they count as signed projects of the
  period but bring no agreement amount (协议资金 counts a project once, when first signed) and no size class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..errors import LedgerError
from ..labels import AMOUNT_FIGURES as AMOUNT_FIGURES  # re-exported: the figure names live in labels
from ..labels import LEAD_ONLY_FIGURES, Figure
from ..models import Funding, Project, ProjectCooperatingUnit, Unit
from ..periods import Period, parse_period
from ..rules import Rules, load_rules
from .figures import counted_expr, size_class_expr, window_predicates
from .split import largest_remainder

if TYPE_CHECKING:
    from ..ledger import Ledger

FIGURES = tuple(Figure)
LEAD_ONLY = LEAD_ONLY_FIGURES
# figure → (board count field of its lead lines, board amount field of its credited sum or None)
FIGURE_FIELDS = {f: (f.count_field, f.amount_field) for f in Figure}
SIZE_FIGURES = (Figure.MAJOR, Figure.LARGE, Figure.KEY, Figure.GENERAL)  # a size class each


@dataclass(frozen=True)
class CreditLine:
    project_id: int
    code: str
    name: str
    role: str  # lead / coop
    origin: str
    size_class: str
    amount: int  # raw: agreement amount, or funds arrived in the window
    share: Fraction  # origin weight × joint share (the exact part before the whole-yuan split)
    credited: Fraction  # whole yuan: this unit's part of the project's largest-remainder split
    # 往期框架协议转正式合同: first signed (framework agreement) before the period, formal contract in it — a
    # signed project of the period without agreement amount or size class here
    earlier_framework: bool = False


def project_credits(rules: Rules, amount: int, origin: str, lead_unit_id: int | None,
                    cooperating_unit_ids: Sequence[int]) -> dict[int, int]:
    """Whole-yuan credit of each unit for one project amount (SPEC §3.1): ``cooperating_unit_ids`` in
    their sort order (the remainder tie order after the lead unit). With a lead unit the values sum to
    ``round_half_up(amount × origin weight)``."""
    coops = [u for u in dict.fromkeys(cooperating_unit_ids) if u != lead_unit_id]
    holders = ([lead_unit_id] if lead_unit_id is not None else []) + coops
    shares = ([rules.unit_share("lead", len(coops))] if lead_unit_id is not None else []) + \
        [rules.unit_share("coop", len(coops))] * len(coops)
    parts = largest_remainder(amount, rules.origin_weights.get(origin, Fraction(0)), shares)
    return dict(zip(holders, parts, strict=True))


def _coops_in_order(session: Session, project_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for chunk in range(0, len(project_ids), 500):
        for pid, uid in session.execute(
                select(ProjectCooperatingUnit.project_id, ProjectCooperatingUnit.unit_id)
                .join(Unit, Unit.id == ProjectCooperatingUnit.unit_id)
                .where(ProjectCooperatingUnit.project_id.in_(project_ids[chunk:chunk + 500]))
                .order_by(ProjectCooperatingUnit.project_id, Unit.sort_order, Unit.id)):
            out.setdefault(pid, []).append(uid)
    return out


def unit_projects(source: Ledger | Session, period: Period | str, unit_id: int, figure: Figure | str,
                  rules: Rules | None = None) -> list[CreditLine]:
    try:
        figure = Figure.named(figure)
    except ValueError:
        raise LedgerError(f"未知的指标“{figure}”") from None
    if isinstance(period, str):
        period = parse_period(period)
    own = not isinstance(source, Session)
    session = source if isinstance(source, Session) else source.session()
    try:
        rules = rules or load_rules(session, period.year)
        return _lines(session, rules, period, unit_id, figure)
    finally:
        if own:
            session.close()


def _lines(session: Session, rules: Rules, period: Period, unit_id: int, figure: Figure) -> list[CreditLine]:
    window = (period.start, period.end)
    preds = window_predicates(window)
    klass = size_class_expr(rules).label("klass")
    ncoop = (select(func.count()).where(ProjectCooperatingUnit.project_id == Project.id)
             .correlate(Project).scalar_subquery()).label("ncoop")
    is_coop = (select(ProjectCooperatingUnit.unit_id).where(ProjectCooperatingUnit.project_id == Project.id,
                                                            ProjectCooperatingUnit.unit_id == unit_id)
               .correlate(Project).exists())
    role_filter = Project.lead_unit_id == unit_id
    if figure not in LEAD_ONLY:
        role_filter = or_(role_filter, is_coop)
    if figure == Figure.ARRIVED:
        amount = func.sum(Funding.amount).label("amount")
        query = (select(Project.id, Project.code, Project.name, Project.lead_unit_id, Project.origin, klass, ncoop,
                        amount, Project.signed_date)
                 .join(Funding, Funding.project_id == Project.id)
                 .where(Funding.deleted_at.is_(None), Funding.date.between(*window))
                 .group_by(Project.id))
    else:
        cond = {Figure.SIGNED: preds["signed"], Figure.FORMAL: preds["formal"], Figure.FRAMEWORK: preds["framework"],
                Figure.AGREEMENT: preds["first"], Figure.STARTED: preds["started"]}.get(figure, preds["first"])
        if figure in SIZE_FIGURES:
            cond = cond & (size_class_expr(rules) == figure.value)
        query = select(Project.id, Project.code, Project.name, Project.lead_unit_id, Project.origin, klass, ncoop,
                       Project.agreement_amount.label("amount"), Project.signed_date).where(cond)
    query = query.where(counted_expr(rules), role_filter).order_by(Project.code)
    rows = session.execute(query).all()
    coops = _coops_in_order(session, [row.id for row in rows]) if rows else {}
    lines = []
    for row in rows:
        role = "lead" if row.lead_unit_id == unit_id else "coop"
        share = rules.origin_weights.get(row.origin, Fraction(0)) * rules.unit_share(role, int(row.ncoop))
        parts = project_credits(rules, int(row.amount), row.origin, row.lead_unit_id, coops.get(row.id, []))
        earlier = figure in (Figure.SIGNED, Figure.FORMAL) and row.signed_date is not None and row.signed_date < window[0]
        lines.append(CreditLine(row.id, row.code, row.name, role, row.origin, row.klass, int(row.amount), share,
                                Fraction(parts.get(unit_id, 0)), earlier))
    return lines
