"""The ``undertow`` command: thin shells over :mod:`undertow.service`."""

from undertow.cli import access, ingest, reads, resolve, scenario  # noqa: F401  (registers commands)
from undertow.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
