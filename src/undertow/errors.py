"""The one exception root of Undertow, and its short hierarchy.

    UndertowError
     ├── ConfigError          a setting, agency code, handling code, release list or grading
     │                        that does not parse; carries the offending text
     ├── InputError           an input file that cannot be read at all; names file, line, field
     │    ├── ManifestError   an ingest manifest entry that is incomplete or wrong
     │    └── MappingError    an FtM mapping (YAML) that FollowTheMoney rejects
     ├── StoreError           the store failed; wraps the engine error with the failing query
     │    └── SchemaVersionError   the database is newer than this code
     ├── NotFoundError        an entity, report or agency that is not in the store
     ├── AuthenticationError  no valid, unexpired, unrevoked token or user
     └── AccessDenied         the principal's role or agency does not allow the action

Record-level problems inside an otherwise readable file are not exceptions: they go to
the quarantine (see `undertow.ingest`).
"""

from __future__ import annotations


class UndertowError(Exception):
    """Base of every error Undertow raises on purpose."""


class ConfigError(UndertowError):
    """A value given on the command line, in a setting or in a registry is invalid."""


class InputError(UndertowError):
    """An input file cannot be processed; the message names where."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = message
        where = ":".join(str(p) for p in (file, line) if p is not None)
        if field:
            where = f"{where} [{field}]" if where else f"[{field}]"
        super().__init__(f"{where}: {message}" if where else message)


class ManifestError(InputError):
    """An entry of an ingest manifest is incomplete or invalid."""


class MappingError(InputError):
    """An FtM mapping file is invalid."""


class StoreError(UndertowError):
    """The store (DuckDB) failed; the message names the operation that failed."""


class SchemaVersionError(StoreError):
    """The database file was written by a newer version of Undertow."""


class NotFoundError(UndertowError):
    """A requested entity, report or agency does not exist (or is not visible)."""


class AuthenticationError(UndertowError):
    """The caller could not be identified: unknown, expired or revoked token or user."""


class AccessDenied(UndertowError):
    """The principal may not do this (role), or not to this agency's data."""
