"""Follow-the-money accuracy on the synthetic scenario, against its truth.json.

    python bench/flows_synth.py [--seeds 7 11] [--size small] [--profile default]

For each seed: synthesise, ingest, resolve, then as the store's administrator:

* **typologies** -- ``undertow flows typologies``. A planted instance is found when a
  detection of the same typology cites one of its payments; a detection is right when
  it cites a payment of a planted instance of its typology. Recall and precision per
  typology, and how many detections cite a payment of a planted instance of any typology;
* **rank** -- ``undertow flows rank``: the organisers and financiers (true people)
  among the true people behind the top 10 canonical ids, and the roles of those ten.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from common import ingested_scenario, scenario_arguments
from undertow.store import Store

TARGET_ROLES = ("organiser", "financier")


def typology_scores(
    found: list[Any], truth: dict[str, Any]
) -> dict[str, tuple[int, int, int, int, int]]:
    """typology -> (planted, found, detections, right, on planted money): the last
    counts detections citing a payment of a planted instance of *any* typology -- a
    pass-through found on a cycle's legs is wrong for the pass-through row, but it is
    the network's money an investigator is shown."""
    planted: dict[str, list[set[tuple[str, str]]]] = defaultdict(list)
    for t in truth["typologies"]:
        planted[t["typology"]].append({(p["agency"], p["entity_id"]) for p in t["payments"]})
    by_typology: dict[str, list[set[tuple[str, str]]]] = defaultdict(list)
    for d in found:
        by_typology[d.typology].append(set(d.payments))
    laundering = set().union(*(t for truths in planted.values() for t in truths))
    out = {}
    for typology in sorted(set(planted) | set(by_typology)):
        truths, detections = planted.get(typology, []), by_typology.get(typology, [])
        cited = set().union(*detections) if detections else set()
        evidence = set().union(*truths) if truths else set()
        hit = sum(1 for t in truths if t & cited)
        right = sum(1 for d in detections if d & evidence)
        on_planted = sum(1 for d in detections if d & laundering)
        out[typology] = (len(truths), hit, len(detections), right, on_planted)
    return out


def print_typology_scores(found: list[Any], truth: dict[str, Any]) -> None:
    """The table of :func:`typology_scores`, one typology per line."""
    print(
        "  typology        planted  found  recall | detections  right  precision"
        " | on any planted money"
    )
    for typology, (n, hit, det, right, on) in typology_scores(found, truth).items():
        recall = f"{hit / n:.2f}" if n else "  - "
        precision = f"{right / det:.2f}" if det else "  - "
        share = f"{on / det:.2f}" if det else "  - "
        print(
            f"  {typology:<15} {n:>7} {hit:>6}  {recall:>6} | {det:>10} {right:>6}  "
            f"{precision:>9} | {on:>5} ({share})"
        )


def rank_scores(store: Store, rows: list[Any], truth: dict[str, Any]) -> dict[str, Any]:
    canon = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    people: dict[str, set[str]] = defaultdict(set)
    for r in truth["records"]:
        eid = f"{r['agency']}.{r['entity_id']}"
        people[canon.get(eid, eid)].add(r["true_id"])
    roles = {k: v.get("role") for k, v in truth["people"].items()}
    targets = {k for k, role in roles.items() if role in TARGET_ROLES}
    top = [people.get(r.canonical_id, set()) for r in rows[:10]]
    found = set().union(*top) & targets if top else set()
    top_roles = Counter(roles.get(t, "?") for ids in top for t in ids)
    return {
        "targets": len(targets),
        "in_top_10": len(found),
        "recall": round(len(found) / len(targets), 3) if targets else None,
        "roles_in_top_10": dict(top_roles.most_common()),
    }


def main() -> None:
    args = scenario_arguments(__doc__)
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            summary, store, svc = ingested_scenario(
                Path(tmp), seed, args.size, args.profile, purpose="benchmark"
            )
            svc.resolve(retrain=True)
            truth = json.loads(summary.truth.read_text())
            t0 = time.perf_counter()
            found = svc.typologies()
            scan_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            ranking = svc.rank(10)
            rank_s = time.perf_counter() - t0
            print(
                f"seed {seed}, {args.size}/{args.profile}: scan {scan_s:.1f} s, rank {rank_s:.1f} s"
            )
            print_typology_scores(found, truth)
            print(f"  rank: {rank_scores(store, ranking.rows, truth)}")
            store.close()


if __name__ == "__main__":
    main()
