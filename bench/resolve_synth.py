"""Resolution accuracy on the synthetic scenario, against its truth.json.

    python bench/resolve_synth.py [--seeds 7 11] [--size small] [--profile default]

For each seed: synthesise, ingest, resolve (training the model), and report pairwise
precision / recall / F1 on person records -- all pairs and cross-agency pairs apart --
on all party records, and on accounts, vessels and vehicles (identifier keys); and
whether any cluster joins different people who share only a hub identifier.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ingested_scenario, scenario_arguments
from undertow.resolve import pair_scores
from undertow.store import Store


def cross(a: str, b: str) -> bool:
    return a.split(".", 1)[0] != b.split(".", 1)[0]


def evaluate(store: Store, truth: dict[str, Any]) -> dict[str, Any]:
    clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))

    def records(schemata: set[str]) -> dict[str, str]:
        return {
            f"{r['agency']}.{r['entity_id']}": r["true_id"]
            for r in truth["records"]
            if r["schema"] in schemata and not r.get("unusable")
        }

    persons = records({"Person"})
    hub_merges = 0
    for hub in truth["hub_identifiers"]:
        people = set(hub["true_ids"])
        by_cluster: dict[str, set[str]] = {}
        for record, true_id in persons.items():
            if true_id in people:
                by_cluster.setdefault(clusters.get(record, record), set()).add(true_id)
        hub_merges += sum(len(p) > 1 for p in by_cluster.values())
    return {
        "persons": pair_scores(clusters, persons).to_dict(),
        "persons cross-agency": pair_scores(clusters, persons, cross).to_dict(),
        "parties": pair_scores(
            clusters, records({"Person", "LegalEntity", "Company", "Organization"})
        ).to_dict(),
        "accounts, vessels, vehicles": pair_scores(
            clusters, records({"BankAccount", "Vessel", "Vehicle", "CryptoWallet"})
        ).to_dict(),
        "clusters mixing people who share a hub identifier": hub_merges,
    }


def main() -> None:
    args = scenario_arguments(__doc__)
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            summary, store, svc = ingested_scenario(Path(tmp), seed, args.size, args.profile)
            start = time.perf_counter()
            run = svc.resolve(retrain=True)
            seconds = time.perf_counter() - start
            truth = json.loads(summary.truth.read_text())
            print(
                f"seed {seed}, {args.size}/{args.profile}: {run.party_records:,} party "
                f"records, resolved in {seconds:.1f} s (threshold {run.threshold})"
            )
            for name, scores in evaluate(store, truth).items():
                print(f"  {name}: {scores}")
            store.close()


if __name__ == "__main__":
    main()
