"""Roles, communities and key players on the hand-built network, through the service."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import person, write_jsonl
from undertow.access import Principal, Role
from undertow.errors import ConfigError
from undertow.service import Service, Submission
from undertow.store import Store


def node_of(store: Store, local: str) -> str:
    return str(
        store.scalar("SELECT canonical_id FROM canonical WHERE entity_id = ?", [f"UK-NCA.{local}"])
    )


def uk(store: Store) -> Service:
    return Service(store, Principal("analyst.uk", "UK-NCA", Role.ANALYST), purpose="op test")


def test_each_role_from_its_evidence(net_store: Store) -> None:
    roles = {r.node: r for r in uk(net_store).roles()}
    expected = {
        "pilot": "pilot",
        "driver": "driver",
        "buyer": "logistics",
        "sup": "logistics",
        "col": "collector",
        "org": "organiser",
        "m-1": "customer",
        "m-5": "customer",
    }
    got = {local: roles[node_of(net_store, local)].role for local in expected}
    assert got == expected
    # The features behind a label are shown with it.
    collector = roles[node_of(net_store, "col")]
    assert collector.features["payers"] == 5
    assert collector.features["eur_in"] == pytest.approx(12_500)
    assert "first-hand" in collector.reason
    assert collector.features["first_hand"] is True


def test_key_players_never_list_customers(net_store: Store) -> None:
    rows = uk(net_store).key_players(20)
    roles = {r.role for r in rows}
    assert "customer" not in roles
    assert rows[0].canonical_id in {node_of(net_store, "org"), node_of(net_store, "col")}
    assert all({"money", "brokerage", "pagerank", "reason"} <= set(r.features) for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)


def test_communities_list_members_by_role(net_store: Store) -> None:
    found = uk(net_store).communities(["call", "payment", "family", "equipment", "copresence"])
    assert found.count == len(set(found.membership.values())) >= 2
    assert 0.0 < found.modularity <= 1.0
    # Organiser and collector call and pay each other: one community.
    assert (
        found.membership[node_of(net_store, "org")] == found.membership[node_of(net_store, "col")]
    )
    # The crossing's passengers are listed together, under their role.
    boat = found.membership[node_of(net_store, "m-1")]
    listed = next(c for c in found.communities if c.id == boat)
    assert len(listed.roles["customer"]) == 5
    assert all(c.size >= 3 for c in found.communities)
    assert [c.size for c in found.communities] == sorted(
        (c.size for c in found.communities), reverse=True
    )


def test_a_hidden_banker_is_never_analysed_for_others(net_store: Store) -> None:
    text = repr(uk(net_store).roles()) + repr(uk(net_store).key_players(50))
    assert "Bankier" not in text
    de = Service(net_store, Principal("analyst.de", "DE-BKA", Role.ANALYST), purpose="op test")
    assert any(r.name == "Verdeckter Bankier" for r in de.roles())


def test_network_analyses_need_a_purpose_and_are_audited(net_store: Store) -> None:
    svc = Service(net_store, Principal("analyst.uk", "UK-NCA", Role.ANALYST))
    with pytest.raises(ConfigError, match="purpose"):
        svc.key_players()
    rows = uk(net_store).key_players(3)
    entries = uk(net_store).audit.entries(action="network_keyplayers")
    assert [e.outcome for e in entries] == ["error: ConfigError", "ok"]
    assert entries[-1].purpose == "op test"
    assert set(entries[-1].entity_ids) == {r.canonical_id for r in rows}


def test_disruption_plans_through_the_service(net_store: Store) -> None:
    plans = uk(net_store).disrupt(2)
    assert [p.strategy for p in plans] == [
        "degree",
        "betweenness",
        "pagerank",
        "collective_influence",
        "kpp_neg",
        "business_model",
    ]
    migrants = {node_of(net_store, m) for m in ("m-1", "m-2", "m-3", "m-4", "m-5")}
    for plan in plans:
        assert len(plan.removed) == 2
        assert not set(plan.removed) & migrants  # customers are never targets
        assert len(plan.labels) == 2
        assert plan.recovered.money_share <= 1.0 + 1e-9
        assert plan.after.largest_component <= plan.before.largest_component
    # The collector takes every fare and pays the organiser: the business model cuts the
    # organiser's money by arresting on the money's path.
    business = next(p for p in plans if p.strategy == "business_model")
    assert business.after.money_share < 1.0
    assert "Verdeckter Bankier" not in repr(plans)
    with pytest.raises(ConfigError, match="strateg"):
        uk(net_store).disrupt(2, ["astrology"])


def test_a_session_reads_the_network_once_and_again_after_a_change(
    net_store: Store, tmp_path: Path
) -> None:
    svc = uk(net_store)
    first = svc._network()
    assert svc._network() is first
    extra = write_jsonl(tmp_path / "more.json", [person("late", name="Newcomer Sardar")])
    svc.ingest_files([extra], Submission("UK-NCA", "R-2", "H1", "all", "B2"))
    assert svc._network() is not first


def test_money_alone_from_one_payer_is_no_organiser() -> None:
    """A migrant's relative paid out by hawala keeps customer money too: near the top of
    the money ranking, but with no tie to the network beyond it and one payer."""
    from undertow.network.roles import classify

    money = {"behind_scenes": 900.0, "passes_on": 0.0, "payers": 1, "degree_payment": 1}
    feats = {
        "boss": {**money, "behind_scenes": 1000.0, "degree_call": 2},
        "relative": dict(money),
        "fed": {**money, "payers": 6, "degree_payment": 6},
    }
    roles = classify(feats, {}, dict.fromkeys(feats, "Person"), set())
    assert {n: r.role for n, r in roles.items()} == {
        "boss": "organiser",
        "relative": "other",
        "fed": "organiser",
    }


def test_who_pays_a_fare_for_a_migrant_is_never_a_target(tmp_path: Path) -> None:
    """A migrant's relative pays the collector for the crossing: the customers' side of
    the fare, not the business, however much organiser-bound money starts there."""
    from tests.conftest import entity
    from tests.network.conftest import uk_records
    from undertow.network.analyses import network_view
    from undertow.store.scope import Scope

    mother = [
        # The migrant names the collector as whom his fare was paid to.
        entity("l-named", "UnknownLink", subject="m-1", object="col", role="fare paid to"),
        person("mum", name="Zeynab Nouri"),
        entity(
            "fare-mum",
            "Payment",
            payer="mum",
            beneficiary="col",
            amount="9000",
            currency="EUR",
            date="2024-05-06",
        ),
    ]
    path = write_jsonl(tmp_path / "uk.json", [*uk_records(), *mother])
    store = Store.open(tmp_path / "n.duckdb")
    svc = Service(store)
    svc.ingest_files([path], Submission("UK-NCA", "R-1", "H1", "all", "B2"))
    svc.resolve(retrain=True)
    view = network_view(store, Scope.everything())
    graph = view.graph()
    assert node_of(store, "mum") in view.fare_payers
    assert node_of(store, "mum") not in view.eligible(graph)
    assert node_of(store, "col") in view.eligible(graph)
    store.close()


def test_the_business_is_bound_for_the_money_rankings_first_rows(net_store: Store) -> None:
    """Where the profit ends up, for the business-model strategy: the people labelled
    organiser or financier, and those the behind-the-scenes money ranking puts first
    (the role rules read where money stops and miss organisers paid through a shop)."""
    from undertow.flows import RANK_TOP
    from undertow.network.analyses import business, network_view
    from undertow.store.scope import Scope

    view = network_view(net_store, Scope.everything())
    bound = business(view).organisers
    ranked = sorted(view.behind, key=lambda n: -view.behind[n])[:RANK_TOP]
    assert ranked
    assert set(ranked) <= bound
    labelled = {n for n, r in view.roles.items() if r.role in ("organiser", "financier")}
    assert bound == labelled | set(ranked)
    # Here the banker the organiser pays (no role beyond "other") is among them.
    assert set(ranked) - labelled
