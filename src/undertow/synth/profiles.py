"""Scenario profiles: how the world behaves (prices, channels, coverage, noise).

``default`` is calibrated on public figures (see ``shared/DOMAIN.md``). ``alt`` is a
second, deliberately different world that the analytics are *not* tuned on: more and
smaller networks, higher prices, more bank and crypto money, different agency coverage
and dirtier records. An accuracy figure that holds on ``default`` but collapses on
``alt`` is a figure tuned to the generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from undertow.errors import ConfigError


@dataclass(frozen=True)
class Noise:
    typo: float
    """Share of names with a keying error."""
    strictness: float
    """Probability that a clerk applies each of their language's transliteration rules."""
    doc_spelling: float
    """Probability that a documented person is written as on their papers."""
    placeholder_dob: float
    """Unknown birth dates recorded as 1 January (UK Home Office practice)."""
    partial_dob: float
    missing_dob: float
    duplicate: float
    """A person recorded twice by the same agency under two ids."""
    dangling: float
    """A referenced entity the agency does not include in its files."""
    iban_spaced: float
    iso_country: float
    thin_record: float
    """A record that is only a name and a phone number."""
    shop_phone: float
    """A money-transfer customer recorded with the shop's own phone (a hub identifier)."""
    unusable: float
    """A record written so that ingest cannot store it (``n/a`` as a phone, ``31/02/1990``,
    a truncated JSON line, a ragged CSV row), times each agency's own rate (``defects.py``)."""


@dataclass(frozen=True)
class ScenarioParams:
    name: str
    network_factor: float
    crossing_factor: float
    members: dict[str, tuple[int, int]]
    leader_origins: dict[str, float]
    organiser_bases: dict[str, float]
    migrant_origins: dict[str, float]
    boat_load: dict[int, float]
    """Mean people per boat by year (Home Office: 49 in 2023, 53 in 2024)."""
    prices: tuple[tuple[str, int, int], ...]
    """(from ISO date, low, high) price per person in EUR."""
    outcomes: dict[str, float]
    payer_location: dict[str, float]
    channels: dict[str, float]
    crypto_commissions: float
    laundering: dict[str, float]
    """Relative weight of each layering pattern a network uses."""
    coverage: dict[str, float]
    """Multiplier on each agency's chance of knowing a person or account."""
    noise: Noise
    remittances: float
    """Mean transfers per background money-transfer customer over the two years."""
    shop_payments: float
    """Mean payments per background customer of a business under production order."""
    threshold_eur: int = 10_000
    threshold_gbp: int = 10_000
    id_threshold_eur: int = 1_000
    extra: dict[str, float] = field(default_factory=dict)


_MEMBERS = {
    "organiser": (1, 2),
    "financier": (1, 2),
    "collector": (2, 4),
    "recruiter": (2, 4),
    "driver": (3, 6),
    "equipment_buyer": (1, 2),
    "storage_keeper": (1, 3),
    "launderer": (1, 3),
    "mule": (2, 4),
}

