"""Ingest one file as one report: read, normalise, quarantine, and store atomically."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from functools import partial
from pathlib import Path

import orjson

from undertow.errors import InputError
from undertow.ingest.block import BlockSpec, process_block
from undertow.ingest.entities import Problem
from undertow.ingest.ftm_jsonl import read_ftm_units
from undertow.ingest.mapping import load_mapping, read_csv_units
from undertow.ingest.parallel import default_workers, ordered_map
from undertow.ingest.records import Unit
from undertow.model import Provenance
from undertow.settings import Settings, get_settings
from undertow.store import ReportCounts, ReportHeader, ReportWriter, Store, utcnow

log = logging.getLogger(__name__)

# Records per block sent to a worker: large enough to amortise the hop between processes,
# small enough that a few blocks in flight stay within a few megabytes.
BLOCK_UNITS = 2_000


class ExitCode(IntEnum):
    """The exit codes of ``undertow ingest``."""

    STORED = 0
    NOTHING_STORED = 2
    SOME_QUARANTINED = 3


@dataclass(frozen=True)
class IngestJob:
    path: Path
    provenance: Provenance
    mapping: str | None = None
    """A shipped mapping name or a mapping YAML path; ``None`` for FtM JSON lines."""
    strict: bool = False


@dataclass(frozen=True)
class IngestResult:
    job: IngestJob
    report_id: str
    counts: ReportCounts
    status: str

    @property
    def exit_code(self) -> ExitCode:
        if self.status == "rejected":
            return ExitCode.NOTHING_STORED
        if self.counts.records_quarantined:
            return ExitCode.SOME_QUARANTINED
        return ExitCode.STORED


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def report_id(agency: str, reference: str, sha256: str) -> str:
    return hashlib.sha1(f"{agency}\x1f{reference}\x1f{sha256}".encode()).hexdigest()


def ingest_file(
    store: Store,
    job: IngestJob,
    *,
    settings: Settings | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Store one file as one report of ``job.provenance``; see :class:`ExitCode`."""
    settings = settings or get_settings()
    prov = job.provenance
    agency = store.agencies().get(prov.agency)
    if not job.path.is_file():
        raise InputError("no such file", file=str(job.path))
    mapping = load_mapping(job.mapping) if job.mapping else None
    sha = file_sha256(job.path)
    header = ReportHeader(
        id=report_id(agency.code, prov.report, sha),
        agency=agency.code,
        reference=prov.report,
        file_name=job.path.name,
        file_sha256=sha,
        format=f"csv:{mapping.name}" if mapping else "ftm",
        handling=prov.handling.code.value,
        handling_note=prov.handling.note,
        release=prov.release.to_list(),
        grading=str(prov.grading),
        reported_at=prov.reported_at,
        received_at=utcnow(),
        review_by=prov.review_by,
    )
    header_row: list[str] | None = None
    if mapping is not None:
        header_row, units = read_csv_units(job.path, mapping, progress)
    else:
        units = read_ftm_units(job.path, settings.max_line_bytes, progress)
    spec = BlockSpec(
        agency,
        prov.report,
        settings.max_value_bytes,
        job.mapping,
        tuple(header_row) if header_row is not None else None,
        job=secrets.token_hex(8),
    )
    workers = settings.workers or default_workers()
    if job.path.stat().st_size < settings.parallel_min_bytes:
        workers = 1
    counts = ReportCounts()
    with ReportWriter(store, header, chunk=settings.batch_statements) as writer:
        blocks = _blocks(units, BLOCK_UNITS)
        for result in ordered_map(partial(process_block, spec), blocks, workers):
            counts.records_read += result.records
            counts.records_stored += result.records_stored
            counts.statements_read += result.statements_made
            if result.statements is not None:
                writer.add_table(result.statements)
            for line, raw, problems in result.quarantined:
                _quarantine(writer, header, str(job.path), line, raw, problems, counts)
        keep = not (job.strict and counts.records_quarantined)
        writer.finish(counts, keep_statements=keep)
    status = "rejected" if not keep else counts.status
    return IngestResult(job, header.id, counts, status)


def _blocks(units: Iterator[Unit], size: int) -> Iterator[list[Unit]]:
    block: list[Unit] = []
    for unit in units:
        block.append(unit)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def _quarantine(
    writer: ReportWriter,
    header: ReportHeader,
    file_name: str,
    line: int,
    raw: bytes,
    problems: list[Problem],
    counts: ReportCounts,
) -> None:
    first = problems[0]
    counts.records_quarantined += 1
    for p in problems:
        counts.quarantine_codes[p.code] = counts.quarantine_codes.get(p.code, 0) + 1
    qid = hashlib.sha1(f"{header.id}\x1f{line}".encode()).hexdigest()
    writer.quarantine(
        qid,
        file_name,
        line,
        first.field,
        first.code,
        first.reason,
        orjson.dumps([p.to_dict() for p in problems]).decode(),
        raw,
    )
