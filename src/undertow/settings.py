"""Settings in one table: name, default and help, each overridable by ``UNDERTOW_<NAME>``.

Read once per process through :func:`get_settings`; tests that need other values
construct :class:`Settings` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from undertow.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    db: Path = Path("undertow.duckdb")
    """The DuckDB file of the embedded store (``--db`` overrides it too)."""

    max_value_bytes: int = 65_536
    """Longest single property value accepted at ingest; longer values are quarantined."""

    max_line_bytes: int = 16 * 1024 * 1024
    """Longest input line (one JSON entity or CSV row) read before it is quarantined."""

    batch_statements: int = 200_000
    """Statements buffered before they are flushed into the open ingest transaction."""

    review_months: int = 36
    """Default review-by period for a report: Europol reviews analysis data every 3 years."""

    workers: int = 0
    """Processes normalising large files in parallel; 0 means one per available core."""

    parallel_min_bytes: int = 1024 * 1024
    """Files smaller than this are normalised in-process: worker processes take ~1 s to start
    (once per process), which only a file of some size repays."""

    max_upload_bytes: int = 512 * 1024 * 1024
    """Largest request body the HTTP API accepts (an uploaded report file)."""

    rates: str = ""
    """A CSV of euro rates (``month,currency,per_eur[,precision]``) replacing the shipped
    table (see ``undertow/flows/data/RATES.md``); empty for the shipped one."""

    def __post_init__(self) -> None:
        if self.workers < 0 or self.parallel_min_bytes < 0:
            raise ConfigError("settings workers and parallel_min_bytes cannot be negative")
        for name in ("max_value_bytes", "max_line_bytes", "batch_statements", "review_months"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting {name} must be positive")


def _from_env(environ: dict[str, str]) -> Settings:
    values: dict[str, object] = {}
    for field in fields(Settings):
        raw = environ.get(f"UNDERTOW_{field.name.upper()}")
        if raw is None:
            continue
        kind = type(getattr(Settings, field.name))
        try:
            values[field.name] = kind(raw)
        except ValueError as e:
            raise ConfigError(f"UNDERTOW_{field.name.upper()}={raw!r}: {e}") from e
    return Settings(**values)  # type: ignore[arg-type]


@cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return _from_env(dict(os.environ))
