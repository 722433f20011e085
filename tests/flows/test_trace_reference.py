"""The SQL tracer against the plain-Python one on random payment graphs."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.flows.ledger import START, payments
from tests.flows.reference import Pay, trace_forward
from undertow.flows.engine import DuckDBEngine
from undertow.flows.trace import prepare_history, trace

NODES = ["A", "B", "C", "D", "E"]

payment = st.tuples(
    st.sampled_from(NODES),
    st.sampled_from(NODES),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=1, max_value=1000).map(float),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(payment, min_size=1, max_size=25).map(
        lambda rs: sorted(rs, key=lambda r: r[2])  # seq follows the day, as in the store
    ),
    method=st.sampled_from(["haircut", "fifo"]),
    hops=st.integers(min_value=1, max_value=4),
    window=st.integers(min_value=0, max_value=45),
    prepared=st.booleans(),
)
def test_sql_trace_matches_the_definition(
    rows: list[tuple[str, str, int, float]], method: str, hops: int, window: int, prepared: bool
) -> None:
    engine = DuckDBEngine()
    engine.register("payments", payments(rows))
    if prepared:  # every node's history worked out once, as for many traces
        prepare_history(engine)
    got: dict[str, float] = defaultdict(float)
    found = trace(
        engine,
        ["A"],
        method=method,  # type: ignore[arg-type]
        hops=hops,
        window_days=window,
        dust=0.0,
        prepared=prepared,
    )
    for p in found.payments:
        got[p.local_id] += p.traced
    pays = [
        Pay(f"p{i}", src, dst, START + timedelta(days=day), eur, i)
        for i, (src, dst, day, eur) in enumerate(rows, start=1)
    ]
    want = trace_forward(pays, {"A"}, method, hops, window)
    keys = {k for k, v in got.items() if v >= 0.02} | {k for k, v in want.items() if v >= 0.02}
    for k in keys:
        assert abs(got.get(k, 0.0) - want.get(k, 0.0)) < 1e-6 * max(1.0, want.get(k, 0.0)), k
