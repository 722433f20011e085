"""FtM export round-trips with ingest; an agency's export names its own ids."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ProvenanceFactory, person, write_jsonl
from undertow.export import ftm_entities, write_ftm
from undertow.ingest import IngestJob, ingest_file
from undertow.store import Store
from undertow.store.scope import Scope


def test_agency_export_uses_submitted_ids(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    path = write_jsonl(
        tmp_path / "a.json",
        [
            person("P/2023/1", name="Jafar KARIM"),
            {
                "id": "pay 1",
                "schema": "Payment",
                "properties": {"payer": ["P/2023/1"], "amount": ["4.500,00"], "currency": ["EUR"]},
            },
        ],
    )
    ingest_file(store, IngestJob(path, provenance("DE-BKA")))
    exported = {e["id"]: e for e in ftm_entities(store, Scope.everything(), "DE-BKA")}
    assert set(exported) == {"P/2023/1", "pay 1"}
    assert exported["pay 1"]["properties"]["payer"] == ["P/2023/1"]
    assert exported["pay 1"]["properties"]["amount"] == ["4500"]
    everyone = {e["id"] for e in ftm_entities(store, Scope.everything())}
    assert all(i.startswith("DE-BKA.") for i in everyone)


def _entities_of(store: Store, agency: str) -> dict[str, Any]:
    out = io.BytesIO()
    write_ftm(store, Scope.everything(), out, agency)
    return {e["id"]: e for e in map(orjson.loads, out.getvalue().splitlines())}


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() != "")
records = st.lists(
    st.tuples(
        st.from_regex(r"[a-z]{1,3}-[0-9]{1,4}", fullmatch=True),
        names,
        st.sampled_from(["07911 123456", "+49 176 23423980", "06 12 34 56 78"]),
        st.sampled_from(["1991", "1991-05", "1991-05-14", "14/05/1991"]),
        st.decimals(min_value=0, max_value=10**7, places=2),
    ),
    min_size=1,
    max_size=15,
    unique_by=lambda r: r[0],
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=records, agency=st.sampled_from(["UK-NCA", "FR-OLTIM"]))
def test_export_then_ingest_is_identity(
    tmp_path_factory: Any, provenance: ProvenanceFactory, records: list[Any], agency: str
) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    entities = []
    for local, name, phone, born, amount in records:
        entities.append(person(local, name=name, phone=phone, birthDate=born))
        entities.append(
            {
                "id": f"pay-{local}",
                "schema": "Payment",
                "properties": {"payer": [local], "amount": [str(amount)], "currency": ["EUR"]},
            }
        )
    source = write_jsonl(tmp / "in.json", entities)
    with Store.open(tmp / "a.duckdb") as first:
        ingest_file(first, IngestJob(source, provenance(agency, "R-1")))
        exported = _entities_of(first, agency)
    again = write_jsonl(tmp / "out.json", list(exported.values()))
    with Store.open(tmp / "b.duckdb") as second:
        result = ingest_file(second, IngestJob(again, provenance(agency, "R-2")))
        assert result.counts.records_quarantined == 0
        assert _entities_of(second, agency) == exported
