"""FtM mapping files (the YAML of ``ftm map`` and Aleph), and CSV read through them.

FollowTheMoney parses and checks the mapping (schemas, properties, entity references,
key columns, filters). Rows are read here rather than by FtM's CSV source, so that each
row keeps its line number and raw bytes for the quarantine, and so that values go
through Undertow's cleaning (which quarantines what FtM would silently drop) instead
of FtM's. A mapping's ``csv_url`` is ignored when a file is given, as ``ftm map-csv``
does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from collections.abc import Mapping as TypingMapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from undertow.errors import InputError, MappingError
from undertow.ingest.entities import Problem
from undertow.ingest.records import SourceRecord, Unit

if TYPE_CHECKING:
    from followthemoney.mapping import QueryMapping
    from followthemoney.mapping.csv import CSVSource

SHIPPED = ("bank_statement", "money_transfer", "call_records")


@dataclass(frozen=True)
class Mapping:
    name: str
    """The shipped mapping's name, or the YAML file's path."""
    queries: list[tuple[QueryMapping, CSVSource]]

    def columns(self) -> set[str]:
        cols: set[str] = set()
        for query, source in self.queries:
            cols |= query.refs
            cols |= {k for k, _ in source.filters_set} | {k for k, _ in source.filters_not_set}
        return cols


def shipped_mapping_path(name: str) -> Path:
    return Path(str(resources.files("undertow.ingest").joinpath(f"mappings/{name}.yml")))


def load_mapping(spec: str | Path) -> Mapping:
    """Load a shipped mapping by name (``bank_statement``) or a mapping YAML by path."""
    path = shipped_mapping_path(str(spec)) if str(spec) in SHIPPED else Path(spec)
    if not path.is_file():
        raise MappingError(
            f"no mapping file (shipped mappings: {', '.join(SHIPPED)})", file=str(path)
        )
    stat = path.stat()
    return _load_mapping(str(spec), str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_mapping(spec: str, file: str, mtime_ns: int, size: int) -> Mapping:
    """Parsed once per file version: every block of every CSV report needs it."""
    from banal import keys_values
    from followthemoney import model
    from followthemoney.exc import InvalidMapping
    from followthemoney.mapping.csv import CSVSource

    path = Path(file)
    try:
        config = yaml.safe_load(path.read_text("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise MappingError(f"not valid YAML: {e}", file=str(path)) from e
    if not isinstance(config, dict) or not config:
        raise MappingError(
            "a mapping is a YAML object of dataset: {queries: [...]}", file=str(path)
        )
    queries: list[tuple[QueryMapping, CSVSource]] = []
    for dataset, meta in config.items():
        if not isinstance(meta, dict):
            raise MappingError(f"dataset {dataset!r} has no queries", file=str(path))
        for i, data in enumerate(keys_values(meta, "queries", "query")):
            data = dict(data)
            data.pop("database", None)
            data["csv_url"] = "/dev/null"  # rows come from the file being ingested
            try:
                query = model.make_mapping(data, key_prefix=str(dataset), dataset=str(dataset))
            except (InvalidMapping, TypeError, ValueError) as e:
                raise MappingError(
                    f"query {i + 1} of {dataset!r}: {e}", file=str(path), field="queries"
                ) from e
            assert isinstance(query.source, CSVSource)
            queries.append((query, query.source))
    if not queries:
        raise MappingError("the mapping defines no queries", file=str(path))
    return Mapping(str(spec), queries)


def read_csv_units(
    path: Path, mapping: Mapping, progress: Callable[[int], None] | None = None
) -> tuple[list[str], Iterator[Unit]]:
    """Check the header against the mapping, then yield one unit per non-blank row."""
    raw_fh = path.open("rb")
    counted = _CountingReader(raw_fh, progress)
    buffered = io.BufferedReader(counted, buffer_size=1 << 20)
    # surrogateescape keeps undecodable bytes recoverable for the quarantine.
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as e:
        text.close()
        raise InputError(f"unreadable CSV header: {e}", file=str(path), line=1) from e
    missing = sorted(mapping.columns() - set(header)) if header else []
    if missing:
        text.close()
        raise InputError(
            f"columns used by mapping {mapping.name} are missing: {', '.join(missing)}",
            file=str(path),
            line=1,
            field=missing[0],
        )
    return header, _rows(reader, text)


def _rows(reader: Any, text: io.TextIOWrapper) -> Iterator[Unit]:
    with text:
        previous_end = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                line, previous_end = previous_end + 1, reader.line_num
                yield Unit(line, b"", problem=Problem("malformed_csv", str(e)))
                continue
            line, previous_end = previous_end + 1, reader.line_num
            if any(row):
                # The raw bytes are rebuilt from the cells only if the row is quarantined.
                yield Unit(line, b"", row)


def csv_record(unit: Unit, header: list[str], mapping: Mapping) -> SourceRecord:
    """The entities the mapping makes of one row, or the row's problem."""
    line, row = unit.line, unit.cells
    if unit.problem is not None or row is None:
        return SourceRecord(line, unit.raw, problem=unit.problem)
    if len(row) != len(header):
        return SourceRecord(
            line,
            row_bytes(row),
            problem=Problem(
                "malformed_csv", f"row has {len(row)} fields, the header has {len(header)}"
            ),
        )
    try:
        "".join(row).encode("utf-8")
    except UnicodeEncodeError:
        bad = next(name for name, cell in zip(header, row, strict=True) if not _utf8(cell))
        return SourceRecord(
            line, row_bytes(row), problem=Problem("invalid_utf8", "invalid UTF-8 in the cell", bad)
        )
    record = {k: v.strip() for k, v in zip(header, row, strict=True) if v and not v.isspace()}
    # The raw bytes (for the quarantine) are rebuilt only if a value turns out bad.
    return SourceRecord(line, b"", entities=_entities(record, mapping))


