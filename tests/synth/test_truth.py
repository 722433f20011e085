"""truth.json is consistent with the files: every record and every piece of evidence exists."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.synth.conftest import Scenario, mapped_entities

ROLES = {
    "organiser",
    "financier",
    "collector",
    "hawaladar",
    "recruiter",
    "driver",
    "pilot",
    "equipment_buyer",
    "storage_keeper",
    "supplier",
    "launderer",
    "migrant",
    "relative",
    "background",
}
TYPOLOGIES = {
    "fan_in",
    "fan_out",
    "pass_through",
    "structuring",
    "cycle",
    "scatter_gather",
    "gather_scatter",
    "hawala_mirror",
}


def _csv_ids(scenario: Scenario) -> dict[str, set[tuple[str, str]]]:
    """(schema, id) of every entity each CSV export becomes, as FtM's mapper ids them."""
    agency = {"bank_statement": "UK-NCA", "money_transfer": "BE-FJP", "call_records": "DE-BKA"}
    out: dict[str, set[tuple[str, str]]] = {a: set() for a in agency.values()}
    for mapping, code in agency.items():
        for made in mapped_entities(scenario.csv_rows(mapping), mapping):
            out[code] |= set(made.values())
    return out


@pytest.fixture(scope="module")
def csv_ids(small: Scenario) -> dict[str, set[tuple[str, str]]]:
    return _csv_ids(small)


def test_header_and_sections(small: Scenario) -> None:
    truth = small.truth
    assert (truth["seed"], truth["size"], truth["profile"]) == (7, "small", "default")
    assert "params" in truth["generated_with"]
    for key in (
        "people",
        "records",
        "accounts",
        "networks",
        "hub_identifiers",
        "typologies",
        "crossings",
        "equipment",
    ):
        assert truth[key], key
    people = truth["people"]
    assert {p["role"] for p in people.values()} <= ROLES | {"hawaladar"}
    assert {p["category"] for p in people.values()} <= {"suspect", "victim", "other"}
    for p in people.values():
        if p["role"] == "migrant":
            assert p["category"] == "victim"
        if p["network"] and p["kind"] == "person":
            assert p["category"] == "suspect"
        if p["role"] == "pilot":  # migrants who steered: prosecuted, so suspects too
            assert p["category"] == "suspect"
            assert p.get("migrant")


def test_every_record_names_a_true_entity_and_exists(
    small: Scenario, csv_ids: dict[str, set[tuple[str, str]]]
) -> None:
    truth = small.truth
    things = {e["true_id"] for e in truth["equipment"]}
    known = set(truth["people"]) | set(truth["accounts"]) | things
    schemas: Counter[str] = Counter()
    for r in truth["records"]:
        assert r["true_id"] in known, r
        schemas[r["schema"]] += 1
        if r.get("via"):
            usable = (r["schema"], r["entity_id"]) in csv_ids[r["agency"]]
        else:
            entity = small.entities.get((r["agency"], r["entity_id"]))
            usable = entity is not None and entity["schema"] == r["schema"]
        # An unusable record is in no usable line; every other record is.
        assert usable is not r.get("unusable", False), r
    for schema in ("Person", "Company", "LegalEntity", "BankAccount", "Vessel", "Vehicle"):
        assert schemas[schema] > 0, schema
    recorded = {(r["agency"], r["entity_id"]) for r in truth["records"]}
    for (agency, eid), entity in small.entities.items():
        if entity["schema"] in {"Person", "Company", "BankAccount", "Vessel"}:
            assert (agency, eid) in recorded, (agency, eid)


def test_csv_person_records_are_all_in_the_truth(
    small: Scenario, csv_ids: dict[str, set[tuple[str, str]]]
) -> None:
    recorded = {(r["agency"], r["schema"], r["entity_id"]) for r in small.truth["records"]}
    for agency, ids in csv_ids.items():
        for schema, eid in ids:
            if schema in {"Person", "LegalEntity", "Company", "BankAccount"}:
                assert (agency, schema, eid) in recorded, (agency, schema, eid)


def test_typology_evidence_exists(
    small: Scenario, csv_ids: dict[str, set[tuple[str, str]]]
) -> None:
    found: Counter[str] = Counter()
    payment_ids = {a: {i for s, i in ids if s == "Payment"} for a, ids in csv_ids.items()}
    account_ids = {a: {i for s, i in ids if s == "BankAccount"} for a, ids in csv_ids.items()}
    # Evidence the agency had but sent unusable: broken lines, records only in broken rows.
    lost = {(u["agency"], i) for u in small.truth["unusable"] for i in u.get("entity_ids", [])} | {
        (u["agency"], u["entity_id"]) for u in small.truth["unusable"] if u["entity_id"]
    }
    lost |= {(r["agency"], r["entity_id"]) for r in small.truth["records"] if r.get("unusable")}
    for t in small.truth["typologies"]:
        found[t["typology"]] += 1
        assert t["payments"]
        for ref in t["payments"]:
            entity = small.entities.get((ref["agency"], ref["entity_id"]))
            assert (
                (entity is not None and entity["schema"] == "Payment")
                or ref["entity_id"] in payment_ids.get(ref["agency"], set())
                or (ref["agency"], ref["entity_id"]) in lost
            ), ref
        for ref in t["accounts"]:
            entity = small.entities.get((ref["agency"], ref["entity_id"]))
            assert (
                (entity is not None and entity["schema"] == "BankAccount")
                or ref["entity_id"] in account_ids.get(ref["agency"], set())
                or (ref["agency"], ref["entity_id"]) in lost
            ), ref
        assert all(a in small.truth["accounts"] for a in t["true_accounts"])
    assert set(found) >= TYPOLOGIES, found


def test_networks_and_crossings(small: Scenario) -> None:
    truth = small.truth
    people = truth["people"]
    assert len(truth["networks"]) == 3
    for net in truth["networks"]:
        for key in (
            "organisers",
            "financiers",
            "collectors",
            "hawaladars",
            "recruiters",
            "drivers",
            "equipment_buyers",
            "storage_keepers",
            "launderers",
        ):
            assert net[key], key
            role = key[:-1]
            assert all(people[i]["role"] == role for i in net[key] if i not in net.get("mules", []))
        assert any(people[i]["residence"] in {"de", "gb", "iq"} for i in net["organisers"])
    crossings = [c for c in truth["crossings"] if c["network"]]
    assert crossings
    loads = [len(c["people"]) for c in truth["crossings"]]
    assert 40 <= sum(loads) / len(loads) <= 60  # ~50 a boat, as in 2023-24
    assert {c["outcome"] for c in crossings} >= {"arrived", "intercepted"}
