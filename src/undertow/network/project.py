"""A projection: the layers and time window an analysis asks for, as one igraph graph.

Each layer keeps its own measure (EUR, calls, shared trips...), which cannot be added
as they are. A tie's strength in one layer is ``1 + ln(1 + weight / median)``, the
median taken over that layer's ties in the projection: any recorded tie counts 1, a
heavy one (ten times the layer's typical calls or money) about 3.4. A projected edge's
``weight`` is the sum over its layers, so two people who call, pay and travel together
are tied more strongly than two who only share a phone.

Ties dated outside the window are left out; undated ties (a family link, a shared
phone) hold at any time and are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from undertow.errors import UndertowError
from undertow.network.columns import LAYERS

if TYPE_CHECKING:
    import igraph as ig


class UnknownLayerError(UndertowError):
    """A projection asked for a layer that does not exist."""


def select(
    edges: pa.Table,
    layers: Iterable[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pa.Table:
    """The edges of ``layers`` (all when None) seen within [since, until]."""
    mask: pa.Array | None = None
    if layers is not None:
        chosen = list(layers)
        unknown = sorted(set(chosen) - set(LAYERS))
        if unknown:
            raise UnknownLayerError(
                f"unknown layer(s) {', '.join(unknown)}; layers are {', '.join(LAYERS)}"
            )
        mask = pc.is_in(edges.column("layer"), value_set=pa.array(chosen, pa.string()))
    if since is not None:
        late = pc.fill_null(
            pc.greater_equal(edges.column("last"), pa.scalar(since, pa.date32())), True
        )
        mask = late if mask is None else pc.and_(mask, late)
    if until is not None:
        early = pc.fill_null(
            pc.less_equal(edges.column("first"), pa.scalar(until, pa.date32())), True
        )
        mask = early if mask is None else pc.and_(mask, early)
    return edges if mask is None else edges.filter(mask)


def strengths(edges: pa.Table) -> pa.Array:
    """Each edge's strength within its layer: ``1 + ln(1 + weight / layer median)``."""
    if edges.num_rows == 0:
        return pa.array([], pa.float64())
    medians = edges.group_by("layer").aggregate([("weight", "approximate_median")])
    median_of = dict(
        zip(
            medians.column("layer").to_pylist(),
            medians.column("weight_approximate_median").to_pylist(),
            strict=True,
        )
    )
    layer = edges.column("layer").to_numpy(zero_copy_only=False)
    weight = pc.fill_null(edges.column("weight"), 1.0).to_numpy(zero_copy_only=False)
    scale = np.ones(len(layer))
    for name, median in median_of.items():
        scale[layer == name] = median if median and median > 0 else 1.0
    return pa.array(1.0 + np.log1p(np.maximum(weight, 0.0) / scale))


def project(
    edges: pa.Table,
    nodes: pa.Table,
    layers: Iterable[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    directed: bool = False,
) -> ig.Graph:
    """One graph of the chosen layers and window.

    Vertices: every node a chosen edge touches, with ``name`` (node id), ``label``,
    ``schema``, ``category`` and ``notice`` from ``nodes``. Edges: one per pair of nodes
    (per ordered pair when ``directed``; only ties recorded as directed keep their
    direction, symmetric ones go both ways), with ``weight`` (summed strengths),
    ``layers`` (sorted layer names) and ``count`` (records).
    """
    import igraph as ig

    chosen = select(edges, layers, since, until)
    strength = strengths(chosen)
    source, target = chosen.column("source"), chosen.column("target")
    if directed:
        symmetric = pc.invert(chosen.column("directed"))
        back = chosen.filter(symmetric)
        a = pa.concat_arrays([source.combine_chunks(), back.column("target").combine_chunks()])
        b = pa.concat_arrays([target.combine_chunks(), back.column("source").combine_chunks()])
        strength = pa.concat_arrays([strength, strength.filter(symmetric.combine_chunks())])
        layer = pa.concat_arrays(
            [chosen.column("layer").combine_chunks(), back.column("layer").combine_chunks()]
        )
        count = pa.concat_arrays(
            [chosen.column("count").combine_chunks(), back.column("count").combine_chunks()]
        )
    else:
        a = pc.min_element_wise(source, target).combine_chunks()
        b = pc.max_element_wise(source, target).combine_chunks()
        layer = chosen.column("layer").combine_chunks()
        count = chosen.column("count").combine_chunks()
    pairs = pa.table({"a": a, "b": b, "s": strength, "layer": layer, "n": count})
    pairs = pairs.filter(pc.not_equal(pairs.column("a"), pairs.column("b")))
    grouped = pairs.group_by(["a", "b"]).aggregate(
        [("s", "sum"), ("layer", "distinct"), ("n", "sum")]
    )
    # Vertices in sorted id order, so the same data always gives the same graph.
    names = pc.unique(
        pa.concat_arrays(
            [grouped.column("a").combine_chunks(), grouped.column("b").combine_chunks()]
        )
    )
    names = pc.take(names, pc.sort_indices(names))
    src = pc.index_in(grouped.column("a"), value_set=names).to_numpy()
    dst = pc.index_in(grouped.column("b"), value_set=names).to_numpy()
    graph = ig.Graph(n=len(names), edges=np.column_stack([src, dst]), directed=directed)
    graph.vs["name"] = names.to_pylist()
    _attach_nodes(graph, names, nodes)
    graph.es["weight"] = grouped.column("s_sum").to_pylist()
    graph.es["layers"] = [sorted(v) for v in grouped.column("layer_distinct").to_pylist()]
    graph.es["count"] = grouped.column("n_sum").to_pylist()
    return graph


def _attach_nodes(graph: ig.Graph, names: pa.Array, nodes: pa.Table) -> None:
    """Copy each vertex's node columns (a vertex absent from ``nodes`` gets nulls)."""
    position = pc.index_in(names, value_set=nodes.column("node"))
    valid = pc.is_valid(position).to_pylist()
    rows = nodes.take(pc.fill_null(position, 0)) if nodes.num_rows else None
    for column, attr in (
        ("name", "label"),
        ("schema", "schema"),
        ("category", "category"),
        ("notice", "notice"),
    ):
        values = rows.column(column).to_pylist() if rows is not None else [None] * len(valid)
        graph.vs[attr] = [v if ok else None for v, ok in zip(values, valid, strict=True)]
    graph.vs["label"] = [
        label if label is not None else name
        for label, name in zip(graph.vs["label"], graph.vs["name"], strict=True)
    ]
