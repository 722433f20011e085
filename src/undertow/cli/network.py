"""Network commands: communities, roles, key players, disruption plans, exports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from undertow.cli.app import JsonOpt, emit_json, group, out, service

network = group("network", "The network you may see: communities, roles, key players.")

LayersOpt = Annotated[
    list[str] | None,
    typer.Option("--layer", help="A layer to project (repeat); default: who deals with whom."),
]
SinceOpt = Annotated[str | None, typer.Option(help="Ties seen on or after (YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option(help="Ties seen on or before (YYYY-MM-DD).")]


@network.command("communities")
def communities_cmd(
    ctx: typer.Context,
    layers: LayersOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    resolution: Annotated[float, typer.Option(help="Higher: smaller communities.")] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Leiden communities, with each community's members by role."""
    with service(ctx) as svc:
        found = svc.communities(layers, since, until, resolution)
    if as_json:
        for c in found.communities:
            emit_json(c.to_dict())
        return
    out().print(render_communities(found))


def render_communities(found: Any, limit: int = 12) -> Table:
    table = Table(
        title=f"Communities: {found.count:,} (modularity {found.modularity:.3f}); "
        f"the {min(limit, len(found.communities))} largest"
    )
    for col in ("#", "size", "members by role"):
        table.add_column(col, justify="right" if col != "members by role" else "left")
    for c in found.communities[:limit]:
        lines = []
        for role, members in c.roles.items():
            names = ", ".join(m["name"] or m["canonical_id"] for m in members[:4])
            more = f" (+{len(members) - 4})" if len(members) > 4 else ""
            lines.append(f"{role} ({len(members)}): {names}{more}")
        table.add_row(str(c.id), str(c.size), "\n".join(lines))
    return table


@network.command("roles")
def roles_cmd(
    ctx: typer.Context,
    role: Annotated[str | None, typer.Option(help="Only this role.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Each person's and company's likely role, with the features that decided it."""
    with service(ctx) as svc:
        rows = [r for r in svc.roles() if role is None or r.role == role]
    if as_json:
        for r in rows:
            emit_json(r.to_dict())
        return
    table = Table(title=f"Roles: {len(rows):,}")
    for col in ("role", "name", "why", "features"):
        table.add_column(col)
    for r in rows:
        if r.role in ("customer", "other") and role is None:
            continue
        shown = ", ".join(f"{k}={v}" for k, v in list(r.features.items())[:6] if v)
        table.add_row(r.role, f"{r.name or r.node}\n{r.node}", r.reason, shown)
    out().print(table)


@network.command("keyplayers")
def keyplayers_cmd(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(help="How many to list.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """The people and companies the network depends on most, and why."""
    with service(ctx) as svc:
        rows = svc.key_players(top)
    if as_json:
        for r in rows:
            emit_json(r.to_dict())
        return
    out().print(render_key_players(rows))


def render_key_players(rows: list[Any]) -> Table:
    table = Table(title="Key players")
    for col in ("#", "name", "role", "score", "money", "brokerage", "pagerank"):
        table.add_column(col, justify="left" if col in ("name", "role") else "right")
    for i, r in enumerate(rows, start=1):
        f = r.features
        table.add_row(
            str(i),
            f"{r.name or r.canonical_id}\n{r.canonical_id}",
            r.role,
            f"{r.score:.3f}",
            f"{f['money']:.2f}",
            f"{f['brokerage']:.2f}",
            f"{f['pagerank']:.2f}",
        )
    return table


@network.command("disrupt")
def disrupt_cmd(
    ctx: typer.Context,
    k: Annotated[int, typer.Option("--k", help="How many arrests or freezes.")] = 5,
    strategy: Annotated[
        list[str] | None, typer.Option(help="A strategy to compare (repeat); default: all.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """What removing k people would do to the network, right away and after it recovers."""
    with service(ctx) as svc:
        plans = svc.disrupt(k, strategy)
    if as_json:
        for p in plans:
            emit_json(p.to_dict())
        return
    out().print(render_plans(plans))


def render_plans(plans: list[Any]) -> Table:
    table = Table(title="Disruption: damage right after the arrests -> after recovery")
    for col in (
        "strategy",
        "targets",
        "largest component",
        "efficiency (of intact)",
        "organiser-bound money",
        "trips supplied",
    ):
        table.add_column(col, justify="left" if col in ("strategy", "targets") else "right")
    for p in plans:
        b, a, r = p.before, p.after, p.recovered
        table.add_row(
            p.strategy,
            "\n".join(p.labels or p.removed),
            f"{a.largest_component_share:.0%} -> {r.largest_component_share:.0%}",
            f"{a.efficiency / b.efficiency:.0%} -> {r.efficiency / b.efficiency:.0%}"
            if b.efficiency
            else "-",
            f"{a.money_share:.0%} -> {r.money_share:.0%}",
            f"{a.trips_share:.0%} -> {r.trips_share:.0%}",
        )
    return table


@network.command("export")
def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="gexf, graphml or cypher.")] = "gexf",
    output: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    layers: LayersOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """A projection for Gephi (GEXF, GraphML) or Neo4j (Cypher)."""
    with service(ctx) as svc:
        if output is None:
            svc.network_export(fmt, sys.stdout, layers, since, until)
            return
        with output.open("w", encoding="utf-8") as stream:
            n = svc.network_export(fmt, stream, layers, since, until)
    out().print(f"{n:,} nodes written to {output}")
