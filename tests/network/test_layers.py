"""The multi-layer graph from a real store: each layer, its weights and dates, scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow.compute as pc
import pytest

from tests.network.conftest import MIGRANT_NAMES
from undertow.network.layers import build_layers
from undertow.network.project import UnknownLayerError, project
from undertow.store import Store
from undertow.store.scope import Scope


def node_of(store: Store, local: str, agency: str = "UK-NCA") -> str:
    return str(
        store.scalar(
            "SELECT canonical_id FROM canonical WHERE entity_id = ?", [f"{agency}.{local}"]
        )
    )


def ties(edges: Any, layer: str) -> set[tuple[str, str]]:
    chosen = edges.filter(pc.equal(edges.column("layer"), layer))
    return set(
        zip(chosen.column("source").to_pylist(), chosen.column("target").to_pylist(), strict=True)
    )


def test_every_layer_from_the_records(net_store: Store) -> None:
    layers = build_layers(net_store, Scope.everything())
    n = {k: node_of(net_store, k) for k in ("org", "col", "buyer", "pilot", "driver", "friend")}
    n.update({k: node_of(net_store, k) for k in ("sup", "v-1", "eng", "van", "store", "trip-1")})
    e = layers.edges
    assert (n["org"], n["col"]) in ties(e, "call")
    # A number with no party record of its own is a node of its own.
    assert (n["buyer"], "+447911123499") in ties(e, "call")
    assert (n["col"], n["org"]) in ties(e, "payment")
    assert {tuple(sorted((n["col"], n["buyer"])))} <= {tuple(sorted(t)) for t in ties(e, "family")}
    assert (n["driver"], n["van"]) in ties(e, "ownership")
    # Pilot and friend carry the same (camp) phone and were not merged on it.
    assert n["pilot"] != n["friend"]
    assert tuple(sorted((n["pilot"], n["friend"]))) in ties(e, "shared_phone")
    # The pilot and five migrants crossed together: every pair of them.
    assert len(ties(e, "copresence")) == 15
    chain = ties(e, "equipment")
    assert (n["sup"], n["buyer"]) in chain  # supplier -> buyer (linked and paid)
    assert (n["buyer"], n["store"]) in chain  # buyer -> storage
    assert (n["store"], n["van"]) in chain  # a transport leaves the storage place
    assert (n["eng"], n["v-1"]) in chain  # engine -> vessel
    assert (n["v-1"], n["trip-1"]) in chain  # vessel -> crossing
    # Weights and dates: EUR for money, calls with their seconds.
    fares = e.filter(pc.equal(e.column("layer"), "payment")).to_pylist()
    into_col = [r for r in fares if r["target"] == n["col"]]
    assert sum(r["weight"] for r in into_col) == pytest.approx(12_500)
    call = next(r for r in e.to_pylist() if r["layer"] == "call" and r["source"] == n["org"])
    assert call["duration"] == 120
    assert call["first"] == dt.date(2024, 5, 20)


def test_projection_chooses_layers_and_window(net_store: Store) -> None:
    layers = build_layers(net_store, Scope.everything())
    money = project(layers.edges, layers.nodes, ["payment"])
    assert set(money.es["layers"][0]) == {"payment"}
    late = project(layers.edges, layers.nodes, ["payment", "family"], since=dt.date(2024, 5, 20))
    names = set(late.vs["label"])
    assert "Rebwar Kaka Hama" in names  # paid on 25 May
    assert not names & set(MIGRANT_NAMES)  # fares paid 1-5 May
    assert "Dara Kaka Ali" in names  # an undated family tie holds at any time
    with pytest.raises(UnknownLayerError, match="telepathy"):
        project(layers.edges, layers.nodes, ["telepathy"])


def test_a_reader_never_sees_the_hidden_banker(net_store: Store) -> None:
    mine = build_layers(net_store, Scope.of_agency("DE-BKA"))
    assert "Verdeckter Bankier" in set(mine.nodes.column("name").to_pylist())
    theirs = build_layers(net_store, Scope.of_agency("UK-NCA"))
    text = str(theirs.edges.to_pylist()) + str(theirs.nodes.to_pylist())
    assert "Bankier" not in text
    assert "banker" not in text
    # The organiser's node is the UK record's canonical id either way: the DE record
    # matched to it is not shown to the UK reader by any other name.
    assert node_of(net_store, "org") in set(theirs.nodes.column("node").to_pylist())
