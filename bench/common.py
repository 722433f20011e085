"""What several benchmarks share: the source measured, and a resolved scenario."""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path
from typing import Any

from undertow.service import Service
from undertow.store import Store
from undertow.synth import generate


def source_state() -> str:
    """The commit measured, and whether ``src/`` had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        diff = subprocess.run(
            ["git", "diff", "--stat", "--", ":/src"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (f" + uncommitted src changes ({diff.splitlines()[-1].strip()})" if diff else "")


def scenario_arguments(doc: str | None) -> argparse.Namespace:
    """``--seeds``, ``--size`` and ``--profile``, as every scenario benchmark takes them."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    parser.add_argument("--size", default="small")
    parser.add_argument("--profile", default="default")
    return parser.parse_args()


def ingested_scenario(
    workdir: Path, seed: int, size: str, profile: str, purpose: str | None = None
) -> tuple[Any, Store, Service]:
    """The scenario synthesised into ``workdir`` and ingested into a fresh store there:
    (synthesis summary, store, the administrator's service)."""
    summary = generate(workdir / "s", seed=seed, size=size, profile=profile)
    store = Store.open(workdir / "bench.duckdb")
    svc = Service(store, purpose=purpose)
    svc.ingest_manifest(summary.manifest)
    return summary, store, svc


def scan_each(engine: Any, only: list[str] | None = None) -> list[Any]:
    """The full scan (or the typologies named in ``only``), one typology at a time, so
    that each has its time (and a failure its own line); the detections of those that
    finished."""
    from undertow.errors import StoreError
    from undertow.flows.typologies import DEFAULT_SPECS, scan

    total = 0.0
    detections: list[Any] = []
    for spec in DEFAULT_SPECS:
        if only and spec.name not in only:
            continue
        t0 = time.perf_counter()
        try:
            found = scan(engine, [spec])
        except StoreError as e:
            print(f"typology {spec.name}: failed after {time.perf_counter() - t0:.1f} s: {e}")
            continue
        took = time.perf_counter() - t0
        total += took
        detections += found
        print(f"typology {spec.name:<15} {took:7.1f} s  {len(found):,} detections", flush=True)
    print(f"typology scan, those that finished: {total:.1f} s", flush=True)
    return detections
