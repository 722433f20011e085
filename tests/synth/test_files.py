"""The agencies' files are what ingest accepts: FtM model, clean values, mapped CSVs."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict

import pytest

from tests.synth.conftest import MAPPINGS, Scenario, mapping_queries
from undertow.model import Grading, Handling, Release, shipped_agencies

ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$")
AGENCIES = {a.code for a in shipped_agencies()}


def test_manifest_entries_are_complete_and_files_exist(small: Scenario) -> None:
    codes = sorted(AGENCIES)
    handling: Counter[str] = Counter()
    for entry in small.manifest:
        assert {"file", "agency", "report", "handling", "release", "grading", "reported_at"} <= set(
            entry
        )
        assert (small.root / entry["file"]).is_file()
        assert entry["agency"] in AGENCIES
        assert entry["file"].startswith(entry["agency"] + "/")
        Handling.parse(entry["handling"], entry.get("handling_note"))  # H3 needs a note
        Release.parse(entry["release"], codes)
        Grading.parse(entry["grading"])
        assert entry.get("mapping") in (None, "bank_statement", "money_transfer", "call_records")
        handling[entry["handling"]] += 1
    assert {e["mapping"] for e in small.manifest if e.get("mapping")} == {
        "bank_statement",
        "money_transfer",
        "call_records",
    }
    assert len({e["report"] for e in small.manifest}) == len(small.manifest)
    assert handling["H0"] + handling["H2"] > len(small.manifest) / 2
    assert handling["H3"] >= 1
    assert any(e["release"] != "all" for e in small.manifest)
    every = sorted(
        p.relative_to(small.root).as_posix()
        for p in small.root.rglob("*")
        if p.is_file() and p.name not in {"manifest.json", "truth.json"}
    )
    assert every == sorted(e["file"] for e in small.manifest)


def test_every_line_is_an_ftm_entity_of_the_model(small: Scenario) -> None:
    from followthemoney import model

    seen: dict[str, set[str]] = defaultdict(set)
    for entry, entity in small.jsonl():
        assert set(entity) == {"id", "schema", "properties"}
        schema = model.get(entity["schema"])
        assert schema is not None, entity["schema"]
        assert not schema.abstract, entity["schema"]
        assert ID.match(entity["id"]), entity["id"]
        assert entity["id"] not in seen[entry["agency"]], entity["id"]
        seen[entry["agency"]].add(entity["id"])
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (entity["schema"], name)
            assert not prop.stub, (entity["schema"], name)
            assert values
            assert all(isinstance(v, str) and v for v in values)
        for name in schema.required:
            assert entity["properties"].get(name), (entity["schema"], name)


def test_every_usable_value_of_alt_cleans_without_quarantine(alt: Scenario) -> None:
    """Run every raw value of ``alt`` through ingest's own cleaner with the agency's
    conventions (``small`` is ingested for real in ``test_unusable``)."""
    from followthemoney import model

    from undertow.ingest.values import ValueCleaner, ValueProblem

    agencies = {a.code: a for a in shipped_agencies()}
    cleaners = {code: ValueCleaner(a, 65_536) for code, a in agencies.items()}
    failures = []
    for entry, entity in alt.jsonl():
        schema = model.get(entity["schema"])
        assert schema is not None
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            assert prop is not None
            if prop.type.name == "entity":
                continue
            for value in values:
                try:
                    cleaners[entry["agency"]].clean(prop, value, None)
                except ValueProblem as e:
                    failures.append((entry["agency"], entity["schema"], name, value, e.code))
    assert failures == []


def test_references_mostly_resolve_but_some_dangle(small: Scenario) -> None:
    from followthemoney import model

    total = dangling = 0
    for entry, entity in small.jsonl():
        schema = model.get(entity["schema"])
        assert schema is not None
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            assert prop is not None
            if prop.type.name != "entity":
                continue
            for value in values:
                total += 1
                dangling += (entry["agency"], value) not in small.entities
    assert 0 < dangling < total * 0.05


def test_local_ids_collide_across_agencies(small: Scenario) -> None:
    holders = [a for a in AGENCIES if (a, "p-1") in small.entities]
    assert len(holders) >= 2


@pytest.mark.parametrize("mapping", ["bank_statement", "money_transfer", "call_records"])
def test_csv_has_exactly_the_columns_its_mapping_uses(small: Scenario, mapping: str) -> None:
    used: set[str] = set()
    for query in mapping_queries(mapping):
        used |= query.refs
        used |= {k for k, _ in query.source.filters_set}
    assert (MAPPINGS / f"{mapping}.yml").is_file()
    for entry in small.manifest:
        if entry.get("mapping") == mapping:
            with (small.root / entry["file"]).open(encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh))
            assert set(header) == used
            assert len(header) == len(used)


def test_csv_values_are_in_national_conventions(small: Scenario) -> None:
    bank = small.csv_rows("bank_statement")
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", r["booking_date"]) for r in bank)
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d", r["amount"]) for r in bank)
    assert {r["direction"] for r in bank} == {"DEBIT", "CREDIT"}
    cdr = small.csv_rows("call_records")
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", r["start_time"]) for r in cdr)
    assert any(r["caller_number"].startswith("01") for r in cdr)  # German national numbers
    ledger = small.csv_rows("money_transfer")
    assert any("," in r["amount"] for r in ledger)  # decimal comma
    assert any(r["payout_date"] == "" for r in ledger)  # money still held
