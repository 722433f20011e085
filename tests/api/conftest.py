"""A seeded store shared by the API tests: three agencies, a user per role each, and
canary values that only UK-NCA may see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import entity, person, write_jsonl
from undertow.service import Service, Submission
from undertow.store import Store

AGENCIES = ("UK-NCA", "DE-BKA", "FR-OLTIM")
ROLES = ("analyst", "supervisor", "auditor", "admin")
OWNER = "UK-NCA"

# Values only UK-NCA may see. Tests search for parts of them in other spellings (lower
# case, national phone format, spaced IBAN), so an echo of the query is not a leak.
CANARIES = (
    "Zyxcanary",
    "Wvutsrq",
    "+447400900123",
    "447400900123",
    "GB29NWBK60161331926819",
    "987654",
    "Qnohitcanary",
    "+447400900456",
    "447400900456",
    "Hthreecanary",
)


@dataclass
class World:
    db: Path
    tokens: dict[tuple[str, str], str]
    data: Path

    def token(self, agency: str, role: str) -> str:
        return self.tokens[(agency, role)]

    def user(self, agency: str, role: str) -> str:
        return f"{role}.{agency.lower()}"


def seed(tmp: Path) -> World:
    db = tmp / "world.duckdb"
    tokens: dict[tuple[str, str], str] = {}
    data = tmp / "data"
    data.mkdir()
    with Store.open(db) as store:
        svc = Service(store)
        for agency in AGENCIES:
            for role in ROLES:
                _, token = svc.add_user(f"{role}.{agency.lower()}", agency, role)
                tokens[(agency, role)] = token
        h2 = write_jsonl(
            data / "canary-h2.json",
            [
                person(
                    "p-canary",
                    name="Zyxcanary Wvutsrq",
                    phone="07400 900123",
                    birthDate="1990-04-05",
                ),
                {
                    "id": "acc-canary",
                    "schema": "BankAccount",
                    "properties": {"iban": ["GB29 NWBK 6016 1331 9268 19"]},
                },
                # Only UK-NCA knows that p-shared (whom all may see) holds the canary
                # account: a resolution explanation must not show others its number.
                entity("own-canary", "Ownership", owner="p-shared", asset="acc-canary"),
                {
                    "id": "pay-canary",
                    "schema": "Payment",
                    "properties": {
                        "payer": ["p-canary"],
                        "payerAccount": ["acc-canary"],
                        "beneficiary": ["p-shared"],
                        "amount": ["987,654.32"],
                        "currency": ["GBP"],
                        "date": ["2024-03-01"],
                    },
                },
            ],
        )
        h3 = write_jsonl(
            data / "canary-h3.json",
            [person("p-nohit", name="Qnohitcanary Hthreecanary", phone="07400 900456")],
        )
        # Payments all may see, to and from the hidden canary person: a trace shows that
        # end as a hit notice. The hidden payment above pays p-shared too.
        shared = write_jsonl(
            data / "shared.json",
            [
                person("p-shared", name="Karwan Ahmed", phone="07911 123456"),
                _payment("pay-shared-1", "p-shared", "p-canary", "1200", "2024-03-05"),
                _payment("pay-shared-2", "p-canary", "p-shared", "300", "2024-03-02"),
            ],
        )
        de = write_jsonl(
            data / "de.json",
            [
                person("p-1", name="Dschafar Karim"),
                # Another agency's spelling of the canary person, visible to all: the
                # resolution run links it to the hidden record.
                person("p-2", name="Zyxkanari Wvutsrk", birthDate="1990-04-05"),
            ],
        )
        for path, sub in (
            (h2, Submission(OWNER, "R-CANARY", "H2", OWNER, "B2")),
            (h3, Submission(OWNER, "R-NOHIT", "H3", OWNER, "A1", "no hit: do not disclose")),
            (shared, Submission(OWNER, "R-SHARED", "H0", "all", "B2")),
            (de, Submission("DE-BKA", "B-1", "H1", "all", "C3")),
        ):
            svc.ingest_files([path], sub)
        svc.resolve(retrain=True)
        # UK-NCA's own users consult the canaries: their audit entries name them.
        uk = Service(store, _principal(store, "analyst.uk-nca"), purpose="op canary")
        uk.search("zyxcanary")
        uk.entity("UK-NCA.p-canary")
        svc.close()
    return World(db, tokens, data)


def _payment(pid: str, payer: str, payee: str, amount: str, day: str) -> dict[str, Any]:
    return entity(
        pid, "Payment", payer=payer, beneficiary=payee, amount=amount, date=day, currency="EUR"
    )


def _principal(store: Store, name: str):  # type: ignore[no-untyped-def]
    from undertow.access import acting_user

    return acting_user(store, name)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return seed(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[TestClient]:
    from undertow.api import create_app

    with TestClient(create_app(world.db), raise_server_exceptions=False) as c:
        yield c


def bearer(token: str, purpose: str | None = "op test") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if purpose:
        headers["X-Purpose"] = purpose
    return headers
