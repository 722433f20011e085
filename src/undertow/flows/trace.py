"""Time-respecting money tracing: where the seed's money went, or where it came from.

A payment can only pass on what arrived before it. At each node the payments in and
out form one history in time order (``seq``); what an outgoing payment carries of each
earlier incoming one is its *carry*, by one of the two standard taint methods:

* **FIFO** -- first in, first out. Inflows and outflows are laid on one cumulative
  line; an outflow carries the inflows whose stretch of the line it covers.
* **haircut** -- proportional mixing. An outflow carries a share of every inflow still
  in the balance, in proportion to what is left of it; what is left of inflow *i* at
  outflow *k* is ``a_i * prod (1 - f_j)`` over the outflows *j* between them, where
  ``f_j`` is the share of the balance *j* took.

Money that leaves a node before enough has arrived to pay for it came from funds the
records do not show (an opening balance, cash). The least such money that keeps the
balance from going negative is the running maximum of the shortfall; it enters just
before the outflow that needs it and carries no taint. Both methods use the same
history, so they differ only in how an outflow splits over the balance.

Each hop is one relational step over the ``payments`` table (SQL in DuckDB's dialect,
run by an :class:`~undertow.flows.engine.Engine`, so the same trace runs on Spark):
the tainted payments of the last hop, the histories of the nodes they reach, and the
carries within ``window`` days. Amounts under a cent are dropped as noise.

A hop reads only what can matter. A carry is a part of its inflow and of its outflow,
so a node reached by less taint than the traced amounts kept (the floor), or a payment
smaller than the floor, cannot pass on anything kept: neither is read. Prepared
histories (:func:`prepare_history`) number the nodes in the history's order, so that a
hop picks its frontier's rows, and its payments, by integers the engine tests while
it reads instead of joining on names across the whole table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from undertow.errors import ConfigError
from undertow.flows.columns import PAYMENTS
from undertow.flows.engine import Engine
from undertow.flows.histories import HISTORY, HISTORY_NODES, SLACK, step_sql
from undertow.flows.histories import Method as Method
from undertow.flows.histories import carry_sql as carry_sql
from undertow.flows.histories import history_sql as history_sql
from undertow.flows.histories import prepare_history as prepare_history

Direction = Literal["forward", "backward"]
METHODS = ("haircut", "fifo")
DIRECTIONS = ("forward", "backward")
CENT = 0.01
POOL = 5_000
"""Payments in and out beyond which a node is a pool: money reaching it is reported
there (``stop = "pool"``), not spread over all its payments. Raise it to trace
through a busy front business."""
DUST = 1e-4
"""Traced amounts below this share of the seed's money are dropped: haircut spreads a
little of everything over every onward payment, and through a busy shop or exchange
that soon means millions of payments carrying fractions of a cent of the seed."""


@dataclass(frozen=True)
class TracedPayment:
    hop: int
    payment: str
    agency: str
    local_id: str
    src: str
    dst: str
    day: str
    channel: str
    eur: float
    traced: float
    """EUR of this payment attributed to the seed (forward: from it; backward: to it)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "hop": self.hop,
            "agency": self.agency,
            "entity_id": self.local_id,
            "src": self.src,
            "dst": self.dst,
            "date": self.day,
            "channel": self.channel,
            "eur": round(self.eur, 2),
            "traced_eur": round(self.traced, 2),
        }


