"""CSV through FtM mappings: the three shipped mappings, and bad rows and bad mappings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ProvenanceFactory
from undertow.errors import InputError, MappingError
from undertow.ingest import SHIPPED_MAPPINGS, ExitCode, IngestJob, ingest_file, load_mapping
from undertow.store import Store

BANK = """transaction_id,booking_date,account_iban,account_holder,bank_name,direction,amount,currency,counterparty_name,counterparty_iban,reference
T1,14/05/2024,GB82 WEST 1234 5698 7654 32,Jafar KARIM,Westbank,CREDIT,"2,500.00",GBP,Hawre AZIZ,GB33BUKB20201555555555,family support
T2,15/05/2024,GB82 WEST 1234 5698 7654 32,Jafar KARIM,Westbank,DEBIT,"9,900.00",GBP,Star Car Wash Ltd,GB94BARC10201530093459,invoice 17
T3,16/05/2024,GB82 WEST 1234 5698 7654 32,Jafar KARIM,Westbank,DEBIT,lots,GBP,Star Car Wash Ltd,GB94BARC10201530093459,invoice 18
"""

MTO = """transfer_id,send_date,payout_date,sender_name,sender_phone,sender_country,sender_id_number,receiver_name,receiver_phone,receiver_country,amount,currency,send_agent,send_agent_country,payout_agent,payout_agent_country,status
M1,02.03.2024,09.03.2024,Karwan Ahmed,+964 750 123 4567,Irak,A1234567,Rebwar Hassan,06 12 34 56 78,France,"3.000,00",EUR,Ranya Exchange,Irak,Boulogne Transfert,France,PAID
"""

CDR = """record_id,start_time,caller_number,called_number,duration_seconds,event_type
C1,14.05.2024 22:15,0176 23423980,+44 7911 123456,00:03:25,voice
C2,14.05.2024 22:19,0176 23423980,+44 7911 123456,0,sms
"""


def ingest_csv(store: Store, path: Path, text: str, mapping: str, prov: object) -> object:
    path.write_text(text, encoding="utf-8")
    return ingest_file(store, IngestJob(path, prov, mapping))  # type: ignore[arg-type]


def test_shipped_mappings_load() -> None:
    for name in SHIPPED_MAPPINGS:
        assert load_mapping(name).queries


def test_bank_statement_makes_accounts_holders_and_payments_both_ways(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    result = ingest_csv(store, tmp_path / "bank.csv", BANK, "bank_statement", provenance())
    assert result.exit_code is ExitCode.SOME_QUARANTINED  # type: ignore[attr-defined]
    (q,) = store.fetchall("SELECT line, field, code FROM quarantine")
    assert q == (4, "amount", "invalid_value")
    payments = store.fetchall(
        """
        SELECT p.value AS payer, b.value AS beneficiary, a.value AS amount
        FROM statements p
        JOIN statements b ON b.entity_id = p.entity_id AND b.prop = 'beneficiary'
        JOIN statements a ON a.entity_id = p.entity_id AND a.prop = 'amount'
        WHERE p.prop = 'payer' ORDER BY amount
        """
    )
    holders = store.fetchall(
        "SELECT entity_id, value FROM statements WHERE prop = 'name' AND schema = 'LegalEntity'"
    )
    by_name = {name: eid for eid, name in holders}
    # Credit: the counterparty pays the holder; debit: the holder pays the counterparty.
    assert payments == [
        (by_name["Hawre AZIZ"], by_name["Jafar KARIM"], "2500"),
        (by_name["Jafar KARIM"], by_name["Star Car Wash Ltd"], "9900"),
    ]
    owners = store.fetchall(
        "SELECT count(DISTINCT entity_id) FROM statements WHERE schema = 'Ownership'"
    )
    assert owners == [(3,)]
    ibans = {r[0] for r in store.fetchall("SELECT value FROM statements WHERE prop = 'iban'")}
    assert "GB82WEST12345698765432" in ibans


def test_money_transfer_records_in_decimal_comma(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    result = ingest_csv(store, tmp_path / "mto.csv", MTO, "money_transfer", provenance("FR-OLTIM"))
    assert result.exit_code is ExitCode.STORED  # type: ignore[attr-defined]
    amounts = store.fetchall("SELECT DISTINCT value FROM statements WHERE prop = 'amount'")
    assert amounts == [("3000",)]
    phones = {r[0] for r in store.fetchall("SELECT value FROM statements WHERE prop = 'phone'")}
    assert phones == {"+9647501234567", "+33612345678"}
    dates = sorted(r[0] for r in store.fetchall("SELECT value FROM statements WHERE prop = 'date'"))
    assert dates == ["2024-03-02", "2024-03-09"]


def test_call_records_in_german_national_format(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    result = ingest_csv(store, tmp_path / "cdr.csv", CDR, "call_records", provenance("DE-BKA"))
    assert result.exit_code is ExitCode.STORED  # type: ignore[attr-defined]
    rows = store.fetchall(
        "SELECT prop, value FROM statements WHERE prop IN ('callerNumber', 'duration', 'date') "
        "ORDER BY prop, value"
    )
    assert ("callerNumber", "+4917623423980") in rows
    assert ("duration", "205") in rows
    assert ("date", "2024-05-14T22:15") in rows


def test_missing_columns_fail_the_file_naming_the_column(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = tmp_path / "cdr.csv"
    path.write_text("record_id,start_time\nC1,14.05.2024\n")
    with pytest.raises(InputError, match="called_number") as info:
        ingest_file(store, IngestJob(path, provenance("DE-BKA"), "call_records"))
    assert info.value.line == 1
    assert store.scalar("SELECT count(*) FROM reports") == 0


def test_ragged_rows_and_bad_bytes_are_quarantined_with_their_line(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = tmp_path / "cdr.csv"
    path.write_bytes(
        CDR.encode()
        + b"C3,14.05.2024 22:30,0176 23423980\n"
        + b'C4,14.05.2024 22:31,0176 23423980,+44 7911 123456,12,"multi\nline \xff"\n'
        + b"C5,14.05.2024 22:40,0176 23423980,+44 7911 123456,12,voice\n"
    )
    result = ingest_file(store, IngestJob(path, provenance("DE-BKA"), "call_records"))
    assert result.counts.records_stored == 3
    rows = store.fetchall("SELECT line, field, code FROM quarantine ORDER BY line")
    assert rows == [(4, None, "malformed_csv"), (5, "event_type", "invalid_utf8")]
    raw = store.scalar("SELECT raw FROM quarantine WHERE line = 5")
    assert b"\xff" in raw  # the original bytes, not a replacement character


def test_a_mapping_ftm_rejects_is_a_mapping_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "x:\n  queries:\n    - csv_url: x.csv\n      entities:\n"
        "        p:\n          schema: Persn\n          keys: [a]\n"
    )
    with pytest.raises(MappingError, match="Persn"):
        load_mapping(bad)
    with pytest.raises(MappingError, match="no mapping file"):
        load_mapping(tmp_path / "absent.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("x: [unclosed\n")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_mapping(broken)
