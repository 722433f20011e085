"""What readers yield and normalisation consumes.

Reading is split in two so the costly half can run in worker processes: a reader cuts
the file into :class:`Unit`\\ s (one JSON line, or one CSV row with its cells) in the
main process, and :mod:`undertow.ingest.block` turns blocks of units into statements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from undertow.ingest.entities import Problem


class Unit(NamedTuple):
    line: int
    raw: bytes
    cells: list[str] | None = None
    """The CSV row's cells; ``None`` for a JSON line (``raw`` is the line)."""
    problem: Problem | None = None
    """Set when the reader could not even cut the unit (over-long line, bad CSV quoting)."""


@dataclass
class SourceRecord:
    line: int
    raw: bytes
    entities: list[tuple[Any, Mapping[str, str] | None]] = field(default_factory=list)
    """Raw FtM entity dicts, each with the property formats its mapping gives (or None)."""
    problem: Problem | None = None
    """Set when the record could not be read (bad bytes, bad JSON, a ragged CSV row)."""
