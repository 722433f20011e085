"""Smuggling networks' people and businesses, and the legitimate businesses around them.

A network is a cast of tens of people who persist for the whole scenario: organisers
and financiers far from the beaches (Germany, the UK, the Kurdistan Region of Iraq),
collectors, hawaladars with their shops, recruiters in the camps, drivers, storage
keepers and equipment buyers in the Ruhr, launderers with front businesses, money
mules. Migrants and relatives are not here: they come and go with each crossing.

Complicit money-transfer shops and front businesses also serve honest customers, so
they sit in :class:`Infra` beside the legitimate ones and receive background payments
like every other shop -- which is what makes them hard to tell apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from undertow.synth.names import PLACE_WORDS, business_words, son_name
from undertow.synth.population import CITIES, Org, Person, World
from undertow.synth.profiles import ScenarioParams

SPAN_START = date(2023, 1, 1)
SPAN_END = date(2024, 12, 31)
_SUFFIX = {
    "gb": " Ltd",
    "de": " GmbH",
    "be": " BV",
    "nl": " B.V.",
    "fr": " SARL",
    "iq": " Co.",
    "tr": " Ltd. Şti.",
    "bg": " EOOD",
}
_STREETS = {
    "de": (
        "Gewerbestraße",
        "Industriestraße",
        "Hafenstraße",
        "Am Lagerplatz",
        "Zechenstraße",
        "Bottroper Straße",
        "Altendorfer Straße",
    )
}
_POSTCODES = {
    "Essen": "451",
    "Gelsenkirchen": "458",
    "Bochum": "447",
    "Duisburg": "470",
    "Dortmund": "441",
    "Oberhausen": "460",
    "Mülheim an der Ruhr": "454",
}


@dataclass(slots=True)
class Site:
    """A storage place (a garage, a warehouse unit) where boats wait for the convoy."""

    true_id: str
    street: str
    postcode: str
    city: str
    keeper: str  # true id of the storage keeper


@dataclass
class Network:
    id: str
    origin: str
    base: str
    active: tuple[date, date]
    members: dict[str, list[Person]] = field(default_factory=dict)
    shops: dict[str, Org] = field(default_factory=dict)  # "home" (Kurdistan), "eu", "uk"
    fronts: list[Org] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    suppliers: list[Org] = field(default_factory=list)
    burners: list[str] = field(default_factory=list)
    walk_in: list[Org] = field(default_factory=list)  # legitimate shops its mules use
    crossings: int = 0

    def people(self) -> list[Person]:
        return [p for group in self.members.values() for p in group]

    def lieutenants(self) -> list[Person]:
        """Whom the organisers talk to: never migrants, never relatives."""
        roles = ("financier", "collector", "equipment_buyer", "launderer", "hawaladar")
        return [p for r in roles for p in self.members.get(r, [])]


@dataclass
class Infra:
    networks: list[Network]
    suppliers: list[Org]
    supplier_people: list[Person]
    statement_shops: list[Org]
    ledger_shops: list[Org]
    payout_agents: list[Org]
    payees: dict[str, list[Org]]  # employers, landlords, car dealers, estate agents ...
    camp_phones: list[str]
    extra_people: list[Person]  # hawaladars and other people behind infra businesses


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _business_name(rng: random.Random, sector: str, country: str, owner: str | None) -> str:
    word = rng.choice(business_words(sector))
    head = owner if owner and rng.random() < 0.35 else rng.choice(PLACE_WORDS)
    return f"{head} {word}{_SUFFIX.get(country, '') if rng.random() < 0.7 else ''}"


def build_network(world: World, params: ScenarioParams, index: int, crossings: int) -> Network:
    rng = world.rng
    origin = _pick(rng, params.leader_origins)
    base = _pick(rng, params.organiser_bases)
    start = SPAN_START + timedelta(days=rng.randrange(0, 120))
    end = SPAN_END - timedelta(days=rng.randrange(0, 90))
    net = Network(id=f"N{index + 1:02d}", origin=origin, base=base, active=(start, end))
    net.crossings = crossings

    def add(
        role: str,
        residence: str,
        *,
        origin_: str | None = None,
        age: tuple[int, int] = (24, 55),
        documented: bool = True,
    ) -> Person:
        truth_role = "launderer" if role == "mule" else role
        p = world.person(
            origin_ or origin,
            truth_role,
            network=net.id,
            category="suspect",
            residence=residence,
            age=age,
            documented=documented,
        )
        net.members.setdefault(role, []).append(p)
        return p

    lo_hi = params.members
    for _ in range(rng.randint(*lo_hi["organiser"])):
        p = add(
            "organiser",
            base if rng.random() < 0.8 else rng.choice(("de", "gb", "iq")),
            age=(32, 58),
        )
        p.aliases.append(f"Abu {son_name(rng, origin)}")
    for i in range(rng.randint(*lo_hi["financier"])):
        # Every network keeps money at home: one financier in the Kurdistan Region.
        add("financier", "iq" if i == 0 else rng.choice(("de", "gb", "iq")), age=(30, 60))
    for _ in range(rng.randint(*lo_hi["collector"])):
        add("collector", rng.choice(("gb", "gb", "de", "be", "fr")))
    for _ in range(rng.randint(*lo_hi["recruiter"])):
        add("recruiter", rng.choice(("fr", "fr", "fr", "be", "de")), age=(20, 40), documented=False)
    for _ in range(rng.randint(*lo_hi["driver"])):
        home = rng.choice(("de", "de", "nl", "be", "pl"))
        local = {"de": "german", "nl": "dutch", "be": "belgian", "pl": "polish"}[home]
        add("driver", home, origin_=local if rng.random() < 0.4 else None, age=(21, 50))
    for _ in range(rng.randint(*lo_hi["equipment_buyer"])):
        add("equipment_buyer", "de")
    for _ in range(rng.randint(*lo_hi["storage_keeper"])):
        keeper = add("storage_keeper", "de", origin_="german" if rng.random() < 0.3 else None)
        keeper.city = rng.choice(tuple(_POSTCODES))
    for _ in range(rng.randint(*lo_hi["launderer"])):
        add("launderer", rng.choice(("gb", "gb", "de", "be")), age=(28, 60))
    for _ in range(rng.randint(*lo_hi["mule"])):
        add(
            "mule",
            rng.choice(("gb", "de", "be", "nl")),
            age=(19, 35),
            origin_=rng.choice((origin, "british", "german", "polish")),
        )
    _nicknames(rng, net)
    for role in ("driver", "recruiter"):
        for p in net.members.get(role, []):
            if rng.random() < 0.5:
                p.phones.append(world.phone(rng.choice(("gb", "be", p.residence))))
    net.burners = [world.phone(rng.choice(("be", "nl", "gb"))) for _ in range(rng.randint(1, 2))]
    for keeper in net.members["storage_keeper"]:
        city = keeper.city
        net.sites.append(
            Site(
                world.thing_id(),
                f"{rng.choice(_STREETS['de'])} {rng.randint(1, 180)}",
                f"{_POSTCODES.get(city, '451')}{rng.randint(10, 99)}",
                city,
                keeper.true_id,
            )
        )
    return net


def _nicknames(rng: random.Random, net: Network) -> None:
    """Street names migrants and informants use: ``Kaka Ali``, ``Hama Shwan``, ``Doktor``."""
    for p in net.people():
        if rng.random() < 0.6 or p.role in {"recruiter", "driver", "organiser"}:
            given = p.name.given
            form = rng.choice(
                (
                    f"Kaka {given}",
                    f"Hama {given}",
                    f"{given} {p.city}",
                    f"Haji {given}",
                    f"Mamosta {given}",
                    "Doktor",
                    f"{given}o",
                    f"{given} Kurdo",
                )
            )
            p.aliases.append(form)


def attach_businesses(world: World, net: Network, infra_shops: list[Org]) -> None:
    """Shops and fronts the network uses, each with a controller and bank accounts."""
    rng = world.rng
    hawaladars = net.members["hawaladar"] = []
    for slot, country in (("home", "iq"), ("eu", rng.choice(("be", "be", "de", "gb")))):
        keeper = world.person(
            net.origin if net.origin != "afghan" else "kurd_iq",
            "hawaladar",
            network=net.id,
            category="suspect",
            residence=country,
        )
        hawaladars.append(keeper)
        city = rng.choice(CITIES[country][:4]) if country != "iq" else rng.choice(CITIES["iq"][:5])
        shop = world.org(
            _business_name(rng, "hawala_shop", country, None),
            "hawala_shop",
            "hawaladar",
            country,
            network=net.id,
            controller=keeper.true_id,
            city=city,
        )
        world.account(shop, "msb")
        net.shops[slot] = shop
        infra_shops.append(shop)
    if any(p.residence == "gb" for p in net.people()) or rng.random() < 0.6:
        # A UK money-service business whose bank account takes relatives' transfers.
        if net.shops["eu"].country == "gb":
            keeper = net.members["hawaladar"][-1]
        else:
            keeper = world.person(
                net.origin, "hawaladar", network=net.id, category="suspect", residence="gb"
            )
            hawaladars.append(keeper)
        shop = world.org(
            _business_name(rng, "hawala_shop", "gb", None),
            "hawala_shop",
            "hawaladar",
            "gb",
            network=net.id,
            controller=keeper.true_id,
        )
        world.account(shop, "msb")
        net.shops["uk"] = shop
        infra_shops.append(shop)
    for launderer in net.members["launderer"]:
        sector = rng.choice(("car_wash", "mini_market", "travel_agency", "transport"))
        front = world.org(
            _business_name(rng, sector, launderer.residence, launderer.name.given),
            sector,
            "launderer",
            launderer.residence,
            network=net.id,
            controller=launderer.true_id,
            city=launderer.city,
        )
        world.account(front, "front")
        net.fronts.append(front)
    for person in net.people():
        if person.role in {"recruiter", "driver"} and rng.random() < 0.5:
            continue  # many recruiters and drivers have no account in their own name
        world.account(person, "mule" if person.role == "launderer" else "personal")
