"""Money commands: ``undertow flows trace``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from undertow.cli.app import JsonOpt, emit_json, group, out, service
from undertow.flows import RANK_TOP

if TYPE_CHECKING:
    from undertow.flows.typologies import Detection

flows = group("flows", "Follow the money: traces over the payments you may see.")


@flows.command("trace")
def trace_cmd(
    ctx: typer.Context,
    seeds: Annotated[
        list[str],
        typer.Argument(
            help="Canonical ids, record ids, accounts, or a trip or event (its people)."
        ),
    ],
    direction: Annotated[
        str, typer.Option(help="forward: where the money went; backward: where it came from.")
    ] = "forward",
    hops: Annotated[int, typer.Option(help="Payments to follow from the seed.")] = 4,
    window: Annotated[
        str, typer.Option(help="Longest a node holds money before passing it on (30d, 4w).")
    ] = "30d",
    method: Annotated[
        str, typer.Option(help="haircut (proportional mixing) or fifo (first in, first out).")
    ] = "haircut",
    as_json: JsonOpt = False,
) -> None:
    """Follow money in time order: a payment passes on only what arrived before it."""
    with service(ctx) as svc:
        report = svc.trace(seeds, direction=direction, method=method, hops=hops, window=window)
    data = report.to_dict()
    if as_json:
        emit_json(data)
        return
    out().print(_nodes_table(data))
    out().print(_payments_table(data))


def _nodes_table(data: dict[str, Any]) -> Table:
    forward = data["direction"] == "forward"
    table = Table(
        title=f"Money {'from' if forward else 'to'} {', '.join(data['seeds'])}: "
        f"EUR {data['seed_eur']:,.2f} ({data['method']}, {data['hops']} hops, "
        f"{data['window_days']}-day window)"
    )
    for col in ("node", "name", "received EUR", "sent EUR", "stops here"):
        table.add_column(col, justify="right" if "EUR" in col else "left")
    for n in data["nodes"]:
        name = n.get("name") or n.get("notice") or ""
        table.add_row(
            n["node"], name, f"{n['received_eur']:,.2f}", f"{n['sent_eur']:,.2f}", n["stop"] or ""
        )
    return table


def _payments_table(data: dict[str, Any]) -> Table:
    table = Table(title="Payments traced")
    for col in ("hop", "date", "from", "to", "channel", "EUR", "traced EUR", "record"):
        table.add_column(col, justify="right" if "EUR" in col or col == "hop" else "left")
    for p in data["payments"]:
        table.add_row(
            str(p["hop"]),
            p["date"],
            p["src"],
            p["dst"],
            p["channel"],
            f"{p['eur']:,.2f}",
            f"{p['traced_eur']:,.2f}",
            f"{p['agency']}:{p['entity_id']}",
        )
    return table


@flows.command("typologies")
def typologies_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Laundering typologies in the payments you may see, strongest first."""
    with service(ctx) as svc:
        found = svc.typologies()
    if as_json:
        for d in found:
            emit_json(d.to_dict())
        return
    table = Table(title=f"{len(found)} typology detections")
    for col in ("typology", "score", "accounts", "payments"):
        table.add_column(col, justify="right" if col == "score" else "left")
    for d in found:
        shown = ", ".join(f"{a}:{e}" for a, e in d.payments[:4])
        more = f" (+{len(d.payments) - 4})" if len(d.payments) > 4 else ""
        table.add_row(d.typology, f"{d.score:.2f}", "\n".join(named(d)[:4]), shown + more)
    out().print(table)


def named(d: Detection) -> list[str]:
    """A detection's accounts, each with its name where the reader has one."""
    names = d.names or (None,) * len(d.accounts)
    return [f"{n} ({a})" if n else a for a, n in zip(d.accounts, names, strict=True)]


@flows.command("rank")
def rank_cmd(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(help="How many to list.")] = RANK_TOP,
    as_json: JsonOpt = False,
) -> None:
    """Who the smuggling money reaches and stays with, far from the front line."""
    with service(ctx) as svc:
        ranking = svc.rank(top)
    if as_json:
        for row in ranking.rows:
            emit_json(row.to_dict())
        return
    out().print(render_ranking(ranking))


def render_ranking(ranking: Any) -> Table:
    table = Table(
        title=f"Behind the scenes: {ranking.seed_payments:,} payments of smuggling money "
        f"(EUR {ranking.seed_eur:,.0f}) followed"
    )
    for col in ("#", "name", "score", "kept EUR", "spent EUR", "from smuggling", "front line"):
        table.add_column(col, justify="left" if col in ("name", "front line") else "right")
    for i, r in enumerate(ranking.rows, start=1):
        e = r.evidence
        table.add_row(
            str(i),
            f"{r.name or r.canonical_id}\n{r.canonical_id}",
            f"{r.score:,.0f}",
            f"{e['kept_eur']:,.0f}",
            f"{e['spent_on_purchases_eur']:,.0f}",
            f"{e['share_of_income_from_smuggling']:.0%}",
            ", ".join(e["front_line"]) or "-",
        )
    return table
