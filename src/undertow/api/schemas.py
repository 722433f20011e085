"""Request bodies of the HTTP API, validated at the boundary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserBody(_Body):
    name: str = Field(min_length=2, max_length=64)
    agency: str = Field(max_length=32)
    role: str = Field(max_length=16)
    expires_at: datetime | None = None


class ReleaseBody(_Body):
    to: list[str] = Field(default_factory=list, max_length=50)
    report: str | None = Field(default=None, max_length=200)
    entity: str | None = Field(default=None, max_length=256)
    court: bool = False
    owner: str | None = Field(default=None, max_length=32)


class ReleaseRequestBody(_Body):
    owner: str = Field(max_length=32)
    reason: str = Field(min_length=1, max_length=2000)
    report: str | None = Field(default=None, max_length=200)
    entity: str | None = Field(default=None, max_length=256)
    court: bool = False


class AnswerBody(_Body):
    grant: bool
    note: str | None = Field(default=None, max_length=2000)


class ResolveBody(_Body):
    retrain: bool = False
    threshold: float | None = Field(default=None, gt=0, lt=1)


class JudgementBody(_Body):
    left: str = Field(max_length=256)
    right: str = Field(max_length=256)
    judgement: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=2000)


class RetentionBody(_Body):
    erase: bool = False
    today: date | None = None


def page(items: list[Any], limit: int, offset: int, total: int | None = None) -> dict[str, Any]:
    """The pagination envelope of every list."""
    more = (offset + len(items) < total) if total is not None else len(items) == limit
    return {
        "items": items,
        "limit": limit,
        "offset": offset,
        "total": total,
        "next_offset": offset + len(items) if more and items else None,
    }
