"""The agencies' files: FtM JSON lines and CSV exports, opened on first write.

Everything is appended as it is generated, so no file's content is ever held in
memory. Lines are serialised with sorted-free, insertion-ordered dicts and no
randomness of their own (what breaks a record is drawn by ``defects.py`` from a seeded
stream): the same seed writes the same bytes.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from undertow.synth.reports import Report

if TYPE_CHECKING:
    from undertow.synth.defects import Defects

log = logging.getLogger(__name__)

# The columns each shipped mapping reads (see src/undertow/ingest/mappings/*.yml).
COLUMNS = {
    "bank_statement": (
        "transaction_id",
        "booking_date",
        "account_iban",
        "account_holder",
        "bank_name",
        "direction",
        "amount",
        "currency",
        "counterparty_name",
        "counterparty_iban",
        "reference",
    ),
    "money_transfer": (
        "transfer_id",
        "send_date",
        "payout_date",
        "sender_name",
        "sender_phone",
        "sender_country",
        "sender_id_number",
        "receiver_name",
        "receiver_phone",
        "receiver_country",
        "amount",
        "currency",
        "send_agent",
        "send_agent_country",
        "payout_agent",
        "payout_agent_country",
        "status",
    ),
    "call_records": (
        "record_id",
        "start_time",
        "caller_number",
        "called_number",
        "duration_seconds",
        "event_type",
    ),
}
Props = dict[str, list[str]]


def entity_line(entity: dict[str, Any]) -> str:
    """One FtM entity as a JSON line (without the newline)."""
    return json.dumps(entity, ensure_ascii=False, separators=(",", ":"))


class Writer:
    """Appends to the agencies' files; ``defects`` breaks a few records as real exports do.

    Lines are counted per file (a CSV header is line 1) so that a broken record can be
    named by file and line, as ingest's quarantine names it. No generated value holds a
    line break, so each record is one line.
    """

    def __init__(self, root: Path, defects: Defects | None = None) -> None:
        self.root = root
        self.defects = defects
        self._handles: dict[str, IO[str]] = {}
        self._csv: dict[str, Any] = {}
        self.used: dict[str, Report] = {}
        self.schemas: Counter[str] = Counter()
        self.rows: Counter[str] = Counter()
        self.lines: Counter[str] = Counter()

    def _open(self, report: Report) -> IO[str]:
        handle = self._handles.get(report.file)
        if handle is None:
            path = self.root / report.file
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("w", encoding="utf-8", newline="", buffering=1 << 18)
            self._handles[report.file] = handle
            self.used[report.file] = report
            if report.mapping:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(COLUMNS[report.mapping])
                self._csv[report.file] = writer
                self.lines[report.file] = 1
        return handle

    def entity(self, report: Report, entity_id: str, schema: str, props: Props) -> bool:
        """Append one entity; ``False`` if it was written unusable."""
        handle = self._open(report)
        entity = {
            "id": entity_id,
            "schema": schema,
            "properties": {k: v for k, v in props.items() if v},
        }
        self.lines[report.file] += 1
        line = self.lines[report.file]
        broken = self.defects.entity(report, line, entity) if self.defects else None
        handle.write(entity_line(entity) if broken is None else broken)
        handle.write("\n")
        self.schemas[schema] += 1
        return broken is None

    def row(
        self,
        report: Report,
        values: tuple[str, ...] | list[str],
        entity_ids: tuple[str, ...] = (),
    ) -> bool:
        """Append one CSV row; ``False`` if it was written unusable. ``entity_ids`` are the
        payments or call the row makes, for the truth should it break."""
        self._open(report)
        self.lines[report.file] += 1
        line = self.lines[report.file]
        broken = self.defects.row(report, line, values, entity_ids) if self.defects else None
        self._csv[report.file].writerow(values if broken is None else broken)
        assert report.mapping is not None
        self.rows[report.mapping] += 1
        return broken is None

    def close(self) -> list[Report]:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()
        log.debug("wrote %d files", len(self.used))
        return [self.used[f] for f in sorted(self.used)]
