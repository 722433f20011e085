"""Launches, the people in each boat, and who pays for them.

Launch dates follow the Channel's season (few in winter, most from August to October);
about fifty people are in each boat (Home Office: 49 a boat in 2023, 53 in 2024).
A launch stopped on the beach or a boat rescued back to France sends its passengers
back to the camp, and they go again on a later launch of the same network -- the
price covers several attempts, and the money is only released once they arrive.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from undertow.synth.equipment import Boat
from undertow.synth.identifiers import engine, hull_number
from undertow.synth.networks import SPAN_END, SPAN_START, Network
from undertow.synth.places import BEACHES, LANDINGS
from undertow.synth.population import Person, World
from undertow.synth.profiles import ScenarioParams

# Relative number of launches per month (Home Office small-boat series, rounded).
SEASON = (2, 2, 4, 5, 6, 9, 9, 12, 12, 11, 6, 4)


@dataclass(slots=True)
class Group:
    """People who travel together and have one payer (a relative, or themselves)."""

    migrants: list[Person]
    payer: Person
    payer_where: str  # home, uk, eu, self
    channel: str  # hawala, bank, cash, crypto
    price: int  # EUR per person, agreed before the first attempt
    recruiter: Person
    collector: Person
    agreed: date
    attempts: list[str] = field(default_factory=list)  # crossing true ids
    arrived: date | None = None


@dataclass(slots=True)
class Crossing:
    true_id: str
    network: str | None
    date: date
    beach: tuple[str, str, str, float, float]
    landing: tuple[str, str, str, float, float] | None
    boat: Boat | None
    outcome: str  # arrived, intercepted, rescued
    people: list[Person] = field(default_factory=list)
    pilot: Person | None = None


def launch_dates(rng: random.Random, net: Network) -> list[date]:
    start, end = net.active
    days = (end - start).days
    candidates = [start + timedelta(days=d) for d in range(days)]
    weights = [SEASON[d.month - 1] for d in candidates]
    picked = rng.choices(candidates, weights=weights, k=net.crossings)
    return sorted(set(picked)) if len(set(picked)) > 1 else picked


def price_on(params: ScenarioParams, when: date, rng: random.Random) -> int:
    low, high = params.prices[0][1], params.prices[0][2]
    for start, lo, hi in params.prices:
        if when.isoformat() >= start:
            low, high = lo, hi
    return rng.randint(low, high) // 100 * 100


_CHANNELS_BY_ORIGIN = {
    # Eritreans, Sudanese and Vietnamese rarely use Kurdish hawala: cash or UK relatives.
    "eritrean": {"bank": 0.45, "cash": 0.5, "crypto": 0.05},
    "sudanese": {"bank": 0.35, "cash": 0.6, "crypto": 0.05},
    "vietnamese": {"bank": 0.6, "cash": 0.35, "crypto": 0.05},
}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def new_group(world: World, params: ScenarioParams, net: Network, when: date) -> Group:
    rng = world.rng
    origin = _pick(rng, params.migrant_origins)
    size = 1 if rng.random() < 0.72 else rng.choice((2, 2, 3, 4))
    migrants = []
    for i in range(size):
        female = size > 1 and i == 1 and rng.random() < 0.6
        age = (3, 16) if size > 2 and i >= 2 else (17, 42)
        m = world.person(
            origin,
            "migrant",
            category="victim",
            female=female,
            age=age,
            documented=rng.random() < 0.25,
            on=when,
        )
        m.migrant = True
        migrants.append(m)
    where = _pick(rng, params.payer_location)
    if where == "self":
        payer = migrants[0]
    else:
        residence = {"home": None, "uk": "gb", "eu": rng.choice(("de", "be", "nl", "fr"))}[where]
        payer = world.person(
            origin,
            "relative",
            category="other",
            residence=residence,
            female=rng.random() < 0.2,
            age=(25, 65),
            on=when,
        )
    if where in {"uk", "eu"}:
        world.account(payer, "personal")
    channels = _CHANNELS_BY_ORIGIN.get(origin, params.channels)
    channel = _pick(rng, channels)
    if channel == "bank" and where not in {"uk", "eu"}:
        channel = "hawala" if origin not in _CHANNELS_BY_ORIGIN else "cash"
    if channel == "hawala" and where in {"uk", "eu"} and rng.random() < 0.5:
        channel = "bank"
    return Group(
        migrants=migrants,
        payer=payer,
        payer_where=where,
        channel=channel,
        price=price_on(params, when, rng),
        recruiter=rng.choice(net.members["recruiter"]),
        collector=rng.choice(net.members["collector"]),
        agreed=when - timedelta(days=rng.randint(5, 35)),
    )


def fill_boats(
    world: World,
    params: ScenarioParams,
    net: Network,
    dates: list[date],
    boats: list[Boat],
    camp_phones: list[str],
) -> tuple[list[Crossing], list[Group]]:
    """Launch every boat with about fifty people; the unlucky go again later."""
    rng = world.rng
    waiting: list[Group] = []
    groups: list[Group] = []
    crossings: list[Crossing] = []
    outcomes = params.outcomes
    fates = [_pick(rng, outcomes) for _ in dates]
    fates[-1] = "arrived"  # the last launch before the data cut-off gets through
    if len(fates) > 2 and "intercepted" not in fates:
        # Every network loses boats to the French police on the beach now and then.
        fates[rng.randrange(len(fates) - 1)] = "intercepted"
    for when, boat, fate in zip(dates, boats, fates, strict=True):
        mean = params.boat_load.get(when.year, 50.0)
        load = max(25, min(75, round(rng.gauss(mean, 8))))
        aboard: list[Group] = []
        count = 0
        while waiting and count < load:
            g = waiting.pop(0)
            aboard.append(g)
            count += len(g.migrants)
        while count < load:
            g = new_group(world, params, net, when)
            for m in g.migrants:
                if rng.random() < 0.12:
                    m.phones.insert(0, rng.choice(camp_phones))  # borrowed in the camp
            groups.append(g)
            aboard.append(g)
            count += len(g.migrants)
        outcome = fate
        crossing = Crossing(
            true_id=world.thing_id(),
            network=net.id,
            date=when,
            beach=rng.choice(BEACHES),
            landing=rng.choice(LANDINGS) if outcome == "arrived" else None,
            boat=boat,
            outcome=outcome,
        )
        adults = [
            m
            for g in aboard
            for m in g.migrants
            if not m.name.female and (when - m.birth).days > 18 * 365
        ]
        pilot = rng.choice(adults) if adults else aboard[0].migrants[0]
        # Pilots steer for a free place; the UK prosecutes them, so they are suspects too.
        pilot.role, pilot.category = "pilot", "suspect"
        crossing.pilot = pilot
        for g in aboard:
            g.attempts.append(crossing.true_id)
            crossing.people.extend(g.migrants)
            if outcome == "arrived":
                g.arrived = when
            else:
                waiting.append(g)
        crossings.append(crossing)
    return crossings, groups


def outside_launch(world: World, params: ScenarioParams) -> Crossing:
    """A boat launched by a network outside the scenario, which arrived."""
    rng = world.rng
    days = [SPAN_START + timedelta(days=d) for d in range(0, (SPAN_END - SPAN_START).days, 7)]
    when = rng.choices(days, weights=[SEASON[d.month - 1] for d in days])[0]
    model, serial = engine(rng, world.ids.next("engine"))
    hull = hull_number(rng, world.ids.next("hull"), "cn") if rng.random() < 0.4 else None
    boat = Boat(
        true_id=world.thing_id(),
        engine_id=world.thing_id(),
        model="10m PVC inflatable",
        colour=rng.choice(("black", "grey")),
        hull=hull,
        engine_model=model,
        engine_serial=serial,
        supplier=None,
        buyer=None,
        batch=-1,
        site=None,
        bought=when,
        delivered=when,
        price=0,
        engine_price=0,
        used=True,
    )
    crossing = Crossing(
        world.thing_id(), None, when, rng.choice(BEACHES), rng.choice(LANDINGS), boat, "arrived"
    )
    load = max(25, min(75, round(rng.gauss(params.boat_load.get(when.year, 50.0), 8))))
    origins = params.migrant_origins
    for _ in range(load):
        origin = rng.choices(list(origins), weights=list(origins.values()))[0]
        m = world.person(
            origin,
            "migrant",
            category="victim",
            documented=rng.random() < 0.2,
            age=(17, 40),
            on=when,
        )
        m.migrant = True
        crossing.people.append(m)
    pilot = crossing.people[0]
    pilot.role, pilot.category = "pilot", "suspect"
    crossing.pilot = pilot
    return crossing


def crossing_truth(c: Crossing) -> dict[str, object]:
    return {
        "true_id": c.true_id,
        "network": c.network,
        "date": c.date.isoformat(),
        "outcome": c.outcome,
        "beach": c.beach[0],
        "landing": c.landing[0] if c.landing else None,
        "boat": c.boat.true_id if c.boat else None,
        "pilot": c.pilot.true_id if c.pilot else None,
        "people": [p.true_id for p in c.people],
    }
