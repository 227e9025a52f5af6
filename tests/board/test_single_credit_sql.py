"""The board's one-holder credit computed by the database (``single_credit_expr``, brd3) is exactly the
Python half-up split (``_Splitter.single``) — on SQLite and on PostgreSQL, for any weight up to 100% and any
amount a 64-bit column holds (the SQL form never multiplies past the amount, so no overflow)."""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, String, create_engine, literal, select

from zsdesk.board.aggregates import _Splitter
from zsdesk.board.figures import single_credit_expr
from zsdesk.rules import default_document, parse_rules

LIMIT = 9 * 10**18  # inside a signed 64-bit integer, as the amounts' columns
EDGE_AMOUNTS = [0, 1, -1, 2, -2, 49, 50, 51, -50, -51, 99_999, -99_999, LIMIT, -LIMIT, LIMIT - 1, -(LIMIT - 1)]
weights = st.builds(lambda d, n: Fraction(min(n, d), d), st.integers(1, 10_000), st.integers(1, 10_000))


def _sql_credits(conn: Any, weight: Fraction, amounts: list[int]) -> tuple[list[int], list[int]]:
    rules = replace(parse_rules(default_document()), origin_weights={"x": weight, "zero": Fraction(0)})
    splitter = _Splitter(None, rules)  # type: ignore[arg-type]  # single() reads no session
    ours, expected = [], []
    for amount in amounts:
        for origin in ("x", "zero", "unknown"):
            expr = single_credit_expr(rules, literal(amount, BigInteger), literal(origin, String))
            ours.append(int(conn.execute(select(expr)).scalar_one()))
            expected.append(splitter.single(amount, origin))
    return ours, expected


@pytest.mark.parametrize("weight", [Fraction(1), Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(7, 10),
                                    Fraction(9_999, 10_000), Fraction(1, 10_000)])
def test_single_credit_edges_sqlite(weight: Fraction) -> None:
    with create_engine("sqlite://").connect() as conn:
        ours, expected = _sql_credits(conn, weight, EDGE_AMOUNTS)
    assert ours == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(weight=weights, amounts=st.lists(st.integers(-LIMIT, LIMIT), min_size=1, max_size=8))
def test_single_credit_sqlite_property(weight: Fraction, amounts: list[int]) -> None:
    with create_engine("sqlite://").connect() as conn:
        ours, expected = _sql_credits(conn, weight, amounts)
    assert ours == expected


def test_single_credit_postgres(pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            for weight in (Fraction(1), Fraction(1, 2), Fraction(1, 3), Fraction(7, 10), Fraction(9_999, 10_000)):
                ours, expected = _sql_credits(conn, weight, EDGE_AMOUNTS)
                assert ours == expected, weight
    finally:
        engine.dispose()


def test_weight_above_whole_left_to_python() -> None:
    rules = replace(parse_rules(default_document()), origin_weights={"x": Fraction(3, 2)})
    assert single_credit_expr(rules, literal(10, BigInteger), literal("x", String)) is None
