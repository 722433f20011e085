"""Strong identifiers as they exist in the world: IBANs, number plates, serial numbers,
wallet addresses, passport numbers.

IBANs carry correct check digits (ingest validates them, and an invalid IBAN would be
quarantined); plates follow each country's current format; engine serials and boat
hull numbers are what ties a seized engine on a beach to a supplier's invoice.
"""

from __future__ import annotations

import random
import string
from collections import defaultdict

_BANKS: dict[str, tuple[tuple[str, str], ...]] = {
    "gb": (
        ("NWBK", "NatWest"),
        ("BARC", "Barclays"),
        ("LOYD", "Lloyds Bank"),
        ("HBUK", "HSBC UK"),
        ("ABBY", "Santander UK"),
        ("MONZ", "Monzo"),
        ("SRLG", "Starling"),
    ),
    "de": (
        ("37040044", "Commerzbank"),
        ("10070000", "Deutsche Bank"),
        ("36050105", "Sparkasse Essen"),
        ("42050001", "Sparkasse Gelsenkirchen"),
        ("43050001", "Sparkasse Bochum"),
        ("35050000", "Sparkasse Duisburg"),
        ("20050550", "Hamburger Sparkasse"),
        ("10010010", "Postbank"),
        ("10011001", "N26"),
    ),
    "fr": (
        ("30004", "BNP Paribas"),
        ("30003", "Société Générale"),
        ("10278", "Crédit Mutuel"),
        ("20041", "La Banque Postale"),
        ("16706", "Crédit Agricole"),
    ),
    "be": (
        ("001", "BNP Paribas Fortis"),
        ("068", "Belfius"),
        ("363", "ING België"),
        ("734", "KBC"),
    ),
    "nl": (("INGB", "ING"), ("RABO", "Rabobank"), ("ABNA", "ABN AMRO"), ("BUNQ", "bunq")),
    "tr": (
        ("00010", "Ziraat Bankası"),
        ("00062", "Garanti BBVA"),
        ("00064", "İş Bankası"),
        ("00046", "Akbank"),
    ),
    "bg": (("UNCR", "UniCredit Bulbank"), ("BPBI", "Postbank"), ("STSA", "DSK Bank")),
    "iq": (
        ("NBIQ", "National Bank of Iraq"),
        ("CBIQ", "Cihan Bank"),
        ("KIBI", "Kurdistan International Bank"),
    ),
    "ae": (("033", "Mashreq"), ("026", "Emirates NBD")),
}
IBAN_COUNTRIES = tuple(sorted(_BANKS))


def scramble(n: int, digits: int, salt: int = 0) -> int:
    """A bijection of ``range(10**digits)`` that makes consecutive numbers look unrelated:
    affine map, digit reversal, affine map (each step is a permutation)."""
    space = 10**digits
    x = n
    for mult, add in (
        (7_368_787, 1_234_567 + salt * 104_729),
        (48_271, 9_973 + salt * 7_919),
        (16_807, 31_337 + salt),
    ):
        x = int(f"{(x * mult + add) % space:0{digits}d}"[::-1])
    return x


def _mod97(digits: str) -> int:
    return int(digits) % 97


def _numeric(text: str) -> str:
    return "".join(str(int(c, 36)) for c in text)


def _with_check(country: str, bban: str) -> str:
    check = 98 - _mod97(_numeric(bban + country.upper() + "00"))
    return f"{country.upper()}{check:02d}{bban}"


