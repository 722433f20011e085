"""Resolution end to end, on the small scenario plus hand-made cases for each rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import entity, person, write_jsonl
from undertow.access import acting_user
from undertow.resolve import pair_scores
from undertow.service import Service, Submission


def canon(svc: Service, entity_id: str) -> str:
    row = svc.store.one("SELECT canonical_id FROM canonical WHERE entity_id = ?", [entity_id])
    assert row is not None
    return str(row[0])


def test_transliteration_variants_are_one_person(resolved: tuple[Service, Path]) -> None:
    svc, _ = resolved
    ids = {canon(svc, e) for e in ("UK-NCA.jk-1", "DE-BKA.jk-2", "FR-OLTIM.jk-3")}
    assert len(ids) == 1


def test_namesakes_with_different_dates_and_phones_stay_apart(
    resolved: tuple[Service, Path],
) -> None:
    svc, _ = resolved
    ids = {canon(svc, e) for e in ("UK-NCA.am-1", "DE-BKA.am-2", "FR-OLTIM.am-3")}
    assert len(ids) == 3


def test_a_shared_shop_phone_links_but_does_not_merge(resolved: tuple[Service, Path]) -> None:
    svc, _ = resolved
    ids = {canon(svc, f"UK-NCA.cust-{i}") for i in range(5)}
    assert len(ids) == 5
    hubs = {r[0] for r in svc.store.fetchall("SELECT value FROM resolve_links")}
    assert "+32470998877" in hubs


def test_a_passport_number_merges_however_the_name_is_spelt(
    resolved: tuple[Service, Path],
) -> None:
    svc, _ = resolved
    assert canon(svc, "UK-NCA.pp-1") == canon(svc, "DE-BKA.pp-2")


def test_holding_one_account_merges_a_payee_with_its_holder(
    resolved: tuple[Service, Path],
) -> None:
    """A statement's payee "GORAN BAKHTIAR" and an intelligence record "Bachtiyar GORAN":
    the name alone leaves them apart; the account both hold (one IBAN, written two ways)
    is what makes them one man."""
    svc, _ = resolved
    assert canon(svc, "UK-NCA.bg-1") == canon(svc, "DE-BKA.bg-2")
    explained = svc.explain("UK-NCA.bg-1", "DE-BKA.bg-2")
    steps = {s.comparison: s for s in explained.steps}
    assert steps["accounts"].level == "an account held in common"
    without_account = explained.match_weight - steps["accounts"].match_weight
    assert 1 / (1 + 2**-without_account) < 0.8 <= explained.match_probability


def test_an_account_many_names_hold_is_a_hub(resolved: tuple[Service, Path]) -> None:
    svc, _ = resolved
    ids = {canon(svc, f"UK-NCA.shop-{i}") for i in range(3)}
    assert len(ids) == 3
    hubs = set(svc.store.fetchall("SELECT key_type, value FROM resolve_links"))
    assert ("held account", "BE71096123456769") in hubs


def test_rerunning_is_stable(resolved: tuple[Service, Path]) -> None:
    svc, _ = resolved
    before = dict(svc.store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    again = svc.resolve()
    assert not again.trained  # the saved model was reused
    assert dict(svc.store.fetchall("SELECT entity_id, canonical_id FROM canonical")) == before


def test_a_negative_judgement_splits_a_cluster(resolved: tuple[Service, Path]) -> None:
    svc, _ = resolved
    svc.store.execute("DELETE FROM judgements")
    try:
        svc.judge("UK-NCA.jk-1", "FR-OLTIM.jk-3", "negative", note="different fathers")
        svc.resolve()
        assert canon(svc, "UK-NCA.jk-1") != canon(svc, "FR-OLTIM.jk-3")
        svc.judge("UK-NCA.jk-1", "FR-OLTIM.jk-3", "positive", note="checked again")
        svc.resolve()
        assert canon(svc, "UK-NCA.jk-1") == canon(svc, "FR-OLTIM.jk-3")
    finally:
        svc.store.execute("DELETE FROM judgements")
        svc.resolve()


def test_explain_shows_each_comparison(resolved: tuple[Service, Path]) -> None:
    svc, _ = resolved
    result = svc.explain("UK-NCA.jk-1", "DE-BKA.jk-2")
    steps = {s.comparison: s for s in result.steps}
    assert steps["birth_date"].level == "same date"
    assert steps["birth_date"].match_weight > 0
    assert steps["name"].match_weight > 0
    assert result.match_probability > 0.9
    apart = svc.explain("UK-NCA.am-1", "DE-BKA.am-2")
    assert {s.comparison: s for s in apart.steps}["birth_date"].match_weight < 0


def test_precision_on_the_scenario(resolved: tuple[Service, Path]) -> None:
    """The issue's precision target on person records; recall is reported in
    bench/RESULTS.md (see the benchmark), not asserted here."""
    svc, truth_path = resolved
    truth = json.loads(truth_path.read_text())
    clusters = dict(svc.store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    persons = {
        f"{r['agency']}.{r['entity_id']}": r["true_id"]
        for r in truth["records"]
        if r["schema"] == "Person" and not r.get("unusable")
    }
    scores = pair_scores(clusters, persons)
    assert scores.precision >= 0.98, scores.to_dict()


def test_no_merge_through_a_hub_identifier(resolved: tuple[Service, Path]) -> None:
    """No cluster joins different people of the scenario only through a hub phone."""
    svc, truth_path = resolved
    truth = json.loads(truth_path.read_text())
    clusters = dict(svc.store.fetchall("SELECT entity_id, canonical_id FROM canonical"))
    persons = {
        f"{r['agency']}.{r['entity_id']}": r["true_id"]
        for r in truth["records"]
        if r["schema"] == "Person" and not r.get("unusable")
    }
    hubs = {r[0] for r in svc.store.fetchall("SELECT value FROM resolve_links")}
    planted = [h for h in truth["hub_identifiers"] if h["type"] == "phone"]
    assert planted
    assert {h["value"] for h in planted if len(h["true_ids"]) >= 3} <= hubs
    for h in planted:
        members = [r for r, t in persons.items() if t in set(h["true_ids"])]
        by_cluster: dict[str, set[str]] = {}
        for r in members:
            by_cluster.setdefault(clusters[r], set()).add(persons[r])
        # Two people in one cluster would have to be joined by something else than the
        # hub: the hub's value is not compared at all.
        assert all(len(people) == 1 for people in by_cluster.values()), h["value"]


def test_users_see_clusters_only_through_their_view(
    resolved: tuple[Service, Path], tmp_path: Path
) -> None:
    svc, _ = resolved
    uk_only = write_jsonl(
        tmp_path / "h.json", [person("jk-4", name="Jafar Karim", birthDate="1991-03-14")]
    )
    svc.ingest_files([uk_only], Submission("UK-NCA", "UK-HIDDEN", "H2", "UK-NCA", "B2"))
    svc.resolve()
    svc.add_user("res.fr", "FR-OLTIM", "analyst")
    fr = Service(svc.store, acting_user(svc.store, "res.fr"), purpose="case")
    target = canon(svc, "FR-OLTIM.jk-3")
    rows = [r for r in fr.clusters() if r["canonical_id"] == target]
    assert {(r["agency"], r["entity_id"]) for r in rows} >= {("FR-OLTIM", "jk-3")}
    assert ("UK-NCA", "jk-4") not in {(r["agency"], r["entity_id"]) for r in rows}
    merged: Any = fr.entity(target)
    assert "UK-NCA.jk-4" not in merged.members
    assert [n.agency for n in merged.notices] == ["UK-NCA"]


def test_passengers_in_common_across_agencies_corroborate_a_name(
    resolved: tuple[Service, Path],
) -> None:
    """Two agencies' records of one crossing name the same man by name alone; once his
    fellow passengers are resolved, the crossing in common merges him."""
    assert_corroborated(
        resolved[0],
        "UK-NCA.hq-1",
        "DE-BKA.hq-2",
        "3 resolved counterparts in common across agencies",
    )


def assert_corroborated(svc: Service, left: str, right: str, level: str) -> None:
    """The pair is merged by its corroboration step (``level``) and not without it."""
    result = svc.explain(left, right)
    step = {s.comparison: s for s in result.steps}["corroboration"]
    assert step.level == level
    assert step.match_weight > 0
    on_their_own = result.match_weight - step.match_weight
    assert 1 / (1 + 2**-on_their_own) < 0.8 <= result.match_probability
    assert canon(svc, left) == canon(svc, right)


def test_a_namesake_on_another_crossing_is_not_corroborated(
    resolved: tuple[Service, Path],
) -> None:
    svc, _ = resolved
    other = svc.explain("UK-NCA.hq-1", "DE-BKA.hq-3")
    step = {s.comparison: s for s in other.steps}["corroboration"]
    assert step.level == "no resolved counterpart in common"
    assert step.match_weight < 0
    assert canon(svc, "DE-BKA.hq-3") != canon(svc, "UK-NCA.hq-1")
    # Within one agency only personal ties are weighed: each of hq-2's fellow passengers
    # is linked to three people, busy, so he has none.
    same = svc.explain("DE-BKA.hq-2", "DE-BKA.hq-3")
    step = {s.comparison: s for s in same.steps}["corroboration"]
    assert (step.level, step.match_weight) == ("no personal counterpart on one side", 0)


def test_corroboration_is_weighed_again_until_the_clusters_stand(
    resolved: tuple[Service, Path], tmp_path: Path
) -> None:
    """A man known by name alone whose one link is an associate known by name alone,
    who crossed with passengers both agencies resolve: the associate is merged by the
    crossing; the man only once the associate is one cluster, a clustering later. What
    explain shows on the final clusters is what decided them."""
    from tests.resolve.conftest import crossing

    svc, _ = resolved
    passengers = [
        ("Hiwa Jalal", "K9003001"),
        ("Shwan Omer", "K9003002"),
        ("Rzgar Aziz", "K9003003"),
    ]
    for agency, n, name, friend in (
        ("UK-NCA", 1, "Bestun HAWRAMI", "Zryan SHAQLAWAYI"),
        ("DE-BKA", 2, "Bestun Hawrami", "Zrjan Schaqlawaji"),
    ):
        aboard = [
            person(f"ch-pax-{i}", name=p, passportNumber=doc)
            for i, (p, doc) in enumerate(passengers)
        ]
        records = [
            *crossing(f"ch-ev-{n}", [person(f"ch-b-{n}", name=name), *aboard]),
            person(f"ch-z-{n}", name=friend),
            entity(f"ch-as-{n}", "Associate", person=f"ch-z-{n}", associate=f"ch-b-{n}"),
        ]
        path = write_jsonl(tmp_path / f"{agency}.json", records)
        svc.ingest_files([path], Submission(agency, f"{agency}-CH", "H0", "all", "B2"))
    svc.resolve()
    assert canon(svc, "UK-NCA.ch-b-1") == canon(svc, "DE-BKA.ch-b-2")
    assert canon(svc, "UK-NCA.ch-z-1") == canon(svc, "DE-BKA.ch-z-2")
    why = svc.explain("UK-NCA.ch-z-1", "DE-BKA.ch-z-2")
    step = {s.comparison: s for s in why.steps}["corroboration"]
    assert step.level == "1 resolved counterpart in common across agencies"
    assert why.match_probability >= 0.8
    (estimate,) = svc.store.fetchall(
        "SELECT corroboration FROM resolution_runs ORDER BY finished_at DESC LIMIT 1"
    )[0]
    assert json.loads(estimate)["rounds"] >= 2


def test_corroboration_is_explained_on_the_readers_view_only(
    resolved: tuple[Service, Path], tmp_path: Path
) -> None:
    """The run weighs a crossing the reader may not see; the reader's explanation counts
    only the links they see, and names no hidden passenger."""
    from tests.resolve.conftest import crossing

    svc, _ = resolved
    passengers = [
        person(f"rb-pax-{i}", name=n, passportNumber=doc)
        for i, (n, doc) in enumerate([("Kosrat Nuri", "K8002001"), ("Pshtiwan Ali", "K8002002")])
    ]
    seen = write_jsonl(
        tmp_path / "uk.json",
        crossing("rb-ev-1", [person("rb-1", name="Rawand Baban"), *passengers]),
    )
    svc.ingest_files([seen], Submission("UK-NCA", "UK-RB", "H0", "all", "B2"))
    named = write_jsonl(tmp_path / "de.json", [person("rb-2", name="Rawand BABAN")])
    svc.ingest_files([named], Submission("DE-BKA", "DE-RB", "H0", "all", "B2"))
    landed = entity("rb-ev-2", "Event", name="Crossing", involved=["rb-2", "rb-pax-0", "rb-pax-1"])
    hidden = write_jsonl(tmp_path / "de-h.json", [*passengers, landed])
    svc.ingest_files([hidden], Submission("DE-BKA", "DE-RB-H", "H2", "DE-BKA", "B2"))
    svc.resolve()
    everything = {s.comparison: s for s in svc.explain("UK-NCA.rb-1", "DE-BKA.rb-2").steps}
    assert everything["corroboration"].match_weight > 0
    svc.add_user("rb.fr", "FR-OLTIM", "analyst")
    fr = Service(svc.store, acting_user(svc.store, "rb.fr"), purpose="case")
    theirs = fr.explain("UK-NCA.rb-1", "DE-BKA.rb-2")
    step = {s.comparison: s for s in theirs.steps}["corroboration"]
    assert (step.level, step.right, step.match_weight) == ("missing on one side", 0, 0.0)
    assert "rb-ev-2" not in json.dumps(theirs.to_dict())


def test_a_store_without_people_resolves_on_identifiers_alone(tmp_path: Path) -> None:
    """Accounts and payments only (a bank's production): no pair of party records for the
    model, and no model trained, but the account both agencies hold is one."""
    from undertow.store import Store

    store = Store.open(tmp_path / "accounts.duckdb")
    svc = Service(store)
    for agency, iban in (
        ("UK-NCA", "GB29 NWBK 6016 1331 9268 19"),
        ("DE-BKA", "GB29NWBK60161331926819"),
    ):
        path = write_jsonl(tmp_path / f"{agency}.json", [entity("acct", "BankAccount", iban=iban)])
        svc.ingest_files([path], Submission(agency, f"{agency}-ACC", "H0", "all", "B2"))
    summary = svc.resolve(retrain=True)
    assert (summary.party_records, summary.pairs, summary.trained) == (0, 0, False)
    assert canon(svc, "UK-NCA.acct") == canon(svc, "DE-BKA.acct")
    store.close()


def test_a_receiver_in_common_within_one_agency_corroborates_a_name(
    resolved: tuple[Service, Path],
) -> None:
    """One shop's ledger: a man written with two phones sends home to his sister both
    times -- the sister, at the far end of both transfers, is a personal counterpart
    and merges him; his namesake sends to someone else and stays apart. The shop, which
    every customer is linked to, counts for neither; the two partner shops that paid
    the sister out do not make her busy (shops are not people)."""
    svc, _ = resolved
    assert_corroborated(
        svc, "BE-FJP.lg-1", "BE-FJP.lg-2", "1 personal counterpart in common within the agency"
    )
    namesake = svc.explain("BE-FJP.lg-1", "BE-FJP.lg-3")
    step = {s.comparison: s for s in namesake.steps}["corroboration"]
    assert step.level == "no personal counterpart in common"
    assert step.match_weight < 0
    assert canon(svc, "BE-FJP.lg-3") != canon(svc, "BE-FJP.lg-1")
    links = dict(svc.store.fetchall("SELECT value, key_type FROM resolve_links"))
    assert links.get("BE-FJP.lg-shop") == "counterpart"
    assert "BE-FJP.lg-sister" not in links


def test_a_personal_counterpart_is_weighed_on_the_readers_view_only(
    resolved: tuple[Service, Path], tmp_path: Path
) -> None:
    """Two ledger lines of one man, released to all; the pay-outs to his brother, which
    make the brother their counterpart, only to the Belgian service. The run (which
    sees everything) merges him by the brother; a French analyst's explanation neither
    weighs nor names the brother."""
    from tests.resolve.conftest import LEDGER_SHOP, transfer

    svc, _ = resolved
    sent = [
        person("lh-1", name="Soran Bakr", phone="+32 470 66 55 41"),
        person("lh-2", name="Soran Bakr", phone=LEDGER_SHOP),
        person("lh-brother", name="Dlovan Bakr", phone="+964 750 999 8877"),
    ]
    pay_ins, pay_outs = [], []
    for number, sender in (("LH-1", "lh-1"), ("LH-2", "lh-2")):
        pay_in, pay_out = transfer(number, sender, "lh-brother", "2024-04-01", "lg-erbil-1")
        pay_ins.append(pay_in)
        pay_outs.append(pay_out)
    shared = write_jsonl(tmp_path / "lh.json", [*sent[:2], *pay_ins])
    svc.ingest_files([shared], Submission("BE-FJP", "BE-LH", "H0", "all", "B2"))
    kept = write_jsonl(tmp_path / "lh-h.json", [sent[2], *pay_outs])
    svc.ingest_files([kept], Submission("BE-FJP", "BE-LH-H", "H2", "BE-FJP", "B2"))
    svc.resolve()
    assert_corroborated(
        svc, "BE-FJP.lh-1", "BE-FJP.lh-2", "1 personal counterpart in common within the agency"
    )
    svc.add_user("lh.fr", "FR-OLTIM", "analyst")
    fr = Service(svc.store, acting_user(svc.store, "lh.fr"), purpose="case")
    theirs = fr.explain("BE-FJP.lh-1", "BE-FJP.lh-2")
    step = {s.comparison: s for s in theirs.steps}["corroboration"]
    assert (step.level, step.match_weight) == ("no personal counterpart on one side", 0.0)
    assert "lh-brother" not in json.dumps(theirs.to_dict())
