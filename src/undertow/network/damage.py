"""How much a set of arrests hurts: the network's structure and its business, in one row.

Structure, the two standard measures of attack studies:

* the largest connected component (Albert, Jeong & Barabási 2000, Nature 406:378;
  Holme, Kim, Yoon & Han 2002, Phys. Rev. E 65:056109), absolute and as a share of the
  original's;
* global efficiency (Latora & Marchiori 2001, Phys. Rev. Lett. 87:198701): the mean of
  ``1 / d_ij`` over ordered pairs, unweighted, with ``1 / inf = 0`` -- unlike the mean
  path length it stays defined when the network falls apart. For large graphs it can
  be estimated from a sample of sources (each source's term is its harmonic centrality,
  so the sample mean is unbiased).

Business: the three measures of :mod:`undertow.network.business`, as shares of what
the intact network earned.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from undertow.network.business import Business, earnings, share

if TYPE_CHECKING:
    import igraph as ig


@dataclass(frozen=True)
class Damage:
    """The state of a network and its business (after arrests, and perhaps recovery).

    Shares are of the intact network's value (1.0 when that was zero: nothing to lose).
    After recovery every field is the mean over the simulated runs.
    """

    largest_component: float
    largest_component_share: float
    efficiency: float
    money_to_organisers: float
    """EUR of the customers' money that reaches (free) organisers."""
    money_share: float
    trips_supplied: float
    trips_share: float
    recruiting_share: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @staticmethod
    def mean(damages: Sequence[Damage]) -> Damage:
        """The field-by-field mean of several simulated outcomes."""
        if not damages:
            raise ValueError("mean of no damages")
        return Damage(
            **{
                f.name: sum(getattr(d, f.name) for d in damages) / len(damages)
                for f in fields(Damage)
            }
        )


def largest_component(graph: ig.Graph) -> int:
    """Vertices in the largest connected component (0 for an empty graph)."""
    if graph.vcount() == 0:
        return 0
    return int(max(graph.connected_components().sizes()))


def efficiency(graph: ig.Graph, sources: Sequence[int] | None = None) -> float:
    """Global efficiency, unweighted; estimated from ``sources`` when given.

    Matches :func:`networkx.global_efficiency` (0 for fewer than two vertices).
    """
    n = graph.vcount()
    if n < 2:
        return 0.0
    # A vertex's normalised harmonic centrality is its mean 1/d to all the others.
    terms = graph.harmonic_centrality(vertices=sources, normalized=True)
    return sum(terms) / len(terms) if terms else 0.0


def assess(
    graph: ig.Graph,
    business: Business,
    removed: frozenset[str] = frozenset(),
    before: Damage | None = None,
    *,
    sample: int | None = None,
    rng: random.Random | None = None,
) -> Damage:
    """The damage done: ``graph`` is what is left (removed vertices already deleted),
    ``business`` is measured with ``removed`` taken out, shares are of ``before``
    (None: this *is* the intact network, every share is 1).

    ``sample`` estimates efficiency from that many random sources (``rng``) instead of
    all of them, for graphs of many thousands of vertices.
    """
    sources = None
    if sample is not None and sample < graph.vcount():
        sources = (rng or random.Random(0)).sample(range(graph.vcount()), sample)
    lcc = largest_component(graph)
    earned = earnings(business, removed)
    base = before or Damage(lcc, 1.0, 0.0, earned.money, 1.0, earned.trips, 1.0, 1.0)
    # Capacity only moves (to a successor) or stays with the arrested: the total of any
    # business state is the intact network's.
    total_recruiting = sum(max(c, 0.0) for c in business.recruiters.values())
    return Damage(
        largest_component=float(lcc),
        largest_component_share=share(lcc, base.largest_component),
        efficiency=efficiency(graph, sources),
        money_to_organisers=float(earned.money),
        money_share=share(earned.money, base.money_to_organisers),
        trips_supplied=float(earned.trips),
        trips_share=share(earned.trips, base.trips_supplied),
        recruiting_share=share(earned.recruiting, total_recruiting),
    )
