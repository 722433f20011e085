"""HTTP API latency under concurrent load, beside the same calls made in-process.

    python bench/api.py [--clients 50] [--seconds 20] [--workdir bench/out]

Ingests the `medium` scenario once (kept in the work directory), starts `undertow serve`
on loopback in a subprocess, and drives it with N concurrent clients (asyncio + httpx)
issuing entity and search requests as analysts of two agencies. The same requests made
directly through the service layer, one at a time, are the baseline: the difference is
what HTTP, authentication, per-request connections and concurrency cost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from undertow.access import acting_user
from undertow.errors import UndertowError
from undertow.service import Service
from undertow.store import Store
from undertow.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    args = parser.parse_args()

    db, tokens = prepare(args.workdir)
    entity_ids, queries = samples(db)
    port = free_port()
    env = {**os.environ, "UNDERTOW_DB": str(db)}
    server = subprocess.Popen(
        [sys.executable, "-m", "undertow.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}"
        )
        print(f"store: medium scenario; {len(entity_ids)} entity ids, {len(queries)} queries")
        print(f"load: {args.clients} concurrent clients, {args.seconds:.0f} s per kind, loopback")
        for kind in ("entity", "search"):
            latencies, errors = asyncio.run(
                load(port, tokens, kind, entity_ids, queries, args.clients, args.seconds)
            )
            report(f"HTTP {kind}", latencies, args.seconds, errors)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for kind in ("entity", "search"):
        report(f"in-process {kind}", direct(db, kind, entity_ids, queries), None, 0)


def prepare(workdir: Path) -> tuple[Path, list[str]]:
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "api.duckdb"
    if not db.exists():
        data = workdir / "scenario-medium-7"
        if not (data / "manifest.json").exists():
            generate(data, seed=7, size="medium")
        with Store.open(db) as store:
            Service(store).ingest_manifest(data / "manifest.json")
    tokens = []
    with Store.open(db) as store:
        svc = Service(store)
        for agency in ("UK-NCA", "DE-BKA"):
            name = f"bench-{agency.lower()}-{int(time.time())}"
            tokens.append(svc.add_user(name, agency, "analyst")[1])
        svc.close()
    return db, tokens


def samples(db: Path) -> tuple[list[str], list[str]]:
    rng = random.Random(7)
    with Store.open(db) as store:
        ids = [
            r[0]
            for r in store.fetchall(
                "SELECT DISTINCT entity_id FROM statements WHERE schema = 'Person' "
                "AND agency IN ('UK-NCA', 'DE-BKA', 'FR-OLTIM') ORDER BY entity_id"
            )
        ]
        names = [
            r[0]
            for r in store.fetchall(
                "SELECT DISTINCT value FROM statements WHERE prop = 'name' AND schema = 'Person' "
                "ORDER BY value LIMIT 20000"
            )
        ]
        phones = [
            r[0]
            for r in store.fetchall(
                "SELECT DISTINCT value FROM statements WHERE prop_type = 'phone' ORDER BY value "
                "LIMIT 5000"
            )
        ]
    words = [n.split()[-1] for n in rng.sample(names, 150)]
    return rng.sample(ids, 300), words + rng.sample(phones, 50)


async def load(
    port: int,
    tokens: list[str],
    kind: str,
    entity_ids: list[str],
    queries: list[str],
    clients: int,
    seconds: float,
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
    ) as client:

        async def worker(k: int) -> None:
            nonlocal errors
            rng = random.Random(k)
            headers = {"Authorization": f"Bearer {tokens[k % len(tokens)]}", "X-Purpose": "bench"}
            while time.perf_counter() < deadline:
                params: dict[str, str | int] | None = None
                if kind == "entity":
                    url = f"/entities/{rng.choice(entity_ids)}"
                else:
                    url, params = "/search", {"q": rng.choice(queries), "limit": 20}
                start = time.perf_counter()
                response = await client.get(url, params=params, headers=headers)
                latencies.append(time.perf_counter() - start)
                if response.status_code >= 500:
                    errors += 1

        await asyncio.gather(*(worker(k) for k in range(clients)))
    return latencies, errors


def direct(db: Path, kind: str, entity_ids: list[str], queries: list[str]) -> list[float]:
    latencies = []
    with Store.open(db) as store:
        principal = acting_user(
            store,
            next(r[0] for r in store.fetchall("SELECT name FROM users WHERE agency = 'UK-NCA'")),
        )
        svc = Service(store, principal, purpose="bench")
        for item in (entity_ids if kind == "entity" else queries)[:200]:
            start = time.perf_counter()
            # A hidden entity is a NotFoundError, like a 404 over HTTP: still timed.
            with contextlib.suppress(UndertowError):
                svc.entity(item) if kind == "entity" else svc.search(item)
            latencies.append(time.perf_counter() - start)
    return latencies


def report(label: str, latencies: list[float], seconds: float | None, errors: int) -> None:
    qs = statistics.quantiles(latencies, n=100)
    rate = f", {len(latencies) / seconds:,.0f} req/s" if seconds else ""
    print(
        f"{label:20s} n={len(latencies):6,d}  p50 {qs[49] * 1000:7.1f} ms  "
        f"p95 {qs[94] * 1000:7.1f} ms  p99 {qs[98] * 1000:7.1f} ms{rate}"
        + (f"  server errors: {errors}" if errors else "")
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


if __name__ == "__main__":
    main()
