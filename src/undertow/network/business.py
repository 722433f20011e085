"""What a smuggling network needs to earn, and how much of it survives a set of arrests.

A network is not only its ties: it earns from fares that reach its organisers, it can
only sell crossings while its equipment chain (supplier -> buyer -> storage -> trip)
still delivers boats, and it needs recruiters in contact with migrants. Three measures,
each of the business as described and a set of removed (arrested, frozen) nodes:

* **money** -- a static proportional ("haircut") propagation on the directed money
  graph. Fares enter at ``sources``; each node passes on ``min(1, out / in)`` of what
  reaches it (a collector who paid on 60 % of what came in passed on 60 % of every
  euro), split over its payments in proportion to their EUR; organisers keep what
  reaches them; a removed node's money is seized. Solved by fixed-point iteration from
  zero: exact after as many rounds as the longest path on an acyclic graph, and
  geometric on cycles, which always leak (a loop that passed on everything it received
  can only be fed by nothing), so it terminates.
* **trips** -- crossings still reachable in the chain from a supplier (a node with no
  chain predecessor) through surviving nodes only.
* **recruiting** -- the recruiting capacity of the surviving recruiters.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

log = logging.getLogger(__name__)

_MAX_ROUNDS = 100_000
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Business:
    """What the network needs to earn: money flows, its equipment chain, its recruiters."""

    money: list[tuple[str, str, float]]
    """Aggregated payments src -> dst, EUR (directed)."""
    sources: dict[str, float]
    """EUR entering at each node from smuggling customers."""
    organisers: frozenset[str]
    """Where the profit ends up."""
    chain: list[tuple[str, str]]
    """Equipment chain, directed: supplier -> buyer -> storage -> trip."""
    trips: frozenset[str]
    """The trips (crossings) at the end of the chain."""
    recruiters: dict[str, float]
    """Node -> contact with migrants (recruiting capacity)."""
    kept_up: Mapping[str, float] = field(default_factory=dict)
    """Node -> the share of its business that goes on (a line of business taken over
    after an arrest: the share of its payers who found the successor). What reaches
    it is passed on, or kept if it is an organiser's, only in that share; the rest is
    lost to the business. Its recorded payments, and so everyone else's shares, are
    unchanged, so a recovery never moves more money than the intact network did."""


class Earnings(NamedTuple):
    """What the business still earns: absolute amounts, not shares."""

    money: float
    """EUR reaching (surviving) organisers."""
    trips: int
    """Trips the chain still supplies."""
    recruiting: float
    """Recruiting capacity of the surviving recruiters."""


def share(value: float, before: float) -> float:
    """``value`` as a share of ``before`` (1.0 when there was nothing to lose)."""
    return value / before if before > 0 else 1.0


def earnings(business: Business, removed: frozenset[str] = frozenset()) -> Earnings:
    """The business's three measures after ``removed`` are gone."""
    reached = money_reaching(business, removed)
    money = sum(
        reached.get(o, 0.0) * business.kept_up.get(o, 1.0)
        for o in business.organisers
        if o not in removed
    )
    return Earnings(money, trips_supplied(business, removed), recruiting(business, removed))


class _MoneyGraph(NamedTuple):
    nodes: list[str]
    src: np.ndarray
    dst: np.ndarray
    coef: np.ndarray
    """Share of what reaches ``src`` that the payment carries to ``dst``."""
    entering: np.ndarray


def _money_graph(business: Business, removed: frozenset[str]) -> _MoneyGraph:
    paid: dict[tuple[str, str], float] = defaultdict(float)
    for a, b, amount in business.money:
        # A payment to oneself moves nothing; a non-positive one is a data error.
        if a != b and amount > 0:
            paid[a, b] += amount
    names = {a for a, _ in paid} | {b for _, b in paid} | set(business.sources)
    nodes = sorted(names | business.organisers)
    index = {name: i for i, name in enumerate(nodes)}
    n = len(nodes)
    src = np.fromiter((index[a] for a, _ in paid), dtype=np.int64, count=len(paid))
    dst = np.fromiter((index[b] for _, b in paid), dtype=np.int64, count=len(paid))
    eur = np.fromiter(paid.values(), dtype=np.float64, count=len(paid))
    entering = np.zeros(n)
    for name, amount in business.sources.items():
        entering[index[name]] += max(amount, 0.0)
    inflow = entering + np.bincount(dst, weights=eur, minlength=n)
    outflow = np.bincount(src, weights=eur, minlength=n)
    passes = np.divide(np.minimum(outflow, inflow), inflow, out=np.zeros(n), where=inflow > 0)
    for name, kept in business.kept_up.items():
        if name in index:
            passes[index[name]] *= kept
    for name in business.organisers | removed:
        if name in index:
            passes[index[name]] = 0.0
    coef = passes[src] * eur / np.where(outflow[src] > 0, outflow[src], 1.0)
    return _MoneyGraph(nodes, src, dst, coef, entering)