PROFILES: dict[str, ScenarioParams] = {
    "default": ScenarioParams(
        name="default",
        network_factor=1.0,
        crossing_factor=1.0,
        members=_MEMBERS,
        leader_origins={"kurd_iq": 0.75, "kurd_ir": 0.1, "afghan": 0.1, "syrian": 0.05},
        organiser_bases={"de": 0.35, "gb": 0.35, "iq": 0.3},
        migrant_origins={
            "kurd_iq": 0.34,
            "kurd_ir": 0.1,
            "persian": 0.06,
            "afghan": 0.17,
            "syrian": 0.1,
            "eritrean": 0.1,
            "sudanese": 0.07,
            "vietnamese": 0.06,
        },
        boat_load={2023: 49.0, 2024: 53.0},
        prices=(
            ("2023-01-01", 1_000, 3_500),
            ("2024-01-01", 1_500, 3_500),
            ("2024-10-01", 5_800, 7_000),
        ),
        outcomes={"arrived": 0.78, "intercepted": 0.14, "rescued": 0.08},
        payer_location={"home": 0.55, "uk": 0.25, "eu": 0.12, "self": 0.08},
        channels={"hawala": 0.55, "bank": 0.2, "cash": 0.2, "crypto": 0.05},
        crypto_commissions=0.4,
        laundering={
            "structuring": 1.0,
            "front": 1.0,
            "scatter_gather": 0.6,
            "pass_through": 0.8,
            "cycle": 0.4,
            "gather_scatter": 0.5,
            "hawala_home": 0.7,
            "smurfing": 0.5,
        },
        coverage={
            "UK-NCA": 1.0,
            "UK-HOIE": 1.0,
            "DE-BKA": 1.0,
            "DE-BPOL": 1.0,
            "FR-OLTIM": 1.0,
            "NL-KMAR": 1.0,
            "BE-FJP": 1.0,
            "EU-EUROPOL": 1.0,
            "EU-FRONTEX": 1.0,
        },
        noise=Noise(
            typo=0.03,
            strictness=0.85,
            doc_spelling=0.35,
            placeholder_dob=0.15,
            partial_dob=0.2,
            missing_dob=0.1,
            duplicate=0.05,
            dangling=0.03,
            iban_spaced=0.3,
            iso_country=0.3,
            thin_record=0.1,
            shop_phone=0.15,
            unusable=0.0035,
        ),
        remittances=9.0,
        shop_payments=14.0,
    ),
    "alt": ScenarioParams(
        name="alt",
        network_factor=1.34,
        crossing_factor=0.75,
        members={
            **_MEMBERS,
            "collector": (3, 6),
            "driver": (4, 8),
            "launderer": (1, 2),
            "mule": (3, 6),
            "recruiter": (3, 5),
        },
        leader_origins={"kurd_iq": 0.55, "kurd_ir": 0.15, "afghan": 0.15, "syrian": 0.15},
        organiser_bases={"de": 0.2, "gb": 0.5, "iq": 0.3},
        migrant_origins={
            "kurd_iq": 0.22,
            "kurd_ir": 0.12,
            "persian": 0.1,
            "afghan": 0.2,
            "syrian": 0.12,
            "eritrean": 0.1,
            "sudanese": 0.1,
            "vietnamese": 0.04,
        },
        boat_load={2023: 46.0, 2024: 58.0},
        prices=(
            ("2023-01-01", 2_500, 4_500),
            ("2024-03-01", 3_000, 5_000),
            ("2024-09-01", 6_000, 7_500),
        ),
        outcomes={"arrived": 0.7, "intercepted": 0.2, "rescued": 0.1},
        payer_location={"home": 0.45, "uk": 0.3, "eu": 0.2, "self": 0.05},
        channels={"hawala": 0.35, "bank": 0.35, "cash": 0.15, "crypto": 0.15},
        crypto_commissions=0.7,
        laundering={
            "structuring": 0.6,
            "front": 1.2,
            "scatter_gather": 1.0,
            "pass_through": 0.5,
            "cycle": 0.7,
            "gather_scatter": 0.8,
            "hawala_home": 0.4,
            "smurfing": 0.9,
        },
        coverage={
            "UK-NCA": 0.7,
            "UK-HOIE": 0.95,
            "DE-BKA": 0.8,
            "DE-BPOL": 1.2,
            "FR-OLTIM": 1.3,
            "NL-KMAR": 1.4,
            "BE-FJP": 1.3,
            "EU-EUROPOL": 0.7,
            "EU-FRONTEX": 1.5,
        },
        noise=Noise(
            typo=0.06,
            strictness=0.7,
            doc_spelling=0.25,
            placeholder_dob=0.25,
            partial_dob=0.25,
            missing_dob=0.15,
            duplicate=0.08,
            dangling=0.06,
            iban_spaced=0.5,
            iso_country=0.15,
            thin_record=0.18,
            shop_phone=0.25,
            unusable=0.0055,
        ),
        remittances=7.0,
        shop_payments=18.0,
        threshold_eur=10_000,
        threshold_gbp=10_000,
    ),
}


def get_profile(name: str) -> ScenarioParams:
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"unknown scenario profile {name!r} (known: {', '.join(PROFILES)})"
        ) from None
