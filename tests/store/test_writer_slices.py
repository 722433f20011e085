"""A report larger than one pass moves into place range by range, with the same result."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ProvenanceFactory, person, write_jsonl
from undertow.ingest import IngestJob, ingest_file
from undertow.store import Store, writer


def _stored(store: Store) -> list[tuple[str, ...]]:
    rows = store.fetchall("SELECT entity_id, prop, value, report_id FROM statements ORDER BY ALL")
    return [tuple(r) for r in rows]


def _report(tmp_path: Path) -> Path:
    # Repeats within the file (one entity given twice, a holder on every line) are
    # stored once, whichever pass they fall in.
    people = [person(f"p-{i:03d}", name=f"Person {i}", phone="07911 123456") for i in range(60)]
    return write_jsonl(tmp_path / "r.json", people + people[:25])


@pytest.mark.parametrize("slice_statements", [7, 50])
def test_ranges_store_what_one_pass_stores(
    tmp_path: Path,
    provenance: ProvenanceFactory,
    monkeypatch: pytest.MonkeyPatch,
    slice_statements: int,
) -> None:
    data = _report(tmp_path)
    with Store.open(tmp_path / "one.duckdb") as one:
        first = ingest_file(one, IngestJob(data, provenance()))
        expected = _stored(one)
        terms = one.scalar("SELECT count(*) FROM search_terms")
    monkeypatch.setattr(writer, "SLICE_STATEMENTS", slice_statements)
    with Store.open(tmp_path / "many.duckdb") as many:
        result = ingest_file(many, IngestJob(data, provenance()))
        assert _stored(many) == expected
        assert result.counts.statements_new == first.counts.statements_new == len(expected)
        assert result.counts.entities == first.counts.entities == 60
        assert many.scalar("SELECT count(*) FROM search_terms") == terms
        # Sorted by entity across the passes, as one pass sorts it.
        order = [r[0] for r in many.fetchall("SELECT entity_id FROM statements")]
        assert order == sorted(order)
        # Sent again, the report stores nothing new in any pass.
        again = ingest_file(many, IngestJob(data, provenance()))
        assert again.counts.statements_new == 0
        assert _stored(many) == expected
        assert "staging_statements" not in {
            r[0] for r in many.fetchall("SELECT table_name FROM duckdb_tables()")
        }
