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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from undertow.errors import ConfigError
from undertow.flows.engine import Engine

Method = Literal["haircut", "fifo"]
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


def prepare_history(engine: Engine) -> None:
    """Work out every node's history once (:data:`HISTORY`), for many traces over the
    same payments: each hop then reads the frontier's rows instead of rebuilding them."""
    engine.materialise(HISTORY, history_sql(None))


def _by_amount(n: NodeAmount) -> tuple[float, str]:
    return (-max(n.received, n.sent), n.node)


HISTORY = "payment_history"
"""The name under which :func:`prepare_history` leaves every node's history."""


def history_sql(frontier: str | None) -> str:
    """Each frontier node's payments in time order (every node's, with ``None``), with
    what both methods need: the inflow and outflow before each event (``cin``,
    ``cout``), the unrecorded money injected so far (``inj``), the outflow's share of
    the balance (``f``), and the running log of what outflows left of the balance
    (``lg``, ``drains``)."""
    into = f"JOIN {frontier} f ON p.dst = f.node" if frontier else ""
    out_of = f"JOIN {frontier} f ON p.src = f.node" if frontier else ""
    return f"""
        WITH ev AS (
            SELECT p.dst AS node, p.seq, p.day, p.payment, p.eur AS amt, 1 AS is_in
            FROM payments p {into}
            WHERE p.eur > 0 AND p.src <> p.dst
            UNION ALL
            SELECT p.src AS node, p.seq, p.day, p.payment, p.eur AS amt, 0 AS is_in
            FROM payments p {out_of}
            WHERE p.eur > 0 AND p.src <> p.dst),
        cum AS (
            SELECT *,
                   coalesce(sum(CASE WHEN is_in = 1 THEN amt ELSE 0 END) OVER (
                       PARTITION BY node ORDER BY seq
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cin,
                   coalesce(sum(CASE WHEN is_in = 0 THEN amt ELSE 0 END) OVER (
                       PARTITION BY node ORDER BY seq
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cout
            FROM ev),
        injected AS (
            SELECT *,
                   greatest(0, coalesce(max(CASE WHEN is_in = 0 THEN cout + amt - cin END)
                       OVER (PARTITION BY node ORDER BY seq
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0)) AS inj
            FROM cum),
        shares AS (
            SELECT *,
                   CASE WHEN is_in = 0 THEN least(1.0, amt / (cin + inj - cout)) END AS f
            FROM injected),
        logged AS (
            SELECT *,
                   CASE WHEN f < 1 - 1e-9 THEN ln(1 - f) ELSE 0 END AS lg_step,
                   CASE WHEN f >= 1 - 1e-9 THEN 1 ELSE 0 END AS drain_step
            FROM shares)
        SELECT node, seq, day, payment, amt, is_in, cin, cout, inj, f,
               coalesce(sum(lg_step) OVER (PARTITION BY node ORDER BY seq
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lg,
               coalesce(sum(drain_step) OVER (PARTITION BY node ORDER BY seq
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS drains
        FROM logged
    """


