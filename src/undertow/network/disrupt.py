"""Who to arrest: disruption plans for a smuggling network, judged after it recovers.

A plan removes ``k`` of the people and companies that may be targeted (never migrants),
chosen by one of :data:`STRATEGIES`:

* ``degree``, ``betweenness``, ``pagerank``, ``collective_influence`` -- sequential
  centrality attacks (:mod:`undertow.network.strategies`; Holme et al. 2002, Morone &
  Makse 2015);
* ``kpp_neg`` -- Borgatti's key-player set that fragments the network most
  (:mod:`undertow.network.keyplayer`; Borgatti 2006);
* ``business_model`` -- ours: greedy over what the network earns *after* it has
  recovered: the organisers' money, the trips its equipment chain can supply, its
  recruiting capacity (:mod:`undertow.network.business_model`).

Each plan reports the damage (:mod:`undertow.network.damage`) right after the arrests
and, as the mean of ``runs`` seeded simulations, after the network has recovered
(:mod:`undertow.network.recovery`; Duijn, Kashirin & Sloot 2014, Sci. Rep. 4:4238, who
found networks recover, often stronger): the damage that lasts is the one to plan for.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from undertow.errors import ConfigError
from undertow.network.business import Business
from undertow.network.business_model import WEIGHTS, business_model
from undertow.network.damage import Damage, assess
from undertow.network.keyplayer import key_players
from undertow.network.recovery import (
    adjacency,
    inherit,
    members,
    recover,
    rewired,
    run_rng,
    simulations,
)
from undertow.network.strategies import MEASURES, adaptive

if TYPE_CHECKING:
    import igraph as ig

log = logging.getLogger(__name__)

STRATEGIES = (*MEASURES, "kpp_neg", "business_model")
RECOVERY_P = 0.8
RUNS = 10


class DisruptionError(ConfigError):
    """A disruption plan was asked for with an unknown strategy or invalid parameters."""


@dataclass(frozen=True)
class Plan:
    """A strategy's arrests and the damage they do."""

    strategy: str
    removed: tuple[str, ...]
    """Names in the order the strategy chose them."""
    before: Damage
    after: Damage
    """Right after the arrests."""
    recovered: Damage
    """Mean over the simulated recoveries."""
    labels: tuple[str, ...] = ()
    """The removed nodes' names, when the caller knows them (for people to read)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "removed": list(self.removed),
            "names": list(self.labels),
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "recovered": self.recovered.to_dict(),
        }


def _named(graph: ig.Graph) -> ig.Graph:
    """``graph``, or an empty graph given the ``name`` attribute it lacks."""
    if "name" in graph.vs.attributes():
        return graph
    if graph.vcount():
        raise DisruptionError("the graph's vertices need a 'name'")
    named = graph.copy()
    named.vs["name"] = []
    return named


def _check_recovery(recovery_p: float, runs: int) -> None:
    if not 0.0 <= recovery_p <= 1.0:
        raise DisruptionError(f"recovery_p must lie in [0, 1], not {recovery_p}")
    if runs < 1:
        raise DisruptionError(f"runs must be at least 1, not {runs}")


def _check(
    graph: ig.Graph,
    strategies: Sequence[str],
    k: int,
    recovery_p: float,
    runs: int,
    weights: tuple[float, float, float],
) -> None:
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise DisruptionError(
            f"unknown strategy {', '.join(unknown)}; strategies are {', '.join(STRATEGIES)}"
        )
    if k < 1:
        raise DisruptionError(f"k must be at least 1, not {k}")
    _check_recovery(recovery_p, runs)
    if len(weights) != 3 or min(weights) < 0 or sum(weights) <= 0:
        raise DisruptionError(f"weights must be three non-negative numbers, not {weights}")
    if graph.is_directed():
        raise DisruptionError("disruption works on an undirected projection")
    _named(graph)


def choose(
    graph: ig.Graph,
    business: Business,
    strategy: str,
    k: int,
    eligible: Collection[str],
    *,
    recovery_p: float = RECOVERY_P,
    runs: int = RUNS,
    seed: int = 7,
    sample: int | None = None,
    weights: tuple[float, float, float] = WEIGHTS,
    pool: int | None = None,
) -> list[str]:
    """The names ``strategy`` would remove, in order (fewer than ``k`` when fewer are
    eligible). ``sample`` estimates betweenness and fragmentation from that many
    sources, for graphs of many thousands of vertices; ``pool`` bounds the candidates
    KPP-Neg and the business model try (their defaults when None)."""
    _check(graph, [strategy], k, recovery_p, runs, weights)
    if graph.vcount() == 0:
        return []
    if strategy in MEASURES:
        return adaptive(graph, strategy, k, eligible, sample=sample, seed=seed)
    bounded = {} if pool is None else {"pool": pool}
    if strategy == "kpp_neg":
        return key_players(graph, k, eligible, sample=sample, seed=seed, **bounded)
    return business_model(
        graph,
        business,
        k,
        eligible,
        weights=weights,
        recovery_p=recovery_p,
        runs=runs,
        seed=seed,
        **bounded,
    )


def assess_plan(
    graph: ig.Graph,
    business: Business,
    strategy: str,
    removed: Sequence[str],
    *,
    recovery_p: float = RECOVERY_P,
    runs: int = RUNS,
    seed: int = 7,
    sample: int | None = None,
) -> Plan:
    """The damage ``removed`` do: before, right after, and after recovery."""
    return assess_plans(
        graph,
        business,
        [(strategy, removed)],
        recovery_p=recovery_p,
        runs=runs,
        seed=seed,
        sample=sample,
    )[0]


def assess_plans(
    graph: ig.Graph,
    business: Business,
    chosen: Sequence[tuple[str, Sequence[str]]],
    *,
    recovery_p: float = RECOVERY_P,
    runs: int = RUNS,
    seed: int = 7,
    sample: int | None = None,
) -> list[Plan]:
    """Each (strategy, removed) judged as :func:`assess_plan` would, with the intact
    network's damage, neighbours and members worked out once for all of them."""
    _check_recovery(recovery_p, runs)
    graph = _named(graph)
    efficiency_rng = random.Random(seed)
    before = assess(graph, business, sample=sample, rng=efficiency_rng)
    # Every plan's efficiency samples continue from the same point, as if each plan
    # had measured the intact network itself.
    after_before = efficiency_rng.getstate()
    neighbours = adjacency(graph)
    able = members(graph)
    plans = []
    for strategy, removed in chosen:
        efficiency_rng.setstate(after_before)
        gone = frozenset(removed)
        rest = graph.copy()
        rest.delete_vertices([v.index for v in rest.vs.select(name_in=gone)])
        after = assess(rest, business, gone, before, sample=sample, rng=efficiency_rng)
        outcomes = []
        for run in range(simulations(recovery_p, runs)):
            rec = recover(neighbours, removed, p=recovery_p, rng=run_rng(seed, run), members=able)
            outcomes.append(
                assess(
                    rewired(graph, gone, rec),
                    inherit(business, rec.successors, recovery_p),
                    gone,
                    before,
                    sample=sample,
                    rng=efficiency_rng,
                )
            )
        plans.append(Plan(strategy, tuple(removed), before, after, Damage.mean(outcomes)))
    return plans


