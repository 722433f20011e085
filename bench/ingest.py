"""Ingest throughput on the `medium` scenario, beside DuckDB's own bulk load of the same rows.

    python bench/ingest.py [--size medium] [--seed 7] [--workdir bench/out]

Undertow's figure is end to end: read the agency files (FtM JSON lines and CSV through
mappings), validate and normalise every value, hash, and store each report atomically.
The ceiling is DuckDB loading the very statement rows that came out, from Parquet and
from CSV, into an identical table -- no parsing of FtM, no normalisation, no dedupe.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

from undertow.service import Service
from undertow.store import Store
from undertow.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    args = parser.parse_args()

    data = args.workdir / f"scenario-{args.size}-{args.seed}"
    if not (data / "manifest.json").exists():
        start = time.perf_counter()
        generate(data, seed=args.seed, size=args.size)
        print(f"synthesised {args.size} in {time.perf_counter() - start:.1f} s")
    input_bytes = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())

    db = args.workdir / "ingest.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    store = Store.open(db)
    start = time.perf_counter()
    results = Service(store).ingest_manifest(data / "manifest.json")
    elapsed = time.perf_counter() - start
    read = sum(r.counts.statements_read for r in results)
    stored = int(store.scalar("SELECT count(*) FROM statements"))
    quarantined = sum(r.counts.records_quarantined for r in results)
    records = sum(r.counts.records_read for r in results)
    ingest_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # The ceiling: the same rows, bulk-loaded by DuckDB from its fastest inputs.
    parquet = args.workdir / "statements.parquet"
    csv = args.workdir / "statements.csv"
    store.execute(f"COPY statements TO '{parquet}' (FORMAT parquet)")
    store.execute(f"COPY statements TO '{csv}' (FORMAT csv, HEADER)")
    timings = {}
    for name, source in (
        ("parquet", f"read_parquet('{parquet}')"),
        ("csv", f"read_csv('{csv}', header = true, columns = {_csv_columns(store)})"),
    ):
        store.execute("DROP TABLE IF EXISTS ceiling")
        store.execute("CREATE TABLE ceiling AS SELECT * FROM statements LIMIT 0")
        t = time.perf_counter()
        store.execute(f"INSERT INTO ceiling SELECT * FROM {source}")
        timings[name] = time.perf_counter() - t
    store.execute("DROP TABLE ceiling")
    store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"input: {input_bytes / 1e6:.0f} MB in {len(results)} files, {records:,} records")
    print(f"statements: {read:,} read, {stored:,} stored, {quarantined:,} records quarantined")
    print(f"undertow ingest:     {elapsed:7.1f} s  {read / elapsed:>10,.0f} statements/s")
    for name, seconds in timings.items():
        print(
            f"duckdb bulk ({name:7s}): {seconds:7.1f} s  {stored / seconds:>10,.0f} statements/s"
            f"  -> undertow is {elapsed / seconds:.1f}x"
        )
    print(f"peak RSS: {ingest_peak_mb:,.0f} MB after ingest, {peak_mb:,.0f} MB after the ceiling")
    for path in (parquet, csv):
        path.unlink(missing_ok=True)


def _csv_columns(store: Store) -> str:
    rows = store.fetchall(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'statements' ORDER BY ordinal_position"
    )
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in rows) + "}"


if __name__ == "__main__":
    main()
