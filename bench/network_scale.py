"""Network analyses at scale: the projection, Leiden, PageRank, sampled betweenness and
k-hop neighbourhoods on a million nodes, beside networkx on a graph it can hold.

    python bench/network_scale.py [--nodes 1000000] [--edges-per-node 6] [--sample 100000]
        [--seeds 50] [--pivots 64] [--seed 7]

The edge table is generated here, straight into ``EDGES`` columns: a Chung-Lu graph
(each node's expected degree proportional to a Pareto weight with tail 1.5, so degrees
fall off as a power law of exponent 2.5, as in call and co-offending networks), with
half of each node's ties inside a planted group of about 200 (a crew, a family, a
village), plus one tie from every node so that every node is in the graph;
six layers (calls, payments, co-presence dated over two years; associates, shared
phones and family undated), each with its own measure. Then, on 2 cores:

* **projection** -- ``undertow.network.project`` of every layer, from the Arrow tables;
* **Leiden** -- ``leidenalg.find_partition`` with ``ModularityVertexPartition`` on the
  projected ``weight`` (the quality ``undertow.network.analyses.communities`` optimises:
  its ``RBConfigurationVertexPartition`` at resolution 1 is modularity);
* **PageRank** -- igraph's (PRPACK), weighted, damping 0.85;
* **betweenness** -- unweighted (hop) shortest paths from ``--pivots`` random sources,
  scaled by n / pivots (Brandes & Pich 2007), as ``undertow.network.strategies`` does;
* **k-hop** -- every node within 2 and 3 hops of each of ``--seeds`` random nodes.

networkx is measured on a graph of the same shape with ``--sample`` nodes (the same
generator): a random induced subgraph of the big one would keep about one edge in a
hundred and be nothing like it. igraph runs on that same graph too, so that each
comparison is like for like, and the two must agree: the same projection, PageRank to
1e-6, betweenness from the same pivots, the same neighbourhood sizes. networkx has no
Leiden of its own (``leiden_communities`` only dispatches to other backends): its
Louvain (``louvain_communities``), the method Leiden refines, stands in, with both
modularities shown. Peak RSS is this process's VmHWM over each step (reset before it
through ``/proc/self/clear_refs``), so it includes whatever the process already held.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import source_state
from undertow.network.columns import EDGES, NODES
from undertow.network.project import project, strengths

START = date(2023, 1, 1)
GROUP = 200  # mean size of a planted group
INSIDE = 0.5  # share of ties within the source's group
# layer: (share of rows, directed, dated)
MIX = {
    "call": (0.30, True, True),
    "payment": (0.20, True, True),
    "copresence": (0.15, False, True),
    "associate": (0.15, False, False),
    "shared_phone": (0.10, False, False),
    "family": (0.10, False, False),
}


# -- memory ------------------------------------------------------------------------


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> bool:
    """Start a new high-water mark at the current RSS (Linux 4.0+: writing 5 to
    clear_refs resets VmHWM); False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# -- the synthetic edge table ------------------------------------------------------


def ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def generate(nodes: int, per_node: float, seed: int) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(seed)
    weight = rng.pareto(1.5, nodes) + 1.0
    p = weight / weight.sum()
    rows = int(nodes * per_node)
    src = np.concatenate([np.arange(nodes), rng.choice(nodes, size=rows - nodes, p=p)])
    dst = rng.choice(nodes, size=rows, p=p)
    # Planted groups (crews, families, villages): half the ties stay within the source's
    # group, the other end again drawn by weight, from the cumulative weights of the
    # nodes sorted by group.
    group = rng.integers(0, max(1, nodes // GROUP), nodes)
    order = np.argsort(group, kind="stable")
    cdf = np.cumsum(p[order])
    first_of = np.searchsorted(group[order], group, side="left")
    last_of = np.searchsorted(group[order], group, side="right") - 1
    inside = np.flatnonzero(rng.random(rows) < INSIDE)
    start, end = first_of[src[inside]], last_of[src[inside]]
    low = np.where(start > 0, cdf[np.maximum(start - 1, 0)], 0.0)
    pick = low + rng.random(len(inside)) * (cdf[end] - low)
    dst[inside] = order[np.clip(np.searchsorted(cdf, pick, side="right"), start, end)]
    dst = np.where(dst == src, (dst + 1) % nodes, dst)
    names = list(MIX)
    layer = rng.choice(len(names), size=rows, p=[MIX[n][0] for n in names])
    # EDGES holds one row per (source, target, layer): repeats are dropped.
    key = (src * nodes + dst) * len(names) + layer
    keep = np.sort(np.unique(key, return_index=True)[1])
    src, dst, layer = src[keep], dst[keep], layer[keep]
    rows = len(keep)

    is_call = layer == names.index("call")
    is_payment = layer == names.index("payment")
    is_trip = layer == names.index("copresence")
    calls = rng.geometric(0.15, rows)
    measure = np.where(
        is_call,
        calls,
        np.where(
            is_payment,
            np.round(np.exp(rng.normal(6.0, 1.4, rows)), 2),
            np.where(is_trip, rng.geometric(0.5, rows), 1.0),
        ),
    ).astype(np.float64)
    count = np.where(is_call, calls, np.where(is_payment, rng.geometric(0.4, rows), 1))
    duration = pa.array(calls * rng.exponential(120.0, rows), mask=~is_call)
    dated = np.isin(layer, [i for i, n in enumerate(names) if MIX[n][2]])
    first = rng.integers(0, 730, rows)
    last = np.minimum(first + rng.geometric(0.05, rows) - 1, 729)
    day0 = np.datetime64(START)

    def days(offsets: np.ndarray) -> pa.Array:
        return pa.array(day0 + offsets.astype("timedelta64[D]"), pa.date32(), mask=~dated)

    edges = pa.table(
        {
            "source": ids("n", src),
            "target": ids("n", dst),
            "layer": pa.DictionaryArray.from_arrays(layer.astype(np.int32), names).cast(
                pa.string()
            ),
            "directed": np.array([MIX[n][1] for n in names])[layer],
            "weight": measure,
            "count": count.astype(np.int64),
            "duration": duration,
            "first": days(first),
            "last": days(last),
        },
        schema=EDGES,
    )
    hidden = rng.random(nodes) < 0.01  # records another agency keeps to itself
    node_table = pa.table(
        {
            "node": ids("n", np.arange(nodes)),
            "name": pa.array(
                ids("person ", np.arange(nodes)).to_numpy(zero_copy_only=False), mask=hidden
            ),
            "schema": pa.array(np.where(rng.random(nodes) < 0.05, "Company", "Person")),
            "category": pa.array(
                rng.choice(["migrant", "suspect", "witness"], nodes, p=[0.5, 0.3, 0.2])
            ),
            "notice": pa.array(np.full(nodes, "hit: ask DE-BKA"), mask=~hidden),
        },
        schema=NODES,
    )
    return edges, node_table


# -- the networkx side ---------------------------------------------------------------


def networkx_projection(edges: pa.Table, nodes: pa.Table) -> Any:
    """What ``project`` builds, built the plain way: each row's strength (the same
    vectorised function), summed per unordered pair in Python."""
    import networkx as nx

    s = strengths(edges).to_pylist()
    g = nx.Graph()
    cols = [edges.column(c).to_pylist() for c in ("source", "target", "layer", "count")]
    for a, b, layer, n, w in zip(*cols, s, strict=True):
        if a == b:
            continue
        if g.has_edge(a, b):
            d = g[a][b]
            d["weight"] += w
            d["layers"].add(layer)
            d["count"] += n
        else:
            g.add_edge(a, b, weight=w, layers={layer}, count=n)
    attrs = {c: nodes.column(c).to_pylist() for c in ("node", "name", "schema", "notice")}
    for node, name, schema, notice in zip(*attrs.values(), strict=True):
        if node in g:
            g.nodes[node].update(label=name or node, schema=schema, notice=notice)
    return g


# -- measuring -----------------------------------------------------------------------

STEPS = ("projection", "Leiden", "PageRank", "betweenness", "2-hop", "3-hop")


class Results:
    """Each step's cells, filled by the full-size run and by the sample run."""

    def __init__(self) -> None:
        self.cells: dict[str, dict[str, str]] = {step: {} for step in STEPS}

    def add(self, step: str, **cells: str) -> None:
        self.cells[step].update(cells)
        print(f"  {step}: " + "; ".join(f"{k} {v}" for k, v in cells.items()), flush=True)

    def show(self, columns: list[tuple[str, str]]) -> None:
        print("| step | " + " | ".join(title for _, title in columns) + " |")
        print("| --- |" + " ---: |" * (len(columns) - 1) + " --- |")
        for step, cells in self.cells.items():
            print(f"| {step} | " + " | ".join(cells.get(key, "") for key, _ in columns) + " |")


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """(result, seconds, peak RSS during the call, growth of the peak over the RSS at its
    start), memory in MB."""
    gc.collect()
    reset_peak()
    before = status_mb("VmRSS")
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    peak = status_mb("VmHWM")
    return result, seconds, peak, peak - before


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def each(fn: Callable[[int], int], seeds: list[int]) -> tuple[str, list[int], float, float]:
    """Median / p95 milliseconds over the seeds, the result size per seed, and the peak
    RSS and its growth over the start, as ``timed``."""
    gc.collect()
    reset_peak()
    before = status_mb("VmRSS")
    times, sizes = [], []
    for s in seeds:
        t0 = time.perf_counter()
        sizes.append(fn(s))
        times.append(time.perf_counter() - t0)
    peak = status_mb("VmHWM")
    ms = f"{1000 * statistics.median(times):.2f} / {1000 * p95(times):.2f} ms"
    return ms, sizes, peak, peak - before


def leiden(g: Any, seed: int) -> tuple[int, float]:
    import leidenalg

    partition = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, weights="weight", seed=seed
    )
    return len(partition), g.modularity(partition.membership, weights="weight")


def pivot_betweenness(g: Any, pivots: list[int]) -> list[float]:
    scale = g.vcount() / len(pivots)
    return [b * scale for b in g.betweenness(directed=False, sources=pivots)]


def igraph_hops(g: Any, k: int) -> Callable[[int], int]:
    """How many nodes are within ``k`` hops of a vertex (itself included)."""
    return lambda s: len(g.neighborhood(s, order=k))


def networkx_hops(h: Any, names: list[str], k: int) -> Callable[[int], int]:
    import networkx as nx

    return lambda s: len(nx.single_source_shortest_path_length(h, names[s], cutoff=k))


# -- the run -------------------------------------------------------------------------


def full_size(args: argparse.Namespace, out: Results) -> None:
    t0 = time.perf_counter()
    edges, nodes = generate(args.nodes, args.edges_per_node, args.seed)
    print(
        f"generated {edges.num_rows:,} edge rows over {args.nodes:,} nodes, 6 layers, in "
        f"{time.perf_counter() - t0:.1f} s ({edges.nbytes / 1e9:.2f} GB in Arrow; "
        f"RSS {status_mb('VmRSS'):,.0f} MB)",
        flush=True,
    )
    g, took, peak, _ = timed(partial(project, edges, nodes))
    degree = g.degree()
    out.add(
        "projection",
        full=f"{took:.1f}",
        peak=f"{peak:,.0f}",
        result=f"{g.vcount():,} vertices, {g.ecount():,} edges from {edges.num_rows:,} rows; "
        f"degree median {statistics.median(degree):.0f}, max {max(degree):,}",
    )
    del edges, nodes, degree
    (count, q), took, peak, _ = timed(lambda: leiden(g, args.seed))
    out.add(
        "Leiden",
        full=f"{took:.1f}",
        peak=f"{peak:,.0f}",
        result=f"{count:,} communities, modularity {q:.4f}",
    )
    ranks, took, peak, _ = timed(lambda: g.pagerank(weights="weight"))
    out.add("PageRank", full=f"{took:.1f}", peak=f"{peak:,.0f}", result=f"max {max(ranks):.1e}")
    rng = np.random.default_rng(args.seed + 1)
    pivots = [int(v) for v in rng.choice(g.vcount(), args.pivots, replace=False)]
    between, took, peak, _ = timed(lambda: pivot_betweenness(g, pivots))
    out.add(
        "betweenness", full=f"{took:.1f}", peak=f"{peak:,.0f}", result=f"max {max(between):.1e}"
    )
    seeds = [int(v) for v in rng.choice(g.vcount(), args.seeds, replace=False)]
    for k in (2, 3):
        spread, sizes, peak, _ = each(igraph_hops(g, k), seeds)
        out.add(
            f"{k}-hop",
            full=spread,
            peak=f"{peak:,.0f}",
            result=f"median {statistics.median(sizes):,.0f} nodes, max {max(sizes):,}",
        )


def sample_size(args: argparse.Namespace, out: Results) -> None:
    import networkx as nx

    edges, nodes = generate(args.sample, args.edges_per_node, args.seed + 2)
    print(
        f"sample graph: {edges.num_rows:,} edge rows over {args.sample:,} nodes "
        f"(RSS at start {status_mb('VmRSS'):,.0f} MB)",
        flush=True,
    )
    g, ig_s, _, ig_mb = timed(partial(project, edges, nodes))
    h, nx_s, _, nx_mb = timed(partial(networkx_projection, edges, nodes))
    assert set(h.nodes) == set(g.vs["name"]), "networkx and igraph projections differ"
    assert h.number_of_edges() == g.ecount(), "networkx and igraph projections differ"
    names = g.vs["name"]
    worst = max(abs(h[names[e.source]][names[e.target]]["weight"] - e["weight"]) for e in g.es)
    out.add(
        "projection",
        ig=f"{ig_s:.2f}",
        nx=f"{nx_s:.2f}",
        mb=f"{ig_mb:,.0f} / {nx_mb:,.0f}",
        check=f"{g.vcount():,} vertices, {g.ecount():,} edges; weights agree to {worst:.0e}",
    )
    del edges, nodes

    (count, q), ig_s, _, ig_mb = timed(lambda: leiden(g, args.seed))
    louvain, nx_s, _, nx_mb = timed(
        lambda: nx.community.louvain_communities(h, weight="weight", seed=args.seed)
    )
    nx_q = nx.community.modularity(h, louvain, weight="weight")
    out.add(
        "Leiden",
        ig=f"{ig_s:.2f}",
        nx=f"{nx_s:.2f}",
        mb=f"{ig_mb:,.0f} / {nx_mb:,.0f}",
        check=f"Leiden Q {q:.4f} ({count:,}); nx Louvain Q {nx_q:.4f} ({len(louvain):,})",
    )

    ranks, ig_s, _, ig_mb = timed(lambda: g.pagerank(weights="weight"))
    _, nx_s, _, nx_mb = timed(lambda: nx.pagerank(h, weight="weight"))
    # Checked at a tolerance far below networkx's default, which stops once the whole
    # vector moves by less than n * 1e-6.
    exact = nx.pagerank(h, weight="weight", tol=1e-13, max_iter=1000)
    diff = max(abs(exact[n] - r) for n, r in zip(names, ranks, strict=True))
    assert diff < 1e-6, f"PageRank differs by {diff}"
    out.add(
        "PageRank",
        ig=f"{ig_s:.2f}",
        nx=f"{nx_s:.2f}",
        mb=f"{ig_mb:,.0f} / {nx_mb:,.0f}",
        check=f"agree to {diff:.0e}",
    )

    rng = np.random.default_rng(args.seed + 3)
    pivots = [int(v) for v in rng.choice(g.vcount(), args.pivots, replace=False)]
    ours, ig_s, _, ig_mb = timed(lambda: pivot_betweenness(g, pivots))
    theirs, nx_s, _, nx_mb = timed(
        lambda: nx.betweenness_centrality_subset(
            h, sources=[names[p] for p in pivots], targets=list(h), normalized=False
        )
    )
    scale = g.vcount() / len(pivots)
    diff = max(abs(theirs[n] * scale - b) for n, b in zip(names, ours, strict=True))
    assert diff <= 1e-9 * max(ours), f"betweenness differs by {diff}"
    out.add(
        "betweenness",
        ig=f"{ig_s:.2f}",
        nx=f"{nx_s:.2f}",
        mb=f"{ig_mb:,.0f} / {nx_mb:,.0f}",
        check=f"agree to {diff:.0e} (max {max(ours):.1e})",
    )

    seeds = [int(v) for v in rng.choice(g.vcount(), args.seeds, replace=False)]
    for k in (2, 3):
        ig_t, ig_n, _, ig_mb = each(igraph_hops(g, k), seeds)
        nx_t, nx_n, _, nx_mb = each(networkx_hops(h, names, k), seeds)
        assert ig_n == nx_n, f"{k}-hop neighbourhoods differ"
        out.add(
            f"{k}-hop",
            ig=ig_t,
            nx=nx_t,
            mb=f"{ig_mb:,.0f} / {nx_mb:,.0f}",
            check=f"same sizes, median {statistics.median(ig_n):,.0f}",
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges-per-node", type=float, default=6.0, help="edge rows per node")
    ap.add_argument("--sample", type=int, default=100_000, help="nodes of networkx's graph")
    ap.add_argument("--seeds", type=int, default=50, help="k-hop seeds")
    ap.add_argument("--pivots", type=int, default=64, help="betweenness sources")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    import igraph
    import leidenalg
    import networkx

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, igraph {igraph.__version__}, leidenalg "
        f"{leidenalg.version}, networkx {networkx.__version__}; source: {source_state()}",
        flush=True,
    )
    # igraph's PageRank runs on OpenMP, whose threads spin while waiting: on 2 cores its
    # times depend on these settings (see the PageRank note in bench/RESULTS.md).
    omp = {k: v for k, v in os.environ.items() if k.startswith("OMP_")}
    print(f"OpenMP settings: {omp or 'defaults'}", flush=True)
    if not reset_peak():
        print("(VmHWM cannot be reset here: each peak is the process's peak so far)")
    results = Results()
    full_size(args, results)
    gc.collect()
    sample_size(args, results)
    n, m = f"{args.nodes:,}", f"{args.sample:,}"
    print("\nseconds (k-hop: median / p95 milliseconds per seed)\n")
    results.show(
        [
            ("full", f"igraph, {n} nodes (s)"),
            ("peak", "peak RSS (MB)"),
            ("ig", f"igraph, {m} (s)"),
            ("nx", f"networkx, {m} (s)"),
            ("mb", f"peak growth, igraph / networkx, {m} (MB)"),
            ("result", f"{n} nodes"),
            ("check", f"{m} nodes"),
        ]
    )


if __name__ == "__main__":
    main()
