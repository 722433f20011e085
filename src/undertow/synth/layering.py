"""From collectors to the top: how each collector's takings are passed up.

Every few weeks, or once enough has built up, a collector forwards what he holds
through one of the network's habits: structured transfers just under the reporting
threshold, invoices to a front business, money mules (scatter-gather, rapid
pass-through) or a deposit with the network's shop in Europe mirrored by a payout from
its partner shop at home. Organisers and financiers never touch a migrant's money
before this point.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from undertow.synth.collection import Receipts, account_of
from undertow.synth.flows import Ledger, convert
from undertow.synth.hawala import hawala_home, smurfing
from undertow.synth.networks import Network
from undertow.synth.population import Person, World
from undertow.synth.profiles import ScenarioParams
from undertow.synth.rings import cycle, gather_scatter, invoice_ref


def top_of(net: Network) -> list[Person]:
    """Where takings end up: financiers first, then organisers (never in the camps)."""
    return net.members["financier"] + net.members["organiser"]


def eu_top(net: Network) -> Person:
    people = [p for p in top_of(net) if p.residence != "iq"]
    return people[0] if people else net.members["launderer"][0]


def layer(
    world: World, ledger: Ledger, net: Network, params: ScenarioParams, receipts: Receipts
) -> None:
    rng = world.rng
    collectors = {p.true_id: p for p in net.members["collector"]}
    weights = dict(params.laundering)
    for key in ("cycle", "gather_scatter"):
        weights.pop(key, None)
    for collector_id, items in sorted(receipts.items()):
        collector = collectors[collector_id]
        pot, last = 0.0, None
        for when, eur in sorted(items):
            pot += eur
            last = last or when
            if pot < rng.uniform(15_000, 40_000) and (when - last).days < 30:
                continue
            forward_on = when + timedelta(days=rng.randint(1, 5))
            pattern = rng.choices(list(weights), weights=list(weights.values()))[0]
            amount = pot * rng.uniform(0.85, 0.92)
            if pattern in _HOME:
                if not _HOME[pattern](world, ledger, net, params, collector, amount, forward_on):
                    structuring(world, ledger, net, params, collector, amount, forward_on)
            else:
                _FORWARD[pattern](world, ledger, net, params, collector, amount, forward_on)
            pot, last = 0.0, None
    start, end = net.active
    months = max(1, (end - start).days // 30)
    for _ in range(max(1, round(params.laundering.get("cycle", 0) * months / 5))):
        cycle(world, ledger, net, start + timedelta(days=rng.randrange(max(1, months * 30))))
    for _ in range(max(1, round(params.laundering.get("gather_scatter", 0) * months / 5))):
        gather_scatter(
            world, ledger, net, start + timedelta(days=rng.randrange(max(1, months * 30)))
        )


def structuring(
    world: World,
    ledger: Ledger,
    net: Network,
    params: ScenarioParams,
    collector: Person,
    eur: float,
    when: date,
) -> None:
    """Transfers just under the threshold on consecutive days."""
    rng = world.rng
    source = account_of(world, collector)
    target = eu_top(net)
    target_acc = account_of(world, target)
    threshold = params.threshold_gbp if source.currency == "GBP" else params.threshold_eur
    total = convert(eur, source.currency)
    parts = max(2, math.ceil(total / (threshold * 0.95)))
    plant = ledger.plant("structuring", [source, target_acc], f"under {threshold}")
    for i in range(parts):
        value = rng.uniform(0.9, 0.995) * threshold
        ledger.pay(
            collector,
            target,
            0,
            when + timedelta(days=i + rng.randint(0, 1)),
            rng.choice(("savings", "family", "loan repayment", "transfer", "car")),
            payer_acc=source,
            payee_acc=target_acc,
            exact=round(value, -1 if i else 0),
            plant=plant,
        )


def front(
    world: World,
    ledger: Ledger,
    net: Network,
    params: ScenarioParams,
    collector: Person,
    eur: float,
    when: date,
) -> None:
    """Invoices to a front business, then 'salary' or 'director's loan' to the top."""
    rng = world.rng
    if not net.fronts:
        structuring(world, ledger, net, params, collector, eur, when)
        return
    biz = rng.choice(net.fronts)
    biz_acc = account_of(world, biz, "front")
    top = rng.choice(top_of(net))
    plant = ledger.plant(
        "front_business", [account_of(world, collector), biz_acc, account_of(world, top)]
    )
    parts = rng.randint(2, 4)
    for i in range(parts):
        ledger.pay(
            collector,
            biz,
            eur / parts,
            when + timedelta(days=i * rng.randint(1, 3)),
            invoice_ref(rng, biz.country, when.year),
            plant=plant,
            step=5,
        )
    out_on = when + timedelta(days=rng.randint(5, 14))
    for _ in range(rng.randint(1, 2)):
        ledger.pay(
            biz,
            top,
            eur * rng.uniform(0.35, 0.5),
            out_on,
            rng.choice(("director loan", "salary", "consultancy", "Beratung", "dividend")),
            plant=plant,
            step=100,
        )


def scatter_gather(
    world: World,
    ledger: Ledger,
    net: Network,
    params: ScenarioParams,
    collector: Person,
    eur: float,
    when: date,
) -> None:
    rng = world.rng
    mules = net.members.get("mule", [])
    if len(mules) < 2:
        pass_through(world, ledger, net, params, collector, eur, when)
        return
    chosen = rng.sample(mules, k=min(len(mules), rng.randint(3, 6)))
    target = eu_top(net)
    plant = ledger.plant(
        "scatter_gather",
        [account_of(world, collector)]
        + [account_of(world, m) for m in chosen]
        + [account_of(world, target)],
    )
    for mule in chosen:
        share = eur / len(chosen) * rng.uniform(0.8, 1.2)
        ledger.pay(collector, mule, share, when, rng.choice(("loan", "rent", "help")), plant=plant)
        ledger.pay(
            mule,
            target,
            share * rng.uniform(0.95, 0.99),
            when + timedelta(days=rng.randint(1, 6)),
            rng.choice(("repay", "loan", "gift")),
            plant=plant,
        )


def pass_through(
    world: World,
    ledger: Ledger,
    net: Network,
    params: ScenarioParams,
    collector: Person,
    eur: float,
    when: date,
) -> None:
    """Money in and out of a mule's account within a day or two."""
    rng = world.rng
    mules = net.members.get("mule", []) or net.members["launderer"]
    mule = rng.choice(mules)
    onward = rng.choice(net.fronts) if net.fronts and rng.random() < 0.5 else eu_top(net)
    plant = ledger.plant("pass_through", [account_of(world, mule)])
    ledger.pay(collector, mule, eur, when, rng.choice(("loan", "car", "help")), plant=plant)
    ledger.pay(
        mule,
        onward,
        eur * rng.uniform(0.97, 0.995),
        when + timedelta(days=rng.randint(0, 1)),
        rng.choice(("invoice", "car", "loan")),
        plant=plant,
    )


_HOME = {"smurfing": smurfing, "hawala_home": hawala_home}
_FORWARD = {
    "structuring": structuring,
    "front": front,
    "scatter_gather": scatter_gather,
    "pass_through": pass_through,
}
