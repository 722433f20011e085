"""Need-to-know commands: users, the audit log, releases, retention."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from undertow.cli.app import JsonOpt, app, emit_json, failures, group, out, service

users_app = group("users", "Users of this store and their API tokens.")
audit_app = group("audit", "The hash-chained audit log (auditors and admins).")
release_app = group("release", "Release data to further agencies; requests and answers.")
retention_app = group("retention", "Review-by dates: what is due, and erasure.")


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    agency: Annotated[str, typer.Option(help="The user's agency.")],
    role: Annotated[str, typer.Option(help="analyst | supervisor | auditor | admin")],
    expires: Annotated[str | None, typer.Option(help="Token expiry date (ISO).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a user and print its API token -- once; only its hash is stored."""
    from datetime import datetime

    from undertow.service import parse_day

    day = parse_day(expires, "--expires")
    with service(ctx) as svc:
        user, token = svc.add_user(
            name, agency, role, datetime(day.year, day.month, day.day) if day else None
        )
    if as_json:
        emit_json({**user.to_dict(), "token": token})
        return
    out().print(f"user {user.name} ({user.agency}, {user.role.value}) created.")
    out().print("API token (shown once, store it now):")
    out().print(token, markup=False)


@users_app.command("revoke")
def users_revoke(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Revoke a user's token; the user stays on record for the audit log."""
    with service(ctx) as svc:
        user = svc.revoke_user(name)
    out().print(f"user {user.name} revoked at {user.revoked_at:%Y-%m-%d %H:%M} UTC")


@users_app.command("list")
def users_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Users of the store (of one's own agency, for an agency admin)."""
    with service(ctx) as svc:
        users = svc.users()
    if as_json:
        for u in users:
            emit_json(u.to_dict())
        return
    table = Table(title="Users")
    for col in ("name", "agency", "role", "created", "expires", "revoked"):
        table.add_column(col)
    for u in users:
        table.add_row(
            u.name,
            u.agency,
            u.role.value,
            f"{u.created_at:%Y-%m-%d}",
            f"{u.expires_at:%Y-%m-%d}" if u.expires_at else "",
            f"{u.revoked_at:%Y-%m-%d}" if u.revoked_at else "",
        )
    out().print(table)


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option(help="Only this user's entries.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only entries naming this entity.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Read the audit log."""
    with service(ctx) as svc:
        entries = svc.audit_log(user=user, entity=entity, limit=limit, offset=offset)
    if as_json:
        for e in entries:
            emit_json(e.to_dict())
        return
    table = Table(title=f"Audit log ({len(entries)} entries)")
    for col in ("seq", "at (UTC)", "user", "agency", "action", "purpose", "outcome", "entities"):
        table.add_column(col, overflow="fold")
    for e in entries:
        table.add_row(
            str(e.seq),
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            e.user_name,
            e.agency or "",
            e.action,
            e.purpose or "",
            e.outcome,
            ", ".join(e.entity_ids[:5]) + (" ..." if len(e.entity_ids) > 5 else ""),
        )
    out().print(table)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the hash chain and its anchors; exit 1 naming the first broken entry."""
    with service(ctx) as svc:
        result = svc.audit_verify()
    if as_json:
        emit_json(result.to_dict())
    elif result.ok:
        out().print(
            f"audit log intact: {result.checked:,} entries, {result.anchors_checked} anchors"
        )
    else:
        for problem in result.problems:
            out().print(f"[red]broken:[/red] {problem}")
    if not result.ok:
        raise typer.Exit(1)


@release_app.command("grant")
def release_grant(
    ctx: typer.Context,
    to: Annotated[str, typer.Option(help="Agencies to release to: A,B.")] = "",
    report: Annotated[str | None, typer.Option(help="A report reference of yours.")] = None,
    entity: Annotated[str | None, typer.Option(help="An entity id of yours.")] = None,
    court: Annotated[bool, typer.Option(help="Also release H1 values for court use.")] = False,
    owner: Annotated[
        str | None, typer.Option(help="Owner agency (the local administrator only).")
    ] = None,
) -> None:
    """Release a report's or an entity's statements to further agencies."""
    with service(ctx) as svc:
        record = svc.release(
            to=[a for a in to.split(",") if a.strip()],
            report=report,
            entity=entity,
            court=court,
            owner=owner,
        )
    court_text = " and for court" if record.court else ""
    out().print(
        f"released {record.statements:,} statements to {', '.join(record.agencies) or '-'}"
        f"{court_text}"
    )


@release_app.command("request")
def release_request(
    ctx: typer.Context,
    owner: Annotated[str, typer.Option(help="The agency that holds the data.")],
    reason: Annotated[str, typer.Option(help="Why: case reference and purpose.")],
    report: Annotated[str | None, typer.Option(help="The owner's report reference.")] = None,
    entity: Annotated[str | None, typer.Option(help="The owner's entity id.")] = None,
    court: Annotated[bool, typer.Option(help="Ask for use in court too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Ask another agency to release data (after a hit notice, say)."""
    with service(ctx) as svc:
        request = svc.request_release(
            owner=owner, reason=reason, report=report, entity=entity, court=court
        )
    if as_json:
        emit_json(request.to_dict())
        return
    out().print(f"release request {request.id} sent to {request.owner}")


@release_app.command("requests")
def release_requests(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Release requests made by or to your agency."""
    with service(ctx) as svc:
        requests = svc.release_requests()
    if as_json:
        for r in requests:
            emit_json(r.to_dict())
        return
    table = Table(title="Release requests")
    for col in ("id", "from", "to", "report / entity", "court", "reason", "status"):
        table.add_column(col, overflow="fold")
    for r in requests:
        table.add_row(
            r.id,
            f"{r.requesting_agency} ({r.requester})",
            r.owner,
            r.report or r.entity_id or "",
            "yes" if r.court else "",
            r.reason,
            r.status,
        )
    out().print(table)


@release_app.command("answer")
def release_answer(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    grant: Annotated[bool, typer.Option("--grant/--deny", help="Grant or deny.")],
    note: Annotated[str | None, typer.Option(help="Answer in words.")] = None,
) -> None:
    """Answer a release request addressed to your agency."""
    with service(ctx) as svc:
        request, record = svc.answer_release_request(request_id, grant=grant, note=note)
    done = f", {record.statements:,} statements released" if record else ""
    out().print(f"request {request.id} {request.status}{done}")


@retention_app.command("run")
def retention_run(
    ctx: typer.Context,
    erase: Annotated[
        bool, typer.Option("--erase/--flag", help="Erase what is due, or only list it.")
    ] = False,
    today: Annotated[str | None, typer.Option(help="Review as of this date (ISO).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Reports past their review-by date: flag them (default) or erase them (audited)."""
    from undertow.service import parse_day

    with service(ctx) as svc:
        result = svc.retention(erase=erase, today=parse_day(today, "--today"))
    if as_json:
        for r in result.due:
            emit_json({**r.to_dict(), "erased": result.erased})
        return
    table = Table(title=f"Reports past review ({'erased' if erase else 'flagged'})")
    for col in ("agency", "report", "review by", "statements"):
        table.add_column(col)
    for r in result.due:
        table.add_row(r.agency, r.reference, r.review_by.isoformat(), f"{r.statements:,}")
    out().print(table)
    if erase:
        out().print(f"erased {result.statements_deleted:,} statements")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API (bearer tokens from `undertow users add`); docs at /docs."""
    import uvicorn

    from undertow.api import create_app

    with failures():
        api = create_app(ctx.obj.db)
    uvicorn.run(api, host=host, port=port, log_level="info")
