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
    """(agency, local id) -> FtM entity, for every JSON line."""

    def jsonl(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        for entry in self.manifest:
            if entry.get("mapping"):
                continue
            with (self.root / entry["file"]).open(encoding="utf-8") as fh:
                for line in fh:
                    yield entry, json.loads(line)

    def csv_rows(self, mapping: str) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for entry in self.manifest:
            if entry.get("mapping") == mapping:
                with (self.root / entry["file"]).open(encoding="utf-8", newline="") as fh:
                    rows += list(csv.DictReader(fh))
        return rows


def load(summary: SynthSummary) -> Scenario:
    scenario = Scenario(
        summary=summary,
        root=summary.out,
        manifest=json.loads(summary.manifest.read_text("utf-8")),
        truth=json.loads(summary.truth.read_text("utf-8")),
    )
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
