"""The scenario has the properties the analytics will be judged on."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import phonenumbers
import pytest

from tests.synth.conftest import Scenario, mapped_entities

_REGION = {
    "UK-NCA": "GB",
    "UK-HOIE": "GB",
    "DE-BKA": "DE",
    "DE-BPOL": "DE",
    "FR-OLTIM": "FR",
    "NL-KMAR": "NL",
    "BE-FJP": "BE",
    "EU-EUROPOL": "NL",
    "EU-FRONTEX": "PL",
}
TOP = {"organiser", "financier"}
CUSTOMERS = {"migrant", "relative"}


def e164(raw: str, region: str) -> str:
    return phonenumbers.format_number(
        phonenumbers.parse(raw, region), phonenumbers.PhoneNumberFormat.E164
    )


def _true_ids(s: Scenario) -> dict[tuple[str, str], str]:
    return {(r["agency"], r["entity_id"]): r["true_id"] for r in s.truth["records"]}


def _role(s: Scenario, true_id: str | None) -> str | None:
    person = s.truth["people"].get(true_id or "")
    return person["role"] if person else None


def _names(s: Scenario) -> dict[str, list[tuple[str, str]]]:
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    ids = _true_ids(s)
    for (agency, eid), entity in s.entities.items():
        if entity["schema"] == "Person" and (agency, eid) in ids:
            names[ids[(agency, eid)]].append((agency, entity["properties"]["name"][0]))
    return names


def test_sizes_of_the_small_scenario(small: Scenario) -> None:
    s = small.summary
    assert s.networks == 3
    assert 3_000 <= s.person_records <= 6_000
    assert 10_000 <= s.payments <= 30_000
    assert s.seconds < 15


def test_agencies_transliterate_the_same_person_differently(small: Scenario) -> None:
    people = small.truth["people"]
    multi = differ = 0
    for true_id, names in _names(small).items():
        agencies = {a for a, _ in names}
        if len(agencies) < 2 or people[true_id]["nationality"] not in {"iq", "ir", "af", "sy"}:
            continue
        multi += 1
        keys = {" ".join(sorted(re.sub(r"[,.]", " ", n).casefold().split())) for _, n in names}
        differ += len(keys) > 1
    assert multi >= 20
    assert differ / multi > 0.6
    german = [n for ns in _names(small).values() for a, n in ns if a.startswith("DE-")]
    french = [n for ns in _names(small).values() for a, n in ns if a == "FR-OLTIM"]
    assert any("sch" in n.lower() for n in german)
    assert any(re.search(r"dj|ch|ou", n.lower()) for n in french)


def test_namesakes_are_different_people(small: Scenario) -> None:
    people = small.truth["people"]
    groups = [g for g in small.truth["namesakes"] if len(g["true_ids"]) >= 3]
    assert groups
    for group in groups:
        members = [people[i] for i in group["true_ids"]]
        assert len({m["birth_date"] for m in members}) == len(members)
        assert len({m["phones"][0] for m in members}) == len(members)
        assert all(m["names"][0].startswith(group["name"]) for m in members)


def test_hub_phones_are_on_many_peoples_records(small: Scenario) -> None:
    hubs = small.truth["hub_identifiers"]
    assert {h["kind"] for h in hubs} >= {"shop_phone", "camp_phone"}
    ids = _true_ids(small)
    ledger = small.csv_rows("money_transfer")
    carriers: dict[str, set[str]] = defaultdict(set)
    for row, made in zip(ledger, mapped_entities(ledger, "money_transfer"), strict=True):
        sender = ids.get(("BE-FJP", made["sender"][1]))
        if sender and row["sender_phone"]:
            carriers[e164(row["sender_phone"], "BE")].add(sender)
    shared = [h for h in hubs if h["kind"] == "shop_phone" and len(h["true_ids"]) >= 10]
    assert shared
    assert any(len(carriers[h["value"]]) >= 10 for h in shared)
    for number, holders in carriers.items():
        if len(holders) > 2:
            assert any(h["value"] == number for h in hubs), number


def _calls(s: Scenario) -> list[tuple[str, str, str]]:
    """(agency, caller E.164, receiver E.164) of every recorded call."""
    out = [
        ("DE-BKA", e164(r["caller_number"], "DE"), e164(r["called_number"], "DE"))
        for r in s.csv_rows("call_records")
    ]
    for entry, entity in s.jsonl():
        if entity["schema"] == "Call":
            region = _REGION[entry["agency"]]
            props = entity["properties"]
            out.append(
                (
                    entry["agency"],
                    e164(props["callerNumber"][0], region),
                    e164(props["receiverNumber"][0], region),
                )
            )
    return out


def test_organisers_never_call_or_pay_migrants(small: Scenario) -> None:
    hubs = {h["value"] for h in small.truth["hub_identifiers"]}
    owner: dict[str, str] = {}
    for true_id, person in small.truth["people"].items():
        for number in person["phones"]:
            if number not in hubs:
                owner[number] = true_id
    calls = _calls(small)
    assert len(calls) > 1_000
    organiser_calls = 0
    for _, caller, callee in calls:
        roles = {_role(small, owner.get(caller)), _role(small, owner.get(callee))}
        organiser_calls += "organiser" in roles
        assert not (roles & TOP and roles & CUSTOMERS), (caller, callee)
    assert organiser_calls > 50
    ids = _true_ids(small)
    pairs: list[tuple[str | None, str | None]] = []
    for (agency, _), entity in small.entities.items():
        if entity["schema"] == "Payment":
            props = entity["properties"]
            pairs.append(
                (ids.get((agency, props["payer"][0])), ids.get((agency, props["beneficiary"][0])))
            )
    bank = small.csv_rows("bank_statement")
    for made in mapped_entities(bank, "bank_statement"):
        pairs.append(
            (ids.get(("UK-NCA", made["holder"][1])), ids.get(("UK-NCA", made["counterparty"][1])))
        )
    ledger = small.csv_rows("money_transfer")
    for made in mapped_entities(ledger, "money_transfer"):
        pairs.append(
            (ids.get(("BE-FJP", made["sender"][1])), ids.get(("BE-FJP", made["receiver"][1])))
        )
    assert len(pairs) > 10_000
    for payer, payee in pairs:
        roles = {_role(small, payer), _role(small, payee)}
        assert not (roles & TOP and roles & CUSTOMERS), (payer, payee)


def _dmy(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def test_fares_are_held_until_arrival(small: Scenario) -> None:
    people = small.truth["people"]
    ids = _true_ids(small)
    arrivals: dict[str, list[date]] = defaultdict(list)
    for c in small.truth["crossings"]:
        if c["outcome"] == "arrived" and c["network"]:
            arrivals[c["network"]].append(date.fromisoformat(c["date"]))
    ledger = small.csv_rows("money_transfer")
    checked = held = 0
    for row, made in zip(ledger, mapped_entities(ledger, "money_transfer"), strict=True):
        receiver: dict[str, Any] = people.get(ids.get(("BE-FJP", made["receiver"][1]), ""), {})
        if receiver.get("role") != "collector":
            continue
        if not row["payout_date"]:
            held += 1
            continue
        sent, paid = _dmy(row["send_date"]), _dmy(row["payout_date"])
        assert sent < paid
        assert any(sent <= d < paid for d in arrivals[receiver["network"]]), row
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("kind", ["placeholder", "partial", "full"])
def test_birth_dates_come_in_every_precision(small: Scenario, kind: str) -> None:
    dates = [
        v
        for e in small.entities.values()
        if e["schema"] == "Person"
        for v in e["properties"].get("birthDate", [])
    ]
    pattern = {
        "placeholder": r"\d{4}-01-01",
        "partial": r"\d{4}(-\d\d)?",
        "full": r"\d{4}-\d\d-\d\d",
    }[kind]
    assert sum(bool(re.fullmatch(pattern, d)) for d in dates) > 20


def test_amounts_and_currencies_in_each_agencys_style(small: Scenario, alt: Scenario) -> None:
    amounts: dict[str, set[str]] = defaultdict(set)
    currencies: set[str] = set()
    for scenario in (small, alt):
        for (agency, _), entity in scenario.entities.items():
            if entity["schema"] == "Payment":
                amounts[agency] |= set(entity["properties"]["amount"])
                currencies |= set(entity["properties"]["currency"])
        currencies |= {r["currency"] for r in scenario.csv_rows("money_transfer")}
    assert currencies >= {"EUR", "GBP", "USD", "USDT", "IQD"}
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+,\d\d", a) for a in amounts["DE-BKA"])
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+\.\d\d", a) for a in amounts["UK-NCA"])
    assert not any(re.fullmatch(r"\d{1,3}\.\d{3}", a) for a in amounts["UK-NCA"])


def test_the_alt_profile_is_a_different_world(small: Scenario, alt: Scenario) -> None:
    assert alt.summary.networks != small.summary.networks
    assert alt.truth["generated_with"]["params"]["name"] == "alt"
    crypto = [e for e in alt.entities.values() if e["schema"] == "CryptoWallet"]
    assert crypto
    assert 2_000 <= alt.summary.person_records <= 8_000
