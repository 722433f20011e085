"""Tracing on hand-built graphs where the right answer is known."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flows.ledger import payments
from undertow.errors import ConfigError
from undertow.flows.engine import DuckDBEngine
from undertow.flows.trace import Trace, prepare_history, trace


def run(rows: list[Any], seeds: list[str], **kw: object) -> Trace:
    engine = DuckDBEngine()
    engine.register("payments", payments(rows))
    return trace(engine, seeds, **kw)  # type: ignore[arg-type]


def received(t: Trace, node: str) -> float:
    return round(t.nodes[node].received, 2) if node in t.nodes else 0.0


# A pays B 100, then C pays B 50, then B pays D 120.
MIXED = [("A", "B", 1, 100.0), ("C", "B", 2, 50.0), ("B", "D", 3, 120.0)]


def test_fifo_passes_on_what_came_in_first() -> None:
    assert received(run(MIXED, ["A"], method="fifo"), "D") == 100.0
    assert received(run(MIXED, ["C"], method="fifo"), "D") == 20.0


def test_haircut_mixes_in_proportion() -> None:
    assert received(run(MIXED, ["A"], method="haircut"), "D") == 80.0
    assert received(run(MIXED, ["C"], method="haircut"), "D") == 40.0


@pytest.mark.parametrize("method", ["fifo", "haircut"])
def test_money_that_arrives_after_a_payment_is_not_traced_through_it(method: str) -> None:
    rows = [("B", "D", 3, 100.0), ("A", "B", 5, 100.0)]
    t = run(rows, ["A"], method=method)
    assert received(t, "D") == 0.0
    assert t.nodes["B"].stop == "retained"


@pytest.mark.parametrize("method", ["fifo", "haircut"])
def test_a_payment_beyond_the_window_is_not_followed(method: str) -> None:
    rows = [("A", "B", 1, 100.0), ("B", "D", 40, 100.0)]
    assert received(run(rows, ["A"], method=method, window_days=30), "D") == 0.0
    assert received(run(rows, ["A"], method=method, window_days=60), "D") == 100.0


def test_unrecorded_funds_pay_first_and_carry_no_taint() -> None:
    # B pays D before anything is recorded coming in: that money came from elsewhere.
    rows = [("B", "D", 1, 100.0), ("A", "B", 2, 100.0), ("B", "E", 3, 100.0)]
    for method in ("fifo", "haircut"):
        t = run(rows, ["A"], method=method)
        assert received(t, "D") == 0.0
        assert received(t, "E") == 100.0


def test_haircut_depletes_proportionally_and_a_drained_balance_carries_nothing_old() -> None:
    rows = [
        ("A", "B", 1, 100.0),
        ("B", "D", 2, 30.0),  # 30% of the balance
        ("B", "E", 3, 70.0),  # the rest: drained
        ("C", "B", 4, 50.0),
        ("B", "F", 5, 50.0),  # only C's money is left
    ]
    t = run(rows, ["A"], method="haircut")
    assert (received(t, "D"), received(t, "E"), received(t, "F")) == (30.0, 70.0, 0.0)


def test_hops_follow_the_chain_and_stop_at_the_limit() -> None:
    rows = [("A", "B", 1, 100.0), ("B", "C", 2, 90.0), ("C", "D", 3, 80.0), ("D", "E", 4, 70.0)]
    t = run(rows, ["A"], method="fifo", hops=3)
    assert received(t, "D") == 80.0
    assert "E" not in t.nodes
    assert t.nodes["D"].stop == "hop limit"
    assert t.nodes["B"].stop == "retained"  # kept 10
    assert round(t.nodes["B"].received - t.nodes["B"].sent, 2) == 10.0


@pytest.mark.parametrize("method", ["fifo", "haircut"])
def test_a_seed_payment_the_trace_reaches_again_is_not_counted_twice(method: str) -> None:
    # Both the deposit and its pass-through are seeds: C received 90, once.
    rows = [("A", "B", 1, 100.0), ("B", "C", 2, 90.0), ("C", "D", 3, 80.0)]
    t = run(rows, [], method=method, seed_payments=["T.p1", "T.p2"])
    assert received(t, "C") == 90.0
    assert received(t, "D") == 80.0
    assert [(p.hop, p.local_id) for p in t.payments] == [(1, "p1"), (1, "p2"), (2, "p3")]
    assert t.seed_total == 190.0


def test_backward_finds_who_paid_for_it() -> None:
    fifo = run(MIXED, ["D"], direction="backward", method="fifo")
    assert round(fifo.nodes["A"].sent, 2) == 100.0
    assert round(fifo.nodes["C"].sent, 2) == 20.0
    haircut = run(MIXED, ["D"], direction="backward", method="haircut")
    assert round(haircut.nodes["A"].sent, 2) == 80.0
    assert round(haircut.nodes["C"].sent, 2) == 40.0
    assert haircut.nodes["A"].stop == "origin"


def test_hawala_pay_in_continues_as_its_pay_out_at_another_shop() -> None:
    leg = {"channel": "hawala", "reference": "X-17"}
    rows = [
        ("A", "SHOP1", 1, 1000.0, leg),
        ("SHOP1", "Q", 2, 5000.0),  # the shop's own business: no route for A's money
        ("SHOP2", "Z", 3, 980.0, leg),
    ]
    t = run(rows, ["A"], method="haircut")
    assert received(t, "Z") == 980.0
    assert received(t, "Q") == 0.0
    back = run(rows, ["Z"], direction="backward", method="fifo")
    assert round(back.nodes["A"].sent, 2) == 1000.0


def test_amounts_are_traced_in_euros_whatever_the_currency() -> None:
    rows = [
        ("A", "B", 1, 100.0, {"currency": "GBP", "amount": 86.0}),
        ("B", "D", 2, 100.0, {"currency": "USD", "amount": 108.0}),
    ]
    assert received(run(rows, ["A"], method="fifo"), "D") == 100.0


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ConfigError, match="method"):
        run(MIXED, ["A"], method="lifo")
    with pytest.raises(ConfigError, match="hops"):
        run(MIXED, ["A"], hops=0)


@pytest.mark.parametrize("prepared", [False, True])
def test_a_pool_is_where_the_trace_stops(prepared: bool) -> None:
    # X is an exchange: more payments than the pool limit, so A's money is not spread
    # over all of its customers' payments out.
    rows = [("A", "X", 1, 100.0)] + [("X", f"C{i}", 2 + i, 10.0) for i in range(6)]
    engine = DuckDBEngine()
    engine.register("payments", payments(rows))
    if prepared:
        prepare_history(engine)
    t = trace(engine, ["A"], method="fifo", pool=5, prepared=prepared)
    assert t.pools == {"X"}
    assert t.nodes["X"].stop == "pool"
    assert not any(n.startswith("C") for n in t.nodes)
    assert received(trace_with(rows, pool=10), "C0") == 10.0


def trace_with(rows: list[Any], **kw: Any) -> Trace:
    engine = DuckDBEngine()
    engine.register("payments", payments(rows))
    return trace(engine, ["A"], method="fifo", **kw)
