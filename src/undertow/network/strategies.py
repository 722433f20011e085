"""Sequential (adaptive) attacks by centrality: remove the top node, recompute, repeat.

Holme, Kim, Yoon & Han, "Attack vulnerability of complex networks", Phys. Rev. E
65:056109 (2002): recalculating a centrality after each removal is more harmful than
ranking once, and recalculated betweenness is the most harmful of the attacks they
compare on sparse networks. The scores:

* ``degree`` -- number of neighbours;
* ``betweenness`` -- on unweighted shortest paths, as is standard in the covert-network
  literature (a tie's strength says how much two people deal, not how "short" it is);
  exact by default, or estimated from ``sample`` random source pivots (Brandes & Pich
  2007, "Centrality estimation in large networks") with igraph's subset betweenness
  scaled by ``n / sample``;
* ``pagerank`` -- weighted by tie strength, damping 0.85;
* ``collective_influence`` -- Morone & Makse, "Influence maximization in complex
  networks through optimal percolation", Nature 524:65 (2015):
  ``CI_l(i) = (k_i - 1) * sum over j at distance exactly l of (k_j - 1)``, ``l = 2``.

Scores are computed on the whole remaining graph (migrants included: they carry paths)
and the best *eligible* node is taken; ties go to the higher degree, then to the first
name, so a plan is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import igraph as ig

MEASURES = ("degree", "betweenness", "pagerank", "collective_influence")
DAMPING = 0.85
CI_RADIUS = 2


def collective_influence(graph: ig.Graph, radius: int = CI_RADIUS) -> list[float]:
    """Each vertex's collective influence ``CI_radius`` (Morone & Makse 2015)."""
    degree: list[int] = graph.degree()
    frontier = graph.neighborhood(order=radius, mindist=radius)
    return [
        float((degree[i] - 1) * sum(degree[j] - 1 for j in ball)) if degree[i] else 0.0
        for i, ball in enumerate(frontier)
    ]


def betweenness(graph: ig.Graph, sample: int | None = None, seed: int = 7) -> list[float]:
    """Unweighted betweenness (each unordered pair once, as networkx unnormalised).

    With ``sample`` below the vertex count, estimated from that many random pivots:
    igraph counts the paths from the pivots to everyone, and scaling by
    ``n / sample`` makes the estimate unbiased.
    """
    n = graph.vcount()
    if sample is None or sample >= n:
        return [float(b) for b in graph.betweenness(directed=False)]
    pivots = random.Random(seed).sample(range(n), max(sample, 1))
    partial = graph.betweenness(directed=False, sources=pivots)
    return [float(b) * n / len(pivots) for b in partial]


def scores(
    graph: ig.Graph, measure: str, *, sample: int | None = None, seed: int = 7
) -> list[float]:
    """One of :data:`MEASURES` for every vertex of ``graph``."""
    if measure == "degree":
        return [float(d) for d in graph.degree()]
    if measure == "betweenness":
        return betweenness(graph, sample, seed)
    if measure == "pagerank":
        weights = "weight" if "weight" in graph.es.attributes() else None
        return [float(x) for x in graph.pagerank(weights=weights, damping=DAMPING)]
    if measure == "collective_influence":
        return collective_influence(graph)
    raise ValueError(f"unknown measure {measure!r}")


def adaptive(
    graph: ig.Graph,
    measure: str,
    k: int,
    eligible: Collection[str],
    *,
    sample: int | None = None,
    seed: int = 7,
) -> list[str]:
    """Up to ``k`` eligible names, each the top scorer once the earlier ones are gone."""
    rest = graph.copy()
    allowed = set(eligible)
    chosen: list[str] = []
    for step in range(k):
        names: list[str] = rest.vs["name"]
        candidates = [i for i, name in enumerate(names) if name in allowed]
        if not candidates:
            break
        # A fresh pivot sample each step, so one unlucky draw does not steer them all.
        score = scores(rest, measure, sample=sample, seed=seed + step)
        degree: list[int] = rest.degree()
        best = min(candidates, key=lambda i: (-score[i], -degree[i], names[i]))
        chosen.append(names[best])
        allowed.discard(names[best])
        rest.delete_vertices(best)
    return chosen
