"""What several benchmarks share: the source measured, and a resolved scenario."""

from __future__ import annotations

import argparse
import subprocess
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