class Allocator:
    """Hands out identifiers that never repeat, from per-kind counters (no sets kept)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counters: dict[str, int] = defaultdict(int)

    def next(self, kind: str) -> int:
        n = self.counters[kind]
        self.counters[kind] = n + 1
        return n

    def iban(self, country: str) -> tuple[str, str]:
        """(IBAN, bank name) of a new account in ``country``."""
        bank_code, bank_name = self.rng.choice(_BANKS[country])
        n = self.next(f"iban-{country}")
        acct = scramble(n, 8, sum(ord(c) for c in country))
        high = self.rng.randrange(1, 99)  # leading digits vary; uniqueness is in ``acct``
        if country == "gb":
            sort = f"{self.rng.randrange(10**6):06d}"
            bban = f"{bank_code}{sort}{acct:08d}"
        elif country == "de":
            bban = f"{bank_code}{high:02d}{acct:08d}"
        elif country == "fr":
            branch, account = f"{self.rng.randrange(10**5):05d}", f"{high:03d}{acct:08d}"
            key = 97 - (89 * int(bank_code) + 15 * int(branch) + 3 * int(account)) % 97
            bban = f"{bank_code}{branch}{account}{key:02d}"
        elif country == "be":
            base = f"{bank_code}{acct % 10**7:07d}"
            check = int(base) % 97 or 97
            bban = f"{base}{check:02d}"
        elif country == "nl":
            bban = f"{bank_code}{_elfproef(acct + high * 10**8)}"
        elif country == "tr":
            bban = f"{bank_code}0{high:08d}{acct:08d}"
        elif country == "bg":
            bban = f"{bank_code}{self.rng.randrange(10**4):04d}10{acct:08d}"
        elif country == "iq":
            bban = f"{bank_code}{self.rng.randrange(10**3):03d}{high:04d}{acct:08d}"
        else:
            bban = f"{bank_code}{high:08d}{acct:08d}"
        return _with_check(country, bban), bank_name


def _elfproef(n: int) -> str:
    """A ten-digit Dutch account number passing the eleven test (weights 10..1)."""
    base = f"{n % 10**9:09d}"
    for last in range(10):
        digits = base + str(last)
        if sum(int(d) * w for d, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 0:
            return digits
    return _elfproef(n + 10**8)  # change the leading digit: the low eight stay unique


def spaced_iban(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


_DE_CITIES = ("E", "GE", "BO", "DU", "DO", "OB", "MH", "K", "AC", "HH", "D", "RE", "BOT")
_BG_REGIONS = ("CB", "X", "PB", "B", "CA", "CT")


def plate(country: str, rng: random.Random) -> str:
    """A registration number in the country's format (spacing as on the plate)."""
    up = string.ascii_uppercase
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(3))
    if country == "de":
        return f"{rng.choice(_DE_CITIES)}-{letters[:2]} {rng.randrange(1, 9999)}"
    if country == "nl":
        return f"{rng.randrange(1, 99)}-{letters}-{rng.randrange(1, 9)}"
    if country == "be":
        return f"{rng.randrange(1, 3)}-{letters}-{rng.randrange(1000):03d}"
    if country == "fr":
        return f"{letters[:2]}-{rng.randrange(1000):03d}-{rng.choice(up)}{rng.choice(up)}"
    if country == "gb":
        return f"{letters[:2]}{rng.choice(('19', '20', '69', '70', '23', '73'))} {letters}"
    if country == "bg":
        return f"{rng.choice(_BG_REGIONS)} {rng.randrange(1000, 9999)} {letters[:2]}"
    if country == "pl":
        return f"W{letters[:2]} {rng.randrange(10000, 99999)}"
    return f"{rng.randrange(1, 81):02d} {letters} {rng.randrange(100, 999)}"  # Turkey


def plate_variant(raw: str, rng: random.Random) -> str:
    """Another officer's way of writing the same plate (spaces and hyphens vary)."""
    r = rng.random()
    if r < 0.4:
        return raw
    if r < 0.7:
        return raw.replace(" ", "").replace("-", "")
    return raw.replace("-", " ")


_ENGINES = (
    ("Parsun", "F40FWS", "PS"),
    ("Hidea", "HDF40", "HD"),
    ("Tohatsu", "M40D2", "TH"),
    ("Yamaha", "E40X", "6H4"),
    ("Mercury", "40 ELPT", "2B"),
    ("Suzuki", "DF40", "04"),
)


def engine(rng: random.Random, n: int) -> tuple[str, str]:
    """(model, serial) of an outboard engine; most are Chinese-made or copies."""
    brand, model, prefix = _ENGINES[0 if rng.random() < 0.5 else rng.randrange(len(_ENGINES))]
    serial = f"{prefix}-{(n * 7_919 + 104_729) % 10**7:07d}"
    return f"{brand} {model}", serial


def hull_number(rng: random.Random, n: int, country: str) -> str:
    """A craft identification number (CIN): country, maker code, serial, month/year."""
    maker = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    serial = f"{(n * 613 + 3_571) % 10**5:05d}"
    month = "ABCDEFGHIJKL"[rng.randrange(12)]
    return f"{country.upper()}-{maker}{serial}{month}{rng.choice('234')}{rng.choice('234')}"


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def tron_address(rng: random.Random) -> str:
    """A TRON (USDT TRC-20) address: drivers' commissions are commonly paid in USDT."""
    return "T" + "".join(rng.choice(_B58) for _ in range(33))


def tx_hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


_PASSPORT_LETTER = {
    "iq": "A",
    "ir": "K",
    "af": "P",
    "sy": "N",
    "er": "P",
    "sd": "P",
    "vn": "C",
    "tr": "U",
    "bg": "3",
    "gb": "5",
    "de": "C",
    "fr": "1",
    "nl": "N",
    "be": "E",
    "pl": "E",
    "ma": "X",
    "pk": "A",
}


def passport(country: str, n: int) -> str:
    return f"{_PASSPORT_LETTER.get(country, 'P')}{scramble(n, 8, 17):08d}"
