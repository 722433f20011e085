"""Where the money analyses run: DuckDB (embedded, the default) or Spark (scale-out).

The traces and scans are written once, as SQL in DuckDB's dialect, and SQLGlot
transpiles them for Spark. An engine holds named tables (Arrow in, Arrow out), so the
same function gets the same answer on either. Keep the SQL to what both engines share:
window functions, joins, ``GROUP BY``, ``CASE``; no DuckDB-only list lambdas.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

import pyarrow as pa

from undertow.store.store import scratch_connection


class Engine(Protocol):
    dialect: str

    def register(self, name: str, table: pa.Table) -> None: ...

    def sql(self, query: str) -> pa.Table: ...

    def materialise(self, name: str, query: str) -> None:
        """Keep a query's result as a table of the engine's own, for reuse."""
        ...

    def drop(self, name: str) -> None: ...


class DuckDBEngine:
    """A DuckDB connection of its own (the store's connection stays free for writes)."""

    dialect = "duckdb"

    def __init__(self, con: Any = None) -> None:
        self.con = con if con is not None else scratch_connection()
        self._tables: dict[str, pa.Table] = {}

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)
        self._tables[name] = table  # DuckDB reads the Arrow table lazily: keep it alive

    def sql(self, query: str) -> pa.Table:
        result: pa.Table = self.con.sql(query).to_arrow_table()
        return result

    def materialise(self, name: str, query: str) -> None:
        # Ordered by node, so that the row groups' min/max let a lookup of a few nodes
        # skip most of the table.
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {query} ORDER BY node, seq")

    def drop(self, name: str) -> None:
        if name in self._tables:
            self.con.unregister(name)
            self._tables.pop(name, None)
        else:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")


class SparkEngine:
    """A Spark session (local mode in tests). Table names get a random suffix: a session
    outlives one analysis and keeps what was registered."""

    dialect = "spark"

    def __init__(self, spark: Any = None) -> None:
        if spark is None:
            # The one local session of the process, set up as resolution needs it (Spark
            # hands every later caller the first session, whatever they configure).
            from undertow.resolve.engines import spark_session

            spark = spark_session()
        self.spark = spark
        self._suffix = secrets.token_hex(4)
        self._names: set[str] = set()

    def _name(self, name: str) -> str:
        return f"{name}_{self._suffix}"

    def register(self, name: str, table: pa.Table) -> None:
        frame = self.spark.createDataFrame(table)
        frame.createOrReplaceTempView(self._name(name))
        self._names.add(name)

    def sql(self, query: str) -> pa.Table:
        import sqlglot

        spark_sql = sqlglot.transpile(query, read="duckdb", write="spark")[0]
        spark_sql = _rename(spark_sql, {n: self._name(n) for n in self._names})
        frame = self.spark.sql(spark_sql)
        result: pa.Table = frame.toArrow()
        return result

    def materialise(self, name: str, query: str) -> None:
        import sqlglot

        spark_sql = sqlglot.transpile(query, read="duckdb", write="spark")[0]
        spark_sql = _rename(spark_sql, {n: self._name(n) for n in self._names})
        frame = self.spark.sql(spark_sql).cache()
        frame.createOrReplaceTempView(self._name(name))
        self._names.add(name)

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(self._name(name))
        self._names.discard(name)


def _rename(sql: str, names: dict[str, str]) -> str:
    """Point table references at the suffixed views (tables only, never columns)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="spark")
    for table in tree.find_all(exp.Table):
        if table.name in names and not table.db:
            table.set("this", exp.to_identifier(names[table.name]))
    return tree.sql(dialect="spark")