@dataclass
class NodeAmount:
    node: str
    received: float = 0.0
    sent: float = 0.0
    stop: str | None = None
    """Why the money stops here, if it does: ``retained``, ``cash-out``, ``purchase``,
    ``hidden`` (a node the reader may not see), ``pool`` (too busy to follow through),
    ``hop limit``; backward: ``origin``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "received_eur": round(self.received, 2),
            "sent_eur": round(self.sent, 2),
            "stop": self.stop,
        }


@dataclass
class Trace:
    seeds: list[str]
    direction: Direction
    method: Method
    hops: int
    window_days: int
    payments: list[TracedPayment] = field(default_factory=list)
    nodes: dict[str, NodeAmount] = field(default_factory=dict)
    pools: set[str] = field(default_factory=set)

    @property
    def seed_total(self) -> float:
        return sum(p.traced for p in self.payments if p.hop == 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seeds": self.seeds,
            "direction": self.direction,
            "method": self.method,
            "hops": self.hops,
            "window_days": self.window_days,
            "seed_eur": round(self.seed_total, 2),
            "payments": [p.to_dict() for p in self.payments],
            "nodes": [n.to_dict() for n in sorted(self.nodes.values(), key=_by_amount)],
        }


def _by_amount(n: NodeAmount) -> tuple[float, str]:
    return (-max(n.received, n.sent), n.node)


# A row of tainted payments, as the hops pass them on: TracedPayment's fields after the
# hop (payment ... traced), then the payment's seq and reference; each as the payments
# table has it, but the day as text (as TracedPayment shows it) and the traced amount.
_CARRIED = [f.name for f in fields(TracedPayment) if f.name != "hop"]
ROW = pa.schema(
    [
        ("day", pa.string())
        if name == "day"
        else ("traced", pa.float64())
        if name == "traced"
        else PAYMENTS.field(name)
        for name in (*_CARRIED, "seq", "reference")
    ]
)
# The SQL select list of a ROW's payment columns (up to ``eur``), from table alias {p}.
OUTPUT = ", ".join(
    "CAST({p}.day AS VARCHAR) AS day" if name == "day" else f"{{p}}.{name}"
    for name in _CARRIED[: _CARRIED.index("traced")]
)
EUR, TRACED, SEQ = (ROW.get_field_index(n) for n in ("eur", "traced", "seq"))


def trace(
    engine: Engine,
    seeds: list[str],
    *,
    direction: Direction = "forward",
    method: Method = "haircut",
    hops: int = 4,
    window_days: int = 30,
    stop_at: set[str] | None = None,
    kinds: dict[str, str | None] | None = None,
    seed_payments: list[str] | None = None,
    dust: float = DUST,
    prepared: bool = False,
    pool: int = POOL,
) -> Trace:
    """Trace from ``seeds`` (node ids) over the ``payments`` table registered in
    ``engine``: the first hop is every payment they made (forward) or received
    (backward) -- or, with ``seed_payments``, just those payments (the seeds are then
    where the money is not followed back into; a seed payment is all seed money, so
    where the trace reaches one again it is not counted twice). ``stop_at`` are nodes
    the money is not followed through (the reader's hidden nodes: shown with a hit
    notice, never traced beyond); ``kinds`` maps nodes to their FtM schema, to tell a
    purchase (a company keeps the money) from a sink. Amounts under ``dust`` times the
    first hop's total (and under a cent) are not followed; nor is money through a node
    with more than ``pool`` payments (an exchange, a bank's suspense account, a busy
    money-transfer business: its funds are pooled with thousands of others'). With
    ``prepared``, the histories come from :func:`prepare_history` instead of being
    worked out per hop."""
    if method not in METHODS:
        raise ConfigError(f"unknown tracing method {method!r} (known: {', '.join(METHODS)})")
    if direction not in DIRECTIONS:
        raise ConfigError(f"unknown direction {direction!r} (known: {', '.join(DIRECTIONS)})")
    if not 1 <= hops <= 12:
        raise ConfigError("hops must be between 1 and 12")
    if window_days < 0:
        raise ConfigError("the window cannot be negative")
    result = Trace(sorted(set(seeds)), direction, method, hops, window_days)
    if not seeds and not seed_payments:
        return result
    forward = direction == "forward"
    blocked = set(seeds) | (stop_at or set())
    tainted = _seed_rows(engine, seeds, seed_payments, forward, prepared)
    floor = max(CENT, dust * sum(tainted.column("traced").to_pylist()))
    end = "dst" if forward else "src"
    stops = pa.array(sorted(blocked), pa.string())
    seeded = pa.array(sorted(set(seed_payments)), pa.string()) if seed_payments else None
    for hop in range(1, hops + 1):
        result.payments += _traced(hop, tainted)
        if hop == hops:
            break
        onward = tainted.filter(pc.invert(pc.is_in(tainted.column(end), value_set=stops)))
        if not onward.num_rows:
            break
        tainted, pooled = _step(engine, onward, forward, method, window_days, floor, prepared, pool)
        if seeded is not None:
            # A seed payment reached again is the seed's money already, all of it, and
            # is followed on from the first hop: counted again, the money it carries
            # would be counted twice from here on (a mule "receiving" twice his
            # payment, when the collector's deposit and the mule's pass-through are
            # both seeds).
            tainted = tainted.filter(pc.invert(pc.is_in(tainted.column("payment"), seeded)))
        result.pools |= pooled
    _tally(result, forward, blocked, kinds or {})
    return result


def _seed_rows(
    engine: Engine,
    seeds: list[str],
    seed_payments: list[str] | None,
    forward: bool,
    prepared: bool,
) -> pa.Table:
    """The first hop: the seeds' payments out (forward) or in, or the seed payments."""
    if prepared and seed_payments is None:
        # The seeds' rows of the prepared history, which is in node order (a few blocks
        # of it), name their payments by seq.
        engine.register(
            "trace_seeds", pa.table({"node": pa.array(sorted(set(seeds)), pa.string())})
        )
        try:
            picked = engine.sql(
                f"""
                SELECT h.seq, h.amt AS traced FROM {HISTORY} h
                JOIN trace_seeds s ON h.node = s.node
                WHERE h.is_in = {0 if forward else 1}
                """
            )
        finally:
            engine.drop("trace_seeds")
        return _payments(engine, picked, "p.eur")
    if seed_payments is not None:
        values, column = sorted(set(seed_payments)), "payment"
    else:
        values, column = sorted(set(seeds)), "src" if forward else "dst"
    refs = pa.table({"ref": pa.array(values, pa.string())})
    return _joined(engine, "trace_seeds", refs, f"p.{column} = m.ref", "p.eur")


def _payments(engine: Engine, picked: pa.Table, traced: str) -> pa.Table:
    """The payments ``picked`` names by ``seq``, with their ``traced`` amount, as
    :data:`ROW` in seq order. A join on an integer the engine tests while reading the
    payments, before it decodes a row's text: where a join on a node's name reads them
    all, this reads the blocks that hold the picked few."""
    if not picked.num_rows:
        return _empty()
    return _joined(
        engine, "trace_picked", picked.select(["seq", "traced"]), "p.seq = m.seq", traced
    )


def _joined(engine: Engine, name: str, table: pa.Table, on: str, traced: str) -> pa.Table:
    """The payments meeting ``table`` (registered as ``name``, alias ``m``) ``on`` a
    condition, with ``traced`` as their traced amount, as :data:`ROW` in seq order."""
    engine.register(name, table)
    try:
        found = engine.sql(
            f"""
            SELECT {OUTPUT.format(p="p")}, {traced} AS traced, p.seq, p.reference
            FROM payments p JOIN {name} m ON {on}
            WHERE p.eur > 0 AND p.src <> p.dst
            ORDER BY p.seq
            """
        )
    finally:
        engine.drop(name)
    return found.cast(ROW)


def _rows(table: pa.Table) -> list[tuple[Any, ...]]:
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return list(zip(*columns, strict=True))


def _traced(hop: int, tainted: pa.Table) -> list[TracedPayment]:
    columns = [tainted.column(name).to_pylist() for name in ROW.names[:SEQ]]
    return [TracedPayment(hop, *values) for values in zip(*columns, strict=True)]


def _step(
    engine: Engine,
    tainted: pa.Table,
    forward: bool,
    method: Method,
    window_days: int,
    floor: float,
    prepared: bool,
    pool: int,
) -> tuple[pa.Table, set[str]]:
    """One hop: the payments the tainted ones fund (forward) or were funded by, and the
    frontier's pools (not followed through). The tainted payments stay an Arrow table
    (:data:`ROW`): a first hop can hold hundreds of thousands."""
    # the taint fraction of each payment (each is in the table once)
    share = pc.divide(tainted.column("traced"), tainted.column("eur"))
    legs = _hawala_legs(engine, tainted, forward, window_days)
    moved_on: list[tuple[tuple[Any, ...], float]] = []
    if legs:
        taint = dict(zip(tainted.column("payment").to_pylist(), share.to_pylist(), strict=True))
        settled = sorted(set(taint) & set(legs))
        # A hawala pay-in settled by a recorded pay-out (the same transaction number)
        # goes on as that pay-out: nothing moves between the two shops, so the shop's
        # balance is no route for it.
        moved_on = [(legs[p], min(1.0, taint[p])) for p in settled]
        unsettled = pc.invert(pc.is_in(tainted.column("payment"), pa.array(settled, pa.string())))
        tainted, share = tainted.filter(unsettled), share.filter(unsettled)
    end = tainted.column("dst" if forward else "src")
    pooled, numbers = _lookup(engine, pc.unique(end), prepared, pool)
    # What a node passes on in any one payment is at most the taint that reached it
    # (each carry is a part of its inflow), so a node reached by less than the floor
    # cannot pass on anything that would be kept: not worth reading its history.
    reached = (
        pa.table({"node": end, "traced": tainted.column("traced")})
        .group_by("node")
        .aggregate([("traced", "sum")])
    )
    worth = pc.and_(
        pc.greater_equal(reached.column("traced_sum"), floor * (1 - SLACK)),
        pc.invert(pc.is_in(reached.column("node"), pa.array(sorted(pooled), pa.string()))),
    )
    frontier = reached.column("node").filter(worth)
    if not len(frontier):
        return _merge(_empty(), moved_on, floor), pooled
    near = pc.is_in(end, value_set=frontier.combine_chunks())
    taint_table = pa.table({"seq": tainted.column("seq").filter(near), "share": share.filter(near)})
    if prepared:
        ids = numbers.filter(pc.is_in(numbers.column("node"), value_set=frontier.combine_chunks()))
        table = pa.table({"nid": ids.column("nid").cast(pa.int64())})
    else:
        table = pa.table({"node": frontier.cast(pa.string())})
    engine.register("trace_frontier", table)
    engine.register("trace_taint", taint_table)
    try:
        moved = engine.sql(step_sql(forward, method, window_days, floor, prepared))
    finally:
        engine.drop("trace_frontier")
        engine.drop("trace_taint")
    return _merge(_payments(engine, moved, "least(p.eur, m.traced)"), moved_on, floor), pooled


def _lookup(
    engine: Engine, nodes: pa.Array, prepared: bool, pool: int
) -> tuple[set[str], pa.Table]:
    """The pools among ``nodes`` (more than ``pool`` payments in and out) and, with
    prepared histories, the nodes' numbers in :data:`HISTORY_NODES` (``node``, ``nid``)."""
    numbers = pa.table({"node": pa.array([], pa.string()), "nid": pa.array([], pa.int64())})
    if not len(nodes):
        return set(), numbers
    engine.register("trace_candidates", pa.table({"node": nodes.cast(pa.string())}))
    try:
        if prepared:
            found = engine.sql(
                f"""
                SELECT d.node, d.nid, d.events FROM {HISTORY_NODES} d
                JOIN trace_candidates c ON c.node = d.node
                """
            )
            pools = found.filter(pc.greater(found.column("events"), pool))
            return set(pools.column("node").to_pylist()), found.select(["node", "nid"])
        found = engine.sql(
            f"""
            SELECT x.node FROM (
                SELECT src AS node FROM payments UNION ALL SELECT dst AS node FROM payments
            ) x JOIN trace_candidates c ON c.node = x.node
            GROUP BY x.node HAVING count(*) > {int(pool)}
            """
        )
    finally:
        engine.drop("trace_candidates")
    return set(found.column("node").to_pylist()), numbers


def _merge(carried: pa.Table, legs: list[tuple[tuple[Any, ...], float]], floor: float) -> pa.Table:
    """The carried payments plus the hawala legs, each payment once, traced amounts
    summed (and never above the payment), in order of day and payment."""
    if legs:
        by_payment: dict[str, list[Any]] = {row[0]: list(row) for row in _rows(carried)}
        for row, share in legs:
            traced = share * row[EUR]
            if row[0] in by_payment:
                entry = by_payment[row[0]]
                entry[TRACED] = min(entry[EUR], entry[TRACED] + traced)
            else:
                by_payment[row[0]] = [*row[:TRACED], traced, *row[TRACED:]]
        columns = list(zip(*by_payment.values(), strict=True)) or [()] * len(ROW)
        carried = pa.table(
            [pa.array(c, f.type) for c, f in zip(columns, ROW, strict=True)], schema=ROW
        )
    kept = carried.filter(pc.greater_equal(carried.column("traced"), floor))
    return kept.sort_by([("day", "ascending"), ("payment", "ascending")])


def _empty() -> pa.Table:
    return ROW.empty_table()


def _hawala_legs(
    engine: Engine, tainted: pa.Table, forward: bool, window_days: int
) -> dict[str, tuple[Any, ...]]:
    """For each tainted hawala leg, the other leg of the same transfer: the payment with
    the same transaction number out of (forward) or into (backward) another shop within
    the window. Its row has no traced amount yet."""
    # A leg without a transaction number has no other leg to find.
    with_number = pc.and_(
        pc.equal(tainted.column("channel"), "hawala"), pc.is_valid(tainted.column("reference"))
    )
    hawala = tainted.filter(with_number)
    if not hawala.num_rows:
        return {}
    if forward:
        # t is a pay-in (into shop A); o a pay-out from another shop, after it.
        match = (
            "o.src <> t.dst AND o.src <> t.src AND o.seq > t.seq "
            f"AND date_diff('day', t.day, o.day) <= {int(window_days)}"
        )
    else:
        # t is a pay-out; o the pay-in into another shop that it settles, before it.
        match = (
            "o.dst <> t.src AND o.dst <> t.dst AND o.seq < t.seq "
            f"AND date_diff('day', o.day, t.day) <= {int(window_days)}"
        )
    legs_in = hawala.select(["payment", "src", "dst", "day", "seq", "reference"])
    day = legs_in.schema.get_field_index("day")
    engine.register(
        "trace_legs", legs_in.set_column(day, "day", pc.cast(legs_in["day"], pa.date32()))
    )
    try:
        found = engine.sql(
            f"""
            SELECT t.payment AS leg, {OUTPUT.format(p="o")}, o.seq, o.reference
            FROM trace_legs t
            JOIN payments o ON o.reference = t.reference AND o.payment <> t.payment
            WHERE o.channel = 'hawala' AND o.eur > 0 AND {match}
            ORDER BY t.payment, o.seq
            """
        )
    finally:
        engine.drop("trace_legs")
    legs: dict[str, tuple[Any, ...]] = {}
    for row in _rows(found):
        legs.setdefault(row[0], row[1:])
    return legs


def _tally(
    result: Trace,
    forward: bool,
    blocked: set[str],
    kinds: dict[str, str | None],
) -> None:
    nodes = result.nodes
    last_hop: dict[str, int] = {}
    cash_in: dict[str, float] = defaultdict(float)
    for p in result.payments:
        # Looked up before made: a first hop can hold hundreds of thousands of payments.
        src = nodes.get(p.src) or nodes.setdefault(p.src, NodeAmount(p.src))
        dst = nodes.get(p.dst) or nodes.setdefault(p.dst, NodeAmount(p.dst))
        src.sent += p.traced
        dst.received += p.traced
        # The payments are in hop order: the last one seen is of the last hop.
        last_hop[p.dst if forward else p.src] = p.hop
        # Paid out in cash, or by a hawala agent to a person: the money leaves the
        # records here whatever happens next.
        if p.channel == "cash" or (p.channel == "hawala" and kinds.get(p.dst) == "Person"):
            cash_in[p.dst] += p.traced
    for node in nodes.values():
        through = node.received - node.sent if forward else node.sent - node.received
        if node.node in result.seeds or through < CENT:
            continue
        if node.node in blocked:
            node.stop = "hidden"
        elif node.node in result.pools:
            node.stop = "pool"
        elif last_hop.get(node.node) == result.hops:
            node.stop = "hop limit"
        elif not forward:
            node.stop = "origin"
        elif cash_in.get(node.node, 0.0) >= through / 2:
            node.stop = "cash-out"
        elif kinds.get(node.node) in ("Company", "Organization", "LegalEntity"):
            node.stop = "purchase"
        else:
            node.stop = "retained"
