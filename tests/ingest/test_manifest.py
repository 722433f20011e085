from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest

from tests.conftest import person, write_jsonl
from undertow.errors import ManifestError
from undertow.ingest.manifest import read_manifest
from undertow.model import AgencyRegistry, shipped_agencies

REGISTRY = AgencyRegistry(shipped_agencies())
RECEIVED = datetime(2024, 6, 1)


def entry(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "file": "data/a.json",
        "agency": "DE-BKA",
        "report": "BKA-1",
        "handling": "H2",
        "release": "all",
        "grading": "B2",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def write_manifest(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    write_jsonl(tmp_path / "data" / "a.json", [person("p-1", name="A")])
    path = tmp_path / "manifest.json"
    path.write_bytes(orjson.dumps(entries, option=orjson.OPT_INDENT_2))
    return path


def test_paths_are_relative_to_the_manifest_and_defaults_fill_in(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, [entry(), entry(report="BKA-2", reported_at="2024-03-01")])
    items = read_manifest(path, REGISTRY, RECEIVED, review_months=36)
    assert items[0].path == (tmp_path / "data" / "a.json").resolve()
    assert items[0].provenance.reported_at == RECEIVED
    assert items[0].provenance.review_by.isoformat() == "2027-06-01"
    assert items[1].provenance.reported_at == datetime(2024, 3, 1)


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (entry(agency="XX-NO"), "agency", "unknown agency"),
        (entry(handling="H9"), "handling", "H0, H1, H2, H3"),
        (entry(handling="H3"), "handling", "H3 needs"),
        (entry(grading="D1"), "grading", "no D"),
        (entry(release="DE-BKA,XX-NO"), "release", "unknown agencies"),
        (entry(file="data/absent.json"), "file", "no such file"),
        (entry(mapping="nope.yml"), "mapping", "no mapping"),
        (entry(report=None), "report", "Field required"),
        (entry(colour="red"), "colour", "Extra inputs"),
    ],
)
def test_a_bad_entry_is_named_by_line_and_field(
    tmp_path: Path, bad: dict[str, object], field: str, message: str
) -> None:
    path = write_manifest(tmp_path, [entry(), bad])
    with pytest.raises(ManifestError, match=message) as info:
        read_manifest(path, REGISTRY, RECEIVED, review_months=36)
    assert info.value.field == field
    assert info.value.line == 10  # the second entry's opening brace, with two-space indent
    assert str(path) in str(info.value)


def test_malformed_manifests(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('[\n  {"file": "a"},\n  oops\n]')
    with pytest.raises(ManifestError, match="malformed JSON") as info:
        read_manifest(path, REGISTRY, RECEIVED, review_months=36)
    assert info.value.line == 3
    path.write_text('{"file": "a"}')
    with pytest.raises(ManifestError, match="JSON list"):
        read_manifest(path, REGISTRY, RECEIVED, review_months=36)
    path.write_text("[]")
    with pytest.raises(ManifestError, match="no files"):
        read_manifest(path, REGISTRY, RECEIVED, review_months=36)
