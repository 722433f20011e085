"""Resolution commands: resolve, clusters, explain, judge, review."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import click
import typer
from rich.table import Table

from undertow.cli.app import JsonOpt, app, emit_json, err, out, service


@app.command("resolve")
def resolve_cmd(
    ctx: typer.Context,
    retrain: Annotated[bool, typer.Option(help="Train the model again (EM).")] = False,
    threshold: Annotated[
        float | None, typer.Option(help="Match probability that merges two records.")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="duckdb (embedded) or spark (local mode; needs Java 17).")
    ] = "duckdb",
    as_json: JsonOpt = False,
) -> None:
    """Link records of the same person, company, account, vessel or vehicle across
    agencies: identifier keys, the Splink model, and analysts' judgements."""
    with service(ctx) as svc, err().status("resolving") as status:
        summary = svc.resolve(
            retrain=retrain,
            threshold=threshold,
            engine=engine,
            progress=lambda step: status.update(f"resolving: {step}"),
        )
    if as_json:
        emit_json(summary.to_dict())
        return
    out().print(render_summary(summary))


def render_summary(summary: Any) -> Table:
    table = Table(title=f"Resolution run {summary.id}")
    table.add_column("what")
    table.add_column("figure", justify="right")
    for label, value in (
        ("records", summary.records),
        ("person and organisation records compared", summary.party_records),
        ("candidate pairs scored", summary.pairs),
        ("canonical entities", summary.clusters),
        ("records merged with another", summary.merged_records),
        ("entities linked across agencies", summary.cross_agency_clusters),
        ("hub identifiers (links, not merges)", summary.hubs),
        ("busy counterparts (not weighed within an agency)", summary.busy_counterparts),
    ):
        table.add_row(label, f"{value:,}")
    for label, factor in _factors(summary.corroboration):
        table.add_row(label, factor)
    from undertow.resolve.run import MIN_SCORED

    if summary.party_records < MIN_SCORED:
        model = "model not used: no pair of party records to score"
    elif summary.trained:
        model = "model trained (EM) in this run"
    else:
        model = "model reused from an earlier run"
    table.caption = f"{model}; merge threshold {summary.threshold}"
    return table


def _factors(estimate: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The corroboration factors the run estimated, as (label, "shared / none" weights)."""
    from undertow.resolve.context import Corroboration

    if estimate is None:
        return []
    found = Corroboration.from_dict(estimate)
    rows = []
    for factor, label in (
        (found.across, "corroboration across agencies (bits: shared / none)"),
        (found.within, "personal counterparts within an agency (bits: shared / none)"),
    ):
        if factor is not None:
            rows.append((label, f"{factor.shared_weight:+.1f} / {factor.unshared_weight:+.1f}"))
    return rows


@app.command()
def clusters(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Each record you may see with its canonical id."""
    with service(ctx) as svc:
        rows = list(svc.clusters())
    if as_json:
        for row in rows:
            emit_json(row)
        return
    table = Table(title=f"Clusters ({len(rows):,} records)")
    for col in ("canonical id", "agency", "entity id"):
        table.add_column(col)
    for row in rows:
        table.add_row(row["canonical_id"], row["agency"], row["entity_id"])
    out().print(table)


@app.command()
def explain(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="A record id (e.g. DE-BKA.p-1).")],
    right: Annotated[str, typer.Argument(help="Another record id.")],
    as_json: JsonOpt = False,
) -> None:
    """Why two records match or not: each comparison's match weight (the waterfall)."""
    with service(ctx) as svc:
        result = svc.explain(left, right)
    if as_json:
        emit_json(result.to_dict())
        return
    out().print(render_explanation(result))


def render_explanation(result: Any) -> Table:
    table = Table(title=f"{result.left_id}  vs  {result.right_id}")
    for col in ("comparison", "level", "left", "right"):
        table.add_column(col, overflow="fold")
    table.add_column("match weight", justify="right")
    table.add_row("prior", "two random records", "", "", f"{result.prior_weight:+.2f}")
    for step in result.steps:
        table.add_row(
            step.comparison,
            step.level,
            _short(step.left),
            _short(step.right),
            f"{step.match_weight:+.2f}",
        )
    table.add_row(
        "[b]total[/b]",
        "",
        "",
        "",
        f"[b]{result.match_weight:+.2f}[/b] (p = {result.match_probability:.4f})",
    )
    table.caption = "computed on what you may see of the two records"
    return table


def _short(value: Any) -> str:
    if isinstance(value, dict):
        value = next((v for v in value.values() if v is not None), None)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


@app.command()
def judge(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="A record id.")],
    right: Annotated[str, typer.Argument(help="Another record id.")],
    judgement: Annotated[str, typer.Argument(help="positive | negative | unsure")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Record a decision on two records (a negative always keeps them apart)."""
    with service(ctx) as svc:
        decision = svc.judge(left, right, judgement, note)
    out().print(
        f"{decision.judgement.value}: {decision.left_id} / {decision.right_id} "
        "(takes effect at the next `undertow resolve`)"
    )


_KEYS = {"y": "positive", "n": "negative", "u": "unsure"}


def _key() -> str:
    """One keypress at a terminal; one character of piped input otherwise (so decisions
    can be scripted: ``printf ynns | undertow review``)."""
    if sys.stdin.isatty():
        return click.getchar().lower()
    return (sys.stdin.read(1) or "q").lower()


@app.command()
def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Pairs to review in this session.")] = 20,
) -> None:
    """Walk through the pairs the model is least sure of: y(es) / n(o) / u(nsure) /
    s(kip) / q(uit), one key each."""
    with service(ctx) as svc:
        queue = svc.review_queue(limit)
        if not queue:
            out().print("nothing to review: no open candidate pairs you can see")
            return
        decided = 0
        for number, candidate in enumerate(queue, 1):
            out().rule(f"pair {number} of {len(queue)}  (p = {candidate.match_probability:.3f})")
            out().print(render_explanation(svc.explain(candidate.left_id, candidate.right_id)))
            out().print(
                "[b]y[/b]es same  [b]n[/b]o different  [b]u[/b]nsure  [b]s[/b]kip  [b]q[/b]uit > ",
                end="",
            )
            key = _key()
            out().print(key)
            if key == "q":
                break
            if key in _KEYS:
                svc.judge(candidate.left_id, candidate.right_id, _KEYS[key])
                decided += 1
    out().print(f"{decided} decision(s) recorded; they take effect at the next `undertow resolve`")
