"""The transaction table from a real store: holders, copies, currencies, dates, scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import entity as ent
from tests.conftest import person, write_jsonl
from undertow.flows.graph import payment_tables
from undertow.service import Service, Submission
from undertow.store import Store
from undertow.store.scope import Scope


@pytest.fixture
def money_store(tmp_path: Path) -> Store:
    uk = write_jsonl(
        tmp_path / "uk.json",
        [
            person("p-a", name="Hawre Aziz"),
            person("p-b", name="Bryar Salih"),
            ent("acc-a", "BankAccount", iban="GB29 NWBK 6016 1331 9268 19"),
            ent("own-a", "Ownership", owner="p-a", asset="acc-a"),
            ent("acc-b", "BankAccount", iban="GB94 BARC 1020 1530 0934 59"),
            # Paid from A's account; the statement names no payer: the holder is found.
            ent(
                "pay-1",
                "Payment",
                payerAccount="acc-a",
                beneficiaryAccount="acc-b",
                amount="£4,300.00",
                date="2024-03-05",
            ),
            ent(
                "pay-2",
                "Payment",
                payer="p-a",
                beneficiary="p-b",
                amount="500",
                currency="EUR",
                date="2024-03",
            ),
            ent(
                "pay-3",
                "Payment",
                payer="p-a",
                beneficiary="p-b",
                amount="100",
                currency="XYZ",
                date="2024-03-09",
            ),
        ],
    )
    # The same transfer in a German enquiry file (the other end's account is German).
    de = write_jsonl(
        tmp_path / "de.json",
        [
            ent("konto-b", "BankAccount", iban="GB94BARC10201530093459"),
            ent("konto-a", "BankAccount", iban="GB29NWBK60161331926819"),
            ent(
                "z-1",
                "Payment",
                payerAccount="konto-a",
                beneficiaryAccount="konto-b",
                amount="4.300,00",
                currency="GBP",
                date="05.03.2024",
            ),
            ent(
                "z-2",
                "Payment",
                payer="geheim",
                beneficiary="konto-b",
                amount="50",
                currency="EUR",
                date="2024-04-01",
            ),
            person("geheim", name="Verdeckter Zahler"),
        ],
    )
    s = Store.open(tmp_path / "m.duckdb")
    svc = Service(s)
    svc.ingest_files([uk], Submission("UK-NCA", "R-1", "H1", "all", "B2"))
    svc.ingest_files([de], Submission("DE-BKA", "B-1", "H2", "DE-BKA", "B2"))
    svc.resolve(retrain=True)
    return s


def rows(table: Any) -> list[dict[str, Any]]:
    return list(table.to_pylist())


def test_payments_over_canonical_holders_in_euros(money_store: Store) -> None:
    t = payment_tables(money_store, Scope.everything())
    by_id = {r["local_id"]: r for r in rows(t.payments)}
    # The transfer recorded by both agencies is counted once.
    assert sum(r["amount"] == 4300.0 for r in by_id.values()) == 1
    transfer = by_id.get("pay-1") or by_id["z-1"]
    assert transfer["currency"] == "GBP"
    assert transfer["eur"] == pytest.approx(4300 / 0.8556, rel=1e-3)  # March 2024 rate
    assert transfer["channel"] == "bank"
    # A's account folds into A: the same node as the payer of pay-2.
    assert transfer["src"] == by_id["pay-2"]["src"]
    assert transfer["src_account"] is not None
    assert transfer["src_account"] != transfer["src"]
    # A month-precision date is placed on the 1st and says so.
    assert str(by_id["pay-2"]["day"]) == "2024-03-01"
    assert by_id["pay-2"]["day_precision"] == "month"
    # A currency the rates table does not know is kept, with no euro figure.
    assert by_id["pay-3"]["eur"] is None
    assert [r["seq"] for r in rows(t.payments)] == sorted(r["seq"] for r in rows(t.payments))


def test_a_reader_sees_only_their_payments_and_notices_for_hidden_ends(
    money_store: Store,
) -> None:
    fr = payment_tables(money_store, Scope.of_agency("FR-OLTIM"))
    assert {r["agency"] for r in rows(fr.payments)} == {"UK-NCA"}
    assert "z-2" not in {r["local_id"] for r in rows(fr.payments)}
    de = payment_tables(money_store, Scope.of_agency("DE-BKA"))
    assert "z-2" in {r["local_id"] for r in rows(de.payments)}
    assert not de.hidden
    names = " ".join(str(r["name"]) for r in rows(fr.nodes))
    assert "Verdeckter" not in names
