"""Each person's (and company's) likely role, from features an analyst can check.

A role is read off the records, not learnt from labelled networks we do not have: a
short list of rules, first match wins, each naming the features that decided it. The
features are shown beside the label, so a wrong call is visible as a wrong feature.

* **logistics** -- in the equipment chain: a company supplying a buyer in it, a person
  renting or keeping a storage place, or buying from a supplier;
* **pilot** -- tied to a vessel directly (named at the helm, its owner);
* **driver** -- tied to a road vehicle in the chain (its operator, owner, the vehicle
  of a transport from a storage place);
* **hawaladar** -- takes in hawala transfers from several people and pays out to several,
  or owns or runs a business that does (a mirror detection alone is not enough: honest
  shops settle that way too);
* **customer** -- recorded among the migrants of a trip or event (present), with none of
  the roles above;
* **organiser** / **financier** -- behind the scenes (the money ranking of
  :mod:`undertow.flows.rank` puts them near its head, they did not deal with the migrants
  first-hand, and they are tied to the network by more than that money -- calls,
  associates, ownership -- or are paid by many): an organiser keeps or spends most of
  what reaches them; a financier passes most of it on, or moves money in a laundering
  typology (pass-through, structuring, cycles, fan-out, scatter-gather, gather-scatter)
  away from the migrants;
* **collector** -- takes the customers' money first-hand and passes most of it on, is
  the collector of a fan-in detection, or is paid by many different people while
  dealing with the migrants first-hand (paid by them, named by them, calling them);
* **recruiter** -- in contact with several migrants (calls, links, money) without
  collecting from them;
* **other** -- none of these (a relative, a shop's customer, a bystander).

Migrants are customers and often victims: the ``customer`` label is what keeps them out
of every list of targets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import igraph as ig
    import pyarrow as pa

    from undertow.network.layers import Layers

ROLES = (
    "organiser",
    "financier",
    "collector",
    "hawaladar",
    "recruiter",
    "driver",
    "pilot",
    "logistics",
    "customer",
    "other",
)

PARTIES = ("Person", "Company", "Organization", "LegalEntity", "PublicBody")
BUSINESSES = ("Company", "Organization", "LegalEntity", "PublicBody")
# Typologies of money moved on and hidden, rather than collected or settled.
LAUNDERING = frozenset(
    {"fan_out", "pass_through", "structuring", "cycle", "scatter_gather", "gather_scatter"}
)
# The social layers brokerage is measured on: who deals with whom, not who sat in the
# same boat (a crossing is a clique that would swamp everything else).
SOCIAL = ("call", "payment", "family", "associate", "ownership", "membership", "equipment")


@dataclass(frozen=True)
class RoleRules:
    """Thresholds of the rules: defaults, parameters of the analysis, never tuned to one
    data set's quirks."""

    hawala_payments: int = 10
    hawala_counterparts: int = 3
    behind_share: float = 0.05
    collector_payers: int = 5
    recruiter_contacts: int = 3
    passes_on: float = 0.5


@dataclass
class RoleLabel:
    node: str
    name: str | None
    schema: str | None
    role: str
    reason: str
    features: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "canonical_id": self.node,
            "name": self.name,
            "schema": self.schema,
            "role": self.role,
            "reason": self.reason,
            "features": self.features,
        }


