"""The business measures and the recovery model, on hand-built networks with known answers."""

from __future__ import annotations

import random

import igraph as ig
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undertow.network.business import (
    Business,
    earnings,
    money_reaching,
    money_through,
    recruiting,
    trips_supplied,
)
from undertow.network.disrupt import assess_plan
from undertow.network.recovery import adjacency, inherit, members, recover, rewired


def business(
    money: list[tuple[str, str, float]] | None = None,
    sources: dict[str, float] | None = None,
    organisers: tuple[str, ...] = (),
    chain: list[tuple[str, str]] | None = None,
    trips: tuple[str, ...] = (),
    recruiters: dict[str, float] | None = None,
) -> Business:
    return Business(
        money=money or [],
        sources=sources or {},
        organisers=frozenset(organisers),
        chain=chain or [],
        trips=frozenset(trips),
        recruiters=recruiters or {},
    )


def graph(edges: list[tuple[str, str]], migrants: tuple[str, ...] = ()) -> ig.Graph:
    g = ig.Graph.TupleList(edges, directed=False)
    g.es["weight"] = [1.0] * g.ecount()
    g.vs["category"] = ["migrant" if n in migrants else "suspect" for n in g.vs["name"]]
    return g


# The customers pay the collector; the collector pays the hawaladar, who pays out to the
# organiser.
HAWALA = business(
    money=[("col", "haw", 1000.0), ("haw", "org", 1000.0)],
    sources={"col": 1000.0},
    organisers=("org",),
)


def test_money_runs_down_a_chain_to_the_organiser() -> None:
    reached = money_reaching(HAWALA)
    assert reached == pytest.approx({"col": 1000.0, "haw": 1000.0, "org": 1000.0})
    assert earnings(HAWALA).money == pytest.approx(1000.0)


def test_a_node_passes_on_only_the_share_it_paid_out() -> None:
    # The collector takes 1000 in fares and pays 600 on (keeps 400); the hawaladar's
    # records show 900 paid out of 600 received, but he cannot pass on more than reached him.
    b = business(
        money=[("col", "haw", 600.0), ("col", "shop", 200.0), ("haw", "org", 900.0)],
        sources={"col": 1000.0},
        organisers=("org",),
    )
    reached = money_reaching(b)
    assert reached["haw"] == pytest.approx(600.0)
    assert reached["shop"] == pytest.approx(200.0)
    assert reached["org"] == pytest.approx(600.0)


def test_a_fare_split_by_a_shop_that_paid_only_part_on() -> None:
    # 2000 reaches the shop from two collectors; it paid 500 to the organiser and 500 to a
    # courier (half of its inflow): a quarter of what reached it goes each way.
    b = business(
        money=[
            ("c1", "shop", 1500.0),
            ("c2", "shop", 500.0),
            ("shop", "org", 500.0),
            ("shop", "courier", 500.0),
            ("courier", "org", 500.0),
        ],
        sources={"c1": 1500.0, "c2": 500.0},
        organisers=("org",),
    )
    assert money_reaching(b)["org"] == pytest.approx(1000.0)
    # The courier carries half the organiser-bound money: half of 1000.
    assert money_through(b)["courier"] == pytest.approx(500.0)
    assert money_through(b)["shop"] == pytest.approx(1000.0)


def test_a_hawala_mirror_cycle_terminates_at_its_fixed_point() -> None:
    # h1 -> h2 1000, h2 -> h1 500 (the mirror), h2 -> org 500. h1 receives 1500 in all
    # and pays 1000: passes on 2/3. h2 passes on everything, half back to h1. So
    # x(h1) = 1000 + x(h2) / 2 and x(h2) = 2/3 x(h1): x(h1) = 1500, x(h2) = 1000, and
    # the organiser gets 500 (h1 keeps the other 500 of the 1000 that entered).
    b = business(
        money=[
            ("col", "h1", 1000.0),
            ("h1", "h2", 1000.0),
            ("h2", "h1", 500.0),
            ("h2", "org", 500.0),
        ],
        sources={"col": 1000.0},
        organisers=("org",),
    )
    reached = money_reaching(b)
    assert reached["h1"] == pytest.approx(1500.0)
    assert reached["h2"] == pytest.approx(1000.0)
    assert reached["org"] == pytest.approx(500.0)


