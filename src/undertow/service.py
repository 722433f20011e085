"""The one service layer every command (and, later, every endpoint) goes through.

Shells parse, call one method here, and render. A service is bound to a store and to
the scope of whoever asks; access checks and the audit log attach here, so that no
shell can read around them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from undertow.errors import ConfigError, NotFoundError
from undertow.ingest import IngestJob, IngestResult, ingest_file
from undertow.ingest.manifest import read_manifest
from undertow.ingest.provenance import build_provenance
from undertow.model import Agency, Grading, Handling, Release
from undertow.settings import Settings, get_settings
from undertow.store import Store, utcnow
from undertow.store.reads import (
    Entity,
    QuarantineEntry,
    Status,
    get_entity,
    quarantine,
    resolve_entity_id,
    status,
)
from undertow.store.scope import Scope

# (label, total bytes) -> callback receiving bytes read; lets shells draw progress bars.
ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class Submission:
    """Provenance as given on the command line for one or more files."""

    agency: str
    report: str
    handling: str
    release: str
    grading: str
    handling_note: str | None = None
    mapping: str | None = None
    reported_at: date | None = None
    review_by: date | None = None


class Service:
    def __init__(self, store: Store, scope: Scope, settings: Settings | None = None) -> None:
        self.store = store
        self.scope = scope
        self.settings = settings or get_settings()

    # -- ingest ----------------------------------------------------------------

    def ingest_files(
        self,
        paths: Sequence[Path],
        submission: Submission,
        *,
        strict: bool = False,
        progress: ProgressFactory | None = None,
    ) -> list[IngestResult]:
        registry = self.store.agencies()
        agency = registry.get(submission.agency).code
        self._check_may_submit(agency)
        provenance = build_provenance(
            agency,
            submission.report,
            Handling.parse(submission.handling, submission.handling_note),
            Release.parse(submission.release, registry.codes()),
            Grading.parse(submission.grading),
            submission.reported_at,
            submission.review_by,
            utcnow(),
            self.settings.review_months,
        )
        jobs = [IngestJob(Path(p), provenance, submission.mapping, strict) for p in paths]
        return [self._run(job, progress) for job in jobs]

    def ingest_manifest(
        self, manifest: Path, *, strict: bool = False, progress: ProgressFactory | None = None
    ) -> list[IngestResult]:
        items = read_manifest(
            manifest, self.store.agencies(), utcnow(), self.settings.review_months
        )
        for item in items:
            self._check_may_submit(item.provenance.agency)
        jobs = [IngestJob(i.path, i.provenance, i.mapping, strict) for i in items]
        return [self._run(job, progress) for job in jobs]

    def _run(self, job: IngestJob, progress: ProgressFactory | None) -> IngestResult:
        callback = None
        if progress is not None and job.path.is_file():
            callback = progress(job.path.name, job.path.stat().st_size)
        return ingest_file(self.store, job, settings=self.settings, progress=callback)

    def _check_may_submit(self, agency: str) -> None:
        if self.scope.agency is not None and self.scope.agency != agency:
            raise ConfigError(f"{self.scope.agency} cannot submit reports on behalf of {agency}")

    # -- reads -----------------------------------------------------------------

    def entity(self, ref: str, agency: str | None = None) -> Entity:
        if agency is not None:
            agency = self.store.agencies().get(agency).code
        entity_id = resolve_entity_id(self.store, ref, agency)
        try:
            return get_entity(self.store, self.scope, entity_id)
        except NotFoundError:
            raise NotFoundError(f"no entity {ref!r} (or none you may see)") from None

    def export_ftm(self, out: IO[bytes], agency: str | None = None) -> int:
        from undertow.export import write_ftm

        if agency is not None:
            agency = self.store.agencies().get(agency).code
        return write_ftm(self.store, self.scope, out, agency)

    def status(self) -> Status:
        return status(self.store, self.scope)

    def quarantine(
        self, report: str | None = None, limit: int | None = None
    ) -> list[QuarantineEntry]:
        return quarantine(self.store, self.scope, report, limit)

    def agencies(self) -> list[Agency]:
        return list(self.store.agencies())

    def add_agency(self, agency: Agency) -> None:
        self.store.add_agency(agency)


def parse_day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ConfigError(f"{what} must be an ISO date (YYYY-MM-DD), not {text!r}") from None
