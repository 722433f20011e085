"""FtM entities as JSON lines (the ``ftm`` CLI and Aleph export format)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from undertow.ingest.entities import Problem
from undertow.ingest.records import SourceRecord, Unit

_BOM = b"\xef\xbb\xbf"


def read_ftm_units(
    path: Path, max_line_bytes: int, progress: Callable[[int], None] | None = None
) -> Iterator[Unit]:
    """Yield one unit per non-blank line; an over-long line carries a problem instead."""
    with path.open("rb") as fh:
        line_no = 0
        while True:
            raw = fh.readline(max_line_bytes + 1)
            if not raw:
                return
            line_no += 1
            if progress is not None:
                progress(len(raw))
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                # Keep the head for the quarantine and skip the rest of the line.
                rest = _skip_line(fh)
                if progress is not None:
                    progress(rest)
                yield Unit(
                    line_no,
                    raw,
                    problem=Problem(
                        "line_too_long",
                        f"line longer than {max_line_bytes} bytes ({len(raw) + rest} bytes); "
                        "its first bytes are kept",
                    ),
                )
                continue
            if line_no == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if raw.strip():
                yield Unit(line_no, raw)


def _skip_line(fh: BinaryIO) -> int:
    skipped = 0
    while True:
        chunk = fh.readline(1 << 20)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def ftm_record(unit: Unit) -> SourceRecord:
    """Decode and parse one JSON line."""
    line_no, raw = unit.line, unit.raw
    if unit.problem is not None:
        return SourceRecord(line_no, raw, problem=unit.problem)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return SourceRecord(
            line_no, raw, problem=Problem("invalid_utf8", f"invalid UTF-8 at byte {e.start + 1}")
        )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        return SourceRecord(line_no, raw, problem=Problem("malformed_json", f"malformed JSON: {e}"))
    return SourceRecord(line_no, raw, entities=[(data, None)])
