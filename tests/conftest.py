from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from undertow.model import Grading, Handling, Provenance, Release
from undertow.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "test.duckdb")
    yield s
    s.close()


ProvenanceFactory = Callable[..., Provenance]


@pytest.fixture
def provenance() -> ProvenanceFactory:
    def make(
        agency: str = "UK-NCA",
        report: str = "R-1",
        handling: str = "H2",
        release: str = "all",
        grading: str = "B2",
        note: str | None = None,
    ) -> Provenance:
        return Provenance(
            agency=agency,
            report=report,
            handling=Handling.parse(handling, note),
            release=Release.parse(release),
            grading=Grading.parse(grading),
            reported_at=datetime(2024, 5, 1),
            review_by=date(2027, 5, 1),
        )

    return make


def write_jsonl(path: Path, entities: list[Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entities))
    return path


def entity(eid: str, schema: str, **props: str | list[str]) -> dict[str, Any]:
    """An FtM entity as an agency writes it; single values may be given bare."""
    return {
        "id": eid,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def person(eid: str, **props: str | list[str]) -> dict[str, Any]:
    return entity(eid, "Person", **props)