def features(
    layers: Layers,
    payments: pa.Table,
    present: set[str],
    behind: dict[str, float],
    social: ig.Graph,
    customer_money: dict[str, dict[str, Any]] | None = None,
    patterns: dict[str, set[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per party node: degree per layer, brokerage, money in and out, hawala business,
    contact with migrants, place in the equipment chain, the behind-the-scenes score."""
    schema = layers.by_node("schema")
    parties = {n for n, s in schema.items() if s in PARTIES}
    out: dict[str, dict[str, Any]] = {n: defaultdict(float) for n in parties}
    neighbours: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    e = layers.edges
    # A "vehicle" fitted to a vessel is its outboard engine, not a road vehicle.
    engines = {
        s
        for s, t, layer in zip(
            e.column("source").to_pylist(),
            e.column("target").to_pylist(),
            e.column("layer").to_pylist(),
            strict=True,
        )
        if layer == "equipment" and schema.get(s) == "Vehicle" and schema.get(t) == "Vessel"
    }
    for s, t, layer in zip(
        e.column("source").to_pylist(),
        e.column("target").to_pylist(),
        e.column("layer").to_pylist(),
        strict=True,
    ):
        neighbours[s][layer].add(t)
        neighbours[t][layer].add(s)
        if layer != "equipment":
            continue
        stage_s, stage_t = schema.get(s), schema.get(t)
        if s in out:
            if stage_t == "Vessel":
                out[s]["vessels"] += 1
            elif stage_t == "Address":
                out[s]["storage_places"] += 1
            elif stage_t == "Vehicle" and t not in engines:
                out[s]["road_vehicles"] += 1
            elif stage_t == "Person" and stage_s in BUSINESSES:
                out[s]["buyers_supplied"] += 1
        if t in out and stage_s in BUSINESSES and stage_t == "Person":
            out[t]["suppliers_bought_from"] += 1
    money = _money(payments, present)
    brokerage = dict(zip(social.vs["name"], social.betweenness(directed=False), strict=True))
    n = max(social.vcount(), 3)
    scale = (n - 1) * (n - 2) / 2
    for node, f in out.items():
        for layer, others in neighbours[node].items():
            f[f"degree_{layer}"] = len(others)
        contacts = set().union(
            *(neighbours[node][layer] for layer in ("call", "payment", "associate"))
        )
        f["migrant_contacts"] = len(contacts & present)
        f["present"] = node in present
        f["brokerage"] = round(brokerage.get(node, 0.0) / scale, 6)
        f["behind_scenes"] = round(behind.get(node, 0.0), 2)
        f.update((customer_money or {}).get(node, {}))
        f["typologies"] = sorted((patterns or {}).get(node, ()))
        f["owns"] = sorted(neighbours[node]["ownership"] | neighbours[node]["membership"])
        f.update(money.get(node, {}))
    return {node: dict(f) for node, f in out.items()}


def _money(payments: pa.Table, present: set[str]) -> dict[str, dict[str, Any]]:
    eur_in: dict[str, float] = defaultdict(float)
    eur_out: dict[str, float] = defaultdict(float)
    payers: dict[str, set[str]] = defaultdict(set)
    payees: dict[str, set[str]] = defaultdict(set)
    hawala: dict[str, int] = defaultdict(int)
    hawala_parties: dict[str, set[str]] = defaultdict(set)
    for src, dst, eur, channel in zip(
        payments.column("src").to_pylist(),
        payments.column("dst").to_pylist(),
        payments.column("eur").to_pylist(),
        payments.column("channel").to_pylist(),
        strict=True,
    ):
        amount = float(eur or 0.0)
        eur_in[dst] += amount
        eur_out[src] += amount
        payers[dst].add(src)
        payees[src].add(dst)
        if channel == "hawala":
            hawala[src] += 1
            hawala[dst] += 1
            hawala_parties[src].add(dst)
            hawala_parties[dst].add(src)
    out: dict[str, dict[str, Any]] = {}
    for node in set(eur_in) | set(eur_out):
        received, sent = eur_in.get(node, 0.0), eur_out.get(node, 0.0)
        out[node] = {
            "eur_in": round(received, 2),
            "eur_out": round(sent, 2),
            "passes_on": round(sent / received, 3) if received else None,
            "payers": len(payers[node]),
            "payers_migrants": len(payers[node] & present),
            "payees": len(payees[node]),
            "hawala_payments": hawala.get(node, 0),
            "hawala_counterparts": len(hawala_parties[node]),
        }
    return out


def classify(
    feats: dict[str, dict[str, Any]],
    names: dict[str, Any],
    schemas: dict[str, Any],
    front_line: set[str],
    rules: RoleRules | None = None,
) -> dict[str, RoleLabel]:
    """Each party's role by the first rule that holds (see the module docstring).
    ``front_line`` is who dealt with the migrants first-hand (never behind the scenes)."""
    r = rules or RoleRules()
    # Behind the scenes means near the top of the money ranking: a remittance's
    # recipient gets a little of the customers' money too.
    top = max((f.get("behind_scenes", 0.0) for f in feats.values()), default=0.0) or 1.0
    roles: dict[str, RoleLabel] = {}
    for node, f in feats.items():
        role, reason = _rule(node, f, schemas.get(node), front_line, r, top)
        roles[node] = RoleLabel(node, names.get(node), schemas.get(node), role, reason, f)
    # The owner or manager of a hawala business is its hawaladar: the shop's ledger
    # carries the transfers, the person runs them.
    for label in roles.values():
        if label.role == "other" and label.schema == "Person":
            shops = [o for o in label.features.get("owns", ()) if _runs_hawala(roles.get(o))]
            if shops:
                label.role, label.reason = "hawaladar", "owns or runs a hawala business"
    return roles


def _runs_hawala(label: RoleLabel | None) -> bool:
    return label is not None and label.role == "hawaladar" and label.schema in BUSINESSES


def _rule(
    node: str, f: dict[str, Any], schema: Any, front: set[str], r: RoleRules, top: float
) -> tuple[str, str]:
    if f.get("buyers_supplied"):
        return "logistics", "supplies a buyer in the equipment chain"
    if f.get("storage_places") or f.get("suppliers_bought_from"):
        return "logistics", "keeps a storage place or buys from a supplier"
    if f.get("vessels") and schema == "Person":
        return "pilot", "tied to a vessel directly"
    if f.get("road_vehicles") and schema == "Person":
        return "driver", "tied to a road vehicle in the chain"
    if (
        f.get("hawala_payments", 0) >= r.hawala_payments
        and f.get("payers", 0) >= r.hawala_counterparts
        and f.get("payees", 0) >= r.hawala_counterparts
    ):
        return "hawaladar", "hawala transfers in and out for many people"
    if f.get("present"):
        return "customer", "recorded among migrants, no facilitator's tie"
    took = f.get("customer_eur") or 0.0
    if f.get("first_hand") and took and f.get("customer_eur_passed_on", 0.0) >= r.passes_on * took:
        return "collector", "took customer money first-hand and passed most of it on"
    patterns = set(f.get("typologies", ()))
    if "fan_in" in patterns:
        return "collector", "collects from many payers in a fare's price band (fan-in)"
    first_hand = (
        node in front
        or bool(f.get("first_hand"))
        or bool(f.get("payers_migrants"))
        or bool(f.get("migrant_contacts"))
    )
    # Money alone does not make a man the business's: a migrant's relative paid out by
    # hawala receives customer money that stays with them too. Behind the scenes takes
    # a tie to the network beyond that money (calls, associates, family, ownership...),
    # or money fed in by many different payers.
    tied = any(f.get(f"degree_{layer}", 0) for layer in SOCIAL if layer != "payment")
    fed_by_many = f.get("payers", 0) >= r.collector_payers
    behind = f.get("behind_scenes", 0) >= r.behind_share * top and (tied or fed_by_many)
    if behind and not first_hand:
        passes_on = f.get("passes_on")
        if passes_on is not None and passes_on >= r.passes_on:
            return "financier", "customer money reaches them; they pass most of it on"
        return "organiser", "customer money reaches them and stays; far from the migrants"
    if patterns & LAUNDERING and not first_hand:
        return "financier", "moves money in laundering patterns: " + ", ".join(
            sorted(patterns & LAUNDERING)
        )
    if f.get("payers", 0) >= r.collector_payers and first_hand:
        return "collector", "paid by many different people; deals with the migrants"
    if f.get("migrant_contacts", 0) >= r.recruiter_contacts:
        return "recruiter", "in contact with several migrants, not collecting from them"
    return "other", "no role's evidence"
