"""Who is asking: a user of one agency with one role, or the store's local administrator."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from undertow.errors import ConfigError


class Role(StrEnum):
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls(text.strip().lower())
        except ValueError:
            known = ", ".join(r.value for r in cls)
            raise ConfigError(f"unknown role {text!r} (known: {known})") from None


LOCAL_ADMIN_NAME = "local-admin"


@dataclass(frozen=True)
class Principal:
    name: str
    agency: str | None
    """The user's agency; ``None`` only for the local administrator of an embedded store."""
    role: Role

    @property
    def is_local_admin(self) -> bool:
        return self.agency is None

    def describe(self) -> str:
        return f"{self.name} ({self.agency or 'local store'}, {self.role.value})"


# Whoever holds an embedded store's file holds its data: with no user configured, the CLI
# acts as this principal, sees everything, and is audited under this name.
LOCAL_ADMIN = Principal(LOCAL_ADMIN_NAME, None, Role.ADMIN)
