"""Normalise a block of units into statements -- in this process or in a worker.

The result carries the block's statements as an Arrow table (cheap to send between
processes and to insert into DuckDB) and its quarantined records. Normalisers and
mappings are built once per process and kept for the following blocks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from undertow.ingest.entities import EntityNormaliser, Problem
from undertow.ingest.ftm_jsonl import ftm_record
from undertow.ingest.mapping import Mapping, csv_record, load_mapping, row_bytes
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
    job: str = ""
    """Unique per ingest run: what a worker remembers of one run must not skip the next."""


@dataclass
class BlockResult:
    statements: pa.Table | None
    records: int = 0
    records_stored: int = 0
    statements_made: int = 0
    quarantined: list[tuple[int, bytes, list[Problem]]] = field(default_factory=list)


@dataclass
class _Worker:
    normaliser: EntityNormaliser
    mapping: Mapping | None
    seen: set[bytes] = field(default_factory=set)
    """Entities of this report already normalised cleanly by this process. A CSV export
    repeats the account holder on every row: normalising it once is enough (the store
    deduplicates whatever two processes both send)."""


_WORKERS: dict[BlockSpec, _Worker] = {}
_SEEN_LIMIT = 1_000_000


def _worker(spec: BlockSpec) -> _Worker:
    found = _WORKERS.get(spec)
    if found is None:
        # Each ingest job has its own spec, and jobs follow one another: a job's caches
        # (up to a million entity signatures and the value cache) are dead weight once
        # the next begins. Kept for eight jobs, they held 2.0 GB per worker at the
        # medium scenario (1.2 GB kept for two).
        if len(_WORKERS) >= 2:
            _WORKERS.clear()
        normaliser = EntityNormaliser(spec.agency, spec.report, spec.max_value_bytes)
        mapping = load_mapping(spec.mapping) if spec.mapping else None
        found = _WORKERS[spec] = _Worker(normaliser, mapping)
    if len(found.seen) > _SEEN_LIMIT:
        found.seen.clear()
    return found


def process_block(spec: BlockSpec, units: list[Unit]) -> BlockResult:
    import pyarrow as pa

    worker = _worker(spec)
    normaliser, mapping, seen = worker.normaliser, worker.mapping, worker.seen
    header = list(spec.header or ())
    rows: list[Any] = []
    result = BlockResult(None, records=len(units))
    for unit in units:
        record = csv_record(unit, header, mapping) if mapping else ftm_record(unit)
        problems = [record.problem] if record.problem else []
        record_rows = []
        fresh: list[bytes] = []
        for data, formats in record.entities:
            signature = _signature(data, formats)
            if signature is not None and signature in seen:
                continue
            normalised = normaliser.normalise(data, formats)
            problems.extend(normalised.problems)
            record_rows.extend(normalised.rows)
            if signature is not None:
                fresh.append(signature)
        if problems:
            raw = record.raw or (row_bytes(unit.cells) if unit.cells is not None else b"")
            result.quarantined.append((record.line, raw, problems))
            continue
        result.records_stored += 1
        rows.extend(record_rows)
        seen.update(fresh)  # only entities of records that were stored
    result.statements_made = len(rows)
    if rows:
        # Identical statements within the block (repeated values) are sent once.
        rows = list({row[0]: row for row in rows}.values())
        columns = [pa.array(col, type=pa.string()) for col in zip(*rows, strict=True)]
        result.statements = pa.table(dict(zip(STATEMENT_FIELDS, columns, strict=True)))
    return result


def _signature(data: Any, formats: Any) -> bytes | None:
    # A 16-byte digest of the entity as given, not the entity itself (about 200 bytes
    # on the medium scenario's arrival records): a worker keeps up to a million.
    try:
        dumped = orjson.dumps([data, formats], option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None  # not serialisable as given: normalise it and let that report why
    return hashlib.blake2b(dumped, digest_size=16).digest()
