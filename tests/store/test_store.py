from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from undertow.errors import ConfigError, SchemaVersionError, StoreError
from undertow.model import Agency
from undertow.store import Store
from undertow.store.schema import LATEST
from undertow.store.store import MEMORY_SHARE, SCRATCH_SHARE, scratch_connection


def test_a_new_store_is_migrated_and_seeded(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.duckdb") as store:
        assert store.version() == LATEST
        assert "EU-FRONTEX" in store.agencies()
    # Reopening applies nothing twice.
    with Store.open(tmp_path / "a.duckdb") as store:
        assert store.scalar("SELECT count(*) FROM schema_version") == LATEST
        assert store.scalar("SELECT count(*) FROM agencies") == 9


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.duckdb") as store:
        store.execute("INSERT INTO schema_version VALUES (?, 'future', now())", [LATEST + 1])
    with pytest.raises(SchemaVersionError, match="newer than this"):
        Store.open(tmp_path / "a.duckdb")


def test_deployments_extend_the_registry(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.duckdb") as store:
        store.add_agency(Agency("ES-CNP", "Policía Nacional", "es", "ES", ","))
        with pytest.raises(ConfigError, match="already registered"):
            store.add_agency(Agency("ES-CNP", "again"))
    with Store.open(tmp_path / "a.duckdb") as store:
        assert store.agencies().get("ES-CNP").phone_region == "ES"


def test_engine_errors_are_wrapped_naming_the_query(store: Store) -> None:
    with pytest.raises(StoreError, match="SELECT nothing FROM nowhere"):
        store.execute("SELECT nothing FROM nowhere")


def test_read_only_open_of_a_missing_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        Store.open(tmp_path / "absent.duckdb", read_only=True)


def _limit_bytes(con: Any) -> int:
    row = con.execute("SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'").fetchone()
    number, unit = row[0].split()
    return int(float(number) * {"MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit])


def test_the_store_and_a_scratch_connection_together_stay_under_duckdbs_default(
    tmp_path: Path,
) -> None:
    # Two DuckDB instances in one process each assume they are alone (80% of memory);
    # together they must not.
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    store = Store.open(tmp_path / "s.duckdb")
    scratch = scratch_connection()
    both = _limit_bytes(store.con) + _limit_bytes(scratch)
    assert both <= 0.81 * total
    assert _limit_bytes(scratch) == pytest.approx(SCRATCH_SHARE * total, rel=0.01)
    assert _limit_bytes(store.con) == pytest.approx(MEMORY_SHARE * total, rel=0.01)
