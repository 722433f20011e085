"""Ingest one file as one report: read, normalise, quarantine, and store atomically."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import orjson

from undertow.errors import InputError
from undertow.ingest.entities import EntityNormaliser, Problem
from undertow.ingest.ftm_jsonl import read_ftm_jsonl
from undertow.ingest.mapping import load_mapping, read_mapped_csv
from undertow.ingest.records import SourceRecord
from undertow.model import Provenance
from undertow.settings import Settings, get_settings
from undertow.store import ReportCounts, ReportHeader, ReportWriter, Store, utcnow

log = logging.getLogger(__name__)


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
    if mapping is not None:
        records: Iterator[SourceRecord] = read_mapped_csv(job.path, mapping, progress)
    else:
        records = read_ftm_jsonl(job.path, settings.max_line_bytes, progress)
    normaliser = EntityNormaliser(agency, prov.report, settings.max_value_bytes)
    counts = ReportCounts()
    with ReportWriter(store, header, chunk=settings.batch_statements) as writer:
        for record in records:
            counts.records_read += 1
            problems = [record.problem] if record.problem else []
            rows = []
            for data, formats in record.entities:
                result = normaliser.normalise(data, formats)
                problems.extend(result.problems)
                rows.extend(result.rows)
            if problems:
                _quarantine(writer, header, str(job.path), record, problems, counts)
                continue
            counts.records_stored += 1
            counts.statements_read += len(rows)
            writer.add(rows)
        keep = not (job.strict and counts.records_quarantined)
        writer.finish(counts, keep_statements=keep)
    status = "rejected" if not keep else counts.status
    return IngestResult(job, header.id, counts, status)


def _quarantine(
    writer: ReportWriter,
    header: ReportHeader,
    file_name: str,
    record: SourceRecord,
    problems: list[Problem],
    counts: ReportCounts,
) -> None:
    first = problems[0]
    counts.records_quarantined += 1
    for p in problems:
        counts.quarantine_codes[p.code] = counts.quarantine_codes.get(p.code, 0) + 1
    qid = hashlib.sha1(f"{header.id}\x1f{record.line}".encode()).hexdigest()
    writer.quarantine(
        qid,
        file_name,
        record.line,
        first.field,
        first.code,
        first.reason,
        orjson.dumps([p.to_dict() for p in problems]).decode(),
        record.raw,
    )
