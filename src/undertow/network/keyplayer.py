"""Key players whose removal fragments the network most (Borgatti's KPP-Neg).

Borgatti, "Identifying sets of key players in a social network", Comput. Math.
Organiz. Theor. 12:21 (2006). Centrality ranks people one at a time, but two hubs side
by side are worth less than two people holding different parts of a network together;
KPP-Neg chooses the *set* of ``k`` whose removal maximises the distance-weighted
fragmentation of what is left::

    F = 1 - sum over ordered pairs i != j of (1 / d_ij) / (n (n - 1))

with ``1 / inf = 0`` and ``n`` the vertices left -- one minus their global efficiency
(a single vertex left counts as fully fragmented). Finding the best set is NP-hard.
Borgatti starts from a random set and makes the best improving swap of a member for a
non-member until none improves; we start from a greedy set instead (add the node that
raises F most, ``k`` times), which needs fewer swaps, and bound the swap rounds. Only
the ``pool`` eligible nodes of highest degree are considered, which keeps a round at
``k * pool`` evaluations of F (each all-pairs breadth-first search, in C).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Collection
from typing import TYPE_CHECKING

from undertow.network.damage import efficiency

if TYPE_CHECKING:
    import igraph as ig

POOL = 200
ROUNDS = 20
_GAIN = 1e-12


class _Fragmentation:
    """F of ``graph`` minus a set of vertex ids; with ``sample``, estimated from a fixed
    random order of sources, the same for every set compared (common random numbers)."""

    def __init__(self, graph: ig.Graph, sample: int | None, seed: int) -> None:
        self.graph = graph
        self.sample = sample
        self.order = list(range(graph.vcount()))
        random.Random(seed).shuffle(self.order)

    def __call__(self, removed: Collection[int]) -> float:
        rest = self.graph.copy()
        rest.delete_vertices(sorted(removed))
        if rest.vcount() < 2:
            return 1.0
        sources = None
        if self.sample is not None and self.sample < rest.vcount():
            # Surviving vertex ids shift down past each removed one.
            gone = sorted(removed)
            out = set(gone)
            picked = [v for v in self.order if v not in out][: self.sample]
            sources = [v - bisect.bisect_left(gone, v) for v in picked]
        return 1.0 - efficiency(rest, sources)


def fragmentation(graph: ig.Graph, removed: Collection[str]) -> float:
    """Borgatti's distance-weighted fragmentation of ``graph`` once ``removed`` are gone."""
    names: list[str] = graph.vs["name"]
    gone = set(removed)
    return _Fragmentation(graph, None, 0)([i for i, n in enumerate(names) if n in gone])


def key_players(
    graph: ig.Graph,
    k: int,
    eligible: Collection[str],
    *,
    pool: int = POOL,
    rounds: int = ROUNDS,
    sample: int | None = None,
    seed: int = 7,
) -> list[str]:
    """The KPP-Neg set of up to ``k`` eligible names: greedy order, swaps in place."""
    names: list[str] = graph.vs["name"]
    degree: list[int] = graph.degree()
    allowed = set(eligible)
    candidates = sorted(
        (i for i, name in enumerate(names) if name in allowed),
        key=lambda i: (-degree[i], names[i]),
    )[:pool]
    score = _Fragmentation(graph, sample, seed)
    chosen: list[int] = []
    for _ in range(min(k, len(candidates))):
        rest = [c for c in candidates if c not in chosen]
        chosen.append(max(rest, key=lambda c: score([*chosen, c])))
    current = score(chosen)
    for _ in range(rounds):
        best, swap = current, None
        for pos in range(len(chosen)):
            for c in candidates:
                if c in chosen:
                    continue
                trial = [*chosen[:pos], c, *chosen[pos + 1 :]]
                value = score(trial)
                if value > best + _GAIN:
                    best, swap = value, trial
        if swap is None:
            break
        chosen, current = swap, best
    return [names[i] for i in chosen]
