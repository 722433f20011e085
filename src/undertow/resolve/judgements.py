"""Analysts' judgements on pairs of records: append-only, the latest per pair counts.

As in nomenklatura: a decision is a row with who, when and why, never an update; the
state used by clustering is derived from the rows. ``unsure`` records that somebody
looked and could not tell, which takes the pair out of the review queue without
constraining the clusters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from undertow.errors import ConfigError
from undertow.store import Store, utcnow


class Judgement(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    UNSURE = "unsure"

    @classmethod
    def parse(cls, text: str) -> Judgement:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ConfigError(f"judgement {text!r} is not positive, negative or unsure") from None


@dataclass(frozen=True)
class Decision:
    left_id: str
    right_id: str
    judgement: Judgement
    user_name: str
    agency: str | None
    made_at: datetime
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "judgement": self.judgement.value,
            "user": self.user_name,
            "agency": self.agency,
            "made_at": self.made_at.isoformat(),
            "note": self.note,
        }


def record(
    store: Store,
    left: str,
    right: str,
    judgement: Judgement,
    *,
    user_name: str,
    agency: str | None,
    note: str | None = None,
) -> Decision:
    if left == right:
        raise ConfigError("a judgement is about two different records")
    a, b = sorted((left, right))
    now = utcnow()
    key = hashlib.sha1(f"{a}\x1f{b}\x1f{user_name}\x1f{now.isoformat()}".encode()).hexdigest()
    store.execute(
        "INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [key, a, b, judgement.value, user_name, agency, now, note],
    )
    return Decision(a, b, judgement, user_name, agency, now, note)


def current(store: Store) -> dict[tuple[str, str], Judgement]:
    """The latest judgement on each judged pair."""
    rows = store.fetchall(
        """
        SELECT left_id, right_id, arg_max(judgement, made_at) FROM judgements
        GROUP BY left_id, right_id
        """
    )
    return {(a, b): Judgement(j) for a, b, j in rows}
