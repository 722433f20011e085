"""Each agency's writing habits: ids, amounts, dates, countries, birth dates.

Values are written raw, the way the agency's own systems export them; ingest
normalises. Every form here is one that a partner really uses and that ingest can
read (``4.500,00`` from a decimal-comma agency, ``Irak``, ``14.05.2024``), because a
value ingest cannot read sends the whole record to quarantine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from undertow.synth.identifiers import scramble
from undertow.synth.profiles import Noise

AGENCIES = (
    "UK-NCA",
    "UK-HOIE",
    "DE-BKA",
    "DE-BPOL",
    "FR-OLTIM",
    "NL-KMAR",
    "BE-FJP",
    "EU-EUROPOL",
    "EU-FRONTEX",
)


@dataclass(frozen=True)
class Convention:
    agency: str
    lang: str  # en, de, fr, nl: how names and countries are spelled
    region: str  # where national phone numbers are dialled
    decimal: str


CONVENTIONS = {
    "UK-NCA": Convention("UK-NCA", "en", "GB", "."),
    "UK-HOIE": Convention("UK-HOIE", "en", "GB", "."),
    "DE-BKA": Convention("DE-BKA", "de", "DE", ","),
    "DE-BPOL": Convention("DE-BPOL", "de", "DE", ","),
    "FR-OLTIM": Convention("FR-OLTIM", "fr", "FR", ","),
    "NL-KMAR": Convention("NL-KMAR", "nl", "NL", ","),
    "BE-FJP": Convention("BE-FJP", "fr", "BE", ","),
    "EU-EUROPOL": Convention("EU-EUROPOL", "en", "NL", "."),
    "EU-FRONTEX": Convention("EU-FRONTEX", "en", "PL", "."),
}

_COUNTRY_NAMES: dict[str, tuple[str, str, str, str]] = {  # en, de, fr, nl
    "iq": ("Iraq", "Irak", "Irak", "Irak"),
    "ir": ("Iran", "Iran", "Iran", "Iran"),
    "af": ("Afghanistan", "Afghanistan", "Afghanistan", "Afghanistan"),
    "sy": ("Syria", "Syrien", "Syrie", "Syrië"),
    "er": ("Eritrea", "Eritrea", "Érythrée", "Eritrea"),
    "sd": ("Sudan", "Sudan", "Soudan", "Soedan"),
    "vn": ("Vietnam", "Vietnam", "Viêt Nam", "Vietnam"),
    "gb": ("United Kingdom", "Vereinigtes Königreich", "Royaume-Uni", "Verenigd Koninkrijk"),
    "de": ("Germany", "Deutschland", "Allemagne", "Duitsland"),
    "fr": ("France", "Frankreich", "France", "Frankrijk"),
    "nl": ("Netherlands", "Niederlande", "Pays-Bas", "Nederland"),
    "be": ("Belgium", "Belgien", "Belgique", "België"),
    "tr": ("Turkey", "Türkei", "Turquie", "Turkije"),
    "bg": ("Bulgaria", "Bulgarien", "Bulgarie", "Bulgarije"),
    "pl": ("Poland", "Polen", "Pologne", "Polen"),
    "ma": ("Morocco", "Marokko", "Maroc", "Marokko"),
    "pk": ("Pakistan", "Pakistan", "Pakistan", "Pakistan"),
    "ae": (
        "United Arab Emirates",
        "Vereinigte Arabische Emirate",
        "Émirats arabes unis",
        "Verenigde Arabische Emiraten",
    ),
    "cn": ("China", "China", "Chine", "China"),
}
_ALPHA3 = {
    "iq": "IRQ",
    "ir": "IRN",
    "af": "AFG",
    "sy": "SYR",
    "er": "ERI",
    "sd": "SDN",
    "vn": "VNM",
    "gb": "GBR",
    "de": "DEU",
    "fr": "FRA",
    "nl": "NLD",
    "be": "BEL",
    "tr": "TUR",
    "bg": "BGR",
    "pl": "POL",
    "ma": "MAR",
    "pk": "PAK",
    "ae": "ARE",
    "cn": "CHN",
}
_LANG_INDEX = {"en": 0, "de": 1, "fr": 2, "nl": 3}
_CITY_NAMES = {  # cities whose name differs by language
    "Dunkerque": {"en": "Dunkirk", "nl": "Duinkerke"},
    "Bruxelles": {"en": "Brussels", "nl": "Brussel", "de": "Brüssel"},
    "Antwerpen": {"en": "Antwerp", "fr": "Anvers"},
    "Köln": {"en": "Cologne", "fr": "Cologne", "nl": "Keulen"},
    "Gent": {"en": "Ghent", "fr": "Gand"},
    "Oostende": {"en": "Ostend", "fr": "Ostende"},
    "Sulaymaniyah": {"de": "Sulaimaniyya", "fr": "Souleimaniye"},
    "Erbil": {"de": "Erbil", "fr": "Erbil"},
}

_ID_PREFIX = {
    "UK-NCA": {"person": "p", "org": "org", "account": "acc", "payment": "pay", "call": "call"},
    "NL-KMAR": {"person": "p", "org": "o", "account": "r", "payment": "b", "call": "g"},
    "BE-FJP": {"person": "p", "org": "org", "account": "rek", "payment": "tx", "call": "com"},
}
_LETTER = {
    "person": "P",
    "org": "M",
    "account": "C",
    "payment": "T",
    "call": "A",
    "vehicle": "V",
    "vessel": "B",
    "address": "L",
    "event": "E",
    "trip": "D",
    "wallet": "W",
    "link": "R",
}


def id_prefix(agency: str, kind: str, year: int) -> str:
    """The part of the agency's id before its running number (one counter per prefix)."""
    if agency in _ID_PREFIX:
        return _ID_PREFIX[agency].get(kind, "e")
    if agency == "UK-HOIE":
        return "CID" if kind == "person" else f"SB-{kind[:3].upper()}"
    if agency == "DE-BKA":
        return f"BKA-{year}"
    if agency == "DE-BPOL":
        return f"BPOL-{_LETTER.get(kind, 'X')}"
    if agency == "FR-OLTIM":
        return f"OLTIM.{_LETTER.get(kind, 'X')}"
    if agency == "EU-EUROPOL":
        return "XC"
    return "FX-P" if kind == "person" else "FX-E"


