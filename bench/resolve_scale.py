"""Resolution at scale: Undertow beside plain Splink on the same synthetic people.

    python bench/resolve_scale.py [--sizes 100000 300000 1000000] [--seed 7]
        [--workdir bench/out] [--threshold 0.8] [--profile] [--blocking] [--keep]

For each size, records come from ``bench/people.py`` (generated once, kept in the
workdir) and each measurement runs in its own subprocess, so its peak memory (VmHWM:
Python, Arrow and DuckDB's buffer pool alike) is its own:

* ``undertow ingest`` -- the agencies' FtM files into a fresh store (not part of
  resolution; timed for reference);
* ``undertow resolve`` -- ``resolve(store, retrain=True)`` end to end: party records,
  identifier keys and hubs, EM training, prediction, clustering, the run written;
* ``splink`` -- plain Splink 5 on the same records from the flat ``records.csv``: a
  standard dedupe model (first name and surname ``NameComparison``, date of birth
  ``DateOfBirthComparison``, phone, nationality, passport and gender exact), blocking on
  names, name + birth date, phone and passport; u by random sampling and EM capped by
  ``max_pairs``; predict, then ``cluster_pairwise_predictions_at_threshold``.

Both are scored on pairwise precision and recall of their clusters against the
generated truth (the pairs within clusters, as ``undertow.resolve.pair_scores``
counts them, computed in SQL so a million records stay cheap).

``--profile`` also runs ``undertow resolve`` under cProfile and prints where the time
goes; ``--blocking`` counts the candidate pairs each blocking rule makes, for both (after
the timed part). Ingest's peak is its main process only (its forkserver workers are not
children of it).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import source_state
from people import generate

RESULT = "RESULT "


# -- measurements, each run in a child process -------------------------------------


def peak_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest waited-for child."""
    status = Path("/proc/self/status").read_text()
    hwm = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_mb": hwm / 1024, "children_peak_mb": children / 1024}


def ingest(data: Path, db: Path) -> dict[str, Any]:
    from undertow.service import Service
    from undertow.store import Store

    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    store = Store.open(db)
    start = time.perf_counter()
    results = Service(store).ingest_manifest(data / "manifest.json")
    seconds = time.perf_counter() - start
    out = {
        "seconds": seconds,
        "records": sum(r.counts.records_read for r in results),
        "quarantined": sum(r.counts.records_quarantined for r in results),
        "statements": int(store.scalar("SELECT count(*) FROM statements")),
    }
    store.close()
    return out


def undertow_resolve(
    data: Path, db: Path, threshold: float, profile: bool, blocking: bool
) -> dict[str, Any]:
    from undertow.resolve import resolve
    from undertow.store import Store

    store = Store.open(db)
    marks: list[tuple[str, float]] = []
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    summary = resolve(
        store,
        by_user="bench",
        retrain=True,
        threshold=threshold,
        progress=lambda step: marks.append((step, time.perf_counter())),
    )
    if profiler is not None:
        profiler.disable()
    end = time.perf_counter()
    marks.append(("end", end))
    steps = {step: t1 - t0 for (step, t0), (_, t1) in pairwise(marks)}
    out: dict[str, Any] = {
        "seconds": end - start,
        "steps": steps,
        "pairs": summary.pairs,
        "clusters": summary.clusters,
        "hubs": summary.hubs,
    }
    out |= peak_mb()  # before scoring: the scoring is not part of resolution
    store.con.execute(
        f"CREATE TEMP TABLE bench_truth AS SELECT * FROM read_csv('{data / 'truth.csv'}')"
    )
    out["scores"] = scores(store.con, "canonical", "entity_id", "canonical_id")
    if profiler is not None:
        out["profile"] = profile_text(profiler)
    if blocking:
        import duckdb

        from undertow.resolve.model import BLOCKING
        from undertow.resolve.pipeline import prepare

        con = duckdb.connect()
        con.register("parties", prepare(store).parties)
        out["blocking"] = block_counts(con, "parties", BLOCKING)
    store.close()
    return out


BLOCKS: list[tuple[tuple[str, ...], list[str] | None]] = [
    (("first_name", "surname"), None),
    (("surname", "dob"), None),
    (("first_name", "dob"), None),
    (("phone",), None),
    (("passport",), None),
]


