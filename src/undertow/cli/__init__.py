"""The ``undertow`` command: thin shells over :mod:`undertow.service`."""

import os

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
    # igraph's OpenMP threads spin while they wait: on a two-core laptop that made
    # PageRank take anywhere from 0.01 to 0.65 s on the same graph. Passive waiting
    # keeps it steady; an operator's own setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    app()


__all__ = ["app", "main"]
