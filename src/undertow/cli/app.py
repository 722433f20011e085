"""The Typer app, its global options, and what every command shares.

Every command opens the store, binds the service to whoever runs it (``--as`` /
``UNDERTOW_USER``, or the store's local administrator), calls one service method and
renders the result: a rich table for people, ``--json`` (one object per line) for
programs. Errors print one plain line naming file, line and field, and exit 2.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from undertow.errors import UndertowError

if TYPE_CHECKING:
    from undertow.service import Service

app = typer.Typer(
    name="undertow",
    help="Joint intelligence against migrant-smuggling networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def group(name: str, help: str) -> typer.Typer:
    sub = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


@dataclass
class CliState:
    db: Path
    user: str | None
    purpose: str | None


JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def out() -> Console:
    """Made per call so that the terminal width (and ``COLUMNS``) is read when printing."""
    return Console(highlight=False)


def err() -> Console:
    return Console(stderr=True, highlight=False)


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="DuckDB file of the store [env: UNDERTOW_DB].", show_default=False
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Act as this user of the store [env: UNDERTOW_USER]; default: the "
            "store's local administrator.",
            show_default=False,
        ),
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option(
            help="Purpose or case reference, logged with every access (required for "
            "searches) [env: UNDERTOW_PURPOSE].",
            show_default=False,
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
    if not verbose:
        # Splink warns about every level EM could not train; useful when tuning, noise
        # to an analyst running `undertow resolve`.
        logging.getLogger("splink").setLevel(logging.ERROR)
    ctx.obj = CliState(
        db=db or Path(os.environ.get("UNDERTOW_DB") or get_settings().db),
        user=user or os.environ.get("UNDERTOW_USER") or None,
        purpose=purpose or os.environ.get("UNDERTOW_PURPOSE") or None,
    )


@contextmanager
def service(ctx: typer.Context) -> Iterator[Service]:
    """Open the store, bind the service to whoever runs the command, and map errors."""
    from undertow.access import LOCAL_ADMIN, acting_user
    from undertow.service import Service
    from undertow.store import Store

    state: CliState = ctx.obj
    with failures():
        store = Store.open(state.db)
        try:
            principal = acting_user(store, state.user) if state.user else LOCAL_ADMIN
            svc = Service(store, principal, purpose=state.purpose)
            try:
                yield svc
            finally:
                svc.close()
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
