"""Europol handling codes (H0-H3) and release lists.

A handling code states what the receiver may do with the information; the release
list states which agencies may see it at all. Both travel with every statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from undertow.errors import ConfigError


class HandlingCode(StrEnum):
    H0 = "H0"
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    @classmethod
    def parse(cls, text: str) -> HandlingCode:
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise ConfigError(
                f"handling code {text!r} is not one of H0, H1, H2, H3 (Europol handling codes)"
            ) from None


_MEANINGS = {
    HandlingCode.H0: "Use only for the purpose of preventing and combating crime.",
    HandlingCode.H1: "Not to be used in judicial proceedings without the provider's permission.",
    HandlingCode.H2: "Not to be passed on (disseminated) without the provider's permission.",
    HandlingCode.H3: "Other restrictions, stated by the provider in text.",
}


@dataclass(frozen=True)
class Handling:
    code: HandlingCode
    note: str | None = None
    """The restriction in the provider's words; required for H3."""

    def __post_init__(self) -> None:
        if self.code is HandlingCode.H3 and not (self.note and self.note.strip()):
            raise ConfigError("handling H3 needs the restriction stated in text (--handling-note)")

    @classmethod
    def parse(cls, code: str, note: str | None = None) -> Handling:
        return cls(HandlingCode.parse(code), note.strip() if note else None)


ALL = "all"


@dataclass(frozen=True)
class Release:
    """The agencies a statement is released to beyond its owner: everyone, or named ones."""

    agencies: frozenset[str]
    everyone: bool = False

    @classmethod
    def parse(cls, text: str | list[str], known: list[str] | None = None) -> Release:
        items = text if isinstance(text, list) else text.split(",")
        codes = {i.strip().upper() for i in items if i.strip()}
        if not codes:
            raise ConfigError("release list is empty: give 'all' or agency codes (A,B)")
        if codes == {ALL.upper()}:
            return cls(frozenset(), everyone=True)
        if ALL.upper() in codes:
            raise ConfigError("release list: 'all' cannot be combined with agency codes")
        if known is not None:
            unknown = sorted(codes - set(known))
            if unknown:
                raise ConfigError(
                    f"release list names unknown agencies: {', '.join(unknown)} "
                    f"(known: {', '.join(sorted(known))})"
                )
        return cls(frozenset(codes))

    def to_list(self) -> list[str]:
        """The stored form: ``["all"]`` or the sorted agency codes."""
        return [ALL] if self.everyone else sorted(self.agencies)

    def __str__(self) -> str:
        return ",".join(self.to_list())
