"""Behind the scenes: who ends up with the customers' money, far from the front line.

The smugglers' customers pay; their money passes through collectors, shops and mules
and comes to rest with the people the business works for. The ranking follows it:

1. **Smuggling money** -- customer money: payments made by people recorded among
   migrants (:mod:`undertow.flows.frontline`), payments into the people and shops they
   named (a facilitator, the shop holding the fare) and the payments a collection
   typology found (fan-in); and the payments of the laundering typologies
   (structuring, pass-through, mirrors, cycles...) when a scan is given, which is how
   collected money travels up. Not hawala mirror settlement: it is every hawala shop's
   ordinary business, evidence that two shops settle with each other, not that their
   customers' money is the smugglers'; where a collector's deposit is settled so, the
   deposit is customer money already, and the trace crosses the settlement on the
   ledger's transaction number.
2. **Where it goes** -- a forward haircut trace from those payments (time-respecting;
   6 hops; a 120-day window, since shops hold a fare until the crossing succeeds),
   never back into the front line, never through nodes the reader may not see.
3. **Score** -- for each person or company: what of it they *keep* (received less passed
   on; a money-transfer shop -- a business, or whoever pays out by hawala to several
   people -- keeps nothing it took in by hawala, which is in transit to the other shop
   however the records fail to show the pay-out; a node a laundering detection
   shows paying money on -- a mule, a front, a hub -- keeps nothing that detection
   brought it; and a business a laundering detection shows being paid -- a dealer the
   money bought a car from, a money-transfer business that sends it on -- keeps none
   of those payments either: the pattern shows the money moving, and a business mixes
   it with its clientele's) plus what they *spend* on goods and
   services (money paid into a business counts in the share the business keeps: what a
   front passes on to the network was not spent, it travels on; and a payment a
   laundering typology cites is never a purchase: the typology says the money moves on,
   as when a mule pays a front's invoice); times ``sqrt(purity)``
   -- the share of all their incoming money that is smuggling money, so a busy shop that
   handles a little of it does not outrank a man who lives on it; times
   ``log2(1 + sources)`` -- the distinct payers it came through (the top is fed by many
   collectors and mules, a remittance's recipient by one); times a distance weight:
   ``FRONT_WEIGHT`` for anyone who dealt with the migrants directly (paid by them, named
   by them, called them, took customer money first-hand), 1 otherwise.

Everything shown is the evidence behind the score. The people present among the
migrants are never ranked.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from undertow.flows import RANK_TOP
from undertow.flows.analyses import engine_with
from undertow.flows.engine import Engine
from undertow.flows.frontline import FrontLine, front_line
from undertow.flows.graph import PaymentTables, payment_tables
from undertow.flows.trace import Trace, TracedPayment, trace
from undertow.store import Store
from undertow.store.scope import Scope

FRONT_WEIGHT = 0.35
HOPS = 6
# A node that pays out by hawala to this many distinct people is a pay-out point -- a
# shop, whatever its records call it: a ledger's payees and shops are alike unknown
# legal entities, and a recipient must not be taken for the shop that paid him.
SHOP_PAYEES = 3
WINDOW_DAYS = 120
RANKED_SCHEMAS = ("Person", "Company", "Organization", "LegalEntity")
# Known to be businesses: a LegalEntity may be anyone a ledger names.
_BUSINESS = ("Company", "Organization")


@dataclass
class Ranked:
    canonical_id: str
    name: str | None
    schema: str | None
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "canonical_id": self.canonical_id,
            "name": self.name,
            "schema": self.schema,
            "score": round(self.score, 2),
            "evidence": self.evidence,
        }


@dataclass
class Ranking:
    rows: list[Ranked]
    seed_payments: int
    seed_eur: float
    reached: dict[str, Ranked] = field(default_factory=dict)
    """Everyone the customers' money reached, scored or not (a collector who passes it
    all on keeps nothing and scores 0): what the network's roles read."""


def rank(
    store: Store,
    scope: Scope,
    *,
    top: int = RANK_TOP,
    collection_payments: set[str] | None = None,
    laundering_payments: set[str] | None = None,
    passing_payments: set[str] | None = None,
    tables: PaymentTables | None = None,
    engine: Engine | None = None,
    front: FrontLine | None = None,
) -> Ranking:
    """The ``top`` people and companies by customer money kept and spent, weighed by
    distance from the front line. ``collection_payments`` are payment ids a typology
    scan found collecting customers' money (fan-in); ``laundering_payments`` those of
    the typologies that show it moving on; ``passing_payments`` those of them into a
    node the same detection shows paying on (a mule, a front, a hub): in transit there,
    not kept, however the records fail to show the rest of the way."""
    tables = tables or payment_tables(store, scope)
    front = front if front is not None else front_line(store, scope)
    known = set(tables.payments.column("payment").to_pylist())
    customers = customer_payments(tables.payments, front, collection_payments or set()) & known
    seeds = customers | ((laundering_payments or set()) & known)
    if not seeds:
        return Ranking([], 0, 0.0)
    kinds = tables.by_node("schema")
    names = tables.by_node("name")
    shops = money_shops(tables.payments, kinds)
    result = trace(
        engine_with(tables, engine),
        sorted(front.present),
        method="haircut",
        hops=HOPS,
        window_days=WINDOW_DAYS,
        stop_at=tables.hidden,
        kinds=kinds,
        seed_payments=sorted(seeds),
    )
    inflow = _inflow(tables.payments)
    layering = (laundering_payments or set()) & known
    passing = (passing_payments or set()) & known
    rows = _score(
        result, front, customers, inflow, kinds, names, tables.hidden, shops, layering, passing
    )
    rows.sort(key=lambda r: (-r.score, r.canonical_id))
    scored = [r for r in rows if r.score > 0]
    return Ranking(scored[:top], len(seeds), result.seed_total, {r.canonical_id: r for r in rows})


