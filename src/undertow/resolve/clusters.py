"""Clusters of records from scored edges, with analysts' judgements as constraints.

Edges come in strengths: a positive judgement, a strong identifier, then model pairs by
descending match probability. They are added to a union-find in that order, and an
edge is skipped if it would join two groups that a negative judgement keeps apart --
so a negative judgement always wins, however strong the evidence that links the two
records indirectly. The result is the same for the same edges in any input order.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

# Edge kinds in the order they are trusted.
JUDGEMENT, IDENTIFIER, MODEL = 0, 1, 2


class Edge(NamedTuple):
    """A plain tuple, so that sorting millions of them stays in C: kind, then the
    negated probability (stronger first), then the ids for a stable order."""

    kind: int
    strength: float
    left: str
    right: str
    reason: str = ""


def edge(kind: int, left: str, right: str, probability: float = 1.0, reason: str = "") -> Edge:
    a, b = (left, right) if left <= right else (right, left)
    return Edge(kind, -probability, a, b, reason)


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
    records: Iterable[str] | None,
    edges: Iterable[Edge],
    cannot_link: Iterable[tuple[str, str]],
) -> dict[str, str]:
    """Map records to a representative member of their cluster (its smallest id): each
    of ``records``, or -- with ``records=None`` -- only those on an edge (every other
    record is its own cluster).

    Edges never reach across the connected components of the edge graph, so only a
    component holding both records of a negative judgement needs the ordered walk; the
    others are their components as they stand, found in C (igraph) -- at a million
    records that is most of them."""
    unique = set(edges)
    out = _components(unique)
    apart: dict[str, set[str]] = defaultdict(set)
    for a, b in cannot_link:
        if a in out and b in out and out[a] == out[b]:
            apart[a].add(b)
            apart[b].add(a)
    if apart:
        troubled = {out[x] for x in apart}
        walked = _ordered([e for e in unique if out[e.left] in troubled], apart)
        out.update(walked)
    if records is not None:
        for record in records:
            out.setdefault(record, record)
    return out


def _components(edges: set[Edge]) -> dict[str, str]:
    """Each record on an edge -> the smallest id of its connected component."""
    import igraph as ig

    ids = sorted({e.left for e in edges} | {e.right for e in edges})
    index = {x: i for i, x in enumerate(ids)}
    graph = ig.Graph(n=len(ids), edges=[(index[e.left], index[e.right]) for e in edges])
    first: dict[int, int] = {}
    membership = graph.connected_components().membership
    for i, component in enumerate(membership):  # ids are sorted: the first is the least
        first.setdefault(component, i)
    return {x: ids[first[c]] for x, c in zip(ids, membership, strict=True)}


def _ordered(edges: list[Edge], apart: dict[str, set[str]]) -> dict[str, str]:
    """Union-find over ``edges`` strongest first, skipping an edge that would join two
    groups a negative judgement keeps apart."""
    uf = _UnionFind()
    for e in sorted(edges):
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
    guessed from it, even by hashing likely ids, without the store's secret.

    SHA-256 of the secret (hex) followed by the id: the same value :func:`canonical_sql`
    computes in the database. Length extension cannot help a guesser here: it yields
    hashes of ids with padding inside, not of ids anyone would guess."""
    digest = hashlib.sha256((secret.hex() + representative).encode("utf-8")).hexdigest()
    return f"utw-{digest[:20]}"


def canonical_sql(column: str) -> str:
    """SQL for :func:`canonical_id` of ``column``, with the secret's hex as a parameter."""
    return f"'utw-' || substr(sha256(? || {column}), 1, 20)"
