"""Users of a store: one agency and one role each, authenticated by an API token.

Tokens are 256 random bits, shown once when created and stored only as a SHA-256
hash: with that much entropy a slow password hash adds nothing. A token can expire
and be revoked; a revoked user keeps its row, so the audit log still names who it was.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from undertow.access.principals import LOCAL_ADMIN_NAME, Principal, Role
from undertow.errors import AuthenticationError, ConfigError, NotFoundError
from undertow.store import Store, utcnow

TOKEN_PREFIX = "utw_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


@dataclass(frozen=True)
class User:
    name: str
    agency: str
    role: Role
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def principal(self) -> Principal:
        return Principal(self.name, self.agency, self.role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "agency": self.agency,
            "role": self.role.value,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_COLUMNS = "name, agency, role, created_at, created_by, expires_at, revoked_at"


def _user(row: tuple[Any, ...]) -> User:
    return User(row[0], row[1], Role(row[2]), row[3], row[4], row[5], row[6])


def add_user(
    store: Store,
    name: str,
    agency: str,
    role: Role,
    created_by: str,
    expires_at: datetime | None = None,
) -> tuple[User, str]:
    """Create a user; returns it with its token, which is not stored and cannot be shown again."""
    name = name.strip().lower()
    if not _NAME.match(name) or name == LOCAL_ADMIN_NAME:
        raise ConfigError(
            f"user name {name!r}: 2-64 lower-case letters, digits and . _ @ -, "
            f"and not {LOCAL_ADMIN_NAME!r}"
        )
    code = store.agencies().get(agency).code
    if store.scalar("SELECT count(*) FROM users WHERE name = ?", [name]):
        raise ConfigError(f"user {name!r} already exists")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    store.execute(
        f"INSERT INTO users ({_COLUMNS}, token_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
        [name, code, role.value, now, created_by, expires_at, hash_token(token)],
    )
    return User(name, code, role, now, created_by, expires_at, None), token


def get_user(store: Store, name: str) -> User:
    row = store.one(f"SELECT {_COLUMNS} FROM users WHERE name = ?", [name.strip().lower()])
    if row is None:
        raise NotFoundError(f"no user {name!r}")
    return _user(row)


def list_users(store: Store, agency: str | None = None) -> list[User]:
    where, args = ("WHERE agency = ?", [agency]) if agency else ("", [])
    rows = store.fetchall(f"SELECT {_COLUMNS} FROM users {where} ORDER BY agency, name", args)
    return [_user(r) for r in rows]


def revoke_user(store: Store, name: str) -> User:
    user = get_user(store, name)
    if user.revoked_at is None:
        store.execute("UPDATE users SET revoked_at = ? WHERE name = ?", [utcnow(), user.name])
    return get_user(store, name)


def authenticate(store: Store, token: str) -> Principal:
    """The principal a bearer token belongs to, if it is valid now."""
    if not token.startswith(TOKEN_PREFIX):
        raise AuthenticationError("invalid token")
    row = store.one(f"SELECT {_COLUMNS} FROM users WHERE token_hash = ?", [hash_token(token)])
    if row is None:
        raise AuthenticationError("invalid token")
    user = _user(row)
    if not user.active(utcnow()):
        raise AuthenticationError("token expired or revoked")
    return user.principal


def acting_user(store: Store, name: str) -> Principal:
    """The principal the CLI acts as (``--as`` / ``UNDERTOW_USER``)."""
    try:
        user = get_user(store, name)
    except NotFoundError:
        raise AuthenticationError(f"no user {name!r} in this store") from None
    if not user.active(utcnow()):
        raise AuthenticationError(f"user {name!r} is revoked or expired")
    return user.principal
