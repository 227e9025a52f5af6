"""A shared ledger's board on both cores (issue 20): the helper signs in as the board's own login and reads in
the board transaction's exported snapshot, so its funds half is what this process would compute — row-level
security included. A login that may hold no second connection gets the board from this process alone."""

from __future__ import annotations

from helper_process import Spy
from import_twins import worker_fixture  # noqa: F401 - the ``worker`` fixture, shared
from pg_databases import fresh_database
from sqlalchemy import text

from zsdesk.board import board_to_json, compute_board
from zsdesk.board.beside import FundsHalf
from zsdesk.demo import build_demo
from zsdesk.opening import open_unlocked


def _boards(url: str, period: str) -> tuple[dict, dict, Spy]:
    spy = Spy()
    with open_unlocked(url) as ledger:
        alone = board_to_json(compute_board(ledger, period))
        beside = board_to_json(compute_board(ledger, period, beside=spy))
    return alone, beside, spy


def test_a_shared_ledgers_board_beside_is_the_board_of_one_process(worker):
    with fresh_database("zsdesk_board_beside") as (url, _):
        with open_unlocked(url, create=True) as ledger:
            build_demo(ledger, projects=600, seed=7)
        for period in ("2026Q3", "2026M08", "2025"):
            alone, beside, spy = _boards(url, period)
            assert len(spy.halves) == 1 and isinstance(spy.halves[0], FundsHalf), period
            assert spy.jobs[0].server is not None and spy.jobs[0].server.password  # its own login's
            assert beside == alone, period
        assert any(u["arrived_amount"] for u in alone["units"])


def test_the_helper_reads_the_board_as_its_login(shared, worker):
    """A 单位联络员 of 甲园区 sees the projects 甲园区 leads or works on (row-level security): the helper, signed
    in as that login, credits the funds of those only — the owner's board credits 乙街道's own project too."""
    liaison = shared.url_for(shared.login("liaison", "甲园区"))
    owner, _, _ = _boards(shared.url, "2026Q2")
    alone, beside, spy = _boards(liaison, "2026Q2")
    assert isinstance(spy.halves[0], FundsHalf)
    assert beside == alone
    assert alone["district"]["arrived_amount"] < owner["district"]["arrived_amount"]


def test_a_login_out_of_connections_gets_the_board_from_this_process(shared, worker):
    login = shared.login("clerk")
    with open_unlocked(shared.url) as owner, owner.engine.connect() as conn:
        conn.execute(text(f'ALTER ROLE "{login}" CONNECTION LIMIT 1'))
        conn.commit()
    url = shared.url_for(login)
    alone, beside, spy = _boards(url, "2026Q2")
    assert len(spy.jobs) == 1 and spy.halves == []  # asked; the helper could not sign in: computed here
    assert beside == alone
    assert alone["district"]["arrived_amount"] > 0
