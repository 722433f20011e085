"""Pairwise precision and recall of clusters against a ground truth.

Pairs are counted within clusters (n records make n(n-1)/2 pairs); a predicted pair is
right when both records have the same true identity. Used by the benchmarks and the
tests on the synthetic scenario's ``truth.json`` and on FEBRL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def _pairs(groups: Iterable[list[str]], keep: Callable[[str, str], bool]) -> set[tuple[str, str]]:
    out = set()
    for members in groups:
        for a, b in combinations(sorted(members), 2):
            if keep(a, b):
                out.add((a, b))
    return out


def pair_scores(
    clusters: Mapping[str, str],
    truth: Mapping[str, str],
    keep: Callable[[str, str], bool] = lambda a, b: True,
) -> PairScores:
    """``clusters`` and ``truth`` map record ids to cluster / true ids; only records in
    ``truth`` count, and only pairs ``keep`` accepts (e.g. cross-agency ones)."""
    predicted: dict[str, list[str]] = defaultdict(list)
    actual: dict[str, list[str]] = defaultdict(list)
    for record, true_id in truth.items():
        actual[true_id].append(record)
        predicted[clusters.get(record, record)].append(record)
    true_pairs = _pairs(actual.values(), keep)
    found = _pairs(predicted.values(), keep)
    return PairScores(len(true_pairs), len(found), len(true_pairs & found))
