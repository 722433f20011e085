"""Scenario sizes: how much of the world is generated (not how it behaves: see profiles).

``small`` is the demo, ``medium`` the benchmark, ``large`` the scale test. Every size
runs the same streaming code; only the counts differ. The networks' people are held in
memory (tens per network); migrants, relatives and payments are generated and written
one network at a time, and the background population one chunk at a time, so memory
does not grow with the background.
"""

from __future__ import annotations

from dataclasses import dataclass

from undertow.errors import ConfigError


@dataclass(frozen=True)
class SizeSpec:
    name: str
    networks: int
    crossings: tuple[int, int]
    """Boat launches per network over the two years (before the profile's factor)."""
    background_chunks: int
    chunk_people: int
    """Background residents generated (and forgotten) per chunk."""
    statement_shops: int
    """Legitimate UK businesses whose bank statements the NCA also obtained."""
    ledger_shops: int
    """Legitimate money-transfer agents in Belgium whose ledgers were seized."""
    payout_agents: int
    """Money-transfer agents abroad (Iraq, Iran, Morocco, ...) paying out remittances."""
    background_boats: int
    """Launches per chunk by networks outside the scenario (UK-HOIE still records them)."""
    cdr_contacts: tuple[int, int]
    """Innocent contacts (family, friends, shops) of each intercepted phone."""


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(
        name="small",
        networks=3,
        crossings=(7, 9),
        background_chunks=2,
        chunk_people=900,
        statement_shops=10,
        ledger_shops=4,
        payout_agents=10,
        background_boats=3,
        cdr_contacts=(3, 6),
    ),
    "medium": SizeSpec(
        name="medium",
        networks=10,
        crossings=(18, 26),
        background_chunks=20,
        chunk_people=2_400,
        statement_shops=120,
        ledger_shops=30,
        payout_agents=60,
        background_boats=3,
        cdr_contacts=(5, 10),
    ),
    "large": SizeSpec(
        name="large",
        networks=40,
        crossings=(30, 40),
        background_chunks=300,
        chunk_people=3_000,
        statement_shops=1_500,
        ledger_shops=300,
        payout_agents=400,
        background_boats=2,
        cdr_contacts=(6, 12),
    ),
}


def get_size(name: str) -> SizeSpec:
    try:
        return SIZES[name]
    except KeyError:
        raise ConfigError(f"unknown scenario size {name!r} (known: {', '.join(SIZES)})") from None
