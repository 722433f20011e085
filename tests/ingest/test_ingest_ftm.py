"""Ingest of FtM JSON lines: normalisation, namespacing, idempotency, and every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ProvenanceFactory, person, write_jsonl
from undertow.ingest import ExitCode, IngestJob, ingest_file
from undertow.settings import Settings
from undertow.store import Store


def values(store: Store, entity_id: str, prop: str) -> list[tuple[str, str | None]]:
    rows = store.fetchall(
        "SELECT value, original_value FROM statements WHERE entity_id = ? AND prop = ? "
        "ORDER BY value",
        [entity_id, prop],
    )
    return [(r[0], r[1]) for r in rows]


def test_values_are_normalised_and_keep_what_was_written(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(
        tmp_path / "a.json",
        [
            person(
                "p-1",
                name="Jafar KARIM",
                phone="07911 123456",
                birthDate="1991",
                nationality="Irak",
            ),
            {
                "id": "acc-1",
                "schema": "BankAccount",
                "properties": {"iban": ["gb82 west 1234 5698 7654 32"]},
            },
            {
                "id": "pay-1",
                "schema": "Payment",
                "properties": {
                    "payer": ["p-1"],
                    "payerAccount": ["acc-1"],
                    "amount": ["£4,500.00"],
                },
            },
        ],
    )
    result = ingest_file(store, IngestJob(path, provenance()))
    assert result.exit_code is ExitCode.STORED
    assert values(store, "UK-NCA.p-1", "phone") == [("+447911123456", "07911 123456")]
    assert values(store, "UK-NCA.p-1", "birthDate") == [("1991", None)]
    assert values(store, "UK-NCA.p-1", "nationality") == [("iq", "Irak")]
    assert values(store, "UK-NCA.acc-1", "iban") == [
        ("GB82WEST12345698765432", "gb82 west 1234 5698 7654 32")
    ]
    assert values(store, "UK-NCA.pay-1", "amount") == [("4500", "£4,500.00")]
    assert values(store, "UK-NCA.pay-1", "currency") == [("GBP", None)]
    assert values(store, "UK-NCA.pay-1", "payer") == [("UK-NCA.p-1", "p-1")]


def test_provenance_travels_with_every_statement(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(tmp_path / "a.json", [person("p-1", name="Jafar KARIM")])
    ingest_file(
        store,
        IngestJob(path, provenance(handling="H3", note="no hit", release="DE-BKA", grading="C3")),
    )
    rows = store.fetchall(
        "SELECT DISTINCT agency, report, handling, handling_note, release, grading, review_by "
        "FROM statements"
    )
    assert len(rows) == 1
    agency, report, handling, note, release, grading, review_by = rows[0]
    assert (agency, report, handling, note, release, grading) == (
        "UK-NCA",
        "R-1",
        "H3",
        "no hit",
        ["DE-BKA"],
        "C3",
    )
    assert review_by.isoformat() == "2027-05-01"


def test_same_local_id_from_two_agencies_never_collides(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    uk = write_jsonl(tmp_path / "uk.json", [person("p-1", name="Jafar KARIM")])
    de = write_jsonl(tmp_path / "de.json", [person("p-1", name="Dschafar Karim")])
    ingest_file(store, IngestJob(uk, provenance("UK-NCA")))
    ingest_file(store, IngestJob(de, provenance("DE-BKA")))
    rows = store.fetchall(
        "SELECT entity_id, local_id, value FROM statements WHERE prop = 'name' ORDER BY 1"
    )
    assert rows == [
        ("DE-BKA.p-1", "p-1", "Dschafar Karim"),
        ("UK-NCA.p-1", "p-1", "Jafar KARIM"),
    ]


def test_reingesting_the_same_file_stores_nothing_new(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(tmp_path / "a.json", [person("p-1", name="A", phone="07911 123456")])
    first = ingest_file(store, IngestJob(path, provenance()))
    before = store.scalar("SELECT count(*) FROM statements")
    second = ingest_file(store, IngestJob(path, provenance()))
    assert first.counts.statements_new == 3
    assert second.counts.statements_new == 0
    assert store.scalar("SELECT count(*) FROM statements") == before
    assert store.scalar("SELECT count(*) FROM reports") == 1


def test_a_value_repeated_within_a_file_is_stored_once(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(
        tmp_path / "a.json", [person("p-1", name="A"), person("p-1", name=["A", "B"])]
    )
    result = ingest_file(store, IngestJob(path, provenance()))
    assert result.counts.statements_new == 3  # id, A, B
    assert result.counts.entities == 1


def test_an_amended_report_adds_only_what_is_new(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    first = write_jsonl(tmp_path / "v1.json", [person("p-1", name="A")])
    second = write_jsonl(tmp_path / "v2.json", [person("p-1", name=["A", "B"])])
    ingest_file(store, IngestJob(first, provenance()))
    result = ingest_file(store, IngestJob(second, provenance()))
    assert result.counts.statements_new == 1
    assert store.scalar("SELECT count(*) FROM reports") == 2


def test_a_reference_to_an_absent_entity_is_not_an_error(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(
        tmp_path / "a.json",
        [
            {
                "id": "pay-1",
                "schema": "Payment",
                "properties": {"payer": ["p-404"], "amount": ["10"]},
            }
        ],
    )
    assert ingest_file(store, IngestJob(path, provenance())).exit_code is ExitCode.STORED


BAD_LINES: list[tuple[bytes, str, str | None]] = [
    (b"{not json", "malformed_json", None),
    (b'["a list"]', "not_an_entity", None),
    (b'{"schema": "Person", "properties": {"name": ["No Id"]}}', "no_id", "id"),
    (b'{"id": "x", "schema": "Persn", "properties": {}}', "unknown_schema", "schema"),
    (b'{"id": "x", "properties": {}}', "unknown_schema", "schema"),
    (b'{"id": "x", "schema": "Thing", "properties": {}}', "unknown_schema", "schema"),
    (
        b'{"id": "x", "schema": "Person", "properties": {"colour": ["red"]}}',
        "unknown_property",
        "colour",
    ),
    (b'{"id": "x", "schema": "Person", "properties": {"phone": ["12"]}}', "invalid_value", "phone"),
    (
        b'{"id": "x", "schema": "Person", "properties": {"birthDate": ["yesterday"]}}',
        "invalid_value",
        "birthDate",
    ),
    (
        b'{"id": "x", "schema": "Person", "properties": {"nationality": ["Atlantis"]}}',
        "invalid_value",
        "nationality",
    ),
    (
        b'{"id": "x", "schema": "Payment", "properties": {"amount": ["lots"]}}',
        "invalid_value",
        "amount",
    ),
    (
        b'{"id": "x", "schema": "Person", "properties": {"name": [{"nested": 1}]}}',
        "invalid_value",
        "name",
    ),
    (b'{"id": "x", "schema": "Person", "properties": ["name"]}', "not_an_entity", "properties"),
    (
        b'{"id": "x", "schema": "Person", "properties": {"name": ["\xff\xfe"]}}',
        "invalid_utf8",
        None,
    ),
    (
        b'{"id": "x", "schema": "Payment", "properties": {"amount": ["\xc2\xa3100"], "currency": ["EUR"]}}',
        "invalid_value",
        "currency",
    ),
]


@pytest.mark.parametrize(("line", "code", "field"), BAD_LINES)
def test_each_bad_record_is_quarantined_and_the_rest_stored(
    store: Store,
    tmp_path: Path,
    provenance: ProvenanceFactory,
    line: bytes,
    code: str,
    field: str | None,
) -> None:
    path = tmp_path / "mixed.json"
    path.write_bytes(
        b'{"id": "good-1", "schema": "Person", "properties": {"name": ["Good One"]}}\n'
        + line
        + b"\n"
        + b'{"id": "good-2", "schema": "Person", "properties": {"name": ["Good Two"]}}\n'
    )
    result = ingest_file(store, IngestJob(path, provenance()))
    assert result.exit_code is ExitCode.SOME_QUARANTINED
    assert result.counts.records_stored == 2
    assert result.counts.quarantine_codes == {code: 1}
    entities = {r[0] for r in store.fetchall("SELECT DISTINCT entity_id FROM statements")}
    assert entities == {"UK-NCA.good-1", "UK-NCA.good-2"}
    (row,) = store.fetchall("SELECT file_name, line, field, code, reason, raw FROM quarantine")
    assert row[0] == str(path)
    assert row[1] == 2
    assert row[2] == field
    assert row[3] == code
    assert row[4]
    assert row[5] == line + b"\n"  # the record as it came, byte for byte


def test_a_record_with_one_bad_value_is_quarantined_whole(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(tmp_path / "a.json", [person("p-1", name="A", phone=["07911 123456", "12"])])
    result = ingest_file(store, IngestJob(path, provenance()))
    assert result.exit_code is ExitCode.NOTHING_STORED
    assert store.scalar("SELECT count(*) FROM statements") == 0


def test_oversized_values_and_lines(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(
        tmp_path / "a.json",
        [
            person("p-1", name="x" * 5000),
            person("p-2", notes="y" * 50_000),
            person("p-3", name="C"),
        ],
    )
    settings = Settings(max_value_bytes=4096, max_line_bytes=20_000)
    result = ingest_file(store, IngestJob(path, provenance()), settings=settings)
    assert result.counts.quarantine_codes == {"value_too_long": 1, "line_too_long": 1}
    assert result.counts.records_stored == 1
    lines = [r[0] for r in store.fetchall("SELECT line FROM quarantine ORDER BY line")]
    assert lines == [1, 2]


def test_strict_stores_nothing_when_anything_is_bad(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'{"id": "p-1", "schema": "Person", "properties": {}}\n{oops\n')
    result = ingest_file(store, IngestJob(path, provenance(), strict=True))
    assert result.exit_code is ExitCode.NOTHING_STORED
    assert store.scalar("SELECT count(*) FROM statements") == 0
    assert store.scalar("SELECT count(*) FROM quarantine") == 1
    assert store.scalar("SELECT status FROM reports") == "rejected"
    # Fixed and sent again, the same report stores and its row says so.
    path.write_bytes(b'{"id": "p-1", "schema": "Person", "properties": {}}\n')
    again = ingest_file(store, IngestJob(path, provenance(), strict=True))
    assert again.exit_code is ExitCode.STORED


def test_blank_lines_and_a_byte_order_mark_are_not_records(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'\xef\xbb\xbf{"id": "p-1", "schema": "Person", "properties": {}}\n\n  \n')
    result = ingest_file(store, IngestJob(path, provenance()))
    assert result.exit_code is ExitCode.STORED
    assert result.counts.records_read == 1


def test_empty_file_stores_nothing_and_says_so(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    result = ingest_file(store, IngestJob(path, provenance()))
    assert result.counts.records_read == 0
    assert result.exit_code is ExitCode.STORED


def test_lone_surrogate_escapes_are_quarantined(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'{"id": "p-1", "schema": "Person", "properties": {"name": ["\\ud800"]}}\n')
    result = ingest_file(store, IngestJob(path, provenance()))
    assert result.exit_code is ExitCode.NOTHING_STORED
    assert result.counts.records_quarantined == 1
