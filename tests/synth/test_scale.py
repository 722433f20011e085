"""Medium and large sizes, checked without generating them: counts are extrapolated from
the networks alone plus one background chunk, and memory is checked to stay flat as the
background grows (the large scenario streams a few hundred such chunks)."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from undertow.synth import PROFILES, SIZES, SizeSpec, SynthSummary
from undertow.synth.scenario import run

DEFAULT = PROFILES["default"]


def _run(path: Path, spec: SizeSpec) -> SynthSummary:
    return run(path, seed=7, size=spec, params=DEFAULT)


@pytest.fixture(scope="module")
def per_chunk(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, int]:
    """(payments, person records) that one medium background chunk adds."""
    base = replace(SIZES["medium"], networks=2)
    one = _run(tmp_path_factory.mktemp("one"), replace(base, background_chunks=1))
    two = _run(tmp_path_factory.mktemp("two"), replace(base, background_chunks=2))
    return two.payments - one.payments, two.person_records - one.person_records


@pytest.mark.slow
def test_medium_is_benchmark_sized(tmp_path: Path, per_chunk: tuple[int, int]) -> None:
    medium = SIZES["medium"]
    networks = _run(tmp_path, replace(medium, background_chunks=0))
    assert networks.networks == 10
    payments = networks.payments + medium.background_chunks * per_chunk[0]
    people = networks.person_records + medium.background_chunks * per_chunk[1]
    assert 500_000 <= payments <= 1_000_000
    assert 50_000 <= people <= 100_000
    assert networks.payments < payments / 5  # background payments are the bulk


@pytest.mark.slow
def test_large_is_over_a_million_people_and_ten_million_payments(
    per_chunk: tuple[int, int],
) -> None:
    medium, large = SIZES["medium"], SIZES["large"]
    scale = large.background_chunks * large.chunk_people / medium.chunk_people
    assert scale * per_chunk[0] >= 10_000_000
    assert scale * per_chunk[1] >= 1_000_000


def _peaks(path: Path, chunks: int) -> tuple[int, list[int]]:
    """Peak traced memory during the background phase, and memory held after each chunk."""
    spec = SizeSpec(
        name="tiny",
        networks=2,
        crossings=(2, 3),
        background_chunks=chunks,
        chunk_people=200,
        statement_shops=4,
        ledger_shops=2,
        payout_agents=4,
        background_boats=1,
        cdr_contacts=(1, 2),
    )
    held: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "background":
            held.append(tracemalloc.get_traced_memory()[0])
            if done == 1:
                tracemalloc.reset_peak()

    tracemalloc.start()
    try:
        run(path, seed=3, size=spec, params=DEFAULT, progress=progress)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, held


@pytest.mark.slow
def test_background_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    few_peak, _ = _peaks(tmp_path / "few", 2)
    many_peak, held = _peaks(tmp_path / "many", 7)
    assert many_peak <= few_peak * 1.15 + 256 * 1024
    # What stays in memory from chunk to chunk is the hub-phone bookkeeping only.
    assert held[-1] - held[1] < 64 * 1024 * (len(held) - 2)
    assert held[-1] - held[1] < 1024 * 1024
