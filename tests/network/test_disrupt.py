"""Disruption strategies and damage, checked against networkx, hand computations, brute
force and the literature's findings."""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Callable

import igraph as ig
import networkx as nx
import pytest

from undertow.errors import UndertowError
from undertow.network.business import Business
from undertow.network.damage import efficiency, largest_component
from undertow.network.disrupt import STRATEGIES, DisruptionError, compare, disrupt
from undertow.network.keyplayer import fragmentation, key_players
from undertow.network.strategies import adaptive, betweenness, collective_influence, scores

NOTHING = Business(
    money=[], sources={}, organisers=frozenset(), chain=[], trips=frozenset(), recruiters={}
)


def to_igraph(g: nx.Graph, seed: int = 0) -> ig.Graph:
    """networkx -> igraph, vertices named n000..., random tie strengths."""
    g = nx.convert_node_labels_to_integers(g)
    rng = random.Random(seed)
    for _, _, data in g.edges(data=True):
        data["weight"] = rng.uniform(0.5, 4.0)
    out = ig.Graph(n=g.number_of_nodes(), edges=list(g.edges()))
    out.vs["name"] = [f"n{i:03d}" for i in range(g.number_of_nodes())]
    out.es["weight"] = [d["weight"] for _, _, d in g.edges(data=True)]
    return out


def to_networkx(g: ig.Graph) -> nx.Graph:
    out = nx.Graph()
    out.add_nodes_from(g.vs["name"])
    out.add_weighted_edges_from(
        (g.vs[e.source]["name"], g.vs[e.target]["name"], e["weight"]) for e in g.es
    )
    return out


def lcc_after(g: ig.Graph, removed: list[str]) -> int:
    rest = g.copy()
    rest.delete_vertices([v.index for v in rest.vs.select(name_in=set(removed))])
    return largest_component(rest)


def small_graphs() -> list[ig.Graph]:
    graphs = [nx.gnp_random_graph(30, 0.12, seed=s) for s in range(4)]
    graphs += [nx.barabasi_albert_graph(30, 2, seed=s) for s in range(4)]
    return [to_igraph(g, seed=i) for i, g in enumerate(graphs)]


def nx_scores(measure: str, g: nx.Graph) -> dict[str, float]:
    """networkx's version of each measure: unnormalised betweenness, weighted PageRank."""
    if measure == "degree":
        return {v: float(d) for v, d in g.degree()}
    if measure == "betweenness":
        return dict(nx.betweenness_centrality(g, normalized=False))
    return dict(nx.pagerank(g, weight="weight", tol=1e-12, max_iter=10_000))


REFERENCE = ("betweenness", "degree", "pagerank")


@pytest.mark.parametrize("measure", REFERENCE)
def test_scores_equal_networkx(measure: str) -> None:
    for g in small_graphs():
        ours = dict(zip(g.vs["name"], scores(g, measure), strict=True))
        theirs = nx_scores(measure, to_networkx(g))
        assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("measure", REFERENCE)
def test_each_removal_is_the_networkx_argmax_of_what_is_left(measure: str) -> None:
    for i, g in enumerate(small_graphs()):
        # A few vertices are migrants: never eligible, however central.
        eligible = set(g.vs["name"]) - {f"n{j:03d}" for j in range(i, 30, 7)}
        chosen = adaptive(g, measure, 4, eligible)
        assert len(chosen) == 4
        left = to_networkx(g)
        for name in chosen:
            assert name in eligible
            reference = nx_scores(measure, left)
            assert reference[name] == pytest.approx(
                max(reference[v] for v in eligible if v in left)
            )
            left.remove_node(name)


def test_sampled_betweenness_is_an_unbiased_estimate() -> None:
    g = to_igraph(nx.karate_club_graph())
    exact = betweenness(g)
    n = g.vcount()
    assert betweenness(g, sample=n) == pytest.approx(exact)
    estimates = [betweenness(g, sample=8, seed=s) for s in range(400)]
    mean = [statistics.mean(e[i] for e in estimates) for i in range(n)]
    top = sorted(range(n), key=lambda i: -exact[i])[:5]
    for i in top:
        assert mean[i] == pytest.approx(exact[i], rel=0.06)
    assert sum(mean) == pytest.approx(sum(exact), rel=0.03)


def test_efficiency_and_largest_component_equal_networkx_after_removals() -> None:
    for g in small_graphs():
        plan = disrupt(g, NOTHING, "degree", 6, set(g.vs["name"]), runs=1)
        left = to_networkx(g)
        assert efficiency(g) == pytest.approx(nx.global_efficiency(left))
        left.remove_nodes_from(plan.removed)
        assert plan.after.efficiency == pytest.approx(nx.global_efficiency(left))
        lcc = max(len(c) for c in nx.connected_components(left))
        assert plan.after.largest_component == lcc
        assert plan.after.largest_component_share == pytest.approx(lcc / largest_component(g))
    assert efficiency(ig.Graph(n=1)) == nx.global_efficiency(nx.empty_graph(1)) == 0


