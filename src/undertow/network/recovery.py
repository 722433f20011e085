"""How a network recovers from arrests (Duijn, Kashirin & Sloot 2014).

Duijn, Kashirin & Sloot, "The relative ineffectiveness of criminal network disruption",
Sci. Rep. 4:4238 (2014), simulate a cannabis network's response to the removal of its
most central actors and find that it recovers -- often more efficient than before --
because contacts of the arrested re-wire to whoever can replace them. We follow their
model, simplified:

* each arrested node ``v``, in arrest order, is replaced by a *successor*: its free
  neighbour of highest degree (a second-degree contact for v's other contacts, so the
  one best placed to take over);
* each of v's other free contacts links to the successor with probability ``p``,
  otherwise to the most central (highest-degree) free node of its own component;
* the successor inherits v's business: v's line of payments runs on under him in the
  share ``p`` (the contacts who find him), v's place in the equipment chain, v's
  recruiting capacity, and v's place among the organisers if v was one (see
  :func:`inherit`);
* with no free neighbour, nobody takes over: v's contacts are all gone too, and v's
  money and equipment stay seized.

Only people and companies take over a role or serve as hubs, and never migrants
(vertices whose ``category`` is ``migrant``): they are customers, not members.
"""

from __future__ import annotations

import random
from collections import defaultdict, deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from undertow.network.business import Business

if TYPE_CHECKING:
    import igraph as ig

PARTIES = frozenset({"Person", "Company", "Organization", "LegalEntity"})
"""Schemas that can take over a role: a trip, an address or a boat cannot."""
NEW_TIE_WEIGHT = 1.0
"""Weight of a tie formed in recovery: a recorded tie of the weakest kind (see
:mod:`undertow.network.project`), since nothing is known of its strength."""


@dataclass(frozen=True)
class Recovery:
    """One simulated recovery."""

    successors: dict[str, str | None]
    """Arrested node -> who took over its role (None: nobody could)."""
    links: frozenset[tuple[str, str]]
    """New ties, each pair in sorted order."""


def simulations(p: float, runs: int) -> int:
    """Runs worth simulating: with ``p`` 0 or 1 recovery is deterministic."""
    return runs if 0.0 < p < 1.0 else 1


def run_rng(seed: int, run: int) -> random.Random:
    """The random source of one run: the same for every plan compared."""
    # A string seed is hashed with SHA-512: stable across processes and platforms.
    return random.Random(f"recovery/{seed}/{run}")


def adjacency(graph: ig.Graph) -> dict[str, set[str]]:
    """Neighbour sets by vertex name, the form recovery works on."""
    names: list[str] = graph.vs["name"]
    return {names[i]: {names[j] for j in nbrs} for i, nbrs in enumerate(graph.get_adjlist())}


def members(graph: ig.Graph) -> frozenset[str]:
    """Vertices that may take over a role: people and companies, but not migrants.

    A vertex without a recorded ``schema`` or ``category`` (a hand-built graph) counts.
    """
    names: list[str] = graph.vs["name"]
    attributes = graph.vs.attributes()
    schemas = graph.vs["schema"] if "schema" in attributes else [None] * len(names)
    categories = graph.vs["category"] if "category" in attributes else [None] * len(names)
    return frozenset(
        n
        for n, schema, category in zip(names, schemas, categories, strict=True)
        if (schema is None or schema in PARTIES) and category != "migrant"
    )


class _Hubs:
    """The best-connected member of each component, kept up to date as ties form.

    Components are explored lazily (most arrests only ever need the giant one) and
    only merge during recovery, so a union-find with the hub at each root answers
    every question after one breadth-first search per component.
    """

    def __init__(self, adj: Mapping[str, set[str]], able: Collection[str]) -> None:
        self.adj = adj
        self.able = able
        self.parent: dict[str, str] = {}
        self.hub: dict[str, str | None] = {}

    def _better(self, a: str | None, b: str | None) -> str | None:
        """Higher degree wins, then the first name; non-members never."""
        if a is None or a not in self.able:
            return b if b is None or b in self.able else None
        if b is None or b not in self.able:
            return a
        da, db = len(self.adj[a]), len(self.adj[b])
        return a if da > db or (da == db and a < b) else b

    def _root(self, node: str) -> str:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def _explore(self, start: str) -> str:
        if start in self.parent:
            return self._root(start)
        best: str | None = None
        self.parent[start] = start
        queue = deque([start])
        while queue:
            node = queue.popleft()
            best = self._better(best, node)
            for nxt in self.adj[node]:
                if nxt not in self.parent:
                    self.parent[nxt] = start
                    queue.append(nxt)
        self.hub[start] = best
        return start

    def of(self, node: str) -> str | None:
        """The best-connected member of ``node``'s component other than ``node``."""
        hub = self.hub[self._explore(node)]
        if hub != node:
            return hub
        # Rare: the contact is its component's hub; the runner-up needs a search.
        best: str | None = None
        seen = {node}
        queue = deque([node])
        while queue:
            for nxt in self.adj[queue.popleft()]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
                    best = self._better(best, nxt)
        return best

    def linked(self, a: str, b: str) -> None:
        """Record the new tie a-b (already in ``adj``): degrees rose, components merge."""
        if a not in self.parent and b not in self.parent:
            return  # neither component explored yet: a later search sees the tie
        ra, rb = self._explore(a), self._explore(b)
        best = self._better(self._better(self.hub[ra], self.hub[rb]), self._better(a, b))
        self.parent[rb] = ra
        self.hub[ra] = best


