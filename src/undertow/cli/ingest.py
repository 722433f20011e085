"""``undertow ingest``: agency files in, with progress bars and a summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from undertow.cli.app import JsonOpt, app, emit_json, err, failures, out, service

if TYPE_CHECKING:
    from rich.progress import Progress

    from undertow.ingest import IngestResult


@app.command()
def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path] | None, typer.Argument(help="FtM JSON-lines or CSV files.")] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="JSON list of files with their provenance.")
    ] = None,
    agency: Annotated[str | None, typer.Option(help="Submitting agency, e.g. UK-NCA.")] = None,
    report: Annotated[str | None, typer.Option(help="Report reference.")] = None,
    handling: Annotated[str, typer.Option(help="Europol handling code H0-H3.")] = "H0",
    handling_note: Annotated[
        str | None, typer.Option(help="The restriction in words (required for H3).")
    ] = None,
    release: Annotated[str, typer.Option(help="'all' or agency codes: A,B.")] = "all",
    grading: Annotated[str, typer.Option(help="4x4 evaluation, e.g. B2.")] = "X4",
    mapping: Annotated[
        str | None, typer.Option(help="FtM mapping for CSV: shipped name or YAML path.")
    ] = None,
    reported_at: Annotated[str | None, typer.Option(help="Report date (ISO).")] = None,
    review_by: Annotated[str | None, typer.Option(help="Review-by date (ISO).")] = None,
    strict: Annotated[bool, typer.Option(help="Store nothing if any record is bad.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Ingest agency files as reports. Exit 0: all stored; 3: some quarantined; 2: none."""
    from undertow.service import Submission, parse_day

    with failures():
        if manifest is not None and files:
            raise typer.BadParameter("give files or --manifest, not both")
        if manifest is None:
            if not files:
                raise typer.BadParameter("give files to ingest, or --manifest")
            if agency is None or report is None:
                raise typer.BadParameter("--agency and --report are required with files")
    with service(ctx) as svc, _progress(as_json) as bars:
        factory = _bar_factory(bars)
        if manifest is not None:
            results = svc.ingest_manifest(manifest, strict=strict, progress=factory)
        else:
            assert files is not None
            assert agency is not None
            assert report is not None
            submission = Submission(
                agency=agency,
                report=report,
                handling=handling,
                handling_note=handling_note,
                release=release,
                grading=grading,
                mapping=mapping,
                reported_at=parse_day(reported_at, "--reported-at"),
                review_by=parse_day(review_by, "--review-by"),
            )
            results = svc.ingest_files(files, submission, strict=strict, progress=factory)
    _render_ingest(results, as_json)
    raise typer.Exit(_ingest_exit(results))


def _ingest_exit(results: list[IngestResult]) -> int:
    codes = {int(r.exit_code) for r in results}
    if codes == {2}:
        return 2
    return 3 if codes - {0} else 0


@contextmanager
def _progress(quiet: bool) -> Iterator[Progress | None]:
    if quiet:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=False,
    ) as bars:
        yield bars


def _bar_factory(bars: Progress | None) -> Callable[[str, int], Callable[[int], None]] | None:
    if bars is None:
        return None

    def factory(label: str, total: int) -> Callable[[int], None]:
        task = bars.add_task(label, total=total)
        return lambda n: bars.advance(task, n)

    return factory


def _render_ingest(results: list[IngestResult], as_json: bool) -> None:
    if as_json:
        for r in results:
            emit_json(
                {
                    "file": str(r.job.path),
                    "agency": r.job.provenance.agency,
                    "report": r.job.provenance.report,
                    "report_id": r.report_id,
                    "status": r.status,
                    "exit_code": int(r.exit_code),
                    "records_read": r.counts.records_read,
                    "records_stored": r.counts.records_stored,
                    "records_quarantined": r.counts.records_quarantined,
                    "entities": r.counts.entities,
                    "statements_read": r.counts.statements_read,
                    "statements_new": r.counts.statements_new,
                    "quarantine_codes": r.counts.quarantine_codes,
                }
            )
        return
    table = Table(title="Ingest")
    for col in ("file", "agency", "report", "records", "stored", "quarantined", "new stmts"):
        table.add_column(
            col, justify="right" if col not in {"file", "agency", "report"} else "left"
        )
    table.add_column("status")
    codes: dict[str, int] = {}
    for r in results:
        c = r.counts
        for code, n in c.quarantine_codes.items():
            codes[code] = codes.get(code, 0) + n
        table.add_row(
            r.job.path.name,
            r.job.provenance.agency,
            r.job.provenance.report,
            f"{c.records_read:,}",
            f"{c.records_stored:,}",
            f"{c.records_quarantined:,}",
            f"{c.statements_new:,}",
            r.status,
        )
    out().print(table)
    if codes:
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(codes.items()))
        out().print(f"quarantined problems: {detail} (see `undertow quarantine list`)")
