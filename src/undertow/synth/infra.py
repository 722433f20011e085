"""Everything that outlives one network: suppliers, shops, agents, employers, camp phones.

Built once, before any network is generated, and kept in memory for the whole run; its
size grows with the number of networks and the size's shop counts, never with the
background population.
"""

from __future__ import annotations

import random

from undertow.synth.names import PLACE_WORDS, business_words, make_name
from undertow.synth.networks import Infra, Network, attach_businesses, build_network
from undertow.synth.population import Org, Person, World
from undertow.synth.profiles import ScenarioParams
from undertow.synth.sizes import SizeSpec

# Legitimate UK businesses that take many small transfers from the Kurdish, Afghan and
# Iranian diaspora -- the innocent look-alikes of a collection account.
_DECOY_SECTORS = (
    "travel_agency",
    "mini_market",
    "phone_shop",
    "barber",
    "restaurant",
    "car_wash",
    "hawala_shop",
)
_ABROAD = (
    ("iq", 0.4),
    ("ir", 0.1),
    ("af", 0.1),
    ("ma", 0.12),
    ("sy", 0.06),
    ("tr", 0.08),
    ("pk", 0.06),
    ("er", 0.04),
    ("sd", 0.02),
    ("vn", 0.02),
)
_PAYEE_SECTORS = {
    "employer": ("gb", "de", "be", "nl", "fr"),
    "landlord": ("gb", "de", "be", "nl", "fr"),
    "car_dealer": ("gb", "de", "be"),
    "estate_agent": ("gb", "iq", "tr"),
    "telecom": ("gb", "de", "be", "nl", "fr"),
    "trading": ("tr", "ae", "iq"),
}
_PAYEE_NAMES = {
    "employer": ("Logistics", "Foods", "Cleaning Services", "Construction", "Facilities"),
    "landlord": ("Properties", "Lettings", "Wohnbau", "Immobilien", "Vastgoed"),
    "car_dealer": ("Motors", "Autohaus", "Car Sales"),
    "estate_agent": ("Estates", "Real Estate", "Emlak", "Property Group"),
    "telecom": ("Mobile", "Telecom", "Connect"),
    "trading": ("General Trading", "Trading LLC", "Import Export"),
}


def _owner(world: World, origin: str, country: str, role: str = "background") -> Person:
    return world.person(origin, role, residence=country, category="other")


def build_infra(world: World, params: ScenarioParams, size: SizeSpec, networks: int) -> Infra:
    rng = world.rng
    extra: list[Person] = []
    suppliers: list[Org] = []
    supplier_people: list[Person] = []
    for i in range(max(2, networks // 2 + 1)):
        country = "tr" if i % 2 == 0 else "bg"
        person = world.person(
            "turkish" if country == "tr" else "bulgarian",
            "supplier",
            category="suspect",
            residence=country,
        )
        name = (
            f"{rng.choice(PLACE_WORDS)} {rng.choice(business_words('marine'))}"
            f"{' Ltd. Şti.' if country == 'tr' else ' EOOD'}"
        )
        org = world.org(name, "marine", "supplier", country, controller=person.true_id)
        world.account(org, "business")
        suppliers.append(org)
        supplier_people.append(person)
    shops: list[Org] = []
    nets: list[Network] = []
    for i in range(networks):
        lo, hi = size.crossings
        crossings = max(2, round(rng.randint(lo, hi) * params.crossing_factor))
        net = build_network(world, params, i, crossings)
        attach_businesses(world, net, shops)
        net.suppliers = rng.sample(suppliers, k=min(len(suppliers), rng.randint(1, 2)))
        nets.append(net)
    statement_shops = []
    for _ in range(size.statement_shops):
        sector = rng.choice(_DECOY_SECTORS)
        owner = _owner(
            world, rng.choice(("kurd_iq", "afghan", "persian", "pakistani", "british")), "gb"
        )
        extra.append(owner)
        org = world.org(
            f"{rng.choice(PLACE_WORDS)} {rng.choice(business_words(sector))} Ltd",
            sector,
            "background",
            "gb",
            controller=owner.true_id,
        )
        world.account(org, "business")
        statement_shops.append(org)
    ledger_shops = []
    for _ in range(size.ledger_shops):
        owner = _owner(world, rng.choice(("kurd_iq", "moroccan", "afghan", "syrian")), "be")
        extra.append(owner)
        org = world.org(
            f"{rng.choice(PLACE_WORDS)} {rng.choice(business_words('hawala_shop'))}",
            "hawala_shop",
            "background",
            "be",
            controller=owner.true_id,
        )
        world.account(org, "msb")
        ledger_shops.append(org)
    for net in nets:
        net.walk_in = rng.sample(ledger_shops, k=min(2, len(ledger_shops)))
    payout_agents = []
    countries = [c for c, _ in _ABROAD]
    weights = [w for _, w in _ABROAD]
    for _ in range(size.payout_agents):
        country = rng.choices(countries, weights=weights)[0]
        owner = _owner(world, _origin_of(country, rng), country)
        extra.append(owner)
        org = world.org(
            f"{rng.choice(PLACE_WORDS)} {rng.choice(business_words('hawala_shop'))}",
            "hawala_shop",
            "background",
            country,
            controller=owner.true_id,
        )
        payout_agents.append(org)
    payees: dict[str, list[Org]] = {}
    for sector, where in _PAYEE_SECTORS.items():
        for country in where:
            for _ in range(max(2, size.statement_shops // 10)):
                name = f"{_family(rng)} {rng.choice(_PAYEE_NAMES[sector])}"
                org = world.org(name, sector, "background", country)
                world.account(org, "business")
                payees.setdefault(sector, []).append(org)
    camp_phones = [world.phone(rng.choice(("fr", "gb", "be"))) for _ in range(max(2, networks))]
    return Infra(
        networks=nets,
        suppliers=suppliers,
        supplier_people=supplier_people,
        statement_shops=statement_shops,
        ledger_shops=ledger_shops + [s for s in shops if s.country == "be"],
        payout_agents=payout_agents + [s for s in shops if s.country == "iq"],
        payees=payees,
        camp_phones=camp_phones,
        extra_people=extra,
    )


def _origin_of(country: str, rng: random.Random) -> str:
    return {
        "iq": "kurd_iq",
        "ir": "persian",
        "af": "afghan",
        "ma": "moroccan",
        "sy": "syrian",
        "tr": "turkish",
        "pk": "pakistani",
        "er": "eritrean",
        "sd": "sudanese",
        "vn": "vietnamese",
    }.get(country, rng.choice(("kurd_iq", "british")))


def _family(rng: random.Random) -> str:
    name = make_name(rng, rng.choice(("british", "german", "dutch", "french", "belgian")))
    return name.family or name.given
