"""The costs of the business, what the organisers spend, and ordinary life.

The financier pays for equipment (through the equipment buyer to the supplier abroad),
drivers' commissions (often in USDT) and storage rent -- a fan-out. Organisers and
financiers buy cars and property and fly home. Suspects also have wages, rent and
phone bills on the same accounts, which is what their statements mostly show.
"""

from __future__ import annotations

from datetime import date, timedelta

from undertow.synth.collection import account_of, wallet
from undertow.synth.equipment import Batch, Convoy
from undertow.synth.flows import Flow, Ledger, round_to
from undertow.synth.layering import eu_top, top_of
from undertow.synth.networks import Infra, Network
from undertow.synth.population import Account, Person, World
from undertow.synth.profiles import ScenarioParams


def costs(
    world: World,
    ledger: Ledger,
    net: Network,
    params: ScenarioParams,
    batches: list[Batch],
    convoys: list[Convoy],
    wallets: dict[str, str],
) -> None:
    """The financier's fan-out: equipment, drivers, storage rent."""
    rng = world.rng
    fin = eu_top(net)
    fan_out = ledger.plant("fan_out", [account_of(world, fin)], "costs of the business")
    for batch in batches:
        total = sum(b.price + b.engine_price for b in batch.boats) + batch.vests * 14
        ledger.pay(
            fin,
            batch.buyer,
            total * rng.uniform(1.05, 1.15),
            batch.ordered - timedelta(days=rng.randint(3, 10)),
            "Auslage",
            plant=fan_out,
            step=50,
        )
        deposit = rng.uniform(0.4, 0.6)
        supplier_acc = batch.supplier.accounts[0]
        ref = f"PF-{batch.ordered.year}-{rng.randint(10, 999):03d}"
        ledger.pay(
            batch.buyer,
            batch.supplier,
            total * deposit,
            batch.ordered,
            f"Proforma {ref} PVC boats",
            payee_acc=supplier_acc,
            currency="EUR",
            step=50,
        )
        ledger.pay(
            batch.buyer,
            batch.supplier,
            total * (1 - deposit),
            batch.delivered,
            f"Invoice {ref} outboard motors",
            payee_acc=supplier_acc,
            currency="EUR",
            step=50,
        )
    for convoy in convoys:
        eur = rng.uniform(800, 1_500) * len(convoy.boats) ** 0.7
        when = convoy.date + timedelta(days=rng.randint(0, 3))
        if rng.random() < params.crypto_commissions:
            ledger.add(
                Flow(
                    fin,
                    convoy.driver,
                    None,
                    None,
                    round_to(eur * 1.08, 10) * 100,
                    "USDT",
                    when,
                    "crypto",
                    "USDT TRC-20",
                    wallets=(wallet(world, wallets, fin), wallet(world, wallets, convoy.driver)),
                )
            )
        elif convoy.driver.accounts and rng.random() < 0.5:
            ledger.pay(
                fin,
                convoy.driver,
                eur,
                when,
                rng.choice(("Fahrt", "transport", "work")),
                plant=fan_out,
            )
    keepers = net.members["storage_keeper"]
    day = net.active[0]
    while day < net.active[1]:
        for keeper in keepers:
            if keeper.accounts and rng.random() < 0.4:
                ledger.pay(
                    fin,
                    keeper,
                    rng.uniform(400, 900),
                    day + timedelta(days=rng.randint(0, 5)),
                    "Miete Garage",
                    plant=fan_out,
                    step=50,
                )
        day += timedelta(days=30)


def spending(world: World, ledger: Ledger, net: Network, infra: Infra) -> None:
    rng = world.rng
    start, end = net.active
    travel = [s for s in infra.statement_shops if s.sector == "travel_agency"]
    for person in top_of(net):
        span = max(1, (end - start).days)
        for _ in range(rng.randint(1, 3)):
            dealers = [d for d in infra.payees["car_dealer"] if d.country == person.residence]
            if dealers:
                payer = rng.choice(net.fronts) if net.fronts and rng.random() < 0.4 else person
                ledger.pay(
                    payer,
                    rng.choice(dealers),
                    rng.uniform(18_000, 65_000),
                    start + timedelta(days=rng.randrange(span)),
                    rng.choice(("car", "BMW X5", "Mercedes", "deposit", "Range Rover")),
                    step=500,
                )
        if rng.random() < 0.6:
            agents = infra.payees["estate_agent"]
            ledger.pay(
                person,
                rng.choice(agents),
                rng.uniform(40_000, 150_000),
                start + timedelta(days=rng.randrange(span)),
                "property deposit",
                step=1000,
            )
        for _ in range(rng.randint(1, 5)):
            if travel and person.residence == "gb":
                ledger.pay(
                    person,
                    rng.choice(travel),
                    rng.uniform(350, 1_400),
                    start + timedelta(days=rng.randrange(span)),
                    rng.choice(("flights EBL", "Erbil tickets", "holiday", "Dubai")),
                    step=5,
                )


def personal(
    world: World,
    ledger: Ledger,
    infra: Infra,
    accounts: list[tuple[Person, Account]],
    start: date,
    end: date,
) -> None:
    """Ordinary life on a suspect's account: wages, rent, phone bill."""
    rng = world.rng
    for person, acc in accounts:
        country = acc.country
        employers = [e for e in infra.payees["employer"] if e.country == country]
        landlords = [e for e in infra.payees["landlord"] if e.country == country]
        telecoms = [e for e in infra.payees["telecom"] if e.country == country]
        employer = rng.choice(employers) if employers and rng.random() < 0.6 else None
        landlord = rng.choice(landlords) if landlords else None
        telecom = rng.choice(telecoms) if telecoms else None
        wage = rng.uniform(1_400, 2_600)
        day = start + timedelta(days=rng.randint(0, 27))
        while day <= end:
            if employer is not None:
                ledger.pay(
                    employer,
                    person,
                    wage,
                    day,
                    "salary",
                    payee_acc=acc,
                    step=1,
                    currency=acc.currency,
                )
            if landlord is not None:
                ledger.pay(
                    person,
                    landlord,
                    wage * 0.4,
                    day + timedelta(days=2),
                    "rent",
                    payer_acc=acc,
                    step=5,
                )
            if telecom is not None and rng.random() < 0.8:
                ledger.pay(
                    person,
                    telecom,
                    rng.uniform(15, 60),
                    day + timedelta(days=8),
                    "mobile",
                    payer_acc=acc,
                    step=1,
                )
            day += timedelta(days=30)
