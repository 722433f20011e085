"""Clusters of records from scored edges, with analysts' judgements as constraints.

Edges come in strengths: a positive judgement, a strong identifier, then model pairs by
descending match probability. They are added to a union-find in that order, and an
edge is skipped if it would join two groups that a negative judgement keeps apart --
so a negative judgement always wins, however strong the evidence that links the two
records indirectly. The result is the same for the same edges in any input order.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Edge kinds in the order they are trusted.
JUDGEMENT, IDENTIFIER, MODEL = 0, 1, 2


@dataclass(frozen=True, order=True)
class Edge:
    rank: tuple[int, float]
    """(kind, -probability): lower is stronger."""
    left: str
    right: str
    reason: str = field(compare=False, default="")


def edge(kind: int, left: str, right: str, probability: float = 1.0, reason: str = "") -> Edge:
    a, b = (left, right) if left <= right else (right, left)
    return Edge((kind, -probability), a, b, reason)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}

    def find(self, x: str) -> str:
        if x not in self.parent:
            self.parent[x] = x
            self.members[x] = {x}
            return x
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)


def cluster(
    records: Iterable[str], edges: Iterable[Edge], cannot_link: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Map each record to a representative member of its cluster (its smallest id)."""
    uf = _UnionFind()
    for record in records:
        uf.find(record)
    apart: dict[str, set[str]] = defaultdict(set)
    for a, b in cannot_link:
        apart[a].add(b)
        apart[b].add(a)
    for e in sorted(set(edges)):
        ra, rb = uf.find(e.left), uf.find(e.right)
        if ra == rb:
            continue
        if _kept_apart(uf.members[ra], uf.members[rb], apart):
            continue
        uf.union(ra, rb)
    out: dict[str, str] = {}
    for members in list(uf.members.values()):
        representative = min(members)
        for m in members:
            out[m] = representative
    return out


def _kept_apart(a: set[str], b: set[str], apart: dict[str, set[str]]) -> bool:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return any(apart.get(x, set()) & large for x in small)


def canonical_id(secret: bytes, representative: str) -> str:
    """A cluster's id: a keyed hash of its smallest member. Stable while that member
    stays in the cluster, and it names no record -- a hidden member's id cannot be
    guessed from it, even by hashing likely ids, without the store's secret."""
    digest = hmac.new(secret, representative.encode("utf-8"), "sha256").hexdigest()
    return f"utw-{digest[:20]}"
