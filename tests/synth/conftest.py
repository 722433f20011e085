from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from undertow.synth import SynthSummary, generate

MAPPINGS = Path(__file__).parents[2] / "src" / "undertow" / "ingest" / "mappings"


@dataclass
class Scenario:
    summary: SynthSummary
    root: Path
    manifest: list[dict[str, Any]]
    truth: dict[str, Any]
    entities: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(agency, local id) -> FtM entity, for every usable JSON line."""
    unusable: set[tuple[str, int]] = field(default_factory=set)
    """(file, line) of every record the truth says ingest will quarantine."""

    def jsonl(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Every usable JSON line (the unusable ones are checked in ``test_unusable``)."""
        for entry in self.manifest:
            if entry.get("mapping"):
                continue
            with (self.root / entry["file"]).open(encoding="utf-8") as fh:
                for n, line in enumerate(fh, start=1):
                    if (entry["file"], n) not in self.unusable:
                        yield entry, json.loads(line)

    def csv_rows(self, mapping: str) -> list[dict[str, str]]:
        """Every usable row of the mapping's exports."""
        rows: list[dict[str, str]] = []
        for entry in self.manifest:
            if entry.get("mapping") == mapping:
                with (self.root / entry["file"]).open(encoding="utf-8", newline="") as fh:
                    reader = csv.DictReader(fh)
                    for row in reader:
                        if (entry["file"], reader.line_num) not in self.unusable:
                            rows.append(row)
        return rows


def load(summary: SynthSummary) -> Scenario:
    scenario = Scenario(
        summary=summary,
        root=summary.out,
        manifest=json.loads(summary.manifest.read_text("utf-8")),
        truth=json.loads(summary.truth.read_text("utf-8")),
    )
    scenario.unusable = {(u["file"], u["line"]) for u in scenario.truth["unusable"]}
    for entry, entity in scenario.jsonl():
        scenario.entities[(entry["agency"], entity["id"])] = entity
    return scenario


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return load(generate(tmp_path_factory.mktemp("small"), seed=7, size="small"))


@pytest.fixture(scope="session")
def alt(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return load(generate(tmp_path_factory.mktemp("alt"), seed=7, size="small", profile="alt"))


def mapping_queries(name: str) -> list[Any]:
    """The shipped mapping's queries, built the way ingest builds them (key prefix = name)."""
    from followthemoney import model

    config = yaml.safe_load((MAPPINGS / f"{name}.yml").read_text("utf-8"))
    queries = []
    for dataset, meta in config.items():
        for data in meta["queries"]:
            data = dict(data)
            data["csv_url"] = "/dev/null"
            queries.append(model.make_mapping(data, key_prefix=dataset, dataset=dataset))
    return queries


def mapped_entities(rows: list[dict[str, str]], name: str) -> list[dict[str, tuple[str, str]]]:
    """Per row: mapping entity name -> (schema, id) as FollowTheMoney's mapper keys them."""
    out = []
    queries = mapping_queries(name)
    for row in rows:
        record = {k: v.strip() for k, v in row.items() if v and v.strip()}
        made: dict[str, tuple[str, str]] = {}
        for query in queries:
            if not query.source.check_filters(record):
                continue
            for entity in query.entities:
                key = entity.compute_key(record)
                if key is not None:
                    made[f"{entity.name}"] = (entity.schema.name, key)
        out.append(made)
    return out