def test_an_arrested_middleman_cuts_the_money_and_holds_it() -> None:
    gone = frozenset({"haw"})
    assert earnings(HAWALA, gone).money == 0.0
    assert money_reaching(HAWALA, gone)["haw"] == pytest.approx(1000.0)  # seized


def test_recovery_reroutes_the_money_through_the_successor() -> None:
    # The collector is the hawaladar's best-connected contact (he also knows two
    # migrants): he takes over, and pays the organiser himself.
    g = graph(
        [("col", "haw"), ("haw", "org"), ("col", "m1"), ("col", "m2")],
        migrants=("m1", "m2"),
    )
    plan = assess_plan(g, HAWALA, "by hand", ["haw"], recovery_p=0.8, runs=5)
    assert plan.after.money_share == 0.0
    # Four contacts in five find the new hawaladar: 80% of the money flows again.
    assert plan.recovered.money_share == pytest.approx(0.8)
    rec = recover(adjacency(g), ["haw"], p=1.0, rng=random.Random(1), members=members(g))
    assert rec.successors == {"haw": "col"}
    assert rec.links == {("col", "org")}
    # His own money and the hawaladar's line stay apart: the line passes on what the
    # hawaladar did, in the share of his contacts who find the collector.
    after = inherit(HAWALA, rec.successors, 0.5)
    assert after.money == [("col", "col/haw", 1000.0), ("col/haw", "org", 1000.0)]
    assert after.kept_up == {"col/haw": 0.5}
    assert earnings(after, frozenset({"haw"})).money == pytest.approx(500.0)


def test_an_arrested_organiser_is_succeeded_by_his_contact() -> None:
    g = graph([("col", "haw"), ("haw", "org")])
    rec = recover(adjacency(g), ["org"], p=0.8, rng=random.Random(1))
    assert rec.successors == {"org": "haw"}
    after = inherit(HAWALA, rec.successors)
    assert after.organisers == {"haw/org"}
    assert earnings(after, frozenset({"org"})).money == pytest.approx(1000.0)


def test_no_successor_when_every_contact_is_gone() -> None:
    g = graph([("col", "haw"), ("haw", "org")])
    plan = assess_plan(g, HAWALA, "by hand", ["haw", "org"], runs=3)
    # The organiser's only contact was arrested first: his money stays seized.
    assert plan.recovered.money_share == 0.0


def test_migrants_never_take_over() -> None:
    # The migrants are the arrested collector's best-connected contacts (they know each
    # other); the less connected hawaladar takes over all the same.
    g = graph(
        [("m1", "col"), ("m2", "col"), ("m1", "m2"), ("m1", "m3"), ("col", "haw")],
        migrants=("m1", "m2", "m3"),
    )
    rec = recover(adjacency(g), ["col"], p=1.0, rng=random.Random(1), members=members(g))
    assert rec.successors == {"col": "haw"}
    assert rec.links == {("haw", "m1"), ("haw", "m2")}


def test_contacts_who_do_not_follow_the_successor_join_their_hub() -> None:
    # v's contacts a and b are equally connected: a (first by name) succeeds. With p = 0
    # b links to the best-connected member of its own component, z; with p = 1, to a.
    g = graph(
        [
            ("v", "a"),
            ("v", "b"),
            ("a", "x"),
            ("x", "x2"),
            ("x", "x3"),
            ("b", "y"),
            ("y", "z"),
            ("z", "w"),
            ("z", "u"),
        ]
    )
    rec = recover(adjacency(g), ["v"], p=0.0, rng=random.Random(1))
    assert rec.successors == {"v": "a"}
    assert rec.links == {("b", "z")}
    rewired_graph = rewired(g, {"v"}, rec)
    assert "v" not in rewired_graph.vs["name"]
    assert rewired_graph.ecount() == g.ecount() - 2 + 1
    assert rewired_graph.are_adjacent("b", "z")
    assert recover(adjacency(g), ["v"], p=1.0, rng=random.Random(1)).links == {("a", "b")}


