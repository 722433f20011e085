"""Laundering schemes a network runs on its own schedule, not per collection.

Fronts and launderers' accounts pass money round a ring (A -> B -> C -> A, a little less
each hop, each with an invoice reference); one launderer's account gathers from several
collectors and mules and scatters to the organisers and the people who must be paid.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from undertow.synth.collection import account_of
from undertow.synth.flows import Ledger
from undertow.synth.networks import Network
from undertow.synth.population import Account, Party, World

_INVOICE = {"gb": "INV {n}", "de": "Rechnung {n}", "be": "Factuur {n}", "fr": "Facture {n}"}


def invoice_ref(rng: random.Random, country: str, year: int) -> str:
    return _INVOICE.get(country, "Invoice {n}").format(n=f"{year}-{rng.randint(10, 999):03d}")


def _launder_accounts(world: World, net: Network) -> list[tuple[Party, Account]]:
    out: list[tuple[Party, Account]] = [(f, account_of(world, f, "front")) for f in net.fronts]
    out += [(p, account_of(world, p, "mule")) for p in net.members["launderer"]]
    return out


def cycle(world: World, ledger: Ledger, net: Network, when: date) -> None:
    """A -> B -> C (-> D) -> A between fronts and launderers, a little less each hop."""
    rng = world.rng
    nodes = _launder_accounts(world, net) + [
        (m, account_of(world, m, "mule")) for m in net.members.get("mule", [])
    ]
    if len(nodes) < 3:
        return
    ring = rng.sample(nodes, k=min(len(nodes), rng.randint(3, 4)))
    plant = ledger.plant("cycle", [acc for _, acc in ring])
    value = rng.uniform(8_000, 40_000)
    for i, (party, acc) in enumerate(ring):
        nxt, nxt_acc = ring[(i + 1) % len(ring)]
        when = when + timedelta(days=rng.randint(1, 6))
        ledger.pay(
            party,
            nxt,
            value,
            when,
            invoice_ref(rng, acc.country, when.year),
            payer_acc=acc,
            payee_acc=nxt_acc,
            plant=plant,
            step=5,
        )
        value *= rng.uniform(0.96, 0.99)


def gather_scatter(world: World, ledger: Ledger, net: Network, when: date) -> None:
    rng = world.rng
    hub = rng.choice(net.members["launderer"])
    hub_acc = account_of(world, hub, "mule")
    sources = net.members["collector"] + net.members.get("mule", [])
    sinks = (
        net.members["organiser"]
        + net.members["financier"]
        + net.members["equipment_buyer"]
        + net.members["storage_keeper"]
    )
    plant = ledger.plant("gather_scatter", [hub_acc])
    total = 0.0
    for src in rng.sample(sources, k=min(len(sources), rng.randint(3, 5))):
        value = rng.uniform(3_000, 9_000)
        total += value
        ledger.pay(
            src,
            hub,
            value,
            when + timedelta(days=rng.randint(0, 6)),
            rng.choice(("loan", "rent", "car")),
            payee_acc=hub_acc,
            plant=plant,
        )
    targets = rng.sample(sinks, k=min(len(sinks), rng.randint(3, 6)))
    for dst in targets:
        ledger.pay(
            hub,
            dst,
            total / len(targets) * rng.uniform(0.8, 0.95),
            when + timedelta(days=rng.randint(7, 13)),
            rng.choice(("loan", "wages", "car")),
            payer_acc=hub_acc,
            plant=plant,
        )