def test_sampled_efficiency_is_close() -> None:
    g = to_igraph(nx.barabasi_albert_graph(500, 2, seed=3))
    rng = random.Random(5)
    sampled = efficiency(g, rng.sample(range(500), 150))
    assert sampled == pytest.approx(efficiency(g), rel=0.03)


def test_collective_influence_by_hand() -> None:
    # a (degree 4) leads b, c, d and is tied to x (3), who leads z and y (3); y leads y1,
    # y2. A separate star s with five leaves has the highest degree.
    edges = [("a", "x"), ("a", "b"), ("a", "c"), ("a", "d"), ("x", "y"), ("x", "z")]
    edges += [("y", "y1"), ("y", "y2")] + [("s", f"s{i}") for i in range(1, 6)]
    g = ig.Graph.TupleList(edges, directed=False)
    ci = dict(zip(g.vs["name"], collective_influence(g), strict=True))
    # CI_2(a) = (4-1) * [(k_y - 1) + (k_z - 1)] = 3 * (2 + 0) = 6
    # CI_2(y) = (3-1) * [(k_a - 1) + (k_z - 1)] = 2 * (3 + 0) = 6
    # CI_2(x): at distance 2 only leaves (b, c, d, y1, y2) -> 0; the star: no ball -> 0
    assert ci["a"] == 6
    assert ci["y"] == 6
    assert all(ci[v] == 0 for v in ci if v not in {"a", "y"})
    everyone = set(g.vs["name"])
    # a and y tie; a has the higher degree. Then every CI is 0 and degree decides: the
    # star's hub (5) before y (3).
    assert adaptive(g, "collective_influence", 3, everyone) == ["a", "s", "y"]
    assert adaptive(g, "degree", 1, everyone) == ["s"]


def brute_force(g: ig.Graph, k: int) -> float:
    return max(fragmentation(g, c) for c in itertools.combinations(g.vs["name"], k))


def test_fragmentation_is_one_minus_efficiency_of_the_rest() -> None:
    g = to_igraph(nx.gnp_random_graph(12, 0.3, seed=2))
    left = to_networkx(g)
    left.remove_nodes_from(["n001", "n005"])
    assert fragmentation(g, ["n001", "n005"]) == pytest.approx(1 - nx.global_efficiency(left))


def test_kpp_neg_finds_the_brute_force_optimum_on_small_graphs() -> None:
    graphs = [nx.gnp_random_graph(10, 0.3, seed=s) for s in range(12)]
    graphs += [nx.barabasi_albert_graph(10, 1, seed=s) for s in range(6)]
    for nxg in graphs:
        g = to_igraph(nxg)
        chosen = key_players(g, 2, set(g.vs["name"]))
        assert fragmentation(g, chosen) == pytest.approx(brute_force(g, 2))


def test_kpp_neg_cuts_three_cells_apart_where_degree_does_not() -> None:
    # Three cells of five (K5), the outer ones tied to the middle one through go-betweens
    # p and q. Every attachment point has degree 5. Degree takes a0 and then b0 (the
    # first names among equals), which leaves b1-q-c0 holding two cells together; the
    # best pair is two attachment points on different sides of the middle cell (better
    # than p and q themselves: it leaves each go-between hanging on one cell, not
    # isolated, but shrinks two cells to four).
    edges = [(f"{c}{i}", f"{c}{j}") for c in "abc" for i, j in itertools.combinations(range(5), 2)]
    edges += [("a0", "p"), ("p", "b0"), ("b1", "q"), ("q", "c0")]
    g = ig.Graph.TupleList(edges, directed=False)
    everyone = set(g.vs["name"])
    chosen = key_players(g, 2, everyone)
    assert set(chosen) in ({"b0", "c0"}, {"a0", "b1"})
    assert fragmentation(g, chosen) == pytest.approx(brute_force(g, 2))
    assert lcc_after(g, chosen) == 6
    by_degree = adaptive(g, "degree", 2, everyone)
    assert by_degree == ["a0", "b0"]
    assert fragmentation(g, by_degree) < fragmentation(g, chosen)
    assert lcc_after(g, by_degree) == 10


def test_kpp_neg_from_sampled_sources_is_nearly_as_good() -> None:
    for seed in range(3):
        g = to_igraph(nx.barabasi_albert_graph(150, 2, seed=seed), seed)
        everyone = set(g.vs["name"])
        exact = key_players(g, 5, everyone, pool=40)
        assert key_players(g, 5, everyone, pool=40, sample=150) == exact
        sampled = key_players(g, 5, everyone, pool=40, sample=40)
        assert fragmentation(g, sampled) >= 0.98 * fragmentation(g, exact)


