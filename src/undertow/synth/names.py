"""Name pools by origin, and a person's canonical name.

Canonical tokens are in a plain English-style romanisation (``Jafar``, ``Shahin``); how
each agency writes them is decided in ``transliterate.py``. Pools are deliberately
small for the common names: real caseloads are full of namesakes (``Ahmed Mohammed``)
and resolution must not merge them on the name alone.

Naming systems differ and that matters for matching: Kurdish, Arab, Sudanese and
Eritrean names are usually *given + father + grandfather* (agencies record two or three
of them, in varying order); Vietnamese names are *family + middle + given*; Europeans
and Turks have a fixed family name written as on their documents.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from undertow.synth import name_pools as pools

# Origins whose names are romanised by ear (and so spelled differently by each agency).
TRANSLITERATED = frozenset(
    {
        "kurd_iq",
        "kurd_ir",
        "persian",
        "afghan",
        "syrian",
        "eritrean",
        "sudanese",
        "bulgarian",
        "moroccan",
    }
)
PATRONYMIC = frozenset({"kurd_iq", "syrian", "eritrean", "sudanese", "afghan"})

# Nationality (ISO 3166-1 alpha-2, lower case) of each origin.
NATIONALITY = {
    "kurd_iq": "iq",
    "kurd_ir": "ir",
    "persian": "ir",
    "afghan": "af",
    "syrian": "sy",
    "eritrean": "er",
    "sudanese": "sd",
    "vietnamese": "vn",
    "british": "gb",
    "german": "de",
    "french": "fr",
    "dutch": "nl",
    "belgian": "be",
    "turkish": "tr",
    "bulgarian": "bg",
    "polish": "pl",
    "moroccan": "ma",
    "pakistani": "pk",
}

_POOLS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "kurd_iq": (pools.KURD_MALE, pools.KURD_FEMALE, pools.KURD_FAMILY),
    "kurd_ir": (pools.KURD_MALE[:30] + pools.IRAN_MALE[:8], pools.KURD_FEMALE, pools.IRAN_FAMILY),
    "persian": (pools.IRAN_MALE, pools.IRAN_FEMALE, pools.IRAN_FAMILY),
    "afghan": (pools.AFGHAN_MALE, pools.AFGHAN_FEMALE, pools.AFGHAN_FAMILY),
    "syrian": (pools.ARAB_MALE, pools.ARAB_FEMALE, pools.SYRIAN_FAMILY),
    "eritrean": (pools.ERITREAN_MALE, pools.ERITREAN_FEMALE, []),
    "sudanese": (pools.SUDANESE_MALE, pools.SUDANESE_FEMALE, []),
    "vietnamese": (pools.VIET_GIVEN, pools.VIET_GIVEN, pools.VIET_FAMILY),
    **{
        origin: (male, female, [f.replace("_", " ") for f in family])
        for origin, (male, female, family) in pools.EURO.items()
    },
}


@dataclass(frozen=True, slots=True)
class PersonName:
    """A true person's name, before any agency writes it down."""

    origin: str
    given: str
    father: str | None
    grandfather: str | None
    family: str | None
    female: bool
    middle: str | None = None

    def canonical(self) -> str:
        """The name as the truth file states it (an English-style romanisation)."""
        if self.origin == "vietnamese":
            return " ".join(p for p in (self.family, self.middle, self.given) if p)
        parts = [self.given, self.father]
        if self.family:
            parts.append(self.family)
        elif self.origin in PATRONYMIC:
            parts.append(self.grandfather)
        return " ".join(p for p in parts if p)


def make_name(rng: random.Random, origin: str, *, female: bool = False) -> PersonName:
    males, females, families = _POOLS[origin]
    given = rng.choice(females if female and females else males)
    if origin == "vietnamese":
        middle = rng.choice(pools.VIET_MIDDLE_F if female else pools.VIET_MIDDLE_M)
        return PersonName(origin, given, None, None, rng.choice(families), female, middle)
    if origin in PATRONYMIC:
        father = rng.choice(males)
        grandfather = rng.choice(males)
        # Iraqi Kurds often carry a tribal or family name beside the patronymic chain.
        family = rng.choice(families) if families and rng.random() < 0.35 else None
        if origin == "afghan":
            family = rng.choice(families)
        return PersonName(origin, given, father, grandfather, family, female)
    return PersonName(origin, given, None, None, rng.choice(families), female)


def with_name(name: PersonName, given: str, father: str | None) -> PersonName:
    """A namesake: the same given name and father's name, anything else kept."""
    return PersonName(name.origin, given, father, name.grandfather, None, name.female, name.middle)


def son_name(rng: random.Random, origin: str) -> str:
    """A plausible eldest son's name, for a kunya (``Abu Karim``)."""
    return rng.choice(_POOLS[origin][0])


def vietnamese_diacritics(token: str) -> str:
    return " ".join(pools.VIET_DIACRITICS.get(t, t) for t in token.split())


def business_words(kind: str) -> tuple[str, ...]:
    return _BUSINESS[kind]


_BUSINESS: dict[str, tuple[str, ...]] = {
    "hawala_shop": (
        "Express",
        "Exchange",
        "Money Transfer",
        "Sarafa",
        "Hawala",
        "Transfer",
        "Currency",
    ),
    "car_wash": ("Car Wash", "Hand Car Wash", "Valeting", "Autopflege", "Car Clean"),
    "mini_market": ("Mini Market", "Supermarket", "Food Centre", "Market", "Grocery"),
    "travel_agency": ("Travel", "Tours", "Reisebüro", "Voyages", "Travel & Cargo"),
    "transport": ("Logistics", "Transport", "Haulage", "Spedition", "Cargo"),
    "phone_shop": ("Mobile", "Phone Repair", "Telecom", "Mobile Centre"),
    "barber": ("Barbers", "Barber Shop", "Salon"),
    "restaurant": ("Grill", "Kebab House", "Restaurant", "Bakery"),
    "car_dealer": ("Motors", "Autohaus", "Car Sales", "Automobiles"),
    "marine": ("Marine", "Denizcilik", "Boat", "Outdoor", "Trading"),
}
PLACE_WORDS = (
    "Kurdistan",
    "Zagros",
    "Sulaimani",
    "Hawler",
    "Ranya",
    "Nawroz",
    "Ararat",
    "Tigris",
    "Babylon",
    "Arian",
    "Newroz",
    "Golden",
    "Star",
    "Royal",
    "City",
    "Euro",
    "Global",
    "Sun",
    "Crown",
    "Diyar",
    "Azadi",
    "Qandil",
    "Bazian",
    "Halabja",
)
