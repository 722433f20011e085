"""Laundering typologies: the patterns of smuggling finance, found in the payments.

Each typology is a small declarative spec -- a frozen dataclass whose fields are its
parameters and whose docstring says what it detects, why it matters and how its score
is made -- that renders to one SQL query (:mod:`undertow.flows.typology_base`). The
query runs on any :class:`~undertow.flows.engine.Engine`, so a scan gives the same
detections on DuckDB and on Spark.

    >>> from undertow.flows.engine import DuckDBEngine
    >>> engine = DuckDBEngine()  # with ``payments`` and ``nodes`` registered
    >>> detections = scan(engine, [FanIn(min_parties=4), HawalaMirror()])  # doctest: +SKIP

Scores are in 0..1 and are products of a few factors, each in 0..1 and named in the
spec's docstring (volume against the spec's minimum, how far the pattern stands out
against the node's own history, how well amounts match). A node-centred typology
reports one detection per node, however many windows show it; and detections that
share an evidence payment are one detection (one payment on two cycles, a chain of
mules), except hawala pairs, where each pair of shops stands on its own. A merged
detection has the highest of its parts' scores.

Only payments dated to the day take part (see :mod:`undertow.flows.typology_base`).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from undertow.errors import StoreError
from undertow.flows.engine import Engine
from undertow.flows.typology_base import NOT_NODES, Typology, render
from undertow.flows.typology_front import FrontBusiness
from undertow.flows.typology_hawala import HawalaMirror
from undertow.flows.typology_nodes import FanIn, FanOut, GatherScatter, PassThrough
from undertow.flows.typology_paths import Cycle, ScatterGather
from undertow.flows.typology_structuring import THRESHOLDS, Structuring

__all__ = [
    "DEFAULT_SPECS",
    "THRESHOLDS",
    "Cycle",
    "Detection",
    "FanIn",
    "FanOut",
    "FrontBusiness",
    "GatherScatter",
    "HawalaMirror",
    "PassThrough",
    "ScatterGather",
    "Structuring",
    "Typology",
    "scan",
]

logger = logging.getLogger(__name__)

DEFAULT_SPECS: tuple[Typology, ...] = (
    FanIn(),
    FanOut(),
    PassThrough(),
    Structuring(),
    Cycle(),
    ScatterGather(),
    GatherScatter(),
    FrontBusiness(),
    HawalaMirror(),
)


@dataclass(frozen=True)
class Detection:
    """One occurrence of a typology: who is involved and the payments that show it.

    ``score`` is in 0..1: the product of the factors the typology's spec names in its
    docstring (e.g. fan-in: volume x stand-out x band share x novelty), the highest of
    them where windows or parts were merged, rounded to four places. ``accounts`` are
    canonical ids of the nodes and accounts the pattern runs through (for fan-in, the
    collector and its accounts, not each payer); ``payments`` are (agency, local id)
    pairs, the records as submitted. ``names`` are the accounts' names as the reader may
    see them (None for a node they may not see), for people to read: not part of the
    detection's line (``to_dict``).
    """

    typology: str
    score: float
    accounts: tuple[str, ...]
    payments: tuple[tuple[str, str], ...]
    names: tuple[str | None, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "typology": self.typology,
            "score": self.score,
            "accounts": list(self.accounts),
            "payments": [{"agency": a, "entity_id": e} for a, e in self.payments],
        }


def scan(engine: Engine, specs: Sequence[Typology] | None = None) -> list[Detection]:
    """Run each typology over the engine's ``payments`` and ``nodes`` tables.

    Ordered by score (highest first), then typology, accounts and payments, so a scan of
    the same data lists the same detections in the same order on any engine.
    """
    out: list[Detection] = []
    for spec in DEFAULT_SPECS if specs is None else specs:
        query = render(spec)
        started = time.perf_counter()
        try:
            table = engine.sql(query)
        except Exception as e:  # the engine's own error types differ; the query is named
            raise StoreError(f"typology {spec.name} failed on {engine.dialect}: {e}") from e
        found = _detections(spec.name, table, merge=spec.merge_shared)
        logger.debug(
            "%s: %d detections in %.2fs", spec.name, len(found), time.perf_counter() - started
        )
        out.extend(found)
    return sorted(out, key=_order)


def _order(d: Detection) -> tuple[float, str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    return (-d.score, d.typology, d.accounts, d.payments)


def _detections(typology: str, table: pa.Table, *, merge: bool) -> list[Detection]:
    """Evidence rows (key, score, agency, local_id and nodes involved) into detections;
    with ``merge``, keys that share a payment are one detection."""
    scores: dict[str, float] = {}
    nodes: dict[str, set[str]] = defaultdict(set)
    payments: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in table.to_pylist():
        key = row["key"]
        scores[key] = max(scores.get(key, 0.0), row["score"])
        nodes[key].update(v for k, v in row.items() if k not in NOT_NODES and v is not None)
        payments[key].add((row["agency"], row["local_id"]))
    out = []
    groups = _components(sorted(scores), payments) if merge else [[k] for k in sorted(scores)]
    for group in groups:
        evidence = set().union(*(payments[k] for k in group))
        # Rounded so that engines summing in a different order agree exactly.
        score = round(min(1.0, max(0.0, max(scores[k] for k in group))), 4)
        if not evidence or score <= 0:
            continue
        accounts = sorted(set().union(*(nodes[k] for k in group)))
        out.append(Detection(typology, score, tuple(accounts), tuple(sorted(evidence))))
    return out


def _components(keys: Iterable[str], payments: dict[str, set[tuple[str, str]]]) -> list[list[str]]:
    """Keys joined by a shared payment (union-find), each group sorted."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict[tuple[str, str], str] = {}
    for key in keys:
        parent[key] = key
        for payment in sorted(payments[key]):
            other = owner.setdefault(payment, key)
            a, b = find(key), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in parent:
        groups[find(key)].append(key)
    return [sorted(g) for _, g in sorted(groups.items())]
