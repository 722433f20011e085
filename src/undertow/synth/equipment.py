"""The equipment supply chain: boats and engines bought abroad, stored, driven to the coast.

Chinese-made boats and outboard engines are bought from suppliers in Turkey and
Bulgaria (via the Kapitan Andreevo crossing), kept in garages around Essen, and driven
in convoys of up to eight boats through Belgium (sometimes the Netherlands) to the
beaches near Calais and Dunkirk a few days before a launch. Each launch uses one boat;
a boat seized on the beach or lost at sea is replaced from the next batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from undertow.synth.identifiers import engine, hull_number, plate
from undertow.synth.networks import Network, Site
from undertow.synth.population import Org, Person, World

_COLOURS = ("black", "grey", "dark grey", "blue")
_LENGTHS = ("8m", "9m", "10m", "10.5m", "11m", "12m")
# A boat and engine delivered cost about EUR 10,000 (Europol), a third of it the engine.
BOAT_PRICE = (1_800, 3_000)
ENGINE_PRICE = (2_500, 4_500)
VEST_PRICE = 14


@dataclass(slots=True)
class Boat:
    true_id: str
    engine_id: str
    model: str
    colour: str
    hull: str | None
    engine_model: str
    engine_serial: str
    supplier: Org | None  # None: a boat of a network outside the scenario
    buyer: Person | None
    batch: int
    site: Site | None
    bought: date
    delivered: date
    price: int
    engine_price: int
    used: bool = False


@dataclass(slots=True)
class Batch:
    index: int
    supplier: Org
    buyer: Person
    ordered: date
    delivered: date
    boats: list[Boat] = field(default_factory=list)
    vests: int = 0
    route: str = "Kapitan Andreevo"


@dataclass(slots=True)
class Convoy:
    true_id: str
    date: date
    driver: Person
    vehicle_id: str
    plate: str
    vehicle_country: str
    vehicle_model: str
    site: Site
    boats: list[Boat]
    via: str  # "be" or "nl-be"
    burner: str | None


def plan_batches(world: World, net: Network, launch_dates: list[date]) -> list[Batch]:
    """Batches of 4-8 boats ordered 3-7 weeks before the first launch they serve."""
    rng = world.rng
    batches: list[Batch] = []
    i = 0
    while i < len(launch_dates):
        size = rng.randint(4, 8)
        first = launch_dates[i]
        supplier = rng.choice(net.suppliers)
        buyer = rng.choice(net.members["equipment_buyer"])
        ordered = first - timedelta(days=rng.randint(22, 50))
        delivered = ordered + timedelta(days=rng.randint(7, 15))
        batch = Batch(
            len(batches),
            supplier,
            buyer,
            ordered,
            delivered,
            route="Kapitan Andreevo" if supplier.country == "tr" else "Sofia",
        )
        for _ in range(size):
            model, serial = engine(rng, world.ids.next("engine"))
            boat_id = world.thing_id()
            batch.boats.append(
                Boat(
                    true_id=boat_id,
                    engine_id=world.thing_id(),
                    model=f"{rng.choice(_LENGTHS)} PVC inflatable",
                    colour=rng.choice(_COLOURS),
                    hull=hull_number(
                        rng, world.ids.next("hull"), "cn" if rng.random() < 0.7 else "tr"
                    )
                    if rng.random() < 0.45
                    else None,
                    engine_model=model,
                    engine_serial=serial,
                    supplier=supplier,
                    buyer=buyer,
                    batch=batch.index,
                    site=rng.choice(net.sites),
                    bought=ordered,
                    delivered=delivered,
                    price=rng.randint(*BOAT_PRICE) // 50 * 50,
                    engine_price=rng.randint(*ENGINE_PRICE) // 50 * 50,
                )
            )
        batch.vests = size * rng.randint(12, 20)
        batches.append(batch)
        i += max(1, size - rng.randint(0, 1))  # keep a spare now and then
    return batches


def assign_boats(batches: list[Batch], launch_dates: list[date]) -> list[Boat]:
    """One boat per launch, the oldest delivered unused boat first."""
    stock = [b for batch in batches for b in batch.boats]
    chosen: list[Boat] = []
    for when in launch_dates:
        boat = next((b for b in stock if not b.used and b.delivered <= when), None)
        if boat is None:
            boat = next(b for b in stock if not b.used)
        boat.used = True
        chosen.append(boat)
    return chosen


def plan_convoys(world: World, net: Network, launches: list[tuple[date, Boat]]) -> list[Convoy]:
    """Group launches within a week into convoys of up to eight boats."""
    rng = world.rng
    convoys: list[Convoy] = []
    vehicles: dict[str, tuple[str, str, str, str]] = {}
    pending: list[tuple[date, Boat]] = []

    def flush() -> None:
        if not pending:
            return
        driver = rng.choice(net.members["driver"])
        if driver.true_id not in vehicles:
            country = driver.residence if driver.residence in {"de", "nl", "be", "pl"} else "de"
            if rng.random() < 0.25:
                country = rng.choice(("bg", "pl", "nl"))  # hire vans from abroad
            vehicles[driver.true_id] = (
                world.thing_id(),
                plate(country, rng),
                country,
                rng.choice(
                    (
                        "Mercedes-Benz Sprinter",
                        "VW Crafter",
                        "Ford Transit",
                        "Renault Master",
                        "Iveco Daily",
                    )
                ),
            )
        vid, reg, country, model = vehicles[driver.true_id]
        first = pending[0][0]
        convoys.append(
            Convoy(
                true_id=world.thing_id(),
                date=first - timedelta(days=rng.randint(1, 4)),
                driver=driver,
                vehicle_id=vid,
                plate=reg,
                vehicle_country=country,
                vehicle_model=model,
                site=pending[0][1].site or net.sites[0],
                boats=[b for _, b in pending],
                via="nl-be" if rng.random() < 0.3 else "be",
                burner=rng.choice(net.burners) if net.burners and rng.random() < 0.7 else None,
            )
        )
        pending.clear()

    for when, boat in launches:
        if pending and ((when - pending[0][0]).days > 7 or len(pending) >= 8):
            flush()
        pending.append((when, boat))
    flush()
    return convoys


def leftover(batches: list[Batch]) -> list[Boat]:
    """Boats still in storage when the network stops: what a search would seize."""
    return [b for batch in batches for b in batch.boats if not b.used]
