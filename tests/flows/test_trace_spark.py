"""The same trace on Spark (local mode) as on DuckDB: one implementation, two engines."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flows.ledger import payments
from undertow.flows.engine import DuckDBEngine, Engine, SparkEngine
from undertow.flows.trace import prepare_history, trace

ROWS = [
    ("A", "B", 1, 100.0),
    ("C", "B", 2, 50.0),
    ("B", "D", 3, 120.0),
    ("D", "E", 5, 60.0),
    ("B", "F", 6, 25.0),
    ("D", "A", 9, 40.0),
    ("A", "S1", 10, 70.0, {"channel": "hawala", "reference": "H-1"}),
    ("S2", "G", 12, 68.0, {"channel": "hawala", "reference": "H-1"}),
    ("E", "G", 50, 60.0),  # beyond a 30-day window from E's inflow
]


def summary(engine: Engine, prepared: bool = False, **kw: object) -> list[tuple[int, str, float]]:
    engine.register("payments", payments(ROWS))
    if prepared:
        prepare_history(engine)
    result = trace(engine, ["A"], hops=4, prepared=prepared, **kw)  # type: ignore[arg-type]
    engine.drop("payments")
    return sorted((p.hop, p.local_id, round(p.traced, 6)) for p in result.payments)


@pytest.fixture(scope="module")
def spark() -> SparkEngine:
    return SparkEngine()


@pytest.mark.parametrize("method", ["haircut", "fifo"])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_spark_traces_as_duckdb_does(spark: SparkEngine, method: str, direction: str) -> None:
    on_duckdb = summary(DuckDBEngine(), method=method, direction=direction)
    assert on_duckdb  # the case exercises something
    assert summary(spark, method=method, direction=direction) == on_duckdb


@pytest.mark.parametrize("method", ["haircut", "fifo"])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_spark_traces_prepared_histories_as_duckdb_does(
    spark: SparkEngine, method: str, direction: str
) -> None:
    # The prepared histories and their node numbers, and a floor that prunes nodes.
    kw: dict[str, Any] = {"method": method, "direction": direction, "dust": 0.3}
    on_duckdb = summary(DuckDBEngine(), prepared=True, **kw)
    assert on_duckdb == summary(DuckDBEngine(), **kw)
    assert summary(spark, prepared=True, **kw) == on_duckdb