@pytest.mark.parametrize(
    ("label", "make", "share"),
    [
        ("BA m=1", lambda s: nx.barabasi_albert_graph(300, 1, seed=s), 0.05),
        ("ER <k>=2.5", lambda s: nx.gnp_random_graph(300, 2.5 / 299, seed=s), 0.05),
        ("BA m=2", lambda s: nx.barabasi_albert_graph(300, 2, seed=s), 0.10),
    ],
)
def test_sequential_betweenness_shrinks_the_giant_at_least_as_fast_as_degree(
    label: str, make: Callable[[int], nx.Graph], share: float
) -> None:
    """Holme et al. 2002: recalculated betweenness is the most harmful attack on sparse
    networks. (On BA m=2 the two are level at 5 % removed, 257 vs 257 of 300: the
    difference opens later, so that family is checked at 10 %.)"""
    by: dict[str, list[int]] = {"degree": [], "betweenness": []}
    for seed in range(10):
        g = to_igraph(make(seed), seed)
        k = round(share * g.vcount())
        for measure, sizes in by.items():
            sizes.append(lcc_after(g, adaptive(g, measure, k, set(g.vs["name"]))))
    assert statistics.mean(by["betweenness"]) <= statistics.mean(by["degree"]), label


def test_networks_recover() -> None:
    """Duijn et al. 2014: after re-wiring the network is larger and more efficient again
    than right after the arrests (never less: recovery only adds ties)."""
    gains = []
    for seed in range(5):
        g = to_igraph(nx.barabasi_albert_graph(120, 2, seed=seed), seed)
        plan = disrupt(g, NOTHING, "betweenness", 6, set(g.vs["name"]), runs=4, seed=seed)
        assert plan.recovered.largest_component >= plan.after.largest_component
        assert plan.recovered.efficiency >= plan.after.efficiency - 1e-12
        gains.append(plan.recovered.efficiency - plan.after.efficiency)
    assert statistics.mean(gains) > 0


def money_through_a_quiet_hawaladar() -> tuple[ig.Graph, Business, set[str]]:
    """Two recruiters, each in touch with eight migrants, are the hubs; the fares run from
    two collectors through a hawaladar with three contacts to an organiser abroad who
    knows only him."""
    edges = [("r1", f"m{i}") for i in range(8)] + [("r2", f"m{i}") for i in range(8, 16)]
    edges += [("r1", "c1"), ("r2", "c2"), ("c1", "haw"), ("c2", "haw"), ("haw", "org")]
    edges += [("r1", "r2")]
    g = ig.Graph.TupleList(edges, directed=False)
    g.es["weight"] = [1.0] * g.ecount()
    g.vs["category"] = ["migrant" if n.startswith("m") else "suspect" for n in g.vs["name"]]
    business = Business(
        money=[("c1", "haw", 20_000.0), ("c2", "haw", 20_000.0), ("haw", "org", 40_000.0)],
        sources={"c1": 20_000.0, "c2": 20_000.0},
        organisers=frozenset({"org"}),
        chain=[],
        trips=frozenset(),
        recruiters={"r1": 8.0, "r2": 8.0},
    )
    eligible = {n for n in g.vs["name"] if not n.startswith("m")}
    return g, business, eligible


def test_the_business_model_follows_the_money_past_the_hubs() -> None:
    g, business, eligible = money_through_a_quiet_hawaladar()
    by_degree = disrupt(g, business, "degree", 2, eligible)
    by_business = disrupt(g, business, "business_model", 2, eligible)
    assert set(by_degree.removed) == {"r1", "r2"}
    # Arresting the recruiters hurts only until their collectors take over recruiting.
    assert by_degree.recovered.money_share == pytest.approx(1.0)
    assert by_degree.recovered.recruiting_share == pytest.approx(1.0)
    # Arresting the hawaladar alone is repaired by a collector paying the organiser
    # directly; with the organiser arrested too nobody is left to take his place.
    assert by_business.removed == ("haw", "org")
    assert by_business.recovered.money_share == 0.0
    assert by_business.recovered.money_share < by_degree.recovered.money_share


def test_compare_runs_every_strategy_within_the_eligible() -> None:
    g, business, eligible = money_through_a_quiet_hawaladar()
    plans = compare(g, business, 3, eligible, runs=3)
    assert [p.strategy for p in plans] == list(STRATEGIES)
    for plan in plans:
        assert len(plan.removed) == 3
        assert set(plan.removed) <= eligible
        assert plan.before.money_share == plan.before.largest_component_share == 1.0
        assert plan.after.largest_component == lcc_after(g, list(plan.removed))
    # Too few eligible: a plan takes all there are.
    assert disrupt(g, business, "pagerank", 5, {"r1", "org"}).removed == ("r1", "org")


def test_unknown_strategy_and_bad_k_are_errors() -> None:
    g, business, eligible = money_through_a_quiet_hawaladar()
    with pytest.raises(DisruptionError, match="unknown strategy"):
        disrupt(g, business, "closeness", 2, eligible)
    with pytest.raises(UndertowError, match="k must be at least 1"):
        disrupt(g, business, "degree", 0, eligible)
    with pytest.raises(DisruptionError, match="unknown strategy"):
        compare(g, business, 2, eligible, strategies=("degree", "random"))
