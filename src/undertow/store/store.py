"""The embedded store: one DuckDB file, opened, migrated, and queried with errors wrapped.

>>> store = Store.open(":memory:")
>>> store.agencies().get("DE-BKA").phone_region
'DE'
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from undertow.errors import ConfigError, SchemaVersionError, StoreError
from undertow.model import Agency, AgencyRegistry, shipped_agencies
from undertow.store.schema import LATEST, MIGRATIONS

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

SPILL_LIMIT = "16GB"
"""Most one DuckDB connection may spill to disk."""


def limit_spill(con: Any, *, elsewhere: bool) -> None:
    """Never spill without bound: a runaway join must fail with an error, not fill the
    disk the store lives on. A file database spills beside itself; an in-memory one
    (``elsewhere``) would spill into the working directory, so it goes to the system's
    temporary directory instead."""
    if elsewhere:
        con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/undertow-duckdb'")
    con.execute(f"SET max_temp_directory_size = '{SPILL_LIMIT}'")


MEMORY_SHARE = 0.5
"""Of the machine's memory, the most the store's DuckDB connection may hold. DuckDB's
default (80%) assumes it is alone; the store shares the machine with the ingest's
worker processes, with the scratch connections analyses run on, and with the Arrow
tables they build. Past its share a query spills to disk (bounded by ``SPILL_LIMIT``)."""

SCRATCH_SHARE = 0.3
"""Of the machine's memory, the most one scratch connection may hold. A scratch
connection runs beside the store's (resolution trains and predicts on one while the
store is open), so the two shares together come to DuckDB's own default for a single
database alone, 80%, and the rest is left to Python and Arrow. Past its share a query
spills to disk (bounded by ``SPILL_LIMIT``), it does not fail."""


def limit_memory(con: Any, share: float = MEMORY_SHARE) -> None:
    """Cap DuckDB at ``share`` of physical memory (where the system says how much there
    is; otherwise DuckDB's own default stands)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return
    if total > 0:
        con.execute(f"SET memory_limit = '{int(total * share) // 2**20}MiB'")


def scratch_connection() -> Any:
    """An in-memory DuckDB connection for analyses, with bounded spill and memory."""
    import duckdb

    con = duckdb.connect()
    limit_spill(con, elsewhere=True)
    limit_memory(con, SCRATCH_SHARE)
    return con


def utcnow() -> datetime:
    """Naive UTC: DuckDB's TIMESTAMP has no zone, and every stored time is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Store:
    """A DuckDB database holding statements, reports, the quarantine and agencies."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        self._registry: AgencyRegistry | None = None

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        import duckdb

        target = str(path)
        if target != ":memory:" and read_only and not Path(target).exists():
            raise StoreError(f"no database at {target} (ingest something first)")
        try:
            con = duckdb.connect(target, read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"cannot open database {target}: {e}") from e
        # DuckDB draws its own progress bar on stdout for long queries; shells draw theirs.
        con.execute("SET enable_progress_bar = false")
        limit_spill(con, elsewhere=target == ":memory:")
        limit_memory(con)
        store = cls(con, target)
        if not read_only:
            store.migrate()
        else:
            store._check_version()
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- queries ---------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run one statement; engine errors become :class:`StoreError` naming the query."""
        import duckdb

        try:
            return self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        except duckdb.Error as e:
            first = " ".join(sql.split())[:120]
            raise StoreError(f"store query failed ({first}...): {e}") from e

    def insert_arrow(self, table: str, rows: Any) -> None:
        """Append an Arrow table's rows to ``table``, columns in order.

        Through a relation, never a registered view: a view dropped inside an open
        transaction stays in the catalog until the commit, and the Arrow table with it.
        Staging a large report batch by batch so held every batch in memory beside
        DuckDB's own (a 790 MB bank statement took the process past 21 GB under an
        11 GB cap)."""
        import duckdb

        try:
            self.con.from_arrow(rows).insert_into(table)
        except duckdb.Error as e:
            raise StoreError(f"store insert into {table} failed: {e}") from e

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """A query's result as an Arrow table (no row-by-row copy through Python)."""
        import duckdb

        try:
            return self.con.sql(sql, params=params).to_arrow_table()
        except duckdb.Error as e:
            first = " ".join(sql.split())[:120]
            raise StoreError(f"store query failed ({first}...): {e}") from e

    def fetchall(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.execute(sql, params).fetchall()
        return rows

    def one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """The first row, or ``None``. Reads the whole result: DuckDB refuses further
        work on a connection while a result is only partly fetched."""
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    # -- schema ----------------------------------------------------------------

    def version(self) -> int:
        exists = self.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        )
        if not exists:
            return 0
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_version"))

    def _check_version(self) -> int:
        current = self.version()
        if current > LATEST:
            raise SchemaVersionError(
                f"database {self.path} has schema version {current}, newer than this "
                f"Undertow ({LATEST}); upgrade Undertow before opening it"
            )
        return current

    def migrate(self) -> None:
        current = self._check_version()
        if current == 0:
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
            )
        for version, description, sql in MIGRATIONS:
            if version <= current:
                continue
            log.info("migrating %s to schema version %d: %s", self.path, version, description)
            self.execute("BEGIN TRANSACTION")
            try:
                self.execute(sql)
                self.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [version, description, utcnow()],
                )
                if version == 1:
                    self._seed_agencies()
                self.execute("COMMIT")
            except BaseException:
                self.execute("ROLLBACK")
                raise

    def secret(self, name: str) -> bytes:
        """A per-store random secret (made on first use, kept in the store)."""
        import secrets

        row = self.one("SELECT value FROM secrets WHERE name = ?", [name])
        if row is not None:
            return bytes(row[0])
        value = secrets.token_bytes(32)
        self.execute("INSERT INTO secrets VALUES (?, ?)", [name, value])
        return value

    # -- agencies --------------------------------------------------------------

    def _seed_agencies(self) -> None:
        for agency in shipped_agencies():
            self._insert_agency(agency, shipped=True)

    def _insert_agency(self, agency: Agency, *, shipped: bool) -> None:
        self.execute(
            "INSERT INTO agencies VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                agency.code,
                agency.name,
                agency.country,
                agency.phone_region,
                agency.decimal_separator,
                shipped,
                utcnow(),
            ],
        )

    def agencies(self) -> AgencyRegistry:
        if self._registry is None:
            rows = self.fetchall(
                "SELECT code, name, country, phone_region, decimal_separator FROM agencies"
            )
            self._registry = AgencyRegistry(
                [
                    Agency(
                        code=r[0],
                        name=r[1],
                        country=r[2],
                        phone_region=r[3],
                        decimal_separator=r[4],
                    )
                    for r in rows
                ]
            )
        return self._registry

    def add_agency(self, agency: Agency) -> None:
        """Extend the registry of this deployment with a further agency."""
        if agency.code in self.agencies():
            raise ConfigError(f"agency {agency.code} is already registered")
        self._insert_agency(agency, shipped=False)
        self._registry = None
