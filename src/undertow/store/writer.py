"""The report writer: one submission stored whole or not at all.

Everything a report brings -- its statements, its quarantined records and the report row
itself -- is written in one DuckDB transaction. Statements are buffered in columns and
flushed in chunks into a staging table inside that transaction; on success they move
into ``statements`` deduplicated by content hash, one range of entities at a time, and
the transaction commits. A file of any size so needs bounded memory and temporary
disk. A crash, a kill or an exception before the commit leaves
nothing: DuckDB discards uncommitted work when the file is next opened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from types import TracebackType
from typing import TYPE_CHECKING, Any

from undertow.errors import StoreError
from undertow.store.schema import STATEMENT_COLUMNS
from undertow.store.terms import terms_select

if TYPE_CHECKING:
    import pyarrow as pa

    from undertow.store.store import Store

log = logging.getLogger(__name__)

# Statements moved from staging into place per pass (about 2 GB of DuckDB memory), and
# the sample their ranges are cut from.
SLICE_STATEMENTS = 4_000_000
SLICE_SAMPLE = 20_000

# Columns that vary per statement; the rest are the report's and are added in SQL.
VARYING_COLUMNS: tuple[str, ...] = STATEMENT_COLUMNS[:8]
QUARANTINE_COLUMNS: tuple[str, ...] = (
    "id",
    "file_name",
    "line",
    "field",
    "code",
    "reason",
    "problems",
    "raw",
)


@dataclass(frozen=True)
class ReportHeader:
    """The report row's fixed part: who submitted what, under which conditions."""

    id: str
    agency: str
    reference: str
    file_name: str
    file_sha256: str
    format: str
    handling: str
    handling_note: str | None
    release: list[str]
    grading: str
    reported_at: datetime
    received_at: datetime
    review_by: date


@dataclass
class ReportCounts:
    records_read: int = 0
    records_stored: int = 0
    records_quarantined: int = 0
    entities: int = 0
    statements_read: int = 0
    statements_new: int = 0
    quarantine_codes: dict[str, int] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.records_stored == 0 and self.records_read > 0:
            return "rejected"
        return "partial" if self.records_quarantined else "stored"


