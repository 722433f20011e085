"""The true world: people, organisations and accounts, before anyone records them.

Nothing here is what an agency wrote. Truth ids (``P000123``) exist only in
``truth.json``; agencies never see them. A :class:`World` hands out people with
consistent attributes (a nationality that fits the name, a phone of the country the
person lives in, an account at a bank of that country).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from undertow.synth import phones
from undertow.synth.identifiers import IBAN_COUNTRIES, Allocator, passport, scramble
from undertow.synth.names import NATIONALITY, PersonName, make_name

CITIES: dict[str, tuple[str, ...]] = {
    "gb": (
        "London",
        "Birmingham",
        "Manchester",
        "Liverpool",
        "Leeds",
        "Sheffield",
        "Coventry",
        "Derby",
        "Nottingham",
        "Leicester",
        "Portsmouth",
        "Huddersfield",
        "Bradford",
        "Cardiff",
        "Glasgow",
    ),
    "de": (
        "Essen",
        "Gelsenkirchen",
        "Bochum",
        "Duisburg",
        "Dortmund",
        "Oberhausen",
        "Mülheim an der Ruhr",
        "Köln",
        "Düsseldorf",
        "Hamburg",
        "Hannover",
        "Bielefeld",
        "Osnabrück",
        "Berlin",
    ),
    "fr": (
        "Calais",
        "Dunkerque",
        "Grande-Synthe",
        "Loon-Plage",
        "Lille",
        "Boulogne-sur-Mer",
        "Paris",
        "Roubaix",
    ),
    "be": ("Bruxelles", "Antwerpen", "Liège", "Gent", "Oostende", "Brugge"),
    "nl": ("Rotterdam", "Amsterdam", "Den Haag", "Eindhoven", "Venlo", "Utrecht"),
    "iq": (
        "Sulaymaniyah",
        "Erbil",
        "Ranya",
        "Duhok",
        "Qaladiza",
        "Chamchamal",
        "Kalar",
        "Halabja",
        "Kirkuk",
    ),
    "ir": ("Piranshahr", "Sardasht", "Mahabad", "Tehran", "Sanandaj", "Marivan"),
    "af": ("Kabul", "Herat", "Jalalabad", "Kunduz"),
    "tr": ("Istanbul", "Izmir", "Edirne", "Van"),
    "bg": ("Sofia", "Haskovo", "Svilengrad", "Plovdiv", "Burgas"),
    "sy": ("Aleppo", "Qamishli", "Kobani", "Damascus", "Idlib"),
    "er": ("Asmara", "Keren"),
    "sd": ("Khartoum", "El Geneina", "Nyala"),
    "vn": ("Vinh", "Ha Tinh", "Hai Phong", "Hanoi"),
    "pl": ("Warszawa", "Łódź", "Poznań"),
    "ma": ("Casablanca", "Tanger", "Nador"),
    "pk": ("Lahore", "Mirpur"),
    "ae": ("Dubai",),
}


@dataclass(slots=True)
class Account:
    true_id: str
    iban: str
    bank: str
    country: str
    holder: str  # true id of the holder
    currency: str
    purpose: str  # personal, business, collection, front, msb, mule


@dataclass(slots=True)
class Person:
    true_id: str
    name: PersonName
    birth: date
    role: str
    network: str | None
    category: str
    nationality: str
    residence: str
    city: str
    phones: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    doc: tuple[str, str] | None = None  # (given, surname) as on the person's own papers
    passport: str | None = None
    migrant: bool = False
    accounts: list[Account] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "person"


@dataclass(slots=True)
class Org:
    true_id: str
    name: str
    sector: str  # hawala_shop, car_wash, mini_market, travel_agency, marine, ...
    role: str
    network: str | None
    country: str
    city: str
    controller: str | None = None
    phones: list[str] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    registration: str | None = None
    code: str = ""  # the agent number a money-transfer shop puts on its transfers

    @property
    def kind(self) -> str:
        return "company"


Party = Person | Org
_CURRENCY = {"gb": "GBP", "iq": "USD", "tr": "TRY", "bg": "BGN", "ae": "AED"}


class World:
    """Factory of true people, organisations and accounts with never-repeating ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids = Allocator(rng)

    def _true_id(self, prefix: str) -> str:
        return f"{prefix}{self.ids.next(prefix):07d}"

    def phone(self, country: str) -> str:
        country = country if country in phones.COUNTRIES else "gb"
        return phones.allocate(country, self.ids.next(f"phone-{country}"))

    def person(
        self,
        origin: str,
        role: str,
        *,
        network: str | None = None,
        category: str = "other",
        residence: str | None = None,
        female: bool = False,
        age: tuple[int, int] = (20, 55),
        documented: bool = True,
        on: date = date(2024, 1, 1),
    ) -> Person:
        rng = self.rng
        nationality = NATIONALITY[origin]
        home = residence or nationality
        years = rng.randint(*age)
        birth = on - timedelta(days=365 * years + rng.randrange(365))
        person = Person(
            true_id=self._true_id("P"),
            name=make_name(rng, origin, female=female),
            birth=birth,
            role=role,
            network=network,
            category=category,
            nationality=nationality,
            residence=home,
            city=rng.choice(CITIES.get(home, CITIES["gb"])),
        )
        person.phones.append(self.phone(home))
        if documented:
            from undertow.synth.transliterate import document_spelling

            person.doc = document_spelling(person.name, rng)
            person.passport = passport(nationality, self.ids.next("passport"))
        return person

    def org(
        self,
        name: str,
        sector: str,
        role: str,
        country: str,
        *,
        network: str | None = None,
        controller: str | None = None,
        city: str | None = None,
    ) -> Org:
        org = Org(
            true_id=self._true_id("O"),
            name=name,
            sector=sector,
            role=role,
            network=network,
            country=country,
            city=city or self.rng.choice(CITIES.get(country, CITIES["gb"])),
            controller=controller,
        )
        org.phones.append(self.phone(country))
        n = self.ids.next("registration")
        org.registration = _registration(country, n)
        org.code = f"{scramble(n, 4, 11):04d}"
        return org

    def account(self, holder: Party, purpose: str, country: str | None = None) -> Account:
        home = country or (holder.residence if isinstance(holder, Person) else holder.country)
        if home not in IBAN_COUNTRIES:
            home = "gb" if home in {"pk", "ma"} else "de"
        iban, bank = self.ids.iban(home)
        account = Account(
            true_id=self._true_id("A"),
            iban=iban,
            bank=bank,
            country=home,
            holder=holder.true_id,
            currency=_CURRENCY.get(home, "EUR"),
            purpose=purpose,
        )
        holder.accounts.append(account)
        return account

    def transfer_number(self, shop: Org) -> str:
        """The shop's next transfer number: its agent code and its own sequence."""
        return f"{shop.code}-{self.ids.next('transfer-' + shop.code) + 1:06d}"

    def thing_id(self) -> str:
        """A truth id for a boat, an engine, a vehicle, a site or a crossing."""
        return self._true_id("E")


def _registration(country: str, n: int) -> str | None:
    """A company number in the country's register (none for Kurdistan's shops)."""
    scrambled = scramble(n, 8, 29)
    if country == "gb":
        return f"{scrambled:08d}"  # Companies House
    if country == "de":
        return f"HRB {scrambled % 10**5 + 10_000}"
    if country == "be":
        return f"0{scrambled % 10**3:03d}.{scrambled // 10**3 % 10**3:03d}.{scrambled % 997:03d}"
    if country == "fr":
        return f"{scrambled % 10**9:09d}"  # SIREN
    if country == "nl":
        return f"{scrambled:08d}"  # KvK
    if country == "tr":
        return f"0{scrambled:08d}{n % 10**7:07d}"  # MERSIS, 16 digits
    if country == "bg":
        return f"{scrambled % 10**9:09d}"  # EIK
    return None
