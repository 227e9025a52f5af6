"""Small hand-made ledgers for the board tests, built through the real operations."""

from __future__ import annotations

from typing import Any

import pytest

from zsdesk import ops
from zsdesk.ledger import Ledger


class Builder:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def unit(self, name: str, kind: str = "部门") -> int:
        return ops.create_unit(self.ledger, {"name": name, "short_name": name, "kind": kind}).ids("unit")[0]

    def person(self, name: str, unit: str) -> int:
        return ops.create_person(self.ledger, {"name": name, "unit_id": unit}).ids("person")[0]

    def project(self, name: str, **fields: Any) -> int:
        values = {"name": name, "investor": f"{name}公司", **fields}
        return ops.create_project(self.ledger, values).ids("project")[0]

    def funding(self, project_id: int, when: str, amount: str) -> None:
        ops.add_funding(self.ledger, {"project_id": project_id, "date": when, "amount": amount})

    def target(self, unit: str, year: int, **amounts: Any) -> None:
        ops.set_target(self.ledger, {"unit_id": unit, "year": year, **amounts})


@pytest.fixture
def build(ledger: Ledger) -> Builder:
    return Builder(ledger)
