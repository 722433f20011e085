"""The network analyses a reader asks for, each over their own scoped view.

:func:`network_view` reads everything once (the layers, the payments, the front line,
the behind-the-scenes money ranking); communities, roles, key players, disruption
plans and exports are computed from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from undertow.network.layers import Layers, build_layers
from undertow.network.project import project
from undertow.network.roles import SOCIAL, RoleLabel, classify, features

if TYPE_CHECKING:
    import igraph as ig
    import pyarrow as pa

    from undertow.flows.frontline import FrontLine
    from undertow.network.business import Business
    from undertow.network.disrupt import Plan
    from undertow.store import Store
    from undertow.store.scope import Scope

# Layers of the default projection: who deals with whom. Shared identifiers and
# co-presence are context an analyst adds on purpose (a boat's passengers are a clique).
DEFAULT_LAYERS = ("call", "payment", "family", "associate", "ownership", "membership")
TARGETS = ("Person", "Company", "Organization", "LegalEntity")


@dataclass
class NetworkView:
    layers: Layers
    payments: pa.Table
    front: FrontLine
    behind: dict[str, float]
    customer_money: dict[str, dict[str, Any]]
    """Per node the customers' money reached: received, passed on, kept, first-hand."""
    patterns: dict[str, set[str]]
    """Per node the money typologies it runs through (:mod:`undertow.flows.typologies`)."""
    customer_payments: set[str]
    hidden: set[str]

    @cached_property
    def social(self) -> ig.Graph:
        return project(self.layers.edges, self.layers.nodes, SOCIAL)

    @cached_property
    def roles(self) -> dict[str, RoleLabel]:
        feats = features(
            self.layers,
            self.payments,
            self.front.present,
            self.behind,
            self.social,
            self.customer_money,
            self.patterns,
        )
        return classify(
            feats,
            self.layers.by_node("name"),
            self.layers.by_node("schema"),
            set(self.front.contacts),
        )

    def graph(
        self,
        layers: Iterable[str] | None = DEFAULT_LAYERS,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> ig.Graph:
        """A projection, with each vertex's role attached; hidden nodes carry only their
        notice."""
        g = project(self.layers.edges, self.layers.nodes, layers, since, until)
        roles = self.roles
        g.vs["role"] = [roles[n].role if n in roles else None for n in g.vs["name"]]
        return g

    @cached_property
    def fare_payers(self) -> set[str]:
        """Who pays customers' money and takes none: the migrants' side of the fare (a
        relative paying a collector for a son's crossing), not the business's. A money
        shop paying a fare out (issue 5's definition: a business, or whoever pays out by
        hawala to several people) is the business's, whether or not its pay-ins are on
        record."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from undertow.flows.rank import money_shops

        p = self.payments
        fares = p.filter(
            pc.is_in(p.column("payment"), pa.array(sorted(self.customer_payments), pa.string()))
        )
        paying = set(fares.column("src").to_pylist())
        taking = set(fares.column("dst").to_pylist())
        return paying - taking - money_shops(p, self.layers.by_node("schema"))

    def eligible(self, graph: ig.Graph) -> set[str]:
        """Who may be a target: people and companies the reader may see, never customers
        nor those who pay a fare for them."""
        roles = self.roles
        payers = self.fare_payers
        return {
            v["name"]
            for v in graph.vs
            if v["schema"] in TARGETS
            and v["name"] not in self.hidden
            and roles.get(v["name"]) is not None
            and roles[v["name"]].role != "customer"
            and v["name"] not in payers
        }


def network_view(store: Store, scope: Scope) -> NetworkView:
    from undertow.flows.analyses import find_typologies, rank_organisers
    from undertow.flows.frontline import front_line
    from undertow.flows.graph import payment_tables
    from undertow.flows.rank import customer_payments

    tables = payment_tables(store, scope)
    layers = build_layers(store, scope, tables.payments)
    front = front_line(store, scope)
    found = find_typologies(store, scope, tables)
    ranking = rank_organisers(store, scope, top=1_000_000, tables=tables, found=found, front=front)
    patterns: dict[str, set[str]] = defaultdict(set)
    for detection in found:
        for node in detection.accounts:
            patterns[node].add(detection.typology)
    behind = {r.canonical_id: r.score for r in ranking.reached.values() if r.score > 0}
    money = {
        node: {
            "customer_eur": r.evidence["customer_money_received_eur"],
            "customer_eur_passed_on": r.evidence["passed_on_eur"],
            "first_hand": "took customer money first-hand" in r.evidence["front_line"],
        }
        for node, r in ranking.reached.items()
    }
    customers = customer_payments(tables.payments, front, set())
    notices = layers.by_node("notice")
    hidden = {n for n, notice in notices.items() if notice} | tables.hidden
    return NetworkView(
        layers, tables.payments, front, behind, money, dict(patterns), customers, hidden
    )


# -- communities ------------------------------------------------------------------


@dataclass
class Community:
    id: int
    size: int
    roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """role -> members (``canonical_id``, ``name``), the facilitators first."""

    def to_dict(self) -> dict[str, Any]:
        return {"community": self.id, "size": self.size, "roles": self.roles}


@dataclass
class Communities:
    count: int
    modularity: float
    communities: list[Community]
    membership: dict[str, int]


def communities(
    view: NetworkView,
    layers: Iterable[str] | None = DEFAULT_LAYERS,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    resolution: float = 1.0,
    seed: int = 7,
    min_size: int = 3,
) -> Communities:
    """Leiden communities (modularity, weighted; Traag, Waltman & van Eck 2019) of a
    projection, largest first, each member listed under their role. Communities smaller
    than ``min_size`` are counted but not listed."""
    import leidenalg

    g = view.graph(layers, since, until)
    if g.vcount() == 0:
        return Communities(0, 0.0, [], {})
    partition = leidenalg.find_partition(
        g,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
    )
    modularity = g.modularity(partition.membership, weights="weight")
    membership = dict(zip(g.vs["name"], partition.membership, strict=True))
    groups: dict[int, list[int]] = defaultdict(list)
    for index, community in enumerate(partition.membership):
        groups[community].append(index)
    ordered = sorted(groups.values(), key=lambda members: (-len(members), min(members)))
    renumber = {partition.membership[members[0]]: i for i, members in enumerate(ordered)}
    listed = []
    for i, members in enumerate(ordered):
        if len(members) < min_size:
            continue
        by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for index in members:
            v = g.vs[index]
            by_role[v["role"] or "other"].append(
                {"canonical_id": v["name"], "name": None if v["notice"] else v["label"]}
            )
        listed.append(
            Community(
                i,
                len(members),
                dict(sorted(by_role.items(), key=lambda kv: _ROLE_ORDER.index(kv[0]))),
            )
        )
    return Communities(
        len(ordered), modularity, listed, {n: renumber[c] for n, c in membership.items()}
    )


_ROLE_ORDER = (
    "organiser",
    "financier",
    "collector",
    "hawaladar",
    "recruiter",
    "logistics",
    "driver",
    "pilot",
    "other",
    "customer",
)


# -- key players -------------------------------------------------------------------


@dataclass
class KeyPlayer:
    canonical_id: str
    name: str | None
    role: str
    score: float
    features: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "canonical_id": self.canonical_id,
            "name": self.name,
            "role": self.role,
            "score": round(self.score, 4),
            "features": self.features,
        }


# What a key player's score weighs: the money that reaches them from the customers
# (behind the scenes), their brokerage between the others, their PageRank in the
# social graph, and the business's need for their role (a supplier or a collector is
# harder to replace than a driver).
KEY_WEIGHTS = {"money": 0.4, "brokerage": 0.3, "pagerank": 0.3}
ROLE_NEED = {
    "organiser": 1.0,
    "financier": 0.9,
    "logistics": 0.8,
    "collector": 0.7,
    "hawaladar": 0.7,
    "recruiter": 0.6,
    "driver": 0.4,
    "pilot": 0.3,
    "other": 0.3,
}


def key_players(view: NetworkView, top: int = 10) -> list[KeyPlayer]:
    """People and companies ranked by ``need(role) x (0.4 money + 0.3 brokerage + 0.3
    PageRank)``, each part scaled to the largest; customers and hidden nodes never."""
    g = view.social
    if g.vcount() == 0:
        return []
    pagerank = dict(zip(g.vs["name"], g.pagerank(weights="weight"), strict=True))
    roles = view.roles
    eligible = view.eligible(g)
    brokerage = {n: float(roles[n].features.get("brokerage", 0.0)) for n in eligible}
    money = {n: float(view.behind.get(n, 0.0)) for n in eligible}
    scales = {
        "money": max(money.values(), default=0.0) or 1.0,
        "brokerage": max(brokerage.values(), default=0.0) or 1.0,
        "pagerank": max((pagerank[n] for n in eligible), default=0.0) or 1.0,
    }
    rows = []
    for node in eligible:
        parts = {
            "money": money[node] / scales["money"],
            "brokerage": brokerage[node] / scales["brokerage"],
            "pagerank": pagerank[node] / scales["pagerank"],
        }
        role = roles[node]
        score = ROLE_NEED.get(role.role, 0.3) * sum(KEY_WEIGHTS[k] * v for k, v in parts.items())
        shown = {k: round(v, 4) for k, v in parts.items()}
        shown.update({k: v for k, v in role.features.items() if v})
        shown["reason"] = role.reason
        rows.append(KeyPlayer(node, role.name, role.role, score, shown))
    rows.sort(key=lambda r: (-r.score, r.canonical_id))
    return rows[:top]


# -- disruption ------------------------------------------------------------------------


def business(view: NetworkView) -> Business:
    """What this network needs to earn, as the reader's records show it: the money
    (visible payments between visible nodes), the customers' payments where it enters,
    who it is bound for (people labelled organiser or financier, and the money
    ranking's first rows), the equipment chain
    and the trips at its end, and the recruiters' reach among the migrants."""
    from undertow.flows import RANK_TOP
    from undertow.network.business import Business

    p = view.payments
    money: Counter[tuple[str, str]] = Counter()
    sources: Counter[str] = Counter()
    customers = view.customer_payments
    for payment, src, dst, eur in zip(
        p.column("payment").to_pylist(),
        p.column("src").to_pylist(),
        p.column("dst").to_pylist(),
        p.column("eur").to_pylist(),
        strict=True,
    ):
        if not eur or src in view.hidden or dst in view.hidden:
            continue
        money[(src, dst)] += eur
        if payment in customers:
            sources[src] += eur
    roles = view.roles
    # Where the profit ends up: the people the role rules call organiser or financier,
    # and those the money ranking puts first (issue 5's behind-the-scenes ranking, as
    # many rows as `flows rank` shows). The role rules read where money stops, and miss
    # organisers paid out through a hawala shop; the ranking follows the customers'
    # money to them.
    ranked = sorted(view.behind, key=lambda n: (-view.behind[n], n))[:RANK_TOP]
    organisers = frozenset(
        n for n, r in roles.items() if r.role in ("organiser", "financier")
    ) | frozenset(ranked)
    chain = _chain_from_parties(view)
    schema = view.layers.by_node("schema")
    trips = frozenset(t for _, t in chain if schema.get(t) in ("Trip", "Event"))
    recruiters = {
        n: float(r.features.get("migrant_contacts", 0))
        for n, r in roles.items()
        if r.role != "customer" and r.features.get("migrant_contacts")
    }
    return Business(
        money=[(s, d, float(v)) for (s, d), v in sorted(money.items())],
        sources=dict(sources),
        organisers=organisers,
        chain=chain,
        trips=trips,
        recruiters=recruiters,
    )


def _chain_from_parties(view: NetworkView) -> list[tuple[str, str]]:
    """The equipment chain as far as people and companies run it: the edges reachable
    from a visible party. A boat with an engine fitted and no known buyer, storer or
    pilot is seized evidence, not a supply line anyone's arrest could cut."""
    e = view.layers.edges
    schema = view.layers.by_node("schema")
    after: dict[str, list[str]] = defaultdict(list)
    for s, t, layer in zip(
        e.column("source").to_pylist(),
        e.column("target").to_pylist(),
        e.column("layer").to_pylist(),
        strict=True,
    ):
        if layer == "equipment" and s not in view.hidden and t not in view.hidden:
            after[s].append(t)
    reached = {n for n in after if schema.get(n) in TARGETS}
    frontier = list(reached)
    while frontier:
        node = frontier.pop()
        for nxt in after.get(node, ()):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    return [(s, t) for s in sorted(reached) for t in after.get(s, ())]


def disruption(
    view: NetworkView,
    k: int = 5,
    strategies: Iterable[str] | None = None,
    *,
    runs: int = 5,
    seed: int = 7,
) -> list[Plan]:
    """Each strategy's ``k`` targets and the damage they do, right after the arrests and
    after the network's recovery, on the social projection plus the equipment chain.

    Above :data:`EXACT_UP_TO` vertices, betweenness, fragmentation and efficiency are
    estimated from :data:`SAMPLE` sources and the costly strategies try
    :data:`POOL` candidates, so a plan takes seconds, not minutes."""
    from undertow.network.disrupt import STRATEGIES, compare

    g = view.graph((*DEFAULT_LAYERS, "equipment"))
    large = g.vcount() > EXACT_UP_TO
    plans = compare(
        g,
        business(view),
        k,
        view.eligible(g),
        strategies=tuple(strategies) if strategies else STRATEGIES,
        runs=runs,
        seed=seed,
        sample=SAMPLE if large else None,
        pool=POOL if large else None,
    )
    names = view.layers.by_node("name")
    return [
        dataclasses.replace(p, labels=tuple(str(names.get(n) or n) for n in p.removed))
        for p in plans
    ]


EXACT_UP_TO = 500
SAMPLE = 64
POOL = 25