def test_a_contact_that_is_its_components_hub_joins_the_runner_up() -> None:
    # v's arrest leaves two pieces: h's (h succeeds: four runners) and c's, where c is
    # level with y on three ties but first by name. With p = 0 c looks for the
    # best-connected of the *others* in its piece: y, two steps away.
    heir_side = [("v", "h"), ("h", "h1"), ("h", "h2"), ("h", "h3"), ("h", "h4")]
    other_side = [("v", "c"), ("c", "x1"), ("c", "x2"), ("c", "x3"), ("x1", "y")]
    g = graph([*heir_side, *other_side, ("y", "y1"), ("y", "y2")])
    rec = recover(adjacency(g), ["v"], p=0.0, rng=random.Random(1))
    assert rec.successors == {"v": "h"}
    assert rec.links == {("c", "y")}


SUPPLY = business(
    chain=[
        ("sup", "buyer"),
        ("buyer", "store1"),
        ("buyer", "store2"),
        ("store1", "t1"),
        ("store1", "t2"),
        ("store2", "t3"),
    ],
    trips=("t1", "t2", "t3"),
)


def test_removing_the_only_buyer_cuts_every_trip() -> None:
    assert trips_supplied(SUPPLY) == 3
    assert trips_supplied(SUPPLY, frozenset({"buyer"})) == 0
    assert trips_supplied(SUPPLY, frozenset({"store2"})) == 2
    # The supplier is the chain's only source: without it nobody supplies, however the
    # buyer's own standing in the chain looks once the supplier is gone.
    assert trips_supplied(SUPPLY, frozenset({"sup"})) == 0


def test_recovery_through_a_successor_restores_the_trips() -> None:
    # The supplier's firm knows the buyer, and so do a driver and his mate; the supplier
    # is the buyer's best-connected contact and takes over buying.
    g = graph(
        [
            ("sup", "buyer"),
            ("sup", "agent1"),
            ("sup", "agent2"),
            ("buyer", "store1"),
            ("buyer", "driver"),
            ("store1", "store2"),
        ]
    )
    plan = assess_plan(g, SUPPLY, "by hand", ["buyer"], runs=4)
    assert plan.after.trips_share == 0.0
    assert plan.recovered.trips_share == pytest.approx(1.0)
    assert plan.recovered.trips_supplied == pytest.approx(3.0)


def test_recruiting_capacity_moves_to_the_successor() -> None:
    b = business(recruiters={"r1": 30.0, "r2": 10.0})
    assert recruiting(b, frozenset({"r1"})) == pytest.approx(10.0)
    g = graph([("r1", "col"), ("r1", "m1"), ("col", "x")], migrants=("m1",))
    plan = assess_plan(g, b, "by hand", ["r1"], runs=3)
    assert plan.after.recruiting_share == pytest.approx(0.25)
    assert plan.recovered.recruiting_share == pytest.approx(1.0)


# Random money graphs: cycles, partial pass-on, several organisers.
payments = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(1.0, 1000.0, allow_nan=False)),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(
    payments,
    st.dictionaries(st.integers(0, 7), st.floats(0.0, 1000.0), max_size=4),
    st.sets(st.integers(0, 7), max_size=2),
    st.sets(st.integers(0, 7), max_size=3),
)
def test_money_propagation_solves_its_definition(
    paid: list[tuple[int, int, float]],
    entering: dict[int, float],
    organisers: set[int],
    removed: set[int],
) -> None:
    b = business(
        money=[(f"n{a}", f"n{c}", eur) for a, c, eur in paid],
        sources={f"n{a}": eur for a, eur in entering.items()},
        organisers=tuple(f"n{o}" for o in organisers),
    )
    gone = frozenset(f"n{r}" for r in removed)
    reached = money_reaching(b, gone)
    # The definition, in plain Python: what reaches v is its customers' money plus, for
    # every payment u -> v, u's pass-on share times the payment's part of u's payments.
    total: dict[tuple[str, str], float] = {}
    for a, c, eur in b.money:
        if a != c:
            total[a, c] = total.get((a, c), 0.0) + eur
    inflow = dict(b.sources)
    outflow: dict[str, float] = {}
    for (a, c), eur in total.items():
        inflow[c] = inflow.get(c, 0.0) + eur
        outflow[a] = outflow.get(a, 0.0) + eur
    for v, x in reached.items():
        expected = b.sources.get(v, 0.0)
        for (a, c), eur in total.items():
            if c != v or a in b.organisers or a in gone:
                continue
            passes = min(1.0, outflow[a] / inflow[a]) if inflow.get(a, 0.0) > 0 else 0.0
            expected += reached[a] * passes * eur / outflow[a]
        assert x == pytest.approx(expected, rel=1e-6, abs=1e-6)
    # Nothing is created: the organisers get at most what the customers paid, and an
    # arrest never increases it.
    assert earnings(b, gone).money <= sum(b.sources.values()) + 1e-6
    assert earnings(b, gone).money <= earnings(b).money + 1e-6


