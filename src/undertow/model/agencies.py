"""Agencies are data: a shipped registry of the Calais Group partners that a
deployment extends in its store (``undertow agencies add``).

The registry carries what ingest needs to read an agency's conventions: the country
whose national phone format its files use when a number has no international prefix,
and its decimal separator for amounts such as ``4.500,00``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from undertow.errors import ConfigError

# Codes become id prefixes ("DE-BKA.p-1"), so they may not contain the separator ".".
CODE_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,16}$")


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    country: str | None = None
    """ISO 3166 code (lower case) of the agency's state; ``eu`` for EU bodies."""
    phone_region: str | None = None
    """Region in which national phone numbers in this agency's files are dialled."""
    decimal_separator: str = "."
    """How the agency's own exports write decimals: ``.`` (4,500.00) or ``,`` (4.500,00)."""

    def __post_init__(self) -> None:
        if not CODE_PATTERN.match(self.code):
            raise ConfigError(
                f"agency code {self.code!r} must look like 'DE-BKA': two capital letters, "
                "a hyphen, then 2-16 capitals or digits"
            )
        if self.decimal_separator not in {".", ","}:
            raise ConfigError(f"agency {self.code}: decimal separator must be '.' or ','")
        if self.phone_region is not None:
            _check_phone_region(self.code, self.phone_region)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_phone_region(code: str, region: str) -> None:
    from phonenumbers import SUPPORTED_REGIONS

    if region not in SUPPORTED_REGIONS:
        raise ConfigError(f"agency {code}: {region!r} is not a phone region (e.g. GB, DE)")


def shipped_agencies() -> list[Agency]:
    """The Calais Group partners as shipped with Undertow."""
    text = resources.files("undertow.model").joinpath("data/agencies.json").read_text("utf-8")
    return [Agency(**row) for row in json.loads(text)]


class AgencyRegistry:
    """Lookup of agencies by code; unknown codes fail naming the known ones."""

    def __init__(self, agencies: list[Agency]) -> None:
        self._by_code = {a.code: a for a in agencies}

    def get(self, code: str) -> Agency:
        agency = self._by_code.get(code.strip().upper())
        if agency is None:
            known = ", ".join(sorted(self._by_code))
            raise ConfigError(f"unknown agency {code!r} (known: {known})")
        return agency

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.upper() in self._by_code

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._by_code.values(), key=lambda a: a.code))

    def __len__(self) -> int:
        return len(self._by_code)

    def codes(self) -> list[str]:
        return sorted(self._by_code)
