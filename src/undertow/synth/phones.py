"""Mobile numbers: allocation without collisions, and each agency's way of writing them.

A true number is kept as E.164 text (``+4917623423980``). Agencies write numbers of
their own country in national format (``0176 23423980``, ``06 12 34 56 78``) and
foreign numbers with a ``+`` or ``00`` prefix -- never a foreign number in its own
national format, which no partner could dial and ingest would reject.

Numbers are allocated from a counter through an affine permutation of the subscriber
range, so they look random, never repeat, and need no set of used numbers (the large
scenario allocates millions while streaming).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from undertow.synth.identifiers import scramble


@dataclass(frozen=True)
class _Plan:
    code: str  # country calling code
    prefixes: tuple[str, ...]  # leading digits of mobile national significant numbers
    digits: int  # subscriber digits after the prefix
    groups: tuple[int, ...]  # digit grouping of the national significant number
    trunk: str = "0"


_PLANS: dict[str, _Plan] = {
    "gb": _Plan(
        "44", ("740", "745", "751", "771", "779", "780", "787", "795", "796", "799"), 7, (4, 6)
    ),
    "de": _Plan(
        "49",
        ("151", "152", "157", "170", "171", "172", "175", "176", "177", "178", "179"),
        8,
        (3, 8),
    ),
    "fr": _Plan(
        "33", ("61", "62", "64", "65", "66", "67", "68", "76", "77", "78"), 7, (1, 2, 2, 2, 2)
    ),
    "nl": _Plan("31", ("61", "62", "63", "64", "65"), 7, (1, 8)),
    "be": _Plan(
        "32",
        (
            "460",
            "465",
            "468",
            "470",
            "471",
            "472",
            "475",
            "477",
            "478",
            "479",
            "484",
            "485",
            "486",
            "487",
            "488",
            "489",
            "490",
            "491",
            "492",
            "493",
            "494",
            "495",
            "496",
            "497",
            "498",
            "499",
        ),
        6,
        (3, 2, 2, 2),
    ),
    "iq": _Plan("964", ("750", "751", "770", "771", "772", "780", "781", "790"), 7, (3, 3, 4)),
    "ir": _Plan("98", ("901", "902", "912", "919", "935", "936", "937"), 7, (3, 3, 4)),
    "af": _Plan("93", ("70", "72", "77", "78", "79"), 7, (2, 3, 4)),
    "tr": _Plan("90", ("505", "506", "532", "533", "535", "542", "543", "553"), 7, (3, 3, 2, 2)),
    "bg": _Plan("359", ("87", "88", "89"), 7, (2, 3, 4)),
    "sy": _Plan("963", ("93", "94", "95", "96", "98", "99"), 7, (3, 3, 3)),
    "er": _Plan("291", ("7",), 6, (1, 3, 3)),
    "sd": _Plan("249", ("90", "91", "92", "99"), 7, (2, 3, 4)),
    "vn": _Plan("84", ("90", "91", "93", "94", "97", "98"), 7, (3, 3, 3)),
    "pl": _Plan(
        "48",
        ("50", "51", "53", "57", "60", "66", "69", "72", "78", "79", "88"),
        7,
        (3, 3, 3),
        trunk="",
    ),
    "ma": _Plan("212", ("61", "62", "66", "67", "70"), 7, (3, 6)),
    "pk": _Plan("92", ("300", "301", "321", "333", "345"), 7, (3, 7)),
    "ae": _Plan("971", ("50", "52", "55", "56"), 7, (2, 3, 4)),
}
_BY_CODE = sorted(((p.code, c) for c, p in _PLANS.items()), key=lambda x: -len(x[0]))
COUNTRIES = tuple(sorted(_PLANS))
_REGION_COUNTRY = {"GB": "gb", "DE": "de", "FR": "fr", "NL": "nl", "BE": "be", "PL": "pl"}


def allocate(country: str, n: int) -> str:
    """The ``n``-th mobile number of ``country`` (distinct ``n`` give distinct numbers)."""
    plan = _PLANS[country]
    index = n % len(plan.prefixes)
    prefix = plan.prefixes[index]
    space = 10**plan.digits
    k = n // len(plan.prefixes)
    if k >= space:
        raise ValueError(f"phone space of {country} exhausted")
    subscriber = scramble(k, plan.digits, int(plan.code) * 31 + index)
    return f"+{plan.code}{prefix}{subscriber:0{plan.digits}d}"


def country_of(e164: str) -> str:
    for code, country in _BY_CODE:
        if e164.startswith("+" + code):
            return country
    raise ValueError(f"unknown calling code in {e164}")


def _grouped(nsn: str, groups: tuple[int, ...]) -> list[str]:
    out, pos = [], 0
    for size in groups:
        out.append(nsn[pos : pos + size])
        pos += size
    if pos < len(nsn):
        out[-1] += nsn[pos:]
    return [g for g in out if g]


def render(e164: str, region: str, rng: random.Random) -> str:
    """``e164`` as an agency dialling from ``region`` (``GB``, ``DE``...) writes it."""
    country = country_of(e164)
    plan = _PLANS[country]
    nsn = e164[len(plan.code) + 1 :]
    groups = _grouped(nsn, plan.groups)
    if _REGION_COUNTRY.get(region) == country and plan.trunk and rng.random() < 0.85:
        return _national(country, plan.trunk + nsn, groups, rng)
    r = rng.random()
    if r < 0.6:
        return f"+{plan.code} {' '.join(groups)}"
    if r < 0.85:
        return f"00{plan.code} {' '.join(groups)}"
    return e164


def _national(country: str, national: str, groups: list[str], rng: random.Random) -> str:
    r = rng.random()
    head = "0" + groups[0]
    rest = groups[1:]
    if country == "gb":
        return f"{head} {''.join(rest)}" if r < 0.8 else national
    if country == "de":
        if r < 0.55:
            return f"{head} {''.join(rest)}"
        return f"{head}/{''.join(rest)}" if r < 0.8 else national
    if country == "fr":
        pairs = [national[i : i + 2] for i in range(0, len(national), 2)]
        if r < 0.6:
            return " ".join(pairs)
        return ".".join(pairs) if r < 0.75 else national
    if country == "nl":
        if r < 0.6:
            return f"06-{national[2:]}"
        return f"06 {national[2:]}" if r < 0.8 else national
    if country == "be":
        if r < 0.6:
            return f"{head} {' '.join(rest)}"
        return f"{head}/{'.'.join(rest)}" if r < 0.8 else national
    return national


def cdr(e164: str) -> str:
    """A German operator's call-detail record: national numbers compact, others ``00``."""
    if e164.startswith("+49"):
        return "0" + e164[3:]
    return "00" + e164[1:]