def splink(
    data: Path, threshold: float, u_pairs: float, em_pairs: float, blocking: bool
) -> dict[str, Any]:
    import duckdb
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    stages: dict[str, float] = {}
    start = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        stages[name] = now - last
        last = now

    con = duckdb.connect()
    # The cleaning any Splink user does first: case and accents folded, dates parsed
    # from the two forms the agencies use (partial dates are left out), phones compared
    # on their last nine digits (national and international forms then agree).
    con.execute(
        f"""
        CREATE TABLE people AS
        SELECT record_id AS unique_id,
               nullif(lower(strip_accents(trim(first_name))), '') AS first_name,
               nullif(lower(strip_accents(trim(surname))), '') AS surname,
               strftime(coalesce(try_strptime(birth_date, '%Y-%m-%d'),
                                 try_strptime(birth_date, '%d.%m.%Y')), '%Y-%m-%d') AS dob,
               nullif(right(regexp_replace(phone, '[^0-9]', '', 'g'), 9), '') AS phone,
               nullif(lower(trim(nationality)), '') AS nationality,
               nullif(upper(regexp_replace(passport, '[^A-Za-z0-9]', '', 'g')), '')
                   AS passport,
               nullif(lower(left(gender, 1)), '') AS gender
        FROM read_csv('{data / "records.csv"}', all_varchar = true)
        """
    )
    lap("load + clean")
    db_api = DuckDBAPI(connection=con)
    table = db_api.register("people")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("passport"),
            cl.ExactMatch("gender"),
        ],
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols, _ in BLOCKS],
    )
    linker = Linker(table, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_pairs)
    lap("train (prior, u, EM x2)")
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    lap("predict")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    con.execute(f"CREATE TABLE bench_clusters AS SELECT * FROM {clusters.physical_name}")
    lap("cluster")
    out: dict[str, Any] = {
        "seconds": last - start,
        "stages": stages,
        "pairs": int(
            con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0]
        ),
    }
    out |= peak_mb()
    con.execute(f"CREATE TABLE bench_truth AS SELECT * FROM read_csv('{data / 'truth.csv'}')")
    out["scores"] = scores(con, "bench_clusters", "unique_id", "cluster_id")
    if blocking:
        out["blocking"] = block_counts(con, "people", BLOCKS)
    return out


def block_counts(
    con: Any, table: str, rules: list[tuple[tuple[str, ...], list[str] | None]]
) -> list[tuple[str, int, int]]:
    """Candidate pairs each blocking rule makes (counted before Splink drops the pairs an
    earlier rule already found), and its largest block: what prediction has to score."""
    out = []
    for cols, explode in rules:
        picked = ", ".join(f"unnest({c}) AS {c}" if c in (explode or []) else c for c in cols)
        known = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        pairs, largest = con.execute(
            f"""
            SELECT sum(n * (n - 1) // 2), max(n) FROM (
                SELECT count(*) AS n FROM (SELECT {picked} FROM {table})
                WHERE {known} GROUP BY {", ".join(cols)})
            """
        ).fetchall()[0]
        label = "+".join(cols) + (" (exploded)" if explode else "")
        out.append((label, int(pairs or 0), int(largest or 0)))
    return out


def scores(con: Any, table: str, record: str, cluster: str) -> dict[str, Any]:
    """Pairwise precision and recall of clusters against ``bench_truth`` (pairs within a
    cluster; the definition of ``undertow.resolve.pair_scores``), and the largest one."""
    row = con.execute(
        f"""
        WITH joined AS (
            SELECT t.record_id, t.true_id, coalesce(c.{cluster}::VARCHAR, t.record_id) AS cid
            FROM bench_truth t LEFT JOIN {table} c ON c.{record} = t.record_id
        ),
        predicted AS (SELECT count(*) AS n FROM joined GROUP BY cid),
        actual AS (SELECT count(*) AS n FROM joined GROUP BY true_id),
        correct AS (SELECT count(*) AS n FROM joined GROUP BY cid, true_id)
        SELECT (SELECT sum(n * (n - 1) // 2) FROM actual),
               (SELECT sum(n * (n - 1) // 2) FROM predicted),
               (SELECT sum(n * (n - 1) // 2) FROM correct),
               (SELECT max(n) FROM predicted)
        """
    ).fetchall()[0]
    true_pairs, predicted, correct, largest = (int(v or 0) for v in row)
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
        "correct_pairs": correct,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "largest_cluster": largest,
    }


def profile_text(profiler: cProfile.Profile, top: int = 35) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def child(args: argparse.Namespace) -> None:
    if args.stage == "ingest":
        result = ingest(args.data, args.db)
    elif args.stage == "resolve":
        result = undertow_resolve(args.data, args.db, args.threshold, args.profile, args.blocking)
    else:
        result = splink(args.data, args.threshold, args.u_pairs, args.em_pairs, args.blocking)
    result |= {k: v for k, v in peak_mb().items() if k not in result}
    print(RESULT + json.dumps(result), flush=True)


