"""What a reader yields: one source record (a line or a row) and the entities it holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from undertow.ingest.entities import Problem


@dataclass
class SourceRecord:
    line: int
    raw: bytes
    entities: list[tuple[Any, Mapping[str, str] | None]] = field(default_factory=list)
    """Raw FtM entity dicts, each with the property formats its mapping gives (or None)."""
    problem: Problem | None = None
    """Set when the record could not even be read (bad bytes, bad JSON, bad CSV row)."""
