"""Money tracing and typology scans at scale, beside plain baselines in the same run.

    python bench/flows_scale.py [--payments 10000000] [--nodes 1000000] [--seeds 50]
        [--sample 1000000] [--cte-seeds 10] [--seed 7]

The payments are generated here, straight into the transaction table's columns (the
store's ``payment_tables`` is measured on real scenarios elsewhere): ``--nodes``
parties with heavy-tailed activity (a few shops and hubs touch a great many payments,
most people a handful), days over two years, log-normal amounts, mostly bank transfers
with some hawala and crypto. Then, on 2 cores:

* **trace** -- ``undertow.flows.trace`` forward, 4 hops, 30-day window, haircut and
  FIFO, from ``--seeds`` random payers: median and p95 seconds, on the Arrow table, on
  a DuckDB table, and with every node's history prepared once (``prepare_history``,
  timed apart) for many traces over the same payments;
* **networkx** -- the same time-respecting haircut trace written plainly in Python over
  a networkx ``MultiDiGraph`` (``tests/flows/reference.py``), on a graph of the same
  shape with ``--sample`` payments (networkx cannot hold ten million edges in 24 GB
  with room to spare, and a random sample of them is too sparse to trace through),
  beside Undertow on the same graph; the two must agree;
* **recursive CTE** -- the naive query (every time-respecting path of up to 4 hops,
  amounts capped along the path, no attribution) for ``--cte-seeds`` seeds, each with
  a time limit;
* **scan** -- the full typology scan (``undertow.flows.typologies.scan``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.flows.reference import Pay, carries

from common import scan_each
from undertow.flows.columns import NODES, PAYMENTS
from undertow.flows.engine import DuckDBEngine
from undertow.flows.trace import DUST, POOL, prepare_history, trace

START = date(2023, 1, 1)
COUNTRIES = ["gb", "de", "fr", "be", "nl", "iq", "tr", "ir"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def generate(n: int, nodes: int, seed: int) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(seed)
    # Heavy-tailed activity: a Pareto weight per node, payers and payees drawn by it.
    weight = rng.pareto(1.2, nodes) + 1.0
    weight /= weight.sum()
    src = rng.choice(nodes, size=n, p=weight)
    dst = rng.choice(nodes, size=n, p=weight)
    dst = np.where(dst == src, (dst + 1) % nodes, dst)
    day = np.sort(rng.integers(0, 730, size=n))
    eur = np.round(np.exp(rng.normal(5.5, 1.3, size=n)), 2)
    channel = rng.choice(["bank", "hawala", "crypto"], size=n, p=[0.9, 0.08, 0.02])
    seq = np.arange(1, n + 1)
    days = pa.array((np.datetime64(START) + day.astype("timedelta64[D]")), pa.date32())
    payment = ids("P.", seq)
    src_ids, dst_ids = ids("n", src), ids("n", dst)
    none = pa.nulls(n, pa.string())
    table = pa.table(
        {
            "payment": payment,
            "agency": pa.array(np.full(n, "UK-NCA")),
            "local_id": payment,
            "day": days,
            "day_precision": pa.array(np.full(n, "day")),
            "amount": eur,
            "currency": pa.array(np.full(n, "EUR")),
            "eur": eur,
            "src": src_ids,
            "dst": dst_ids,
            "src_account": none,
            "dst_account": none,
            "src_party": src_ids,
            "dst_party": dst_ids,
            "reference": none,
            "purpose": none,
            "channel": pa.array(channel),
            "seq": seq,
        },
        schema=PAYMENTS,
    )
    node_table = pa.table(
        {
            "node": ids("n", np.arange(nodes)),
            "name": ids("person ", np.arange(nodes)),
            "schema": pa.array(np.full(nodes, "Person")),
            "country": pa.array(rng.choice(COUNTRIES, size=nodes)),
            "role": pa.nulls(nodes, pa.string()),
            "notice": pa.nulls(nodes, pa.string()),
        },
        schema=NODES,
    )
    return table, node_table


def timed_traces(
    engine: Any, seeds: list[str], method: str, prepared: bool = False
) -> tuple[list[float], list[int]]:
    times, sizes = [], []
    for s in seeds:
        t0 = time.perf_counter()
        result = trace(engine, [s], method=method, hops=4, window_days=30, prepared=prepared)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t0)
        sizes.append(len(result.payments))
    return times, sizes


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, times: list[float], sizes: list[int] | None = None) -> None:
    extra = f"; payments traced median {statistics.median(sizes):,.0f}" if sizes else ""
    print(
        f"{label:<52} median {statistics.median(times):7.3f} s  p95 {p95(times):7.3f} s"
        f"  (n={len(times)}){extra}",
        flush=True,
    )


# -- networkx baseline -----------------------------------------------------------


def networkx_graph(table: pa.Table) -> Any:
    import networkx as nx

    g = nx.MultiDiGraph()
    cols = {c: table.column(c).to_pylist() for c in ("payment", "src", "dst", "day", "eur", "seq")}
    for i in range(table.num_rows):
        g.add_edge(
            cols["src"][i],
            cols["dst"][i],
            key=cols["payment"][i],
            day=cols["day"][i],
            eur=cols["eur"][i],
            seq=cols["seq"][i],
        )
    return g


def networkx_trace(
    g: Any, seed: str, method: str, hops: int, window: int, dust: float
) -> dict[str, float]:
    """The reference tracer over networkx adjacency: each frontier node's history from
    its in- and out-edges, carries by the definition, hop by hop (with Undertow's dust
    and pool limits, so that both trace the same thing)."""

    def history(node: str) -> list[tuple[int, bool, Pay]]:
        events = []
        for u, v, k, d in g.in_edges(node, keys=True, data=True):
            events.append((d["seq"], True, Pay(k, u, v, d["day"], d["eur"], d["seq"])))
        for u, v, k, d in g.out_edges(node, keys=True, data=True):
            events.append((d["seq"], False, Pay(k, u, v, d["day"], d["eur"], d["seq"])))
        return events

    tainted = {k: d["eur"] for _u, _v, k, d in g.out_edges(seed, keys=True, data=True)}
    amount = dict(tainted)
    dst = {k: v for _u, v, k in g.out_edges(seed, keys=True)}
    total = dict(tainted)
    floor = max(0.01, dust * sum(tainted.values()))
    for _ in range(hops - 1):
        frontier: dict[str, float] = defaultdict(float)
        by_node: dict[str, list[str]] = defaultdict(list)
        for payment in tainted:
            if dst[payment] != seed:
                by_node[dst[payment]].append(payment)
        for node, arriving in by_node.items():
            if g.degree(node) > POOL:  # a pool: reported, not traced through
                continue
            carried = carries(history(node), method, window)
            arrived = set(arriving)
            for _u, v, k, d in g.out_edges(node, keys=True, data=True):
                amount[k], dst[k] = d["eur"], v
            for (i, k), c in carried.items():
                if i in arrived:
                    frontier[k] += c * tainted[i] / amount[i]
        tainted = {k: min(amount[k], v) for k, v in frontier.items() if v >= floor}
        for k, v in tainted.items():
            total[k] = total.get(k, 0.0) + v
        if not tainted:
            break
    return total


# -- recursive CTE baseline --------------------------------------------------------

NAIVE_CTE = """
WITH RECURSIVE walk(hop, payment, node, seq, day, amount) AS (
    SELECT 1, payment, dst, seq, day, eur FROM payments WHERE src = ?
    UNION ALL
    SELECT w.hop + 1, p.payment, p.dst, p.seq, p.day, least(w.amount, p.eur)
    FROM walk w JOIN payments p ON p.src = w.node AND p.seq > w.seq
     AND p.day - w.day <= 30
    WHERE w.hop < 4
)
SELECT count(*), count(DISTINCT payment), sum(amount) FILTER (WHERE hop = 4) FROM walk
"""


def cte_time(con: Any, seed: str, limit: float) -> float | None:
    """Seconds for the naive query from ``seed``, or None past ``limit``."""
    timer = threading.Timer(limit, con.interrupt)
    timer.start()
    t0 = time.perf_counter()
    try:
        con.execute(NAIVE_CTE, [seed]).fetchall()
    except Exception:
        return None
    finally:
        timer.cancel()
    return time.perf_counter() - t0


def engine_with_limit(limit: str) -> DuckDBEngine:
    engine = DuckDBEngine()
    engine.con.execute(f"SET memory_limit = '{limit}'")
    return engine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--payments", type=int, default=10_000_000)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--sample", type=int, default=300_000)
    ap.add_argument("--nx-seeds", type=int, default=10)
    ap.add_argument("--unprepared-seeds", type=int, default=5)
    ap.add_argument("--memory", default="8GB", help="DuckDB memory limit per engine")
    ap.add_argument("--cte-seeds", type=int, default=10)
    ap.add_argument("--cte-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-scan", action="store_true")
    ap.add_argument("--only-scan", action="store_true")
    ap.add_argument("--typologies", nargs="*", help="scan only these (with --only-scan)")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        flush=True,
    )
    t0 = time.perf_counter()
    payments, nodes = generate(args.payments, args.nodes, args.seed)
    print(
        f"generated {payments.num_rows:,} payments over {args.nodes:,} nodes in "
        f"{time.perf_counter() - t0:.1f} s ({payments.nbytes / 1e9:.2f} GB in Arrow)",
        flush=True,
    )
    if args.only_scan:
        engine = engine_with_limit(args.memory)
        engine.register("payments", payments)
        engine.register("nodes", nodes)
        scan_each(engine, args.typologies)
        print(f"peak RSS {peak_mb():,.0f} MB", flush=True)
        return
    rng = np.random.default_rng(args.seed + 1)
    picks = rng.choice(payments.num_rows, size=args.seeds, replace=False)
    seeds = sorted({payments.column("src")[int(i)].as_py() for i in picks})

    # Undertow with every node's history prepared once (the way to run many traces),
    # then without: on a DuckDB table, and on the Arrow table (a few seeds: slow).
    engine = engine_with_limit(args.memory)
    engine.register("payments", payments)
    engine.register("nodes", nodes)
    native = engine_with_limit(args.memory)
    t0 = time.perf_counter()
    native.con.register("arrow_payments", payments)
    native.con.execute("CREATE TABLE payments AS SELECT * FROM arrow_payments ORDER BY seq")
    native.con.unregister("arrow_payments")
    print(f"DuckDB table loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    prepare_history(native)
    print(f"every node's history prepared in {time.perf_counter() - t0:.1f} s", flush=True)
    for method in ("haircut", "fifo"):
        times, sizes = timed_traces(native, seeds, method, prepared=True)
        report(f"Undertow trace {method}, 4 hops, prepared histories", times, sizes)
    few = seeds[: args.unprepared_seeds]
    times, sizes = timed_traces(native, few, "haircut")
    report("Undertow trace haircut, 4 hops, DuckDB table, per hop", times, sizes)
    times, sizes = timed_traces(engine, few, "haircut")
    report("Undertow trace haircut, 4 hops, Arrow table, per hop", times, sizes)

    # networkx on a smaller graph of the same shape (a random sample of the payments
    # would be too sparse to trace through), beside Undertow on the same graph.
    nodes_small = max(1000, args.nodes * args.sample // args.payments)
    sample, _ = generate(args.sample, nodes_small, args.seed + 2)
    t0 = time.perf_counter()
    g = networkx_graph(sample)
    print(
        f"networkx MultiDiGraph of {sample.num_rows:,} payments built in "
        f"{time.perf_counter() - t0:.1f} s (peak RSS so far {peak_mb():,.0f} MB)",
        flush=True,
    )
    small = DuckDBEngine()
    small.register("payments", sample)
    sample_seeds = sorted(
        {
            sample.column("src")[int(i)].as_py()
            for i in rng.choice(sample.num_rows, size=args.nx_seeds, replace=False)
        }
    )
    ours, theirs, worst = [], [], 0.0
    for s in sample_seeds:
        t1 = time.perf_counter()
        result = trace(small, [s], method="haircut", hops=4, window_days=30)
        ours.append(time.perf_counter() - t1)
        t1 = time.perf_counter()
        expected = networkx_trace(g, s, "haircut", 4, 30, DUST)
        theirs.append(time.perf_counter() - t1)
        got: dict[str, float] = defaultdict(float)
        for p in result.payments:
            got[p.payment] += p.traced
        for k in set(got) | set(expected):
            worst = max(worst, abs(got.get(k, 0.0) - expected.get(k, 0.0)))
    report(f"Undertow trace haircut, {sample.num_rows:,}-payment graph", ours)
    report(f"networkx trace haircut, {sample.num_rows:,}-payment graph", theirs)
    print(f"largest difference between the two, EUR: {worst:.6f}", flush=True)
    del g

    # The naive recursive CTE, with a time limit per seed.
    cte: list[float] = []
    timeouts = 0
    for s in seeds[: args.cte_seeds]:
        took = cte_time(native.con, s, args.cte_limit)
        if took is None:
            timeouts += 1
        else:
            cte.append(took)
    if cte:
        report("naive recursive CTE, 4 hops (paths, no attribution)", cte)
    print(
        f"naive recursive CTE: {timeouts} of {min(len(seeds), args.cte_seeds)} seeds "
        f"past {args.cte_limit:.0f} s",
        flush=True,
    )

    if not args.skip_scan:
        scan_each(engine)
    print(f"peak RSS {peak_mb():,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
