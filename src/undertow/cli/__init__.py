"""The ``undertow`` command: thin shells over :mod:`undertow.service`."""

from undertow.cli import (  # noqa: F401  (registers commands)
    access,
    flows,
    ingest,
    network,
    reads,
    resolve,
    scenario,
)
from undertow.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
