"""The engines Splink runs on: DuckDB (embedded, the default) and Spark (scale-out).

The model's comparisons are Splink level specs, rendered to each engine's SQL when a
linker is built. A model trained on one engine is moved to another by rendering the
same specs for the other engine and carrying the trained parameters across, level by
level -- never by reusing SQL written for the first engine.
"""

from __future__ import annotations

import tempfile
from typing import Any

from undertow.errors import ConfigError

ENGINES = ("duckdb", "spark")


def duckdb_api() -> Any:
    """Splink's DuckDB backend on a connection that accepts Splink's SQL: DuckDB 2.0
    rejects the ``x -> ...`` lambdas some Splink levels still write unless told not to."""
    from splink.backends.duckdb import DuckDBAPI

    from undertow.store.store import scratch_connection

    con = scratch_connection()
    con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
    return DuckDBAPI(connection=con)


def spark_session(master: str = "local[2]") -> Any:
    """A local Spark session with Splink's string-similarity functions on the classpath."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = (
        SparkSession.builder.master(master)
        .appName("undertow-resolve")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    # Splink checkpoints intermediate tables to keep Spark's query plans short.
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="undertow-spark-"))
    return spark


def api_for(engine: str, spark: Any = None) -> Any:
    if engine == "duckdb":
        return duckdb_api()
    if engine == "spark":
        from splink.backends.spark import SparkAPI

        return SparkAPI(spark_session=spark or spark_session())  # type: ignore[no-untyped-call]
    raise ConfigError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")


def dialect_of(db_api: Any) -> str:
    return str(db_api.sql_dialect.sql_dialect_str)


def register(db_api: Any, parties: Any, name: str) -> Any:
    """Register an Arrow table of party records, keeping its column types (an all-null
    list column would otherwise reach Spark with no element type). Names are made
    unique: a Spark session outlives one run and keeps what was registered."""
    import secrets

    name = f"{name}_{secrets.token_hex(4)}"
    if dialect_of(db_api) == "spark":
        table = db_api.spark.createDataFrame(parties)
        return db_api.register(table, dataset_display_name=name)
    return db_api.register(parties, dataset_display_name=name)


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The trained ``model`` with its comparisons rendered for ``dialect``."""
    from undertow.resolve.model import settings

    if model.get("sql_dialect") == dialect:
        return model
    fresh: dict[str, Any] = (
        settings(prior=model["probability_two_random_records_match"])
        .get_settings(dialect)
        .as_dict()
    )
    for new, old in zip(fresh["comparisons"], model["comparisons"], strict=True):
        for new_level, old_level in zip(
            new["comparison_levels"], old["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability", "tf_adjustment_weight"):
                if key in old_level:
                    new_level[key] = old_level[key]
    return fresh
