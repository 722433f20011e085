"""``undertow synth`` and ``undertow demo``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from undertow.cli.app import app, err, failures, out, service
from undertow.cli.flows import render_ranking
from undertow.cli.ingest import _bar_factory, _progress, _render_ingest
from undertow.cli.reads import status_cmd
from undertow.cli.resolve import render_summary


@app.command()
def synth(
    output: Annotated[Path, typer.Option("--out", help="Directory to write the scenario to.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    size: Annotated[str, typer.Option(help="small | medium | large")] = "small",
    profile: Annotated[str, typer.Option(help="Parameter set: default | alt")] = "default",
) -> None:
    """Write the synthetic multi-agency scenario: agency files, manifest.json, truth.json."""
    from undertow.synth import generate

    with failures(), _stage_progress() as stage:
        summary = generate(output, seed=seed, size=size, profile=profile, progress=stage)
    out().print(_synth_table(summary))


@app.command()
def demo(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--out", help="Where the scenario is written.")] = Path(
        "demo-data"
    ),
    seed: Annotated[int, typer.Option(help="Scenario seed.")] = 7,
) -> None:
    """Synthesise the small scenario, ingest it with progress bars, and summarise the store."""
    from undertow.synth import generate

    console = out()
    console.rule("[b]Undertow demo[/b]")
    with failures(), _stage_progress() as stage:
        summary = generate(output, seed=seed, size="small", progress=stage)
    console.print(_synth_table(summary))
    with service(ctx) as svc, _progress(False) as bars:
        results = svc.ingest_manifest(summary.manifest, progress=_bar_factory(bars))
    _render_ingest(results, as_json=False)
    with service(ctx) as svc:
        st = svc.status()
    console.print(
        f"store {ctx.obj.db}: {st.reports:,} reports, {st.entities:,} entities, "
        f"{st.statements:,} statements, {st.quarantined:,} records quarantined"
    )
    ctx.invoke(status_cmd, ctx=ctx, as_json=False)
    with service(ctx) as svc, err().status("resolving") as status:
        run = svc.resolve(progress=lambda step: status.update(f"resolving: {step}"))
    console.print(render_summary(run))
    console.print(
        f"{run.cross_agency_clusters:,} people, companies, accounts and vehicles are now "
        "linked across agencies; try `undertow entities show <canonical id>` or "
        "`undertow clusters`"
    )
    # The demo states its purpose, as an analyst would for a scan or a ranking.
    ctx.obj.purpose = ctx.obj.purpose or "demo"
    with service(ctx) as svc, err().status("scanning the payments for typologies"):
        found = svc.typologies()
    console.print(_typology_table(found))
    with service(ctx) as svc, err().status("following the money"):
        ranking = svc.rank(10)
    console.print(render_ranking(ranking))
    console.print(
        "trace any of them: `undertow --purpose demo flows trace <canonical id> "
        "--direction backward`"
    )
    from undertow.cli.network import render_communities, render_key_players, render_plans

    with service(ctx) as svc, err().status("mapping the network"):
        communities = svc.communities()
        players = svc.key_players(10)
        plans = svc.disrupt(5)
    console.print(render_communities(communities, limit=6))
    console.print(render_key_players(players))
    console.print(render_plans(plans))
    console.print(
        "export it for Gephi or Neo4j: `undertow --purpose demo network export "
        "--format gexf --out network.gexf`"
    )


def _typology_table(found: list[Any]) -> Table:
    from collections import Counter

    from undertow.cli.flows import named

    counts = Counter(d.typology for d in found)
    table = Table(title=f"Laundering typologies: {len(found)} detections")
    for col in ("typology", "detections", "strongest", "accounts of the strongest"):
        table.add_column(col, justify="right" if col in ("detections", "strongest") else "left")
    for typology, n in counts.most_common():
        best = next(d for d in found if d.typology == typology)
        table.add_row(typology, str(n), f"{best.score:.2f}", ", ".join(named(best)[:3]))
    return table


@contextmanager
def _stage_progress() -> Iterator[Callable[[str, int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err()
    ) as bars:
        tasks: dict[str, Any] = {}

        def stage(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bars.add_task(name, total=total)
            bars.update(tasks[name], completed=done, total=total)

        yield stage


def _synth_table(summary: Any) -> Table:
    table = Table(title=f"Synthetic scenario: {summary.manifest.parent}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in summary.counts().items():
        table.add_row(name.replace("_", " "), f"{value:,}")
    return table