def _utf8(cell: str) -> bool:
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def row_bytes(row: list[str]) -> bytes:
    """A row as CSV bytes, with undecodable input bytes restored (surrogateescape)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue().encode("utf-8", "surrogateescape")


def _entities(
    record: dict[str, str], mapping: Mapping
) -> list[tuple[Any, TypingMapping[str, str] | None]]:
    out: list[tuple[Any, TypingMapping[str, str] | None]] = []
    for query, source in mapping.queries:
        if not source.check_filters(record):
            continue
        made: dict[str, str] = {}
        for entity in query.entities:
            key = entity.compute_key(record)
            if key is None:
                continue  # no key values in this row: the mapping makes no such entity
            properties: dict[str, list[str]] = {}
            formats: dict[str, str] = {}
            skip = False
            for pm in entity.properties:
                values = _values(pm, record, made)
                if pm.required and not values:
                    skip = True
                    break
                if values:
                    properties.setdefault(pm.prop.name, []).extend(values)
                if pm.format:
                    formats[pm.prop.name] = pm.format
            if skip:
                continue
            made[entity.name] = key
            out.append(
                ({"id": key, "schema": entity.schema.name, "properties": properties}, formats)
            )
    return out


def _values(pm: Any, record: dict[str, str], made: dict[str, str]) -> list[str]:
    if pm.entity is not None:
        ref = made.get(pm.entity)
        return [ref] if ref is not None else []
    values: list[str] = pm.record_values(record)
    if pm.join is not None:
        values = [pm.join.join(values)]
    if pm.split is not None:
        values = [part for v in values for part in v.split(pm.split)]
    return [v for v in values if v and v.strip()]


class _CountingReader(io.RawIOBase):
    """Passes bytes through, reporting how many were read (for the progress bar)."""

    def __init__(self, inner: Any, progress: Callable[[int], None] | None) -> None:
        self.inner = inner
        self.progress = progress

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.inner.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        n: int = self.inner.readinto(buffer)
        if n and self.progress is not None:
            self.progress(n)
        return n
