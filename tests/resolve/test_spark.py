"""The same Splink configuration on Spark (local mode) gives the same clusters as on
DuckDB. Spark is slow to start: this test keeps to a few hundred records."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from undertow.resolve.engines import api_for, spark_session
from undertow.resolve.pipeline import prepare, splink_pairs
from undertow.resolve.run import resolve
from undertow.service import Service
from undertow.store import Store
from undertow.synth import generate


@pytest.mark.slow
def test_spark_and_duckdb_make_the_same_clusters(tmp_path: Path) -> None:
    summary = generate(tmp_path / "scenario", seed=5, size="small")
    store = Store.open(tmp_path / "s.duckdb")
    manifest = json.loads(summary.manifest.read_text())
    small = [e for e in manifest if e["agency"] in {"UK-HOIE", "FR-OLTIM", "EU-FRONTEX"}]
    (tmp_path / "scenario" / "part.json").write_text(json.dumps(small))
    Service(store).ingest_manifest(tmp_path / "scenario" / "part.json")
    parties = prepare(store).parties
    assert 200 <= parties.num_rows <= 3000

    duck = resolve(store, by_user="test", retrain=True, engine="duckdb")
    on_duckdb = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    spark = spark_session()
    try:
        # The model trained on DuckDB, rendered for Spark and scored there...
        resolve(store, by_user="test", engine="spark", db_api=api_for("spark", spark))
        on_spark = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
        assert on_spark == on_duckdb
        assert duck.merged_records > 0
        # ...and pairs and probabilities agree, not only the clusters.
        model = orjson.loads(
            store.scalar("SELECT model FROM resolution_runs ORDER BY finished_at LIMIT 1")
        )
        spark_pairs, _ = splink_pairs(parties, model=model, db_api=api_for("spark", spark))
        duck_pairs, _ = splink_pairs(parties, model=model)

        def rows(table: object) -> dict[tuple[str, str], float]:
            out = {}
            for r in table.to_pylist():  # type: ignore[attr-defined]
                a, b = sorted((r["unique_id_l"], r["unique_id_r"]))
                out[(a, b)] = round(r["match_probability"], 9)
            return out

        on_spark_pairs, on_duck_pairs = rows(spark_pairs), rows(duck_pairs)
        assert on_spark_pairs.keys() == on_duck_pairs.keys()
        # Jaro-Winkler is DuckDB's built-in on one side and Splink's Java UDF on the
        # other; they disagree in the third decimal on a rare pair near the 0.88 level
        # ("bui quang quoc" / "bui hai ngoc": 0.8895 in DuckDB), and nowhere else.
        same = sum(on_spark_pairs[k] == on_duck_pairs[k] for k in on_duck_pairs)
        assert same >= 0.99 * len(on_duck_pairs)
    finally:
        spark.stop()
        store.close()
