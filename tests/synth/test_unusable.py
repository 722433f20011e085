"""Unusable records: rare, varied, per agency, and quarantined by ingest exactly as the
truth says -- every other record is stored."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

from tests.synth.conftest import Scenario
from undertow.ingest import IngestResult
from undertow.ingest.values import ValueCleaner, ValueProblem
from undertow.model import shipped_agencies
from undertow.service import Service
from undertow.store import Store
from undertow.synth import phones
from undertow.synth.conventions import CONVENTIONS
from undertow.synth.defects import truncated_phone

CODES = {
    "malformed_json",
    "invalid_utf8",
    "not_an_entity",
    "no_id",
    "unknown_schema",
    "unknown_property",
    "invalid_value",
    "value_too_long",
    "line_too_long",
    "malformed_csv",
}


def _ingest(manifest: Path, db: Path) -> tuple[list[IngestResult], list[tuple[Any, ...]], Store]:
    store = Store.open(db)
    results = Service(store).ingest_manifest(manifest)
    return results, store.fetchall("SELECT file_name, line, code FROM quarantine"), store


def _expected(root: Path, unusable: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return sorted(
        (str((root / u["file"]).resolve()), u["line"], u["expected_code"]) for u in unusable
    )


def _lines(s: Scenario) -> Counter[str]:
    """Records (JSON lines, CSV rows) per agency."""
    lines: Counter[str] = Counter()
    for entry in s.manifest:
        with (s.root / entry["file"]).open("rb") as fh:
            lines[entry["agency"]] += sum(1 for _ in fh) - (1 if entry.get("mapping") else 0)
    return lines


def test_ingest_quarantines_exactly_the_unusable_records(small: Scenario, tmp_path: Path) -> None:
    results, quarantined, store = _ingest(small.summary.manifest, tmp_path / "small.duckdb")
    with store:
        assert sorted(quarantined) == _expected(small.root, small.truth["unusable"])
        assert sum(r.counts.records_read for r in results) == sum(_lines(small).values())
        for r in results:
            assert r.counts.records_stored + r.counts.records_quarantined == r.counts.records_read
        stored = set(store.fetchall("SELECT DISTINCT agency, local_id FROM statements"))
    flagged = 0
    for record in small.truth["records"]:
        unusable = record.get("unusable", False)
        flagged += unusable
        assert ((record["agency"], record["entity_id"]) in stored) is not unusable, record
    assert flagged > 0


def test_alt_unusable_lines_are_quarantined_as_the_truth_says(
    alt: Scenario, tmp_path: Path
) -> None:
    """Only the broken lines of ``alt`` are ingested (with their CSV header): cheap, and
    every one must be quarantined with the code the truth gives."""
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u in alt.truth["unusable"]:
        by_file[u["file"]].append(u)
    entries, expected = [], []
    for entry in alt.manifest:
        broken = sorted(by_file.pop(entry["file"], []), key=lambda u: u["line"])
        if not broken:
            continue
        lines = (alt.root / entry["file"]).read_bytes().split(b"\n")
        head = lines[:1] if entry.get("mapping") else []
        out = tmp_path / entry["file"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"\n".join(head + [lines[u["line"] - 1] for u in broken]) + b"\n")
        entries.append(entry)
        for n, u in enumerate(broken, start=len(head) + 1):
            expected.append({**u, "line": n})
    assert not by_file, by_file  # every file named is in the manifest
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    results, quarantined, store = _ingest(manifest, tmp_path / "alt.duckdb")
    store.close()
    assert sorted(quarantined) == _expected(tmp_path, expected)
    assert sum(r.counts.records_stored for r in results) == 0


def test_unusable_records_are_rare_varied_and_differ_by_agency(
    small: Scenario, alt: Scenario
) -> None:
    shares = []
    for s in (small, alt):
        unusable = s.truth["unusable"]
        lines = _lines(s)
        share = len(unusable) / sum(lines.values())
        assert 0.001 < share < 0.008, share
        shares.append(share)
        assert s.summary.unusable == len(unusable) == s.truth["counts"]["unusable"]
        assert len({(u["file"], u["line"]) for u in unusable}) == len(unusable)
        for u in unusable:
            assert set(u) >= {"agency", "file", "line", "entity_id", "defect", "expected_code"}
            assert u["file"].startswith(u["agency"] + "/")
            assert u["expected_code"] in CODES
            assert (u["entity_id"] is None) is u["file"].endswith(".csv"), u
        # Hand-typed records break more often than database exports.
        per_agency = Counter(u["agency"] for u in unusable)
        rates = [per_agency[a] / n for a, n in lines.items() if n >= 1_000]
        assert max(rates) > 2 * min(rates), rates
    assert shares[1] > shares[0] * 1.3  # alt's records are dirtier
    both = small.truth["unusable"] + alt.truth["unusable"]
    assert len({u["defect"] for u in both}) >= 8
    assert {u["expected_code"] for u in both} == {
        "invalid_value",
        "unknown_property",
        "malformed_json",
        "malformed_csv",
    }
    assert len({u["agency"] for u in small.truth["unusable"]}) >= 5


def test_a_truncated_phone_is_never_a_valid_number() -> None:
    """Whatever number a seed truncates, as any agency writes it, ingest rejects it."""
    schema = model.get("Person")
    assert schema is not None
    prop = schema.properties["phone"]
    rng = random.Random(5)
    for agency in shipped_agencies():
        cleaner = ValueCleaner(agency, 65_536)
        region = CONVENTIONS[agency.code].region
        for country in phones.COUNTRIES:
            for n in range(0, 5_000, 499):
                number = phones.allocate(country, n)
                for text in (phones.render(number, region, rng), phones.cdr(number)):
                    broken = truncated_phone(text)
                    with pytest.raises(ValueProblem):
                        cleaner.clean(prop, broken, None)
