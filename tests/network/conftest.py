"""A small smuggling network whose every tie is known, in a real store.

UK-NCA (released to all): a crossing (Trip) on vessel v-1 with five migrants and the
pilot; the migrants pay the collector, who pays the organiser; the organiser calls the
collector; a buyer rents a storage place, pays a boat supplier and is named its customer;
an engine is fitted to the vessel; a van's transport leaves the storage place; three
people share a camp phone (a hub: not merged on); the collector and the buyer are brothers.

DE-BKA (H3, kept to itself): its own record of the organiser (the same phone) and his
banker, paid by him -- what a UK reader must never see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import entity as ent
from tests.conftest import person, write_jsonl
from undertow.service import Service, Submission
from undertow.store import Store

MIGRANTS = ("m-1", "m-2", "m-3", "m-4", "m-5")
MIGRANT_NAMES = (
    "Abdullah Nouri",
    "Semhar Gebremedhin",
    "Farhad Rostami",
    "Idris Ahmadzai",
    "Hevi Barzani",
)


def uk_records() -> list[dict[str, object]]:
    records: list[dict[str, object]] = [
        person("org", name="Rebwar Kaka Hama", phone="+447911123401"),
        person("col", name="Shwan Kaka Ali", phone="+447911123402"),
        person("buyer", name="Dara Kaka Ali", phone="+447911123403"),
        person("pilot", name="Yonas Tesfay", phone="+447911123450"),
        person("driver", name="Piotr Nowak", phone="+48600100200"),
        person("friend", name="Karzan Aziz", phone="+447911123450"),
        person("cousin", name="Hemin Rauf", phone="+447911123450"),
        ent("sup", "Company", name="Marmaris Marine Ltd"),
        ent("v-1", "Vessel", name="grey inflatable 10m"),
        ent("eng", "Vehicle", name="Yamaha 40 outboard"),
        ent("van", "Vehicle", name="Transit van", registrationNumber="AB12CDE"),
        ent("store", "Address", full="Unit 4, Dock Road, Dunkerque"),
        ent("beach", "Address", full="Plage de Gravelines"),
        ent("l-rent", "UnknownLink", subject="buyer", object="store", role="tenant"),
        ent("l-sup", "UnknownLink", subject="buyer", object="sup", role="supplier"),
        ent("l-eng", "UnknownLink", subject="eng", object="v-1", role="fitted to"),
        ent("l-pilot", "UnknownLink", subject="pilot", object="v-1", role="pilot"),
        ent("l-drv", "Ownership", owner="driver", asset="van"),
        ent("fam", "Family", person="col", relative="buyer", relationship="brother"),
        ent(
            "trip-1",
            "Trip",
            name="Crossing",
            date="2024-06-01",
            vehicle="v-1",
            involved=["pilot", *MIGRANTS],
        ),
        ent(
            "move",
            "Trip",
            name="Van to the beach",
            date="2024-05-30",
            vehicle="van",
            startLocation="store",
            endLocation="beach",
        ),
        ent(
            "call-1",
            "Call",
            caller="org",
            receiver="col",
            callerNumber="+447911123401",
            receiverNumber="+447911123402",
            date="2024-05-20",
            duration="120",
        ),
        ent(
            "call-2",
            "Call",
            callerNumber="+447911123403",
            receiverNumber="+447911123499",
            date="2024-05-21",
            duration="30",
        ),
        ent(
            "buy",
            "Payment",
            payer="buyer",
            beneficiary="sup",
            amount="6000",
            currency="EUR",
            date="2024-05-10",
        ),
        ent(
            "up",
            "Payment",
            payer="col",
            beneficiary="org",
            amount="11000",
            currency="EUR",
            date="2024-05-25",
        ),
    ]
    for i, m in enumerate(MIGRANTS):
        records.append(person(m, name=MIGRANT_NAMES[i]))
        records.append(
            ent(
                f"fare-{i}",
                "Payment",
                payer=m,
                beneficiary="col",
                amount="2500",
                currency="EUR",
                date=f"2024-05-0{i + 1}",
            )
        )
    return records


def de_records() -> list[dict[str, object]]:
    return [
        person("org-de", name="Rebwar Kaka Hama", phone="+447911123401"),
        person("banker", name="Verdeckter Bankier"),
        ent(
            "z-1",
            "Payment",
            payer="org-de",
            beneficiary="banker",
            amount="7000",
            currency="EUR",
            date="2024-05-28",
        ),
    ]


@pytest.fixture
def net_store(tmp_path: Path) -> Store:
    uk = write_jsonl(tmp_path / "uk.json", uk_records())
    de = write_jsonl(tmp_path / "de.json", de_records())
    s = Store.open(tmp_path / "n.duckdb")
    svc = Service(s)
    svc.ingest_files([uk], Submission("UK-NCA", "R-1", "H1", "all", "B2"))
    svc.ingest_files(
        [de], Submission("DE-BKA", "B-1", "H3", "DE-BKA", "B2", "source protection: BKA only")
    )
    svc.resolve(retrain=True)
    return s
