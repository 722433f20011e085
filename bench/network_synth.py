"""The network analyses on the synthetic scenario, against its truth.json.

    python bench/network_synth.py [--seeds 7 11] [--size small] [--profile default]

For each seed: synthesise, ingest, resolve, then, as the administrator (everything
visible):

* **roles** -- a confusion matrix of the predicted role of each person or company node
  against the true role of the person most of its records belong to (truth's
  storage keepers, equipment buyers and suppliers are ``logistics``, launderers
  ``financier``, migrants ``customer``, relatives and bystanders ``other``);
* **key players** -- how many of the true organisers (and organisers + financiers) have
  a node among the top 10 key players;
* **disruption** -- each strategy's 5 arrests, judged with the *true* organisers as the
  money's destination: organiser-bound money cut right after the arrests and after the
  simulated recovery; the business-model strategy beside the best classical one.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from common import ingested_scenario, scenario_arguments, source_state
from undertow.network.analyses import (
    DEFAULT_LAYERS,
    EXACT_UP_TO,
    SAMPLE,
    business,
    disruption,
    key_players,
    network_view,
)
from undertow.network.disrupt import assess_plan
from undertow.network.roles import ROLES
from undertow.store import Store
from undertow.store.scope import Scope

TRUE_ROLE = {
    "organiser": "organiser",
    "financier": "financier",
    "launderer": "financier",
    "collector": "collector",
    "hawaladar": "hawaladar",
    "recruiter": "recruiter",
    "driver": "driver",
    "pilot": "pilot",
    "storage_keeper": "logistics",
    "equipment_buyer": "logistics",
    "supplier": "logistics",
    "migrant": "customer",
}


def true_ids(store: Store, truth: dict[str, Any]) -> dict[str, str]:
    """Canonical node -> the true id most of its records belong to."""
    canonical = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in truth["records"]:
        node = canonical.get(f"{r['agency']}.{r['entity_id']}")
        if node is not None:
            votes[node][r["true_id"]] += 1
    return {node: v.most_common(1)[0][0] for node, v in votes.items()}


def _records_per_node(store: Store) -> Counter[str]:
    return Counter(dict(store.fetchall("SELECT canonical_id, count(*) FROM canonical GROUP BY 1")))


def evaluate(store: Store, truth: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    view = network_view(store, Scope.everything())
    owner = true_ids(store, truth)
    people = truth["people"]

    def truth_role(node: str) -> str:
        true = owner.get(node)
        return TRUE_ROLE.get(people.get(true, {}).get("role", ""), "other") if true else "other"

    confusion: Counter[tuple[str, str]] = Counter()
    for node, label in view.roles.items():
        if node in owner:
            confusion[(truth_role(node), label.role)] += 1
    # Per person: the node holding most of their records (resolution may leave a
    # name-only payee record of the same man as a node of its own).
    main: dict[str, tuple[int, str]] = {}
    weight = _records_per_node(store)
    for node, true in owner.items():
        if node in view.roles and (true not in main or weight[node] > main[true][0]):
            main[true] = (weight[node], node)
    per_person: Counter[tuple[str, str]] = Counter()
    for _, node in main.values():
        per_person[(truth_role(node), view.roles[node].role)] += 1
    top = key_players(view, 10)
    organisers = {p for p, d in people.items() if d.get("role") == "organiser"}
    money_people = organisers | {p for p, d in people.items() if d.get("role") == "financier"}
    found = {owner.get(r.canonical_id) for r in top}
    plans = disruption(view, 5)
    graph = view.graph((*DEFAULT_LAYERS, "equipment"))
    truly = dataclasses.replace(
        business(view),
        organisers=frozenset(n for n, t in owner.items() if t in money_people),
    )
    sample = SAMPLE if graph.vcount() > EXACT_UP_TO else None
    judged = {
        p.strategy: assess_plan(graph, truly, p.strategy, p.removed, runs=5, sample=sample)
        for p in plans
    }
    return {
        "seconds": time.perf_counter() - started,
        "confusion": confusion,
        "per_person": per_person,
        "organisers_in_top10": (len(found & organisers), len(organisers)),
        "organisers_financiers_in_top10": (len(found & money_people), len(money_people)),
        "top10_roles": [(r.role, truth_role(r.canonical_id)) for r in top],
        "plans": {
            s: (
                1 - j.after.money_share,
                1 - j.recovered.money_share,
                1 - j.recovered.largest_component_share,
                1 - j.recovered.trips_share,
                [truth_role(n) for n in j.removed],
            )
            for s, j in judged.items()
        },
    }


def report(result: dict[str, Any]) -> None:
    print("Roles, per node:\n")
    matrix(result["confusion"])
    print("\nRoles, per person (the node holding most of their records):\n")
    matrix(result["per_person"])
    rest(result)


def matrix(confusion: Counter[tuple[str, str]]) -> None:
    print("| true \\ predicted | " + " | ".join(ROLES) + " | recall |")
    print("| --- |" + " ---: |" * (len(ROLES) + 1))
    for true in ROLES:
        row = [confusion[(true, p)] for p in ROLES]
        total = sum(row)
        recall = f"{confusion[(true, true)] / total:.2f}" if total else "-"
        print(f"| {true} | " + " | ".join(str(x) for x in row) + f" | {recall} |")
    precision = []
    for p in ROLES:
        col = sum(confusion[(t, p)] for t in ROLES)
        precision.append(f"{confusion[(p, p)] / col:.2f}" if col else "-")
    print("| precision | " + " | ".join(precision) + " | |")


def rest(result: dict[str, Any]) -> None:
    o, n = result["organisers_in_top10"]
    of, nf = result["organisers_financiers_in_top10"]
    print(f"\norganisers in the top 10 key players: {o}/{n}; organisers + financiers {of}/{nf}")
    print("top 10 (predicted, true):", result["top10_roles"])
    print(
        "\n| strategy | money cut right after | money cut after recovery | "
        "largest component cut after recovery | trips cut after recovery | arrested (true roles) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for s, (now, later, lcc, trips, roles) in result["plans"].items():
        print(f"| {s} | {now:.1%} | {later:.1%} | {lcc:.1%} | {trips:.1%} | {', '.join(roles)} |")
    print(f"\n(network analyses {result['seconds']:.1f} s)")


def main() -> None:
    args = scenario_arguments(__doc__)
    print(f"source {source_state()}")
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            summary, store, svc = ingested_scenario(Path(tmp), seed, args.size, args.profile)
            svc.resolve(retrain=True)
            truth = json.loads(summary.truth.read_text())
            print(f"\n## seed {seed}, {args.size}/{args.profile}\n")
            report(evaluate(store, truth))
            store.close()


if __name__ == "__main__":
    main()
