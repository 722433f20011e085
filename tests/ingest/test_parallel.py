"""Normalising in worker processes stores exactly what the in-process path stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ProvenanceFactory, person, write_jsonl
from undertow.ingest import IngestJob, ingest_file
from undertow.ingest.parallel import ordered_map, shutdown
from undertow.settings import Settings
from undertow.store import Store

SERIAL = Settings(workers=1)
PARALLEL = Settings(workers=2, parallel_min_bytes=0)


def _snapshot(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    statements = store.fetchall(
        "SELECT id, entity_id, prop, value, original_value FROM statements ORDER BY id"
    )
    quarantine = store.fetchall("SELECT line, field, code, raw FROM quarantine ORDER BY line")
    return statements, quarantine


@pytest.mark.slow
def test_workers_and_serial_agree(tmp_path: Path, provenance: ProvenanceFactory) -> None:
    entities: list[object] = []
    for i in range(9_000):
        entities.append(person(f"p-{i}", name=f"Karwan Ahmed {i}", phone=f"07911 {100000 + i}"))
        if i % 1_000 == 7:
            entities.append({"id": f"bad-{i}", "schema": "Persn", "properties": {}})
    jsonl = write_jsonl(tmp_path / "p.json", entities)
    csv = tmp_path / "cdr.csv"
    csv.write_text(
        "record_id,start_time,caller_number,called_number,duration_seconds,event_type\n"
        + "".join(
            f"C{i},14.05.2024 22:{i % 60:02d},0176 2342{i:04d},+44 7911 123456,{i % 300},voice\n"
            for i in range(5_000)
        )
        + "C-bad,14.05.2024 22:00,12,+44 7911 123456,1,voice\n"
    )
    snapshots = []
    try:
        for name, settings in (("serial", SERIAL), ("parallel", PARALLEL)):
            with Store.open(tmp_path / f"{name}.duckdb") as store:
                a = ingest_file(store, IngestJob(jsonl, provenance()), settings=settings)
                b = ingest_file(
                    store,
                    IngestJob(csv, provenance("DE-BKA"), "call_records"),
                    settings=settings,
                )
                assert a.counts.records_quarantined == 9
                assert b.counts.records_quarantined == 1
                snapshots.append(_snapshot(store))
    finally:
        shutdown()
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][0]) == 9_000 * 3 + 5_000 * 7


def _square(x: int) -> int:
    return x * x


def test_ordered_map_keeps_order_and_bounds_the_window() -> None:
    try:
        assert list(ordered_map(_square, range(50), workers=2, window=3)) == [
            x * x for x in range(50)
        ]
    finally:
        shutdown()
    assert list(ordered_map(_square, range(5), workers=1)) == [0, 1, 4, 9, 16]