def local_id(agency: str, kind: str, n: int, year: int) -> str:
    """The agency's own id for its ``n``-th entity under that prefix.

    UK-NCA, NL-KMAR and BE-FJP all number people ``p-1``, ``p-2``...: three different
    people share each of those ids, which only namespacing tells apart.
    """
    prefix = id_prefix(agency, kind, year)
    if agency in _ID_PREFIX:
        return f"{prefix}-{n + 1}"
    if prefix == "CID":
        return f"CID{scramble(n, 8, 3):08d}"
    if agency == "UK-HOIE" or agency == "DE-BKA":
        return f"{prefix}-{n + 1:06d}"
    if agency == "DE-BPOL":
        return f"{prefix}{n + 1:06d}"
    if agency == "FR-OLTIM":
        return f"{prefix}.{n + 5_000}"
    if agency == "EU-EUROPOL":
        return f"XC-{n + 1:08d}"
    return f"{prefix}-{n + 1:06d}"


def country(code: str, conv: Convention, rng: random.Random, noise: Noise) -> str:
    """A country as the agency writes it: its own language's name, or an ISO code."""
    names = _COUNTRY_NAMES.get(code)
    if names is None:
        return code.upper()
    r = rng.random()
    if r < noise.iso_country:
        if conv.agency == "UK-HOIE" or r < noise.iso_country / 3:
            return _ALPHA3.get(code, code.upper())
        return code.upper()
    return names[_LANG_INDEX[conv.lang]]


def city(name: str, lang: str) -> str:
    return _CITY_NAMES.get(name, {}).get(lang, name)


def amount(cents: int, conv: Convention, rng: random.Random) -> str:
    """``4,500.00`` or ``4500`` in London, ``4.500,00`` or ``4 500,00`` on the continent."""
    whole, frac = divmod(abs(cents), 100)
    r = rng.random()
    if frac == 0 and r < 0.3:
        return str(whole)
    grouped = f"{whole:,}"
    if conv.decimal == ".":
        return f"{grouped}.{frac:02d}" if r < 0.75 else f"{whole}.{frac:02d}"
    if conv.agency == "FR-OLTIM" and r < 0.55:
        return f"{grouped.replace(',', ' ')},{frac:02d}"
    return f"{grouped.replace(',', '.')},{frac:02d}" if r < 0.8 else f"{whole},{frac:02d}"


def day(when: date, conv: Convention, rng: random.Random) -> str:
    """A date in an FtM file: ISO, but German and French clerks' own forms slip in."""
    if conv.agency == "DE-BPOL" and rng.random() < 0.25:
        return when.strftime("%d.%m.%Y")
    if conv.agency == "FR-OLTIM" and rng.random() < 0.1:
        return when.strftime("%d/%m/%Y")
    return when.isoformat()


def birth_date(
    born: date, conv: Convention, rng: random.Random, noise: Noise, *, documented: bool
) -> str | None:
    """A recorded birth date: full, partial, a 1 January placeholder, or absent.

    People without papers give an age, not a date; the UK records an unknown date as
    1 January of the assessed year. Claimed years drift by a year or two.
    """
    year = born.year
    if not documented and rng.random() < 0.15:
        year += rng.choice((-2, -1, 1, 2))
    if documented and rng.random() < 0.7:
        if conv.agency == "DE-BPOL" and rng.random() < 0.3:
            return born.strftime("%d.%m.%Y")
        return born.isoformat()
    r = rng.random()
    if r < noise.missing_dob:
        return None
    r -= noise.missing_dob
    if r < noise.placeholder_dob:
        if conv.agency.startswith("UK-"):
            return f"{year}-01-01" if rng.random() < 0.8 else "1990-01-01"
        return str(year)
    r -= noise.placeholder_dob
    if r < noise.partial_dob:
        return str(year) if rng.random() < 0.7 else f"{year}-{born.month:02d}"
    return f"{year}-{born.month:02d}-{min(born.day, 28) if born.month == 2 else born.day:02d}"