def recover(
    neighbours: Mapping[str, Collection[str]],
    removed: Sequence[str],
    *,
    p: float,
    rng: random.Random,
    members: Collection[str] | None = None,
) -> Recovery:
    """Simulate one recovery of the network ``neighbours`` from the arrest of ``removed``.

    ``members`` are the vertices that may take over or serve as hubs (None: all).
    Ties in degree go to the lexicographically first name, so a run depends only on
    ``rng``.
    """
    gone = set(removed)
    adj = {u: set(vs) - gone for u, vs in neighbours.items() if u not in gone}
    able: Collection[str] = adj.keys() if members is None else members
    hubs = _Hubs(adj, able)
    successors: dict[str, str | None] = {}
    links: set[tuple[str, str]] = set()
    for v in removed:
        contacts = sorted(c for c in neighbours.get(v, ()) if c in adj)
        heirs = [c for c in contacts if c in able]
        # max() keeps the first of equals: the first name among the best connected.
        heir = max(heirs, key=lambda c: len(adj[c])) if heirs else None
        successors[v] = heir
        for c in contacts:
            if c == heir:
                continue
            target = heir if heir is not None and rng.random() < p else hubs.of(c)
            if target is None or target == c or target in adj[c]:
                continue
            adj[c].add(target)
            adj[target].add(c)
            hubs.linked(c, target)
            links.add((c, target) if c < target else (target, c))
    return Recovery(successors, frozenset(links))


def inherit(business: Business, successors: Mapping[str, str | None], p: float = 1.0) -> Business:
    """The business once each successor has taken over its predecessor's role.

    The arrested man's line of business goes on under his successor as a node of its
    own (``"successor/arrested"``) with his recorded payments, so it passes on the share
    he passed on. Merged into the successor's own flows, a static haircut would let the
    pair pass on a larger share than either did, and a recovery would "create" money
    the intact network never moved. Only the share ``p`` of the line goes on (each of
    his contacts finds the successor with probability ``p``); the rest is lost to the
    business (:attr:`Business.kept_up`). Recruiting capacity and the place in the
    equipment chain pass to the successor himself. A trip is an event, not a role: it
    is never taken over.
    """

    def heir(node: str) -> str:
        if node in business.trips:
            return node
        return successors.get(node) or node

    def line(node: str) -> str:
        taken = successors.get(node)
        return f"{taken}/{node}" if taken and node not in business.trips else node

    money: dict[tuple[str, str], float] = defaultdict(float)
    for a, b, eur in business.money:
        a, b = line(a), line(b)
        if a != b:
            money[a, b] += eur
    sources: dict[str, float] = defaultdict(float)
    for node, eur in business.sources.items():
        sources[line(node)] += eur
    recruiters: dict[str, float] = defaultdict(float)
    for node, capacity in business.recruiters.items():
        recruiters[heir(node)] += capacity
    chain = [(heir(a), heir(b)) for a, b in business.chain]
    kept_up = dict(business.kept_up)
    for node, taken in successors.items():
        if taken and node not in business.trips:
            kept_up[line(node)] = kept_up.get(node, 1.0) * p
    return Business(
        money=[(a, b, eur) for (a, b), eur in money.items()],
        sources=dict(sources),
        organisers=frozenset(line(o) for o in business.organisers),
        chain=[(a, b) for a, b in dict.fromkeys(chain) if a != b],
        trips=business.trips,
        recruiters=dict(recruiters),
        kept_up=kept_up,
    )


def rewired(graph: ig.Graph, removed: Collection[str], recovery: Recovery) -> ig.Graph:
    """``graph`` without ``removed`` and with the ties recovery formed."""
    out = graph.copy()
    out.delete_vertices([v.index for v in out.vs.select(name_in=set(removed))])
    if recovery.links:
        pairs = sorted(recovery.links)
        attributes = (
            {"weight": [NEW_TIE_WEIGHT] * len(pairs)} if "weight" in out.es.attributes() else None
        )
        out.add_edges(pairs, attributes=attributes)
    return out
