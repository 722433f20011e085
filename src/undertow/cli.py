"""The ``undertow`` command: thin shells over :mod:`undertow.service`.

Every analysis prints a rich table for people and ``--json`` (one object per line) for
programs. Errors print one line naming the file, line and field, and exit non-zero.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from undertow.errors import UndertowError

if TYPE_CHECKING:
    from rich.progress import Progress

    from undertow.ingest import IngestResult
    from undertow.service import Service

app = typer.Typer(
    name="undertow",
    help="Joint intelligence against migrant-smuggling networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
quarantine_app = typer.Typer(help="Records set aside at ingest.", no_args_is_help=True)
entities_app = typer.Typer(help="Entities as the merge of their statements.", no_args_is_help=True)
agencies_app = typer.Typer(help="The agencies of this deployment.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(entities_app, name="entities")
app.add_typer(agencies_app, name="agencies")


def out() -> Console:
    """Made per call so that the terminal width (and ``COLUMNS``) is read when printing."""
    return Console(highlight=False)


def err() -> Console:
    return Console(stderr=True, highlight=False)


@dataclass
class CliState:
    db: Path


JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="DuckDB file of the store [env: UNDERTOW_DB].", show_default=False
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    from undertow.settings import get_settings

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = CliState(db=db or Path(os.environ.get("UNDERTOW_DB") or get_settings().db))


@contextmanager
def service(ctx: typer.Context) -> Iterator[Service]:
    """Open the store, bind the service to whoever runs the command, and map errors."""
    from undertow.service import Service
    from undertow.store import Store
    from undertow.store.scope import Scope

    state: CliState = ctx.obj
    with failures():
        store = Store.open(state.db)
        try:
            yield Service(store, Scope.everything())
        finally:
            store.close()


@contextmanager
def failures() -> Iterator[None]:
    try:
        yield
    except UndertowError as e:
        fail(str(e))


def fail(message: str) -> NoReturn:
    """One plain line on stderr (no markup: ``[field]`` is not a style), exit 2."""
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(2)


def emit_json(obj: Any) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(obj, default=str).decode() + "\n")


# -- ingest -------------------------------------------------------------------


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


# -- reads --------------------------------------------------------------------


@quarantine_app.command("list")
def quarantine_list(
    ctx: typer.Context,
    report: Annotated[str | None, typer.Option(help="Only this report reference.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show what was set aside at ingest, with file, line, field and reason."""
    with service(ctx) as svc:
        entries = svc.quarantine(report, limit)
    if as_json:
        for e in entries:
            emit_json(e.to_dict())
        return
    table = Table(title=f"Quarantine ({len(entries)})")
    for col in ("agency", "report", "file", "line", "field", "reason"):
        table.add_column(col, overflow="fold")
    for e in entries:
        table.add_row(
            e.agency, e.report, Path(e.file).name, str(e.line or ""), e.field or "", e.reason
        )
    out().print(table)


@entities_app.command("show")
def entities_show(
    ctx: typer.Context,
    entity_id: Annotated[
        str, typer.Argument(help="Namespaced id, or the submitted id with --agency.")
    ],
    agency: Annotated[str | None, typer.Option(help="The agency that submitted the id.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show an entity as the merge of its statements, each value with its source."""
    with service(ctx) as svc:
        entity = svc.entity(entity_id, agency)
    if as_json:
        emit_json(entity.to_dict())
        return
    table = Table(title=f"{entity.schema} {entity.id} (submitted as {entity.local_id})")
    for col in ("property", "value", "as written", "agency", "report", "handling", "grading"):
        table.add_column(col, overflow="fold")
    for v in entity.values:
        if v.prop == "id":
            continue
        handling = v.handling + (f" ({v.handling_note})" if v.handling_note else "")
        table.add_row(
            v.prop, v.value, v.original_value or "", v.agency, v.report, handling, v.grading
        )
    out().print(table)


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", help="Export format: ftm.")] = "ftm",
    agency: Annotated[
        str | None, typer.Option(help="Only this agency's data, under its own ids.")
    ] = None,
    output: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
) -> None:
    """Export entities as FtM JSON lines (round-trips with ingest)."""
    if format != "ftm":
        fail(f"unknown export format {format!r} (known: ftm)")
    with service(ctx) as svc:
        if output is None:
            count = svc.export_ftm(sys.stdout.buffer, agency)
            sys.stdout.buffer.flush()
        else:
            tmp = output.with_name(output.name + ".partial")
            with tmp.open("wb") as fh:
                count = svc.export_ftm(fh, agency)
            tmp.replace(output)  # nothing half-written under the final name
    err().print(f"exported {count:,} entities")


@app.command("status")
def status_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Agencies, reports, entities, statements and quarantined records."""
    with service(ctx) as svc:
        st = svc.status()
    if as_json:
        emit_json(st.to_dict())
        return
    table = Table(title=f"Undertow store: {ctx.obj.db}")
    for col in ("agency", "reports", "entities", "statements", "quarantined"):
        table.add_column(col, justify="left" if col == "agency" else "right")
    for a in st.agencies:
        table.add_row(
            a["code"],
            f"{a['reports']:,}",
            f"{a['entities']:,}",
            f"{a['statements']:,}",
            f"{a['quarantined']:,}",
        )
    table.add_row(
        "[b]total[/b]",
        f"{st.reports:,}",
        f"{st.entities:,}",
        f"{st.statements:,}",
        f"{st.quarantined:,}",
    )
    out().print(table)


# -- agencies -----------------------------------------------------------------


@agencies_app.command("list")
def agencies_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The agencies registered in this store."""
    with service(ctx) as svc:
        agencies = svc.agencies()
    if as_json:
        for a in agencies:
            emit_json(a.to_dict())
        return
    table = Table(title="Agencies")
    for col in ("code", "name", "country", "phone region", "decimal"):
        table.add_column(col)
    for a in agencies:
        table.add_row(a.code, a.name, a.country or "", a.phone_region or "", a.decimal_separator)
    out().print(table)


@agencies_app.command("add")
def agencies_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Code like ES-CNP.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    country: Annotated[str | None, typer.Option(help="ISO country code.")] = None,
    phone_region: Annotated[
        str | None, typer.Option(help="Region for national phone numbers, e.g. ES.")
    ] = None,
    decimal: Annotated[str, typer.Option(help="Decimal separator in its files: . or ,")] = ",",
) -> None:
    """Register a further agency in this deployment."""
    from undertow.model import Agency

    with service(ctx) as svc:
        agency = Agency(
            code=code.upper(),
            name=name,
            country=country.lower() if country else None,
            phone_region=phone_region.upper() if phone_region else None,
            decimal_separator=decimal,
        )
        svc.add_agency(agency)
    out().print(f"added agency {agency.code}")


def main() -> None:
    app()
