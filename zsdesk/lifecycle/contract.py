"""``lifecycle_to_json``: the ``zsdesk lifecycle --json`` object of SPEC §9, kept exactly.

Counts are ints, amounts int yuan, rates floats rounded half-up to 2 decimals (``null`` with a zero
denominator), dates ``YYYY-MM-DD``. Exactly the contract's keys, no others: the window and the notice
read the engine's dataclasses, not this object.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .engine import Lifecycle, LifecycleFigures

CONTRACT_FIGURE_KEYS = ("cohort", "started", "producing", "due", "on_time", "agreement_amount", "arrived_amount",
                        "start_rate", "production_rate", "arrival_rate", "fulfilment_rate")


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures_json(f: LifecycleFigures) -> dict[str, Any]:
    return {"cohort": f.cohort, "started": f.started, "producing": f.producing, "due": f.due,
            "on_time": f.on_time, "agreement_amount": f.agreement_amount, "arrived_amount": f.arrived_amount,
            "start_rate": _num(f.start_rate), "production_rate": _num(f.production_rate),
            "arrival_rate": _num(f.arrival_rate), "fulfilment_rate": _num(f.fulfilment_rate)}


def lifecycle_to_json(lc: Lifecycle) -> dict[str, Any]:
    return {
        "period": lc.period.code, "cohort_start": lc.cohort_start.isoformat(), "end": lc.end.isoformat(),
        "district": figures_json(lc.district),
        "units": [{"unit": u.unit, **figures_json(u.figures)} for u in lc.units],
        "overdue": [{"code": o.code, "name": o.name, "unit": o.unit, "milestone": o.milestone,
                     "due": o.deadline.isoformat(), "days_over": o.days_over} for o in lc.overdue],
    }
