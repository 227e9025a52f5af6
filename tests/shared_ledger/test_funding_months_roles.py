"""funding_months under the roles (migration 0013): a 单位联络员's funding writes keep their project's monthly
sums (the trigger runs with their rights: granted like funding, the project policy on its rows), and they see
only their own unit's projects' rows — like the entries themselves."""

from __future__ import annotations

from sqlalchemy import select

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.models import Funding, FundingMonth
from zsdesk.opening import open_unlocked

from .conftest import Shared


def test_a_liaisons_funding_writes_keep_the_monthly_sums(shared: Shared) -> None:
    login = shared.login("liaison", unit="甲园区")
    mine = shared.projects["甲的项目"]
    with open_unlocked(shared.url_for(login)) as led:
        entry = ops.add_funding(led, {"project_id": mine, "date": "2026-07-15", "amount": "30万"}).ids("funding")[0]
        ops.update_funding(led, entry, {"date": "2025-11-02"})
        with led.reading() as s:
            seen = {p for p, in s.execute(select(FundingMonth.project_id))}
        # 甲园区 leads 甲的项目 and cooperates on 乙牵头甲协作; 乙的项目's row stays hidden.
        assert seen == {mine, shared.projects["乙牵头甲协作"]}
    with open_unlocked(shared.url) as owner, owner.reading() as s:
        rows = {(r.project_id, r.year): (r.entry_months, r.m04, r.m07, r.m11) for r in s.scalars(
            select(FundingMonth).where(FundingMonth.project_id == mine))}
        assert rows == {(mine, 2026): (1 << 3, 1_000_000, 0, 0), (mine, 2025): (1 << 10, 0, 0, 300_000)}
        assert s.scalar(select(Funding.amount).where(Funding.id == entry)) == 300_000
    assert check_ledger(shared.url).healthy
