"""Classical attacks reproduce a published result on a public network.

Padgett & Ansell (1993, "Robust action and the rise of the Medici", Am. J. Sociol.
98:1259) read the Medici's rise in Renaissance Florence from the marriage network of its
elite families (shipped with networkx): the Medici were the brokers between otherwise
unconnected families. Their betweenness is 0.522, twice the next family's (Guadagni,
0.255), and without them the network falls apart into three pieces (Acciaiuoli alone;
Pazzi with Salviati; the rest). A brokerage attack must find the Medici first.
"""

from __future__ import annotations

import igraph as ig
import networkx as nx
import pytest

from undertow.network.damage import largest_component
from undertow.network.strategies import adaptive, scores


@pytest.fixture
def florence() -> ig.Graph:
    g = ig.Graph.from_networkx(nx.florentine_families_graph())
    g.vs["name"] = g.vs["_nx_name"]
    g.es["weight"] = [1.0] * g.ecount()
    return g


def test_the_medici_are_the_brokers(florence: ig.Graph) -> None:
    n = florence.vcount()
    normalised = [b / ((n - 1) * (n - 2) / 2) for b in scores(florence, "betweenness")]
    by_name = dict(zip(florence.vs["name"], normalised, strict=True))
    assert by_name["Medici"] == pytest.approx(0.522, abs=5e-4)
    assert by_name["Guadagni"] == pytest.approx(0.255, abs=5e-4)
    assert adaptive(florence, "betweenness", 1, set(florence.vs["name"])) == ["Medici"]


def test_without_the_medici_florence_falls_apart(florence: ig.Graph) -> None:
    rest = florence.copy()
    rest.delete_vertices(rest.vs.find(name="Medici").index)
    pieces = sorted((sorted(rest.vs[c]["name"]) for c in rest.connected_components()), key=len)
    assert pieces[:2] == [["Acciaiuoli"], ["Pazzi", "Salviati"]]
    assert len(pieces) == 3
    assert largest_component(rest) == 11


def test_a_sequential_attack_on_the_brokers_beats_leaving_them(florence: ig.Graph) -> None:
    everyone = set(florence.vs["name"])
    chosen = adaptive(florence, "betweenness", 3, everyone)
    rest = florence.copy()
    rest.delete_vertices([v.index for v in rest.vs if v["name"] in chosen])
    # Three arrests leave no piece bigger than four families of the fifteen.
    assert chosen[:2] == ["Medici", "Guadagni"]
    assert largest_component(rest) <= 4
