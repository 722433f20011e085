"""Cross-agency entity resolution: identifier keys and hubs, a Splink model of party
records, corroboration by resolved counterparts (across agencies, and personal ones
within one), clusters with analysts' judgements, canonical ids and their scoped views."""

from undertow.resolve.evaluate import PairScores, pair_scores
from undertow.resolve.explain import Explanation, explain
from undertow.resolve.judgements import Decision, Judgement
from undertow.resolve.review import Candidate, review_queue
from undertow.resolve.run import DEFAULT_THRESHOLD, RunSummary, resolve
from undertow.resolve.views import (
    CANONICAL_PREFIX,
    canonical_entity,
    canonical_of,
    visible_clusters,
)

__all__ = [
    "CANONICAL_PREFIX",
    "DEFAULT_THRESHOLD",
    "Candidate",
    "Decision",
    "Explanation",
    "Judgement",
    "PairScores",
    "RunSummary",
    "canonical_entity",
    "canonical_of",
    "explain",
    "pair_scores",
    "resolve",
    "review_queue",
    "visible_clusters",
]
