"""Clustering checked against networkx on random graphs, and with constraints."""

from __future__ import annotations

import random

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from undertow.resolve.clusters import (
    IDENTIFIER,
    JUDGEMENT,
    MODEL,
    _ordered,
    canonical_id,
    cluster,
    edge,
)


def _groups(assignment: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for record, rep in assignment.items():
        out.setdefault(rep, set()).add(record)
    return {frozenset(g) for g in out.values()}


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.integers(2, 60), st.floats(0.0, 0.15))
def test_without_constraints_clusters_are_connected_components(
    seed: int, n: int, density: float
) -> None:
    graph = nx.gnp_random_graph(n, density, seed=seed)
    records = [f"r{i:03d}" for i in graph.nodes]
    rng = random.Random(seed)
    edges = [edge(MODEL, f"r{a:03d}", f"r{b:03d}", rng.random()) for a, b in graph.edges]
    rng.shuffle(edges)
    got = _groups(cluster(records, edges, []))
    want = {frozenset(f"r{i:03d}" for i in c) for c in nx.connected_components(graph)}
    assert got == want


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_negative_judgements_always_win(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(4, 40)
    records = [f"r{i:02d}" for i in range(n)]
    edges = [
        edge(
            rng.choice([IDENTIFIER, MODEL]), rng.choice(records), rng.choice(records), rng.random()
        )
        for _ in range(rng.randint(0, 3 * n))
    ]
    edges = [e for e in edges if e.left != e.right]
    apart = [tuple(rng.sample(records, 2)) for _ in range(rng.randint(0, n // 2))]
    result = cluster(records, edges, apart)  # type: ignore[arg-type]
    for a, b in apart:
        assert result[a] != result[b]
    # Deterministic whatever the order of the edges.
    shuffled = list(edges)
    rng.shuffle(shuffled)
    assert cluster(records, shuffled, apart) == result  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_walking_only_the_constrained_components_changes_nothing(seed: int) -> None:
    """The ordered walk over every edge (the definition) and the walk over the
    components that hold a negative judgement, the rest taken whole, agree."""
    rng = random.Random(seed)
    n = rng.randint(2, 50)
    records = [f"r{i:02d}" for i in range(n)]
    edges = set()
    for _ in range(rng.randint(0, 2 * n)):
        left, right = rng.sample(records, 2)
        edges.add(edge(rng.choice([JUDGEMENT, IDENTIFIER, MODEL]), left, right, rng.random()))
    apart = [tuple(rng.sample(records, 2)) for _ in range(rng.randint(0, 4))]
    everywhere: dict[str, set[str]] = {}
    for a, b in apart:
        everywhere.setdefault(a, set()).add(b)
        everywhere.setdefault(b, set()).add(a)
    assert cluster(None, edges, apart) == _ordered(list(edges), everywhere)  # type: ignore[arg-type]


def test_a_negative_judgement_splits_at_the_weakest_link() -> None:
    records = ["a", "b", "c", "d"]
    edges = [
        edge(MODEL, "a", "b", 0.99),
        edge(MODEL, "b", "c", 0.85),  # the weakest link between a and d
        edge(MODEL, "c", "d", 0.97),
    ]
    result = cluster(records, edges, [("a", "d")])
    assert _groups(result) == {frozenset({"a", "b"}), frozenset({"c", "d"})}


def test_positive_judgements_are_trusted_before_the_model() -> None:
    records = ["a", "b", "c"]
    edges = [edge(MODEL, "a", "b", 0.99), edge(JUDGEMENT, "b", "c")]
    result = cluster(records, edges, [("a", "c")])
    assert _groups(result) == {frozenset({"b", "c"}), frozenset({"a"})}


def test_canonical_ids_are_stable_and_reveal_no_member() -> None:
    secret = b"s" * 32
    assert canonical_id(secret, "DE-BKA.p-1") == canonical_id(secret, "DE-BKA.p-1")
    assert canonical_id(secret, "DE-BKA.p-1") != canonical_id(b"t" * 32, "DE-BKA.p-1")
    assert "p-1" not in canonical_id(secret, "DE-BKA.p-1")


def test_canonical_ids_are_the_same_in_python_and_in_the_store() -> None:
    from undertow.resolve.clusters import canonical_sql
    from undertow.store import Store

    secret = b"\x01" * 32
    with Store.open(":memory:") as store:
        in_sql = store.scalar(f"SELECT {canonical_sql('?')}", [secret.hex(), "UK-NCA.p-1"])
    assert in_sql == canonical_id(secret, "UK-NCA.p-1")