def disrupt(
    graph: ig.Graph,
    business: Business,
    strategy: str,
    k: int,
    eligible: Collection[str],
    *,
    recovery_p: float = RECOVERY_P,
    runs: int = RUNS,
    seed: int = 7,
    sample: int | None = None,
    weights: tuple[float, float, float] = WEIGHTS,
    pool: int | None = None,
) -> Plan:
    """Choose ``k`` of ``eligible`` by ``strategy`` and judge the arrests.

    ``graph`` is an undirected projection (:func:`undertow.network.project.project`):
    vertices named, edges weighted; only its vertices are chosen. ``recovery_p`` is the
    chance a contact of the arrested follows the successor; ``runs`` recoveries are
    simulated from ``seed``; ``sample`` estimates betweenness, fragmentation and
    efficiency from that many sources; ``weights`` are the business loss's (money,
    trips, recruiting)::

        plan = disrupt(graph, business, "business_model", 3, suspects)
        plan.removed, plan.after.money_share, plan.recovered.money_share
    """
    removed = choose(
        graph,
        business,
        strategy,
        k,
        eligible,
        recovery_p=recovery_p,
        runs=runs,
        seed=seed,
        sample=sample,
        weights=weights,
        pool=pool,
    )
    log.info("%s removes %s", strategy, ", ".join(removed))
    return assess_plan(
        graph,
        business,
        strategy,
        removed,
        recovery_p=recovery_p,
        runs=runs,
        seed=seed,
        sample=sample,
    )


def compare(
    graph: ig.Graph,
    business: Business,
    k: int,
    eligible: Collection[str],
    strategies: Sequence[str] = STRATEGIES,
    *,
    recovery_p: float = RECOVERY_P,
    runs: int = RUNS,
    seed: int = 7,
    sample: int | None = None,
    weights: tuple[float, float, float] = WEIGHTS,
    pool: int | None = None,
) -> list[Plan]:
    """One plan per strategy, in the order given, all with the same ``k`` and seeds."""
    _check(graph, strategies, k, recovery_p, runs, weights)
    chosen = []
    for s in strategies:
        removed = choose(
            graph,
            business,
            s,
            k,
            eligible,
            recovery_p=recovery_p,
            runs=runs,
            seed=seed,
            sample=sample,
            weights=weights,
            pool=pool,
        )
        log.info("%s removes %s", s, ", ".join(removed))
        chosen.append((s, removed))
    return assess_plans(
        graph, business, chosen, recovery_p=recovery_p, runs=runs, seed=seed, sample=sample
    )
