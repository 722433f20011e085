"""Normalise a block of units into statements -- in this process or in a worker.

The result carries the block's statements as an Arrow table (cheap to send between
processes and to insert into DuckDB) and its quarantined records. Normalisers and
mappings are built once per process and kept for the following blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from undertow.ingest.entities import EntityNormaliser, Problem
from undertow.ingest.ftm_jsonl import ftm_record
from undertow.ingest.mapping import Mapping, csv_record, load_mapping
from undertow.ingest.records import Unit
from undertow.model import Agency

if TYPE_CHECKING:
    import pyarrow as pa

STATEMENT_FIELDS = (
    "id",
    "entity_id",
    "local_id",
    "schema",
    "prop",
    "prop_type",
    "value",
    "original_value",
)


@dataclass(frozen=True)
class BlockSpec:
    """What a worker needs to normalise units of one report."""

    agency: Agency
    report: str
    max_value_bytes: int
    mapping: str | None = None
    header: tuple[str, ...] | None = None


@dataclass
class BlockResult:
    statements: pa.Table | None
    records: int = 0
    records_stored: int = 0
    quarantined: list[tuple[int, bytes, list[Problem]]] = field(default_factory=list)


_WORKERS: dict[BlockSpec, tuple[EntityNormaliser, Mapping | None]] = {}


def _worker(spec: BlockSpec) -> tuple[EntityNormaliser, Mapping | None]:
    found = _WORKERS.get(spec)
    if found is None:
        if len(_WORKERS) > 8:
            _WORKERS.clear()
        normaliser = EntityNormaliser(spec.agency, spec.report, spec.max_value_bytes)
        mapping = load_mapping(spec.mapping) if spec.mapping else None
        found = _WORKERS[spec] = (normaliser, mapping)
    return found


def process_block(spec: BlockSpec, units: list[Unit]) -> BlockResult:
    import pyarrow as pa

    normaliser, mapping = _worker(spec)
    header = list(spec.header or ())
    rows: list[Any] = []
    result = BlockResult(None, records=len(units))
    for unit in units:
        record = csv_record(unit, header, mapping) if mapping else ftm_record(unit)
        problems = [record.problem] if record.problem else []
        record_rows = []
        for data, formats in record.entities:
            normalised = normaliser.normalise(data, formats)
            problems.extend(normalised.problems)
            record_rows.extend(normalised.rows)
        if problems:
            result.quarantined.append((record.line, record.raw, problems))
            continue
        result.records_stored += 1
        rows.extend(record_rows)
    if rows:
        columns = [pa.array(col, type=pa.string()) for col in zip(*rows, strict=True)]
        result.statements = pa.table(dict(zip(STATEMENT_FIELDS, columns, strict=True)))
    return result
