"""Which statements a reader may see.

Every read in the store takes a :class:`Scope`. A statement is visible to its owner
agency and to the agencies it is released to (``release`` holds ``all`` or their
codes). The store's local administrator -- whoever holds the database file on the
embedded default -- sees everything. Principals, roles and hit notices build on this
(see ``undertow.access``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    agency: str | None
    """The reading agency, or ``None`` for the local administrator (sees everything)."""

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def of_agency(cls, agency: str) -> Scope:
        return cls(agency)

    def where(self, alias: str = "s") -> tuple[str, list[str]]:
        """A SQL condition on a statements alias, and its parameters."""
        if self.agency is None:
            return "TRUE", []
        return (
            f"({alias}.agency = ? OR list_contains({alias}.release, 'all') "
            f"OR list_contains({alias}.release, ?))",
            [self.agency, self.agency],
        )

    def hidden_where(self, alias: str = "s") -> tuple[str, list[str]]:
        """Statements this reader may not see but may be told exist (a hit notice):
        everything outside the scope except what the owner marked H3 "no hit"."""
        visible, params = self.where(alias)
        return f"NOT {visible} AND NOT {no_hit(alias)}", params


def no_hit(alias: str = "s") -> str:
    """H3 whose stated restriction says "no hit": not even the existence may be disclosed."""
    return (
        f"({alias}.handling = 'H3' AND regexp_matches(lower(coalesce({alias}.handling_note, '')),"
        f" 'no[ -]?hit'))"
    )
