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
    # The German file is for the Germans alone.
    return resolved_store(
        tmp_path / "m.duckdb",
        (uk, Submission("UK-NCA", "R-1", "H1", "all", "B2")),
        (de, Submission("DE-BKA", "B-1", "H2", "DE-BKA", "B2")),
    )


def resolved_store(path: Path, *files: tuple[Path, Submission]) -> Store:
    """A store of the files, each ingested as its submission says, resolved."""
    s = Store.open(path)
    svc = Service(s)
    for file, submission in files:
        svc.ingest_files([file], submission)
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


def _ends_store(tmp_path: Path, uk_rows: list[Any], de_rows: list[Any]) -> Store:
    """Two agencies' records of payments between one British and one German account."""
    uk = write_jsonl(
        tmp_path / "uk.json",
        [ent("gb", "BankAccount", iban="GB29 NWBK 6016 1331 9268 19"), *uk_rows],
    )
    de = write_jsonl(
        tmp_path / "de.json",
        [ent("de", "BankAccount", iban="DE89 3704 0044 0532 0130 00"), *de_rows],
    )
    # The British records are for the British alone.
    return resolved_store(
        tmp_path / "ends.duckdb",
        (uk, Submission("UK-NCA", "R-1", "H2", "UK-NCA", "B2")),
        (de, Submission("DE-BKA", "B-1", "H1", "all", "B2")),
    )


def _sent(eid: str, account: str, other: str, amount: str, currency: str, day: str) -> Any:
    return ent(
        eid,
        "Payment",
        payerAccount=account,
        beneficiaryAccount=other,
        amount=amount,
        currency=currency,
        date=day,
    )


def test_a_transfer_recorded_at_both_ends_in_two_currencies_counts_once(tmp_path: Path) -> None:
    # The payer's statement (pounds, 5 March) and the payee's (euros, credited 6 March,
    # at the bank's own rate): one transfer. Two weeks later a second, seen by the payer's
    # side only; and the German file's own earlier payment in pounds stays its own.
    gb_iban = "GB29NWBK60161331926819"
    uk_rows = [
        _sent("gbp-1", "gb", "de-x", "4,300.00", "GBP", "2024-03-05"),
        ent("de-x", "BankAccount", iban="DE89370400440532013000"),
        _sent("gbp-2", "gb", "de-x", "4,300.00", "GBP", "2024-03-19"),
    ]
    de_rows = [
        ent("gb-x", "BankAccount", iban=gb_iban),
        _sent("eur-1", "gb-x", "de", "4.920,00", "EUR", "2024-03-06"),
    ]
    store = _ends_store(tmp_path, uk_rows, de_rows)
    got = {r["local_id"] for r in rows(payment_tables(store, Scope.everything()).payments)}
    assert got == {"gbp-1", "gbp-2"}
    # A reader who sees one end only keeps it.
    de = {r["local_id"] for r in rows(payment_tables(store, Scope.of_agency("DE-BKA")).payments)}
    assert de == {"eur-1"}


def test_one_agencys_records_or_amounts_far_apart_are_never_one_transfer(
    tmp_path: Path,
) -> None:
    uk_rows = [
        ent("de-x", "BankAccount", iban="DE89370400440532013000"),
        # Structuring on consecutive days, in pounds and in euros, by one agency.
        _sent("u-1", "gb", "de-x", "8,000.00", "GBP", "2024-03-05"),
        _sent("u-2", "gb", "de-x", "9,350.00", "EUR", "2024-03-06"),
    ]
    de_rows = [
        ent("gb-x", "BankAccount", iban="GB29NWBK60161331926819"),
        # 20% away from the pounds, and three days after: other payments.
        _sent("d-1", "gb-x", "de", "7.500,00", "EUR", "2024-03-05"),
        _sent("d-2", "gb-x", "de", "9.350,00", "GBP", "2024-03-09"),
    ]
    store = _ends_store(tmp_path, uk_rows, de_rows)
    got = {r["local_id"] for r in rows(payment_tables(store, Scope.everything()).payments)}
    assert got == {"u-1", "u-2", "d-1", "d-2"}
