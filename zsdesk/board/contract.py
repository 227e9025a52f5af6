"""``board_to_json``: the ``zsdesk board --json`` object of SPEC §6, kept exactly.

The contract's keys come first and keep their types (amounts int yuan; rates, growth and scores
floats rounded half-up to 2 decimals; ``null`` where there is no target or no base). Extra keys
(labels, the quarter alone, 同比 for every figure, the extra boards, quiet units, the rules
version) follow; readers of the contract ignore them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..labels import Figure
from ..rules import SIZE_CLASS_LABELS
from .boards import Board, DistrictFigures, ExtraBoard


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _district(d: DistrictFigures) -> dict[str, Any]:
    f = d.figures
    out: dict[str, Any] = {
        "signed_projects": f.signed_projects, "formal_contracts": f.formal_contracts,
        "formal_amount": f.formal_amount, "framework_agreements": f.framework_agreements,
        "framework_amount": f.framework_amount, "arrived_amount": f.arrived_amount,
        "started_projects": f.started_projects,
        "formal_rate": _num(d.rates[Figure.FORMAL]), "arrived_rate": _num(d.rates[Figure.ARRIVED]),
        "formal_yoy": _num(d.yoy[Figure.FORMAL.board_field]), "arrived_yoy": _num(d.yoy[Figure.ARRIVED.board_field]),
        # beyond the contract
        "agreement_amount": f.agreement_amount, "first_signed": f.first_signed,
        "converted_contracts": f.converted_contracts,
        "major": f.major, "large": f.large, "key": f.key, "general": f.general,
        "agreement_rate": _num(d.rates[Figure.AGREEMENT]),
        "yoy": {k: _num(v) for k, v in d.yoy.items()},
        "last_year": d.last_year.as_dict(),
        "label": d.period.label,
    }
    return out


def _extra(board: ExtraBoard) -> dict[str, Any]:
    return {"title": board.title,
            "by_unit": [{"unit": u, "projects": n, "agreement_amount": a} for u, n, a in board.by_unit],
            "projects": [{"code": p.code, "name": p.name, "investor": p.investor, "unit": p.unit,
                          "size_class": SIZE_CLASS_LABELS[p.size_class], "agreement_amount": p.agreement_amount,
                          "expected_output": p.expected_output, "date": p.date.isoformat()}
                         for p in board.projects]}


def board_to_json(board: Board) -> dict[str, Any]:
    p = board.period
    return {
        "period": p.code, "start": p.start.isoformat(), "end": p.end.isoformat(),
        "district": _district(board.district),
        "units": [{"rank": u.rank, "unit": u.unit, "score": float(u.score),
                   "signed_projects": u.figures.signed_projects, "major": u.figures.major,
                   "large": u.figures.large, "key": u.figures.key,
                   "agreement_amount": u.figures.agreement_amount, "formal_amount": u.figures.formal_amount,
                   "arrived_amount": u.figures.arrived_amount, "agreement_rate": _num(u.rates[Figure.AGREEMENT]),
                   "formal_rate": _num(u.rates[Figure.FORMAL]), "arrived_rate": _num(u.rates[Figure.ARRIVED]),
                   "short_name": u.short_name, "major_rate": _num(u.rates[Figure.MAJOR]),
                   "large_rate": _num(u.rates[Figure.LARGE]), "key_rate": _num(u.rates[Figure.KEY]),
                   "has_target": u.target is not None, "quiet": u.quiet,
                   # 其中：往期框架协议转正式合同 N 个 (signed, but no agreement amount or size class this period)
                   "converted_contracts": u.figures.converted_contracts}
                  for u in board.units],
        "persons": [{"rank": r.rank, "person": r.person, "unit": r.unit, "agreement_amount": r.agreement_amount,
                     "arrived_amount": r.arrived_amount} for r in board.persons],
        "label": p.label,
        "alone": {"label": board.alone.period.label, "start": board.alone.period.start.isoformat(),
                  "end": board.alone.period.end.isoformat(), **_district(board.alone)},
        "extra_boards": {k: _extra(b) for k, b in board.extra_boards.items()},
        "quiet_units": list(board.quiet_units),
        "rules": {"year": board.rules.year, "version": board.rules.version, "method": board.rules.score_method},
    }
