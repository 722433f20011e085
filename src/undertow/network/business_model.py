"""The business-model strategy: arrest whom the business can least do without, once the
network has recovered.

Centrality attacks treat a smuggling network as a graph to cut. Its members treat it as
a business, and the recovery studies (Duijn, Kashirin & Sloot 2014, Sci. Rep. 4:4238)
show that a cut graph heals: a hub's contacts re-wire to whoever takes over. What
lasts is what nobody is left to take over -- the organiser whose only contact was his
banker, the buyer without a partner who knows the suppliers.

So the strategy is greedy over the *business* after recovery: each step arrests the
eligible node whose arrest, with those before it, leaves the lowest earnings (the
organisers' money, the trips the equipment chain supplies, the recruiting capacity;
:mod:`undertow.network.business`) once :mod:`undertow.network.recovery` has run,
averaged over the seeded runs. Each try costs ``runs`` recovery simulations, so only
the ``pool`` nodes of highest pre-score are tried: the shares of organiser-bound money
passing them, of supplied trips downstream of them and of recruiting capacity they
hold, weighted as the loss is (then degree, so a pool is full even in a network whose
business is barely recorded).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING

from undertow.network.business import (
    Business,
    Earnings,
    chain_reach,
    earnings,
    money_through,
    share,
)
from undertow.network.recovery import (
    adjacency,
    inherit,
    members,
    recover,
    run_rng,
    simulations,
)

if TYPE_CHECKING:
    import igraph as ig

log = logging.getLogger(__name__)

WEIGHTS = (1 / 3, 1 / 3, 1 / 3)
"""Weights of money, trips and recruiting in the business loss."""
POOL = 60
_TIE = 1e-12


def business_loss(
    now: Earnings, before: Earnings, weights: tuple[float, float, float] = WEIGHTS
) -> float:
    """Weighted share lost of the organisers' money, supplied trips and recruiting."""
    wm, wt, wr = weights
    return (
        wm * (1.0 - share(now.money, before.money))
        + wt * (1.0 - share(now.trips, before.trips))
        + wr * (1.0 - share(now.recruiting, before.recruiting))
    )


def prescore(business: Business, weights: tuple[float, float, float] = WEIGHTS) -> dict[str, float]:
    """A cheap guess at each node's place in the business, to pick whom to try."""
    wm, wt, wr = weights
    before = earnings(business)
    score: dict[str, float] = defaultdict(float)
    if before.money > 0:
        for node, eur in money_through(business).items():
            score[node] += wm * eur / before.money
    if before.trips > 0:
        for node, trips in chain_reach(business).items():
            score[node] += wt * trips / before.trips
    if before.recruiting > 0:
        for node, capacity in business.recruiters.items():
            score[node] += wr * max(capacity, 0.0) / before.recruiting
    return dict(score)


def business_model(
    graph: ig.Graph,
    business: Business,
    k: int,
    eligible: Collection[str],
    *,
    weights: tuple[float, float, float] = WEIGHTS,
    pool: int = POOL,
    recovery_p: float = 0.8,
    runs: int = 10,
    seed: int = 7,
) -> list[str]:
    """Up to ``k`` eligible names, each the one whose arrest (with those before it)
    leaves the business worst off after recovery, by :func:`business_loss`."""
    names: list[str] = graph.vs["name"]
    degree = dict(zip(names, graph.degree(), strict=True))
    pre = prescore(business, weights)
    allowed = set(eligible) & set(names)
    candidates = sorted(allowed, key=lambda n: (-pre.get(n, 0.0), -degree[n], n))[:pool]
    neighbours = adjacency(graph)
    able = members(graph)
    before = earnings(business)
    sims = simulations(recovery_p, runs)
    removed: list[str] = []
    for _ in range(min(k, len(candidates))):
        best, best_loss = "", -1.0
        for c in candidates:
            if c in removed:
                continue
            trial = [*removed, c]
            gone = frozenset(trial)
            loss = 0.0
            # The same seeds for every candidate: differences are the candidates', not
            # the dice's.
            for run in range(sims):
                rng = run_rng(seed, run)
                rec = recover(neighbours, trial, p=recovery_p, rng=rng, members=able)
                after = earnings(inherit(business, rec.successors, recovery_p), gone)
                loss += business_loss(after, before, weights)
            # Strictly better only: among equals the higher pre-score (earlier) wins.
            if loss / sims > best_loss + _TIE:
                best, best_loss = c, loss / sims
        removed.append(best)
        log.debug("business_model: %s (loss %.3f after recovery)", best, best_loss)
    return removed
