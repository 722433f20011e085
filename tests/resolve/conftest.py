"""A store with the small scenario and hand-made cases, resolved once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import entity, person, write_jsonl
from undertow.service import Service, Submission
from undertow.store import Store
from undertow.synth import generate

SHOP = "+32 470 99 88 77"
SHOP_ACCOUNT = "BE71 0961 2345 6769"


def holding(holder: dict[str, Any], iban: str) -> list[dict[str, Any]]:
    """A party record, the account it holds, and the ownership between them: how a bank
    statement names an account's holder."""
    account = entity(f"{holder['id']}-acct", "BankAccount", iban=iban)
    owns = entity(f"{holder['id']}-owns", "Ownership", owner=holder["id"], asset=account["id"])
    return [holder, account, owns]


def crossing(eid: str, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """People and the event (a landing, an interception) that puts them together."""
    involved = [p["id"] for p in people]
    return [*people, entity(eid, "Event", name="Crossing", involved=involved)]


def transfer(
    number: str, sender: str, receiver: str, day: str, payout: str = "lg-shop"
) -> list[dict[str, Any]]:
    """One ledger line of a money-transfer shop: the sender's pay-in at the shop and the
    pay-out to the receiver (by the shop, or its partner ``payout`` abroad), two payments
    with one transfer number."""
    legs = [("in", sender, "lg-shop"), ("out", payout, receiver)]
    return [
        entity(
            f"lg-{number}-{leg}",
            "Payment",
            payer=payer,
            beneficiary=payee,
            amount="300",
            currency="EUR",
            date=day,
            transactionNumber=number,
        )
        for leg, payer, payee in legs
    ]


LEDGER_SHOP = "+32 2 555 01 01"
# A shop's ledger: "Hawkar Soran" sends home twice to his sister, once written with the
# shop's own line (he gave none), paid out by two partner shops in Erbil; a namesake
# sends to someone else; other customers, also on the shop's line, make the shop busy.
LEDGER = [
    entity("lg-shop", "Organization", name="Zagros Exchange"),
    entity("lg-erbil-1", "Organization", name="Hawler Sarafa"),
    entity("lg-erbil-2", "Organization", name="Nishtiman Exchange"),
    person("lg-1", name="Hawkar Soran", phone="+32 470 10 20 31"),
    person("lg-2", name="Hawkar Soran", phone=LEDGER_SHOP),
    person("lg-3", name="Hawkar Soran", phone="+32 491 77 66 03"),
    person("lg-sister", name="Nasrin Soran", phone="+964 750 123 4567"),
    person("lg-other", name="Shilan Aziz", phone="+964 770 765 4321"),
    *transfer("LG-1", "lg-1", "lg-sister", "2024-03-02", payout="lg-erbil-1"),
    *transfer("LG-2", "lg-2", "lg-sister", "2024-05-04", payout="lg-erbil-2"),
    *transfer("LG-3", "lg-3", "lg-other", "2024-05-06"),
    *[
        part
        for i, n in enumerate(["Dara Hama", "Kamal Rasul", "Bahar Osman", "Sirwan Jaf"])
        for part in (
            person(f"lg-c{i}", name=n, phone=LEDGER_SHOP),
            person(f"lg-r{i}", name=f"{n.split()[1]} Family"),
            *transfer(f"LG-C{i}", f"lg-c{i}", f"lg-r{i}", "2024-06-01"),
        )
    ],
]

# Fellow passengers each agency records with their passports: they resolve exactly.
PASSENGERS = [("Dara Salar", "K7001001"), ("Sherko Mam", "K7001002"), ("Azad Rauf", "K7001003")]


CASES = {
    "UK-NCA": [
        person(
            "jk-1",
            name="Jafar KARIM",
            birthDate="1991-03-14",
            nationality="Iraq",
            phone="07911 123456",
        ),
        person("am-1", name="Ahmed MOHAMMED", birthDate="1980-02-03", phone="07911 223344"),
        person("pp-1", name="Soran Rashid", passportNumber="N1234567"),
        # A statement's payee, written by the bank as the holder's surname and initial.
        *holding(entity("bg-1", "LegalEntity", name="GORAN BAKHTIAR"), "GB33BUKB20201555555555"),
        # A shop's account written as held by three of its customers: a hub.
        *[
            part
            for i, n in enumerate(["Soran Jalal", "Nawzad Omer", "Kawa Latif"])
            for part in holding(entity(f"shop-{i}", "LegalEntity", name=n), SHOP_ACCOUNT)
        ],
        # A man known by his name alone, landed with three passengers.
        *crossing(
            "ev-1",
            [
                person("hq-1", name="Hemin QADIR"),
                *[
                    person(f"pax-{i}", name=n, passportNumber=doc)
                    for i, (n, doc) in enumerate(PASSENGERS)
                ],
            ],
        ),
        *[
            person(f"cust-{i}", name=n, phone=SHOP)
            for i, n in enumerate(
                ["Hawre Aziz", "Bryar Salih", "Dilan Omar", "Karwan Ahmed", "Rebin Hassan"]
            )
        ],
    ],
    "DE-BKA": [
        person("jk-2", name="Dschafar Karim", birthDate="1991-03-14", nationality="Irak"),
        person("am-2", name="Ahmed Mohammed", birthDate="1992-07-08", phone="0176 11223344"),
        person("pp-2", name="Suran Raschid", passportNumber="n 1234567"),
        *holding(person("bg-2", name="Bachtiyar GORAN"), "GB33 BUKB 2020 1555 5555 55"),
        # The same crossing intercepted: the same man, by name alone again.
        *crossing(
            "ev-2",
            [
                person("hq-2", name="Hemin Qadir"),
                *[
                    person(f"pax-{i}", name=n, passportNumber=doc)
                    for i, (n, doc) in enumerate(PASSENGERS)
                ],
            ],
        ),
        # A namesake of his in the same agency's files, on another crossing.
        *crossing("ev-3", [person("hq-3", name="Hemin Qadir"), person("pax-9", name="Ali Aso")]),
    ],
    "BE-FJP": LEDGER,
    "FR-OLTIM": [
        person("jk-3", name="KARIM, Djafar", birthDate="1991-03-14", phone="+44 7911 123456"),
        person("am-3", name="Ahmed Mohamed", birthDate="1975-11-30", phone="06 11 22 33 44"),
    ],
}


@pytest.fixture(scope="session")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Path]]:
    tmp = tmp_path_factory.mktemp("resolve")
    summary = generate(tmp / "scenario", seed=11, size="small")
    store = Store.open(tmp / "r.duckdb")
    svc = Service(store)
    svc.ingest_manifest(summary.manifest)
    for agency, entities in CASES.items():
        path = write_jsonl(tmp / f"{agency}.json", entities)
        svc.ingest_files([path], Submission(agency, f"{agency}-CASES", "H0", "all", "B2"))
    svc.resolve(retrain=True)
    yield svc, summary.truth
    store.close()


@pytest.fixture(scope="session")
def resolved_db(resolved: tuple[Service, Path]) -> Path:
    return Path(resolved[0].store.path)
