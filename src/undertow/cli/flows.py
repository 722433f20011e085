"""Money commands: ``undertow flows trace``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from undertow.cli.app import JsonOpt, emit_json, group, out, service

flows = group("flows", "Follow the money: traces over the payments you may see.")


@flows.command("trace")
def trace_cmd(
    ctx: typer.Context,
    seeds: Annotated[
        list[str], typer.Argument(help="Canonical ids, record ids or accounts to start from.")
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
