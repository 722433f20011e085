"""The tables every network analysis reads, as one reader may see them.

``EDGES`` -- one row per (source, target, layer): the ties of that kind between two
nodes, aggregated over the records that show them.

* ``source``, ``target`` -- node ids (canonical ids; a hidden end keeps the id the
  visible record names, and its node carries a hit notice);
* ``layer`` -- one of :data:`LAYERS`;
* ``directed`` -- whether source -> target means something (a payment, a call, an
  owner -> asset, a supplier -> buyer); family, associates, shared identifiers and
  co-presence are symmetric;
* ``weight`` -- the layer's own measure: EUR for payments, number of calls, number of
  shared trips or identifiers, 1 for a recorded link;
* ``count`` -- how many records show the tie; ``duration`` -- seconds of calls (null
  for other layers);
* ``first``, ``last`` -- the earliest and latest date the tie was seen (null when no
  record dates it).

``NODES`` -- every node an edge touches: ``node``, ``name``, ``schema`` (FtM),
``category`` (the data-subject category when recorded: ``migrant``, ``suspect``...),
``notice`` (a hit notice when the reader may not see the node, null otherwise).
"""

from __future__ import annotations

import pyarrow as pa

LAYERS = (
    "call",
    "payment",
    "family",
    "associate",
    "ownership",
    "membership",
    "shared_phone",
    "shared_address",
    "shared_vehicle",
    "copresence",
    "equipment",
)

EDGES = pa.schema(
    [
        ("source", pa.string()),
        ("target", pa.string()),
        ("layer", pa.string()),
        ("directed", pa.bool_()),
        ("weight", pa.float64()),
        ("count", pa.int64()),
        ("duration", pa.float64()),
        ("first", pa.date32()),
        ("last", pa.date32()),
    ]
)

NODES = pa.schema(
    [
        ("node", pa.string()),
        ("name", pa.string()),
        ("schema", pa.string()),
        ("category", pa.string()),
        ("notice", pa.string()),
    ]
)
