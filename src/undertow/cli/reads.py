"""Reading commands: entities, search, export, status, quarantine, agencies."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from undertow.cli.app import JsonOpt, app, emit_json, err, fail, group, out, service

quarantine_app = group("quarantine", "Records set aside at ingest.")
entities_app = group("entities", "Entities as the merge of their statements.")
agencies_app = group("agencies", "The agencies of this deployment.")


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
    for notice in entity.notices:
        out().print(f"hit notice: {notice.message}")
    if not entity.values:
        return
    origin = (
        f"{len(entity.members)} records you may see"
        if entity.members
        else f"submitted as {entity.local_id}"
    )
    table = Table(title=f"{entity.schema} {entity.id} ({origin})")
    for col in ("property", "value", "as written", "agency", "report", "handling", "grading"):
        table.add_column(col, overflow="fold")
    for v in entity.values:
        if v.prop == "id":
            continue
        handling = v.handling + (f" ({v.handling_note})" if v.handling_note else "")
        if v.handling == "H1":
            handling += " not for court"
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
    for_court: Annotated[
        bool, typer.Option(help="Leave out H1 values not released for judicial use.")
    ] = False,
) -> None:
    """Export entities as FtM JSON lines (round-trips with ingest)."""
    if format != "ftm":
        fail(f"unknown export format {format!r} (known: ftm)")
    with service(ctx) as svc:
        if output is None:
            count = svc.export_ftm(sys.stdout.buffer, agency, for_court)
            sys.stdout.buffer.flush()
        else:
            tmp = output.with_name(output.name + ".partial")
            with tmp.open("wb") as fh:
                count = svc.export_ftm(fh, agency, for_court)
            tmp.replace(output)  # nothing half-written under the final name
    err().print(f"exported {count:,} entities")


@app.command("search")
def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A name, phone number, IBAN or other identifier.")],
    limit: Annotated[int, typer.Option(help="Results per page.")] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many results.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Search names and identifiers; hidden matches show as hit notices. Needs --purpose."""
    with service(ctx) as svc:
        result = svc.search(query, limit=limit, offset=offset)
    if as_json:
        emit_json(result.to_dict())
        return
    table = Table(title=f"{result.total:,} matches for {query!r} ({result.kind})")
    for col in ("entity", "schema", "caption", "matched"):
        table.add_column(col, overflow="fold")
    for hit in result.hits:
        table.add_row(hit.entity_id, hit.schema, hit.caption, ", ".join(hit.matched))
    out().print(table)
    for notice in result.notices:
        out().print(f"hit notice: {notice.message}")


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
