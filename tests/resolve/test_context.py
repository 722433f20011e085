"""Corroboration across agencies and within one, on hand-made tables where m and u can
be counted."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undertow.resolve.context import MIN_CONFIDENT, corroborate


def party_table(ids: list[str], agencies: list[str], linked: list[list[str] | None]) -> pa.Table:
    return pa.table(
        {"unique_id": ids, "agency": agencies, "counterparties": linked},
        schema=pa.schema(
            [
                ("unique_id", pa.string()),
                ("agency", pa.string()),
                ("counterparties", pa.list_(pa.string())),
            ]
        ),
    )


def pair_table(weights: dict[tuple[str, str], float]) -> pa.Table:
    """Scored pairs as Splink gives them, from their match weights."""
    return pa.table(
        {
            "unique_id_l": [a for a, _ in weights],
            "unique_id_r": [b for _, b in weights],
            "match_probability": [1 / (1 + 2**-w) for w in weights.values()],
            "match_weight": list(weights.values()),
        }
    )


def mapping_table(first: dict[str, str]) -> pa.Table:
    return pa.table(
        {"entity_id": list(first), "representative": list(first.values())},
        schema=pa.schema([("entity_id", pa.string()), ("representative", pa.string())]),
    )


def weights_of(pairs: pa.Table, column: str = "match_weight") -> dict[tuple[str, str], float]:
    return {
        (a, b): w
        for a, b, w in zip(
            pairs.column("unique_id_l").to_pylist(),
            pairs.column("unique_id_r").to_pylist(),
            pairs.column(column).to_pylist(),
            strict=True,
        )
    }


def tables(
    confident: int, sharing: int
) -> tuple[pa.Table, pa.Table, pa.Table, dict[tuple[str, str], float]]:
    """``confident`` UK/DE pairs the model is sure of, the first ``sharing`` of them tied
    to one resolved counterpart each; a doubtful UK/DE pair that shares one (``x``), a
    doubtful one that shares none (``y``), and a doubtful pair within one agency (``z``)
    that shares one."""
    ids: list[str] = []
    agencies: list[str] = []
    linked: list[list[str] | None] = []
    first: dict[str, str] = {}
    pairs: dict[tuple[str, str], float] = {}

    def record(rid: str, agency: str, counterparts: list[str]) -> None:
        ids.append(rid)
        agencies.append(agency)
        linked.append(counterparts)

    for i in range(confident):
        record(f"UK.{i}", "UK", [f"UK.c{i}"])
        record(f"DE.{i}", "DE", [f"DE.c{i}"])
        if i < sharing:
            first[f"UK.c{i}"] = first[f"DE.c{i}"] = f"DE.c{i}"
        pairs[(f"DE.{i}", f"UK.{i}")] = 10.0
    record("UK.x", "UK", ["UK.cx"])
    record("DE.x", "DE", ["DE.cx"])
    first["UK.cx"] = first["DE.cx"] = "DE.cx"
    record("UK.y", "UK", ["UK.cy"])
    record("DE.y", "DE", ["DE.cy"])
    record("UK.z", "UK", ["UK.cx"])
    for pair in [("DE.x", "UK.x"), ("DE.y", "UK.y"), ("UK.x", "UK.z")]:
        pairs[pair] = 0.0
    return party_table(ids, agencies, linked), pair_table(pairs), mapping_table(first), pairs


# Records' links (counterparts named by letter) and scored pairs (by record index).
LINKS = st.lists(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=3), min_size=30, max_size=40
)
SCORED = st.lists(
    st.tuples(st.integers(0, 39), st.integers(0, 39), st.floats(-20, 20)), max_size=40
)


def linked_parties(records: list[tuple[str, list[str]]]) -> tuple[list[str], pa.Table]:
    """Ids and the party table of (agency, links) records, the links as counterparts."""
    ids = [f"{agency}.{i}" for i, (agency, _) in enumerate(records)]
    parties = party_table(
        ids,
        [a for a, _ in records],
        [[f"X.{c}" for c in linked] or None for _, linked in records],
    )
    return ids, parties


def test_weights_are_counted_from_the_runs_own_pairs() -> None:
    parties, scored, first, before = tables(confident=24, sharing=12)
    out, found = corroborate(parties, scored, first, 0.8)
    assert found is not None
    assert found.across is not None
    assert found.within is None  # no personal counterparts given
    estimate = found.across
    assert estimate.m == pytest.approx(12 / 24)
    assert estimate.confident_pairs == 24
    assert found.crossed == 1  # x; y falls further, z is not weighed
    # UK/DE record pairs tied to one resolved counterpart: the 12 confident ones, and x's
    # counterpart twice (UK.x and UK.z with DE.x); UK has 24 + 3 records with
    # counterparts, DE 24 + 2.
    assert estimate.u == pytest.approx(14 / (27 * 26))
    weights = weights_of(out)
    assert weights[("DE.x", "UK.x")] == pytest.approx(math.log2(estimate.m / estimate.u))
    assert weights[("DE.y", "UK.y")] == pytest.approx(
        math.log2((1 - estimate.m) / (1 - estimate.u))
    )
    assert weights[("UK.x", "UK.z")] == 0.0  # one agency: not weighed
    assert weights[("DE.0", "UK.0")] == pytest.approx(before[("DE.0", "UK.0")] + 4.648, abs=1e-3)
    assert weights[("DE.23", "UK.23")] < before[("DE.23", "UK.23")]
    probability = weights_of(out, "match_probability")
    assert probability[("DE.x", "UK.x")] == pytest.approx(1 / (1 + 2 ** -weights[("DE.x", "UK.x")]))


def test_too_few_confident_pairs_estimate_nothing() -> None:
    parties, scored, first, _ = tables(confident=MIN_CONFIDENT - 1, sharing=5)
    out, estimate = corroborate(parties, scored, first, 0.8)
    assert estimate is None
    assert out.equals(scored)


@settings(max_examples=40, deadline=None)
@given(LINKS, SCORED)
def test_only_cross_agency_pairs_move_and_only_by_the_two_weights(
    links: list[list[str]], scored: list[tuple[int, int, float]]
) -> None:
    """Whatever the records and pairs: the same pairs come out; a pair within one agency,
    or with a record without links, keeps its weight; any other moves by exactly the
    shared or the unshared weight. (Agencies take turns, and the first 25 records have
    links, so that the run has the confident cross-agency pairs to estimate m from.)"""
    records = [
        (["UK", "DE", "FR"][i % 3], (linked or ["a"]) if i < 25 else linked)
        for i, linked in enumerate(links)
    ]
    ids, parties = linked_parties(records)
    # Everyone confidently matched with the next record, so that m is estimated.
    chosen = {(ids[i], ids[j]): w for i, j, w in scored if i < j < len(ids)}
    for i in range(len(ids) - 1):
        chosen.setdefault((ids[i], ids[i + 1]), 30.0)
    out, found = corroborate(parties, pair_table(chosen), mapping_table({}), 0.8)
    assert found is not None
    assert found.across is not None
    estimate = found.across
    after = weights_of(out)
    assert set(after) == set(chosen)
    agency = dict(zip(ids, (a for a, _ in records), strict=True))
    linked = dict(zip(ids, (bool(c) for _, c in records), strict=True))
    for (a, b), w in chosen.items():
        moved = after[(a, b)] - w
        if agency[a] == agency[b] or not (linked[a] and linked[b]):
            assert moved == pytest.approx(0.0, abs=1e-9)
        else:
            assert moved == pytest.approx(
                estimate.shared_weight, abs=1e-9
            ) or moved == pytest.approx(estimate.unshared_weight, abs=1e-9)


def test_within_one_agency_only_personal_counterparts_weigh() -> None:
    """Records of one agency: ``MIN_CONFIDENT`` confident pairs, all but four sharing a
    personal counterpart (the family a remittance goes to); a doubtful pair sharing one
    (``p``), a doubtful pair with personal counterparts but none in common (``q``), and
    one (``r``) whose only tie in common is not personal (the shop: not in ``personal``).
    Across agencies nothing is estimated: no record of another agency has links."""
    n = MIN_CONFIDENT
    ids: list[str] = []
    linked: list[list[str] | None] = []
    personal: list[list[str] | None] = []
    pairs: dict[tuple[str, str], float] = {}

    def record(rid: str, mine: list[str]) -> None:
        ids.append(rid)
        linked.append(["shop", *mine])
        personal.append(mine or None)

    for i in range(n):
        record(f"BE.{i}a", [f"fam{i}"])
        record(f"BE.{i}b", [f"fam{i}" if i >= 4 else f"other{i}"])
        pairs[(f"BE.{i}a", f"BE.{i}b")] = 10.0
    record("BE.pa", ["famp"])
    record("BE.pb", ["famp"])
    record("BE.qa", ["famq"])
    record("BE.qb", ["famq2"])
    record("BE.ra", [])
    record("BE.rb", [])
    for pair in [("BE.pa", "BE.pb"), ("BE.qa", "BE.qb"), ("BE.ra", "BE.rb")]:
        pairs[pair] = 0.0
    parties = party_table(ids, ["BE"] * len(ids), linked).append_column(
        "personal", pa.array(personal, pa.list_(pa.string()))
    )
    out, found = corroborate(parties, pair_table(pairs), mapping_table({}), 0.8)
    assert found is not None
    assert found.across is None
    assert found.within is not None
    within = found.within
    assert within.m == pytest.approx((n - 4) / n)
    assert within.confident_pairs == n
    # Records with personal counterparts: 2n + 4; pairs tied by one: the n - 4 families
    # and p's.
    records = 2 * n + 4
    assert within.u == pytest.approx((n - 4 + 1) / (records * (records - 1) / 2))
    weights = weights_of(out)
    assert weights[("BE.pa", "BE.pb")] == pytest.approx(within.shared_weight)
    assert weights[("BE.qa", "BE.qb")] == pytest.approx(within.unshared_weight)
    assert weights[("BE.ra", "BE.rb")] == 0.0  # the shop alone: not weighed
    assert found.factor(same_agency=True) is within
    assert found.crossed == 1  # p


def test_a_kept_estimate_reads_back_whatever_its_age() -> None:
    """A run keeps its estimate as JSON; explain reads it back. Runs before the factor
    within agencies kept the one factor at the top level."""
    from undertow.resolve.context import Corroboration, Factor

    estimate = Corroboration(Factor(0.6, 0.001, 40), Factor(0.9, 0.004, 30), rounds=2)
    assert Corroboration.from_dict(estimate.to_dict()) == estimate
    old = {"m": 0.6, "u": 0.001, "confident_pairs": 40, "rounds": 3, "crossed": 2}
    assert Corroboration.from_dict(old) == Corroboration(Factor(0.6, 0.001, 40), None, 3)


@settings(max_examples=40, deadline=None)
@given(LINKS, SCORED)
def test_each_pair_moves_by_its_own_factor_only(
    links: list[list[str]], scored: list[tuple[int, int, float]]
) -> None:
    """With personal counterparts too ("e" is busy: linked, never personal): a pair from
    two agencies moves by the factor across agencies when both records have links; a
    pair from one agency by the factor within, when both have personal counterparts;
    every other pair keeps its weight. (The first 25 records are linked to "a"; confident
    pairs to the next record, across agencies, and to the third next, within one, so
    that both factors are estimated.)"""
    records = [
        (["UK", "DE", "FR"][i % 3], [*linked, "a"] if i < 25 else linked)
        for i, linked in enumerate(links)
    ]
    ids, parties = linked_parties(records)
    personal = [[f"X.{c}" for c in linked if c != "e"] or None for _, linked in records]
    parties = parties.append_column("personal", pa.array(personal, pa.list_(pa.string())))
    chosen = {(ids[i], ids[j]): w for i, j, w in scored if i < j < len(ids)}
    for step in (1, 3):
        for i in range(len(ids) - step):
            chosen.setdefault((ids[i], ids[i + step]), 30.0)
    out, found = corroborate(parties, pair_table(chosen), mapping_table({}), 0.8)
    assert found is not None
    assert found.across is not None
    assert found.within is not None
    after = weights_of(out)
    assert set(after) == set(chosen)
    agency = dict(zip(ids, (a for a, _ in records), strict=True))
    linked = dict(zip(ids, (bool(c) for _, c in records), strict=True))
    has_personal = dict(zip(ids, (bool(p) for p in personal), strict=True))
    for (a, b), w in chosen.items():
        moved = after[(a, b)] - w
        same = agency[a] == agency[b]
        factor = found.factor(same_agency=same)
        weighed = has_personal if same else linked
        if factor is None or not (weighed[a] and weighed[b]):
            assert moved == pytest.approx(0.0, abs=1e-9)
        else:
            assert moved == pytest.approx(factor.shared_weight, abs=1e-9) or moved == pytest.approx(
                factor.unshared_weight, abs=1e-9
            )