# -- the run ------------------------------------------------------------------------


def measure(stage: str, args: argparse.Namespace, data: Path, db: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        stage,
        "--data",
        str(data),
        "--db",
        str(db),
        "--threshold",
        str(args.threshold),
        "--u-pairs",
        str(args.u_pairs),
        "--em-pairs",
        str(args.em_pairs),
    ]
    if args.profile and stage == "resolve":
        command.append("--profile")
    if args.blocking:
        command.append("--blocking")
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"{stage} failed with exit code {done.returncode}")
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT))
    result: dict[str, Any] = json.loads(line[len(RESULT) :])
    result["process_seconds"] = wall
    return result


def report(rows: list[tuple[int, str, dict[str, Any]]], sizes: list[int]) -> None:
    print("\n| size | stage | seconds | peak MB | growth (time) | P | R | F1 | largest cluster |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    previous: dict[str, tuple[int, float]] = {}
    for size, stage, r in rows:
        seconds = float(r["seconds"])
        growth = ""
        if stage in previous:
            before_size, before = previous[stage]
            growth = f"{seconds / before:.2f}x for {size / before_size:.1f}x records"
        previous[stage] = (size, seconds)
        s = r.get("scores")
        quality = (
            f"{s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['largest_cluster']}"
            if s
            else " | | |"
        )
        peak = max(float(r["peak_mb"]), float(r.get("children_peak_mb", 0.0)))
        print(f"| {size:,} | {stage} | {seconds:.1f} | {peak:,.0f} | {growth} | {quality} |")
    by = {(size, stage): r for size, stage, r in rows}
    print()
    for size in sizes:
        ours, plain = by.get((size, "undertow resolve")), by.get((size, "splink"))
        if ours and plain:
            print(
                f"{size:,}: undertow resolve {ours['seconds']:.1f} s vs plain Splink "
                f"{plain['seconds']:.1f} s -> {ours['seconds'] / plain['seconds']:.2f}x "
                f"(aim: <= 1.5x and < 90 s at 1M)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--u-pairs", type=float, default=1e7, help="max_pairs for u (Splink)")
    parser.add_argument("--em-pairs", type=float, default=2e6, help="max_pairs for EM (Splink)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--blocking", action="store_true", help="count the candidate pairs of each blocking rule"
    )
    parser.add_argument("--stages", nargs="+", default=["ingest", "resolve", "splink"])
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    parser.add_argument("--child", dest="stage", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage is not None:
        child(args)
        return

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}; source: {source_state()}"
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[int, str, dict[str, Any]]] = []
    for size in args.sizes:
        data = args.workdir / f"people-{size}-{args.seed}"
        if not (data / "manifest.json").exists():
            made = generate(data, size, args.seed)
            print(f"{size:,}: generated {made.people:,} people in {made.seconds:.1f} s")
        db = args.workdir / f"scale-{size}.duckdb"
        steps: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
            ("ingest", "undertow ingest", _ingest_note),
            ("resolve", "undertow resolve", _resolve_note),
            ("splink", "splink", _splink_note),
        ]
        for stage, label, note in steps:
            if stage not in args.stages:
                continue
            result = measure(stage, args, data, db)
            rows.append((size, label, result))
            print(f"{size:,} {label}: {result['seconds']:.1f} s, {note(result)}", flush=True)
            if "profile" in result:
                print(result["profile"])
            for rule, pairs, largest in result.get("blocking", []):
                print(f"    blocking {rule:28s} {pairs:>14,} pairs, largest block {largest:,}")
        if not args.keep:
            for stale in (db, db.with_name(db.name + ".wal"), Path(f"{db}.audit-anchors")):
                stale.unlink(missing_ok=True)
    report(rows, args.sizes)


def _ingest_note(r: dict[str, Any]) -> str:
    return (
        f"{r['records']:,} records, {r['statements']:,} statements, "
        f"{r['quarantined']:,} quarantined, peak {r['peak_mb']:,.0f} MB "
        "(the main process; ingest's forkserver workers are not its children)"
    )


def _resolve_note(r: dict[str, Any]) -> str:
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items())
    return f"{steps}; {r['pairs']:,} pairs, {r['hubs']} hubs; peak {r['peak_mb']:,.0f} MB"


def _splink_note(r: dict[str, Any]) -> str:
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items())
    return f"{stages}; {r['pairs']:,} pairs; peak {r['peak_mb']:,.0f} MB"


if __name__ == "__main__":
    main()