def _fixed_point(
    start: np.ndarray, src: np.ndarray, dst: np.ndarray, coef: np.ndarray
) -> np.ndarray:
    """The least solution of ``x = start + (transfer of x along src -> dst)``."""
    x = start.copy()
    scale = max(float(start.sum()), 1.0)
    for _ in range(_MAX_ROUNDS):
        nxt = start + np.bincount(dst, weights=x[src] * coef, minlength=len(start))
        change = float(np.abs(nxt - x).sum())
        x = nxt
        if change <= _TOLERANCE * scale:
            return x
    log.warning("money propagation stopped after %d rounds without converging", _MAX_ROUNDS)
    return x


def money_reaching(business: Business, removed: frozenset[str] = frozenset()) -> dict[str, float]:
    """EUR of customers' money that reaches each node (what it holds, passes on or keeps)."""
    g = _money_graph(business, removed)
    x = _fixed_point(g.entering, g.src, g.dst, g.coef)
    return dict(zip(g.nodes, x.tolist(), strict=True))


def money_through(business: Business) -> dict[str, float]:
    """EUR of organiser-bound money that passes each node (for an organiser: its takings).

    What reaches a node times the share of it that goes on to reach an organiser; the
    share solves the same propagation backwards, with organisers worth 1.
    """
    g = _money_graph(business, frozenset())
    reached = _fixed_point(g.entering, g.src, g.dst, g.coef)
    index = {name: i for i, name in enumerate(g.nodes)}
    bound = np.zeros(len(g.nodes))
    for name in business.organisers:
        bound[index[name]] = 1.0
    share = _fixed_point(bound, g.dst, g.src, g.coef)
    return dict(zip(g.nodes, (reached * share).tolist(), strict=True))


def _chain(business: Business) -> tuple[dict[str, list[str]], set[str]]:
    """Successors in the chain, and the suppliers (nodes with no chain predecessor)."""
    after: dict[str, list[str]] = defaultdict(list)
    fed: set[str] = set()
    for a, b in dict.fromkeys(business.chain):
        if a != b:
            after[a].append(b)
            fed.add(b)
    return after, set(after) - fed


def trips_supplied(business: Business, removed: frozenset[str] = frozenset()) -> int:
    """Trips reachable in the chain from a supplier through surviving nodes only.

    Suppliers are fixed by the chain as given, removed nodes included: arresting a
    buyer does not turn his storers into suppliers.
    """
    after, suppliers = _chain(business)
    seen = {s for s in suppliers if s not in removed}
    queue = deque(seen)
    while queue:
        for nxt in after.get(queue.popleft(), ()):
            if nxt not in seen and nxt not in removed:
                seen.add(nxt)
                queue.append(nxt)
    return len(seen & business.trips)


def chain_reach(business: Business) -> dict[str, int]:
    """For each node on a supplied path, the supplied trips downstream of it."""
    after, suppliers = _chain(business)
    supplied = _reach(after, suppliers)
    return {
        node: len(_reach(after, {node}) & business.trips & supplied)
        for node in supplied
        if node not in business.trips
    }


def _reach(after: Mapping[str, list[str]], start: set[str]) -> set[str]:
    seen = set(start)
    queue = deque(start)
    while queue:
        for nxt in after.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def recruiting(business: Business, removed: frozenset[str] = frozenset()) -> float:
    """Recruiting capacity of the recruiters still free."""
    return sum(max(c, 0.0) for n, c in business.recruiters.items() if n not in removed)