class ReportWriter:
    """Context manager writing one report atomically (see the module docstring)."""

    def __init__(self, store: Store, header: ReportHeader, *, chunk: int = 200_000) -> None:
        self.store = store
        self.header = header
        self.chunk = chunk
        self._rows: list[tuple[str, str, str, str, str, str, str, str | None]] = []
        self._quarantine: list[list[Any]] = [[] for _ in QUARANTINE_COLUMNS]
        self._open = False

    def __enter__(self) -> ReportWriter:
        self.store.execute("BEGIN TRANSACTION")
        self._open = True
        cols = ", ".join(f"{c} VARCHAR" for c in VARYING_COLUMNS)
        # A table of the database, not a temporary one: DuckDB writes a large
        # transaction's appends to the database file as they come, where a temporary
        # table holds them in memory and spills to the bounded temporary directory (a
        # 790 MB bank statement, some 60 million statements, filled both). Uncommitted,
        # it is gone if the process dies; it is dropped before the commit.
        self.store.execute(f"CREATE OR REPLACE TABLE staging_statements ({cols})")
        self.store.execute(
            """
            CREATE OR REPLACE TEMP TABLE staging_quarantine (
                id VARCHAR, file_name VARCHAR, line BIGINT, field VARCHAR, code VARCHAR,
                reason VARCHAR, problems VARCHAR, raw BLOB
            )
            """
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._open:
            # Reached only when finish() was not called: an error or an interrupt.
            self.store.execute("ROLLBACK")
            self._open = False

    # -- buffering -------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._rows)

    def add(self, rows: list[tuple[str, str, str, str, str, str, str, str | None]]) -> None:
        """Buffer statements: id, entity_id, local_id, schema, prop, type, value, original."""
        self._rows.extend(rows)
        if len(self._rows) >= self.chunk:
            self.flush()

    def add_table(self, table: pa.Table) -> None:
        """Stage an Arrow table of statements with the columns of :data:`VARYING_COLUMNS`."""
        self.flush()
        self._stage(table)

    def quarantine(
        self,
        id: str,
        file_name: str,
        line: int | None,
        field: str | None,
        code: str,
        reason: str,
        problems: str,
        raw: bytes,
    ) -> None:
        for col, value in zip(
            self._quarantine,
            (id, file_name, line, field, code, reason, problems, raw),
            strict=True,
        ):
            col.append(value)
        if len(self._quarantine[0]) >= 10_000:
            self._flush_quarantine()

    def flush(self) -> None:
        if not self._rows:
            return
        import pyarrow as pa

        columns = [pa.array(col, type=pa.string()) for col in zip(*self._rows, strict=True)]
        self._stage(pa.table(dict(zip(VARYING_COLUMNS, columns, strict=True))))
        self._rows = []

    def _stage(self, batch: pa.Table) -> None:
        self.store.insert_arrow("staging_statements", batch)

    def _flush_quarantine(self) -> None:
        if not self._quarantine[0]:
            return
        import pyarrow as pa

        batch = pa.table(
            {
                **dict(zip(QUARANTINE_COLUMNS, self._quarantine, strict=True)),
                "line": pa.array(self._quarantine[2], type=pa.int64()),
                "raw": pa.array(self._quarantine[7], type=pa.binary()),
            }
        )
        self.store.insert_arrow("staging_quarantine", batch)
        self._quarantine = [[] for _ in QUARANTINE_COLUMNS]

    # -- commit ----------------------------------------------------------------

    def _slices(self, staged: int) -> list[tuple[str, dict[str, str]]]:
        """Conditions on ``entity_id`` (alias ``s``, with their ``$lo``/``$hi``) that cut
        the ``staged`` statements into ranges of about ``SLICE_STATEMENTS`` each, in
        order.

        A statement's id is a hash of its entity and content, so one id never spans two
        ranges, and each range can be deduplicated and sorted alone: a report of any
        size moves into place in bounded memory, still sorted by entity."""
        parts = -(-staged // SLICE_STATEMENTS)
        if parts <= 1:
            return [("TRUE", {})]
        sample = sorted(
            row[0]
            for row in self.store.fetchall(
                f"SELECT entity_id FROM staging_statements "
                f"USING SAMPLE reservoir({SLICE_SAMPLE} ROWS) REPEATABLE (7)"
            )
        )
        cuts = sorted({sample[len(sample) * k // parts] for k in range(1, parts)})
        slices = [("s.entity_id <= $hi", {"hi": cuts[0]})]
        slices += [
            ("s.entity_id > $lo AND s.entity_id <= $hi", {"lo": lo, "hi": hi})
            for lo, hi in pairwise(cuts)
        ]
        slices.append(("s.entity_id > $lo", {"lo": cuts[-1]}))
        return slices

    def _move(self, where: tuple[str, dict[str, str]]) -> int:
        """Move one range of staged statements into ``statements`` and the search
        index; the number of statements new to the store."""
        h = self.header
        condition, bounds = where
        # DISTINCT ON: a value repeated within the file (a CSV holder on every row) is
        # stored once; the anti-join makes re-ingesting a report store nothing new.
        self.store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE new_statements AS
            SELECT DISTINCT ON (s.id) s.*, $agency AS agency, $report AS report,
                   $report_id AS report_id, $handling AS handling,
                   $handling_note AS handling_note, $release AS release,
                   $grading AS grading, $reported_at AS first_seen,
                   $reported_at AS last_seen, $review_by AS review_by
            FROM staging_statements s
            WHERE {condition} AND s.id NOT IN (
                SELECT s.id FROM statements s
                WHERE s.agency = $agency AND s.report = $report AND {condition}
            )
            """,
            {
                "agency": h.agency,
                "report": h.reference,
                "report_id": h.id,
                "handling": h.handling,
                "handling_note": h.handling_note,
                "release": h.release,
                "grading": h.grading,
                "reported_at": h.reported_at,
                "review_by": h.review_by,
                **bounds,
            },
        )
        columns = ", ".join(STATEMENT_COLUMNS)
        # Stored in entity order, so that reading one entity touches few row groups.
        inserted = self.store.one(
            f"INSERT INTO statements ({columns}) "
            f"SELECT {columns} FROM new_statements ORDER BY entity_id"
        )
        self.store.execute(f"INSERT INTO search_terms {terms_select('TRUE', 'new_statements')}")
        self.store.execute("DROP TABLE new_statements")
        return int(inserted[0]) if inserted else 0

    def finish(self, counts: ReportCounts, *, keep_statements: bool = True) -> ReportCounts:
        """Move staged statements into place, write the report row, and commit.

        With ``keep_statements=False`` (``--strict`` with problems) only the quarantine
        and a rejected report row are kept.
        """
        if not self._open:
            raise StoreError("report writer is not open")
        h = self.header
        self.flush()
        self._flush_quarantine()
        # A record quarantined before (an identical file sent again) keeps its first row.
        self.store.execute(
            """
            INSERT OR IGNORE INTO quarantine
            SELECT id, ?, ?, ?, file_name, line, field, code, reason, problems, raw,
                   current_timestamp::TIMESTAMP
            FROM staging_quarantine
            """,
            [h.id, h.agency, h.reference],
        )
        self.store.execute("DROP TABLE staging_quarantine")
        if keep_statements:
            staged, entities = self.store.one(
                "SELECT count(*), count(DISTINCT entity_id) FROM staging_statements"
            ) or (0, 0)
            counts.entities = int(entities)
            counts.statements_new = sum(self._move(where) for where in self._slices(staged))
        else:
            counts.statements_new = counts.entities = counts.records_stored = 0
        status = "rejected" if not keep_statements else counts.status
        # An identical resubmission is the same report: its first row stands, unless that
        # attempt was rejected (--strict) and this one stores.
        self.store.execute(
            """
            INSERT INTO reports (
                id, agency, reference, file_name, file_sha256, format, handling,
                handling_note, release, grading, reported_at, received_at, review_by,
                records_read, records_stored, records_quarantined, entities, statements_read,
                statements_new, status
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                records_read = excluded.records_read,
                records_stored = excluded.records_stored,
                records_quarantined = excluded.records_quarantined,
                entities = excluded.entities,
                statements_read = excluded.statements_read,
                statements_new = excluded.statements_new,
                status = excluded.status,
                received_at = excluded.received_at
            WHERE reports.status = 'rejected'
            """,
            [
                h.id,
                h.agency,
                h.reference,
                h.file_name,
                h.file_sha256,
                h.format,
                h.handling,
                h.handling_note,
                h.release,
                h.grading,
                h.reported_at,
                h.received_at,
                h.review_by,
                counts.records_read,
                counts.records_stored,
                counts.records_quarantined,
                counts.entities,
                counts.statements_read,
                counts.statements_new,
                status,
            ],
        )
        self.store.execute("DROP TABLE IF EXISTS staging_statements")
        self.store.execute("COMMIT")
        self._open = False
        log.info(
            "report %s/%s: %d statements new, %d records quarantined",
            h.agency,
            h.reference,
            counts.statements_new,
            counts.records_quarantined,
        )
        return counts
