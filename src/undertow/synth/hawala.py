"""Proceeds sent home through hawala, where no money visibly moves between countries.

A collector deposits takings with the network's shop in Europe and its partner shop in
the Kurdistan Region pays the financier there the same sum in dollars (a mirror with
no transfer between the shops); or mules walk into Brussels transfer shops and send
home just under the EUR 1,000 at which a shop must see an identity document. Each
returns False when the network lacks what it needs, and the collector structures
bank transfers instead.
"""

from __future__ import annotations

from datetime import date, timedelta

from undertow.synth.collection import account_of
from undertow.synth.flows import Flow, Ledger, Transfer
from undertow.synth.networks import Network
from undertow.synth.population import Person, World
from undertow.synth.profiles import ScenarioParams


def hawala_home(
    world: World,
    ledger: Ledger,
    net: Network,
    params: ScenarioParams,
    collector: Person,
    eur: float,
    when: date,
) -> bool:
    """Takings deposited with the EU shop; its partner at home pays the financier there."""
    rng = world.rng
    eu, home = net.shops["eu"], net.shops["home"]
    home_fin = next((p for p in net.members["financier"] if p.residence == "iq"), None)
    if home_fin is None:
        return False
    plant = ledger.plant(
        "hawala_mirror",
        [account_of(world, eu, "msb"), account_of(world, home, "msb")],
        "proceeds home",
    )
    ledger.pay(
        collector,
        eu,
        eur,
        when,
        rng.choice(("goods", "Warenzahlung", "cargo", "export")),
        payee_acc=account_of(world, eu, "msb"),
        plant=plant,
        step=10,
    )
    ledger.pay(
        home,
        home_fin,
        eur * rng.uniform(0.97, 0.99),
        when + timedelta(days=rng.randint(0, 3)),
        "cash withdrawal",
        payer_acc=account_of(world, home, "msb"),
        payee_acc=account_of(world, home_fin),
        currency="USD",
        step=100,
        plant=plant,
    )
    return True


def smurfing(
    world: World,
    ledger: Ledger,
    net: Network,
    params: ScenarioParams,
    collector: Person,
    eur: float,
    when: date,
) -> bool:
    """Mules walk into Brussels transfer shops and send home just under the EUR 1,000 at
    which a shop must see an identity document."""
    rng = world.rng
    shops = [s for s in [net.shops["eu"], *net.walk_in] if s.country == "be"]
    mules = net.members.get("mule", [])
    home_fin = next((p for p in net.members["financier"] if p.residence == "iq"), None)
    if not shops or not mules or home_fin is None:
        return False
    plant = ledger.plant("structuring", [], f"under the EUR {params.id_threshold_eur} ID threshold")
    sent = 0.0
    day = when
    while sent < eur:
        value = rng.uniform(0.9, 0.99) * params.id_threshold_eur
        shop = rng.choice(shops)
        paid_out = day + timedelta(days=rng.randint(0, 1))
        transfer = Transfer(
            world.transfer_number(shop),
            shop,
            net.shops["home"],
            day,
            paid_out if paid_out <= ledger.end else None,
            "paid" if paid_out <= ledger.end else "held",
        )
        flow = Flow(
            rng.choice(mules),
            home_fin,
            None,
            None,
            round(value) * 100,
            "EUR",
            day,
            "hawala",
            "",
            transfer,
        )
        ledger.add(flow, plant)
        sent += value
        day += timedelta(days=rng.choice((0, 0, 1, 2)))
    return True
