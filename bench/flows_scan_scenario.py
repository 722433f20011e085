"""The typology scan on a synthesised scenario of the size the aim names.

    python bench/flows_scan_scenario.py [--size large] [--seed 7] [--profile default]
        [--workdir bench/out/scan-large] [--reuse]

``flows_scale.py`` scans ten million random payments over a million parties, where
every node may be a shop: the hawala mirror's worst case. This script scans the
scenario itself at the same order of size (``large``: about 11M payments): synthesised,
ingested, resolved, then each typology in turn over the administrator's payment
table, timed apart, with the detections scored against the scenario's truth as
``flows_synth.py`` scores them. ``--reuse`` scans a store a previous run left in
``--workdir``. At ``large`` the run takes about 50 minutes and 15-18 GB of memory on a
2-core machine; ``--size medium`` runs in two minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

from common import ingested_scenario, scan_each, source_state
from flows_synth import print_typology_scores
from undertow.flows.analyses import engine_with
from undertow.flows.graph import payment_tables
from undertow.service import Service
from undertow.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--workdir", type=Path, default=Path("bench/out/scan-large"))
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
        f"Python {platform.python_version()}; source: {source_state()}"
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    truth_path = args.workdir / "s" / "truth.json"
    if args.reuse:
        store = Store.open(args.workdir / "bench.duckdb")
        svc = Service(store, purpose="benchmark")
    else:
        started = time.perf_counter()
        summary, store, svc = ingested_scenario(
            args.workdir, args.seed, args.size, args.profile, purpose="benchmark"
        )
        truth_path = summary.truth
        print(f"synthesised and ingested in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        run = svc.resolve(retrain=True)
        print(
            f"resolved {run.party_records:,} party records in {time.perf_counter() - started:.0f} s"
        )
    started = time.perf_counter()
    tables = payment_tables(store, svc.scope)
    print(
        f"payment table: {tables.payments.num_rows:,} payments, "
        f"{tables.nodes.num_rows:,} nodes, in {time.perf_counter() - started:.1f} s"
    )
    found = scan_each(engine_with(tables))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")
    print_typology_scores(found, json.loads(truth_path.read_text()))
    store.close()


if __name__ == "__main__":
    main()
