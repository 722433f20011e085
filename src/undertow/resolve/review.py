"""The review queue: the candidate pairs the model is least sure about, first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from undertow.store import Store
from undertow.store.scope import Scope


@dataclass(frozen=True)
class Candidate:
    left_id: str
    right_id: str
    match_probability: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "match_probability": round(self.match_probability, 6),
        }


def review_queue(store: Store, scope: Scope, limit: int = 20) -> list[Candidate]:
    """Unjudged pairs of the latest run that the reader can see both sides of, nearest to
    even odds first (where a human decision is worth most)."""
    where, params = scope.where()
    rows = store.fetchall(
        f"""
        WITH visible AS (SELECT DISTINCT entity_id FROM statements s WHERE {where})
        SELECT p.left_id, p.right_id, p.match_probability
        FROM resolve_pairs p
        SEMI JOIN visible l ON l.entity_id = p.left_id
        SEMI JOIN visible r ON r.entity_id = p.right_id
        ANTI JOIN judgements j ON j.left_id = least(p.left_id, p.right_id)
                              AND j.right_id = greatest(p.left_id, p.right_id)
        WHERE p.match_probability BETWEEN 0.05 AND 0.995
        ORDER BY abs(p.match_probability - 0.5), p.left_id, p.right_id
        LIMIT ?
        """,
        [*params, int(limit)],
    )
    return [Candidate(a, b, float(p)) for a, b, p in rows]