def customer_payments(payments: pa.Table, front: FrontLine, collection: set[str]) -> set[str]:
    out = set(collection)
    for payment, src, dst in zip(
        payments.column("payment").to_pylist(),
        payments.column("src").to_pylist(),
        payments.column("dst").to_pylist(),
        strict=True,
    ):
        if src in front.present or (dst in front.named and src not in front.named):
            out.add(payment)
    return out


def money_shops(payments: pa.Table, kinds: Mapping[str, object]) -> set[str]:
    """Businesses, and whoever pays out by hawala to ``SHOP_PAYEES`` distinct people."""
    import pyarrow.compute as pc

    hawala = payments.filter(pc.equal(payments.column("channel"), "hawala"))
    payees = hawala.group_by("src").aggregate([("dst", "count_distinct")])
    paying = payees.filter(pc.greater_equal(payees.column("dst_count_distinct"), SHOP_PAYEES))
    out = {n for n, kind in kinds.items() if kind in _BUSINESS}
    return out | set(paying.column("src").to_pylist())


def _inflow(payments: pa.Table) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for dst, eur in zip(
        payments.column("dst").to_pylist(), payments.column("eur").to_pylist(), strict=True
    ):
        if eur:
            total[dst] += eur
    return total


def _score(
    result: Trace,
    front: FrontLine,
    customers: set[str],
    inflow: dict[str, float],
    kinds: dict[str, str | None],
    names: dict[str, str | None],
    hidden: set[str],
    shops: set[str],
    layering: set[str],
    passing: set[str],
) -> list[Ranked]:
    received: dict[str, float] = defaultdict(float)
    sent: dict[str, float] = defaultdict(float)
    spent: dict[str, float] = defaultdict(float)
    first_hop: dict[str, int] = {}
    first_hand: set[str] = set()
    incoming: dict[str, list[TracedPayment]] = defaultdict(list)
    in_transit: dict[str, float] = defaultdict(float)
    for p in result.payments:
        received[p.dst] += p.traced
        sent[p.src] += p.traced

    def retained(node: str) -> float:
        """The share of what a business took of the money that it kept."""
        return max(0.0, 1.0 - sent[node] / received[node]) if received[node] else 0.0

    for p in result.payments:
        # In transit: brought by a pattern that shows the node paying on, or taken in
        # by a shop by hawala or in a pattern (the money moves on).
        if p.payment in passing or (
            p.dst in shops and (p.channel == "hawala" or p.payment in layering)
        ):
            in_transit[p.dst] += p.traced
        first_hop[p.dst] = min(first_hop.get(p.dst, p.hop), p.hop)
        if p.hop == 1 and p.payment in customers:
            first_hand.add(p.dst)
        incoming[p.dst].append(p)
        # A payment a laundering typology cites is money moving on, whatever the business
        # paid: a mule's invoice to a front is layering, not a purchase.
        if (
            kinds.get(p.dst) in _BUSINESS
            and result.nodes[p.dst].stop == "purchase"
            and p.payment not in layering
        ):
            spent[p.src] += p.traced * retained(p.dst)
    rows = []
    for node, got in received.items():
        if node in front.present or node in hidden or kinds.get(node) not in RANKED_SCHEMAS:
            continue
        kept = max(0.0, got - sent.get(node, 0.0) - in_transit.get(node, 0.0))
        # Spending on goods counts; a business's own "spending" is its trade.
        purchases = spent.get(node, 0.0) if node not in shops else 0.0
        purity = min(1.0, got / inflow[node]) if inflow.get(node) else 0.0
        reasons = sorted(front.contacts.get(node, set()))
        if node in first_hand:
            reasons.append("took customer money first-hand")
        weight = FRONT_WEIGHT if reasons else 1.0
        sources = len({p.src for p in incoming[node]})
        score = (kept + purchases) * math.sqrt(purity) * math.log2(1 + sources) * weight
        top_in = sorted(incoming[node], key=lambda p: -p.traced)[:3]
        rows.append(
            Ranked(
                node,
                names.get(node),
                kinds.get(node),
                score,
                {
                    "customer_money_received_eur": round(got, 2),
                    "passed_on_eur": round(sent.get(node, 0.0), 2),
                    "in_transit_eur": round(in_transit.get(node, 0.0), 2),
                    "kept_eur": round(kept, 2),
                    "spent_on_purchases_eur": round(purchases, 2),
                    "share_of_income_from_smuggling": round(purity, 3),
                    "paid_through": sources,
                    "nearest_hop_from_customers": first_hop.get(node),
                    "front_line": reasons,
                    "payments": [
                        {
                            "agency": p.agency,
                            "entity_id": p.local_id,
                            "traced_eur": round(p.traced, 2),
                        }
                        for p in top_in
                    ],
                },
            )
        )
    return rows
