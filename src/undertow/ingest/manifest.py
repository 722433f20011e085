"""Ingest manifests: a JSON list of files with their provenance.

    [{"file": "DE-BKA/op-elbe.ftm.json", "agency": "DE-BKA", "report": "BKA-2024-17",
      "handling": "H2", "release": "all", "grading": "B2"}, ...]

Optional keys: ``mapping`` (a shipped mapping name or a YAML path, for CSV files),
``handling_note`` (required for H3), ``reported_at`` and ``review_by`` (ISO dates).
File and mapping paths are relative to the manifest. The whole manifest is checked
before anything is ingested, so a typo in the seventh entry stores nothing at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from undertow.errors import ConfigError, ManifestError
from undertow.ingest.mapping import SHIPPED
from undertow.model import AgencyRegistry, Grading, Handling, Provenance, Release


class ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    file: str
    agency: str
    report: str
    handling: str
    release: str | list[str]
    grading: str
    mapping: str | None = None
    handling_note: str | None = None
    reported_at: date | datetime | None = None
    review_by: date | None = None


@dataclass(frozen=True)
class ManifestItem:
    path: Path
    provenance: Provenance
    mapping: str | None


def read_manifest(
    path: Path, registry: AgencyRegistry, received: datetime, review_months: int
) -> list[ManifestItem]:
    """Parse and check every entry; raise :class:`ManifestError` naming line and field."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ManifestError(f"cannot read manifest: {e}", file=str(path)) from e
    items: list[ManifestItem] = []
    for line, raw in _entries(text, path):
        try:
            entry = ManifestEntry.model_validate(raw)
        except ValidationError as e:
            err = e.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or None
            raise ManifestError(err["msg"], file=str(path), line=line, field=field) from None
        items.append(_item(entry, path, line, registry, received, review_months))
    if not items:
        raise ManifestError("manifest lists no files", file=str(path))
    return items


def _item(
    entry: ManifestEntry,
    path: Path,
    line: int,
    registry: AgencyRegistry,
    received: datetime,
    review_months: int,
) -> ManifestItem:
    from undertow.ingest.provenance import build_provenance

    field = "agency"
    try:
        agency = registry.get(entry.agency).code
        field = "handling"
        handling = Handling.parse(entry.handling, entry.handling_note)
        field = "release"
        release = Release.parse(entry.release, registry.codes())
        field = "grading"
        grading = Grading.parse(entry.grading)
    except ConfigError as e:
        raise ManifestError(str(e), file=str(path), line=line, field=field) from None
    target = (path.parent / entry.file).resolve()
    if not target.is_file():
        raise ManifestError(f"no such file: {entry.file}", file=str(path), line=line, field="file")
    mapping = entry.mapping
    if mapping is not None and mapping not in SHIPPED:
        mapping_path = (path.parent / mapping).resolve()
        if not mapping_path.is_file():
            raise ManifestError(
                f"no mapping {mapping!r} (shipped: {', '.join(SHIPPED)})",
                file=str(path),
                line=line,
                field="mapping",
            )
        mapping = str(mapping_path)
    provenance = build_provenance(
        agency,
        entry.report,
        handling,
        release,
        grading,
        entry.reported_at,
        entry.review_by,
        received,
        review_months,
    )
    return ManifestItem(target, provenance, mapping)


def _entries(text: str, path: Path) -> list[tuple[int, object]]:
    """The list's elements with the line each starts on (json.load forgets lines)."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if not text.startswith("[", pos):
        raise ManifestError("a manifest is a JSON list of entries", file=str(path), line=1)
    pos = _skip_ws(text, pos + 1)
    out: list[tuple[int, object]] = []
    if text.startswith("]", pos):
        return out
    while True:
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise ManifestError(f"malformed JSON: {e.msg}", file=str(path), line=e.lineno) from None
        out.append((line, value))
        pos = _skip_ws(text, pos)
        if text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
            continue
        if text.startswith("]", pos):
            return out
        raise ManifestError(
            "malformed JSON: expected ',' or ']'", file=str(path), line=text.count("\n", 0, pos) + 1
        )


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
