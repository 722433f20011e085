"""The DuckDB store: schema and migrations, the atomic report writer, and reads."""

from undertow.store.store import Store, utcnow
from undertow.store.writer import ReportCounts, ReportHeader, ReportWriter

__all__ = ["ReportCounts", "ReportHeader", "ReportWriter", "Store", "utcnow"]