def carry_sql(method: Method, inflows: str, outflows: str, window_days: int) -> str:
    """Carries between inflows ``i`` and later outflows ``k`` of the same node within
    the window: ``i_payment``, ``k_payment``, ``carry`` (EUR of ``i`` carried in ``k``)."""
    if method == "fifo":
        carry = """greatest(0, least(i.cin + i.inj + i.amt, k.cout + k.amt)
                              - greatest(i.cin + i.inj, k.cout))"""
        same_epoch = "TRUE"
    else:
        carry = "i.amt * k.f * exp(k.lg - i.lg)"
        same_epoch = "k.drains = i.drains"
    return f"""
        SELECT i.payment AS i_payment, k.payment AS k_payment, {carry} AS carry
        FROM {inflows} i JOIN {outflows} k
          ON k.node = i.node AND k.seq > i.seq AND i.is_in = 1 AND k.is_in = 0
         AND date_diff('day', i.day, k.day) <= {int(window_days)}
        WHERE {same_epoch}
    """


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
    where the money is not followed back into). ``stop_at`` are nodes the money is not
    followed through (the reader's hidden nodes: shown with a hit notice, never traced
    beyond); ``kinds`` maps nodes to their FtM schema, to tell a purchase (a company
    keeps the money) from a sink. Amounts under ``dust`` times the first hop's total
    (and under a cent) are not followed; nor is money through a node with more than
    ``pool`` payments (an exchange, a bank's suspense account, a busy money-transfer
    business: its funds are pooled with thousands of others'). With ``prepared``, the
    histories come from :func:`prepare_history` instead of being worked out per hop."""
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
    near = "src" if forward else "dst"
    blocked = set(seeds) | (stop_at or set())
    if seed_payments is None:
        column, values = near, sorted(set(seeds))
    else:
        column, values = "payment", sorted(set(seed_payments))
    engine.register("trace_seeds", pa.table({"ref": pa.array(values, pa.string())}))
    try:
        tainted = _rows(
            engine.sql(
                f"""
                SELECT p.payment, p.agency, p.local_id, p.src, p.dst,
                       CAST(p.day AS VARCHAR) AS day, p.channel, p.eur, p.eur AS traced
                FROM payments p JOIN trace_seeds s ON p.{column} = s.ref
                WHERE p.eur > 0 AND p.src <> p.dst
                ORDER BY p.seq
                """
            )
        )
    finally:
        engine.drop("trace_seeds")
    floor = max(CENT, dust * sum(row[8] for row in tainted))
    for hop in range(1, hops + 1):
        result.payments += [TracedPayment(hop, *row) for row in tainted]
        if hop == hops:
            break
        onward = [r for r in tainted if (r[4] if forward else r[3]) not in blocked]
        if not onward:
            break
        tainted, pooled = _step(engine, onward, forward, method, window_days, floor, prepared, pool)
        result.pools |= pooled
    _tally(result, forward, blocked, kinds or {})
    return result


def _rows(table: pa.Table) -> list[tuple[Any, ...]]:
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return list(zip(*columns, strict=True))


def _step(
    engine: Engine,
    tainted: list[tuple[Any, ...]],
    forward: bool,
    method: Method,
    window_days: int,
    floor: float,
    prepared: bool,
    pool: int,
) -> tuple[list[tuple[Any, ...]], set[str]]:
    """One hop: the payments the tainted ones fund (forward) or were funded by, and the
    frontier's pools (not followed through)."""
    # payment, node where it continues, taint fraction of the payment
    taint: dict[str, float] = defaultdict(float)
    for payment, _a, _l, _src, _dst, _d, _c, eur, traced in tainted:
        taint[payment] += traced / eur
    legs = _hawala_legs(engine, tainted, forward, window_days)
    settled = {row[0] for row in tainted} & set(legs)
    # A hawala pay-in settled by a recorded pay-out (the same transaction number) goes on
    # as that pay-out: nothing moves between the two shops, so the shop's balance is no
    # route for it.
    moved_on = [(legs[p], min(1.0, taint[p])) for p in sorted(settled)]
    tainted = [row for row in tainted if row[0] not in settled]
    for p in settled:
        del taint[p]
    nodes = sorted({row[4] if forward else row[3] for row in tainted})
    pooled = _pools(engine, nodes, prepared, pool)
    nodes = [n for n in nodes if n not in pooled]
    engine.register("trace_frontier", pa.table({"node": pa.array(nodes, pa.string())}))
    engine.register(
        "trace_taint",
        pa.table(
            {
                "payment": pa.array(list(taint), pa.string()),
                "share": pa.array(list(taint.values()), pa.float64()),
            }
        ),
    )
    try:
        history = (
            f"SELECT h.* FROM {HISTORY} h JOIN trace_frontier f ON h.node = f.node"
            if prepared
            else history_sql("trace_frontier")
        )
        if forward:
            # The tainted payments arrive at the frontier; their carries go out.
            pick_i, pick_k, moved = "JOIN trace_taint t ON t.payment = h.payment", "", "i"
        else:
            pick_i, pick_k, moved = "", "JOIN trace_taint t ON t.payment = h.payment", "k"
        amount = "c.carry * t_i.share" if moved == "i" else "c.carry * t_k.share"
        out = engine.sql(
            f"""
            WITH h AS ({history}),
            ins AS (SELECT h.* FROM h {pick_i} WHERE h.is_in = 1),
            outs AS (SELECT h.* FROM h {pick_k} WHERE h.is_in = 0),
            c AS ({carry_sql(method, "ins", "outs", window_days)}),
            moved AS (
                SELECT {"c.k_payment" if forward else "c.i_payment"} AS payment,
                       sum({amount}) AS traced
                FROM c
                LEFT JOIN trace_taint t_i ON t_i.payment = c.i_payment
                LEFT JOIN trace_taint t_k ON t_k.payment = c.k_payment
                GROUP BY 1)
            SELECT p.payment, p.agency, p.local_id, p.src, p.dst,
                   CAST(p.day AS VARCHAR) AS day, p.channel, p.eur,
                   least(p.eur, m.traced) AS traced
            FROM moved m JOIN payments p ON p.payment = m.payment
            WHERE m.traced >= {floor!r}
            ORDER BY p.seq
            """
        )
    finally:
        engine.drop("trace_frontier")
        engine.drop("trace_taint")
    return _merge(_rows(out), moved_on, floor), pooled


def _pools(engine: Engine, nodes: list[str], prepared: bool, pool: int) -> set[str]:
    """The nodes among ``nodes`` with more than ``pool`` payments in and out."""
    if not nodes:
        return set()
    engine.register("trace_candidates", pa.table({"node": pa.array(nodes, pa.string())}))
    try:
        source = (
            f"SELECT node FROM {HISTORY}"
            if prepared
            else "SELECT src AS node FROM payments UNION ALL SELECT dst AS node FROM payments"
        )
        found = engine.sql(
            f"""
            SELECT x.node FROM ({source}) x JOIN trace_candidates c ON c.node = x.node
            GROUP BY x.node HAVING count(*) > {int(pool)}
            """
        )
    finally:
        engine.drop("trace_candidates")
    return set(found.column("node").to_pylist())


def _merge(
    carried: list[tuple[Any, ...]], legs: list[tuple[tuple[Any, ...], float]], floor: float
) -> list[tuple[Any, ...]]:
    """The carried payments plus the hawala legs, each payment once, traced amounts
    summed (and never above the payment)."""
    by_payment: dict[str, list[Any]] = {row[0]: list(row) for row in carried}
    for row, share in legs:
        traced = share * row[7]
        if row[0] in by_payment:
            entry = by_payment[row[0]]
            entry[8] = min(entry[7], entry[8] + traced)
        else:
            by_payment[row[0]] = [*row, traced]
    rows = [tuple(r) for r in by_payment.values() if r[8] >= floor]
    return sorted(rows, key=lambda r: (r[5], r[0]))


def _hawala_legs(
    engine: Engine, tainted: list[tuple[Any, ...]], forward: bool, window_days: int
) -> dict[str, tuple[Any, ...]]:
    """For each tainted hawala leg, the other leg of the same transfer: the payment with
    the same transaction number out of (forward) or into (backward) another shop within
    the window. Its row has no traced amount yet."""
    hawala = [row[0] for row in tainted if row[6] == "hawala"]
    if not hawala:
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
    engine.register("trace_legs", pa.table({"payment": pa.array(hawala, pa.string())}))
    try:
        found = engine.sql(
            f"""
            SELECT t.payment AS leg, o.payment, o.agency, o.local_id, o.src, o.dst,
                   CAST(o.day AS VARCHAR) AS day, o.channel, o.eur
            FROM trace_legs l
            JOIN payments t ON t.payment = l.payment
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
        src = nodes.setdefault(p.src, NodeAmount(p.src))
        dst = nodes.setdefault(p.dst, NodeAmount(p.dst))
        src.sent += p.traced
        dst.received += p.traced
        end = p.dst if forward else p.src
        last_hop[end] = max(last_hop.get(end, 0), p.hop)
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