def naive_recovery(
    neighbours: dict[str, set[str]],
    removed: list[str],
    p: float,
    rng: random.Random,
    able: frozenset[str],
) -> tuple[dict[str, str | None], set[tuple[str, str]]]:
    """The recovery model as the module docstring states it, searching every time."""
    gone = set(removed)
    adj = {u: vs - gone for u, vs in neighbours.items() if u not in gone}

    def rank(u: str) -> tuple[int, str]:
        return (-len(adj[u]), u)

    def hub(start: str) -> str | None:
        seen, todo = {start}, [start]
        while todo:
            for nxt in adj[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        others = [u for u in seen if u != start and u in able]
        return min(others, key=rank) if others else None

    successors: dict[str, str | None] = {}
    links: set[tuple[str, str]] = set()
    for v in removed:
        contacts = sorted(c for c in neighbours[v] if c in adj)
        heirs = [c for c in contacts if c in able]
        heir = min(heirs, key=rank) if heirs else None
        successors[v] = heir
        for c in contacts:
            if c == heir:
                continue
            target = heir if heir is not None and rng.random() < p else hub(c)
            if target is not None and target != c and target not in adj[c]:
                adj[c].add(target)
                adj[target].add(c)
                links.add((min(c, target), max(c, target)))
    return successors, links


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.0, 0.3, 0.8, 1.0]))
def test_recovery_matches_a_naive_reading_of_the_model(seed: int, p: float) -> None:
    rng = random.Random(seed)
    n = rng.randint(5, 40)
    pairs = {tuple(sorted(rng.sample(range(n), 2))) for _ in range(rng.randint(0, 2 * n))}
    g = ig.Graph(n=n, edges=sorted(pairs))
    g.vs["name"] = [f"v{i:02d}" for i in range(n)]
    g.vs["category"] = ["migrant" if rng.random() < 0.2 else "suspect" for _ in range(n)]
    removed = rng.sample(g.vs["name"], rng.randint(1, max(1, n // 4)))
    neighbours = adjacency(g)
    able = members(g)
    ours = recover(neighbours, removed, p=p, rng=random.Random(seed), members=able)
    theirs = naive_recovery(neighbours, removed, p, random.Random(seed), able)
    assert (ours.successors, set(ours.links)) == theirs


@settings(max_examples=150, deadline=None)
@given(
    edges=st.lists(
        st.tuples(
            st.sampled_from("abcdef"),
            st.sampled_from("abcdefo"),
            st.floats(min_value=1.0, max_value=1e4),
        ),
        min_size=1,
        max_size=14,
    ),
    arrested=st.lists(st.sampled_from("abcdefo"), min_size=1, max_size=3, unique=True),
    p=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(0, 1000),
)
def test_recovery_never_moves_more_money_than_the_intact_network(
    edges: list[tuple[str, str, float]], arrested: list[str], p: float, seed: int
) -> None:
    """Whoever takes over, the organisers never get more than before the arrests."""
    b = business(money=edges, sources={"a": 1000.0, "b": 500.0}, organisers=("o",))
    ties = [(x, y) for x, y, _ in edges if x != y]
    if not ties:
        return
    g = graph(ties)
    gone = [n for n in arrested if n in g.vs["name"]]
    rec = recover(adjacency(g), gone, p=p, rng=random.Random(seed), members=members(g))
    intact = earnings(b).money
    assert earnings(inherit(b, rec.successors, p), frozenset(gone)).money <= intact * (1 + 1e-9)
