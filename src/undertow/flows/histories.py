"""Each node's payments as one history in time order, and the carries between them, as
SQL (DuckDB's dialect, transpiled for Spark): the relational half of
:mod:`undertow.flows.trace`, which has the definitions.

:func:`prepare_history` works every node's history out once, for many traces over the
same payments; :func:`history_sql` works out a frontier's per hop. :func:`step_sql` is
one hop over either.
"""

from __future__ import annotations

from typing import Literal

from undertow.flows.engine import Engine

Method = Literal["haircut", "fifo"]


def prepare_history(engine: Engine) -> None:
    """Work out every node's history once (:data:`HISTORY`), for many traces over the
    same payments: each hop then reads the frontier's rows instead of rebuilding them.

    Beside it, :data:`HISTORY_NODES` numbers the nodes in the history's order and
    counts their payments: a hop looks its frontier up there (and finds the pools) in
    a table of one row per node, then reads the frontier's rows by that number. Joining
    on an integer that follows the table's order lets the engine skip whole blocks of
    the history and test the rest as it reads, where a join on the node's name
    decodes every row of it."""
    engine.materialise(
        HISTORY_NODES,
        """
        WITH ends AS (
            SELECT dst AS node, seq FROM payments WHERE eur > 0 AND src <> dst
            UNION ALL
            SELECT src AS node, seq FROM payments WHERE eur > 0 AND src <> dst)
        SELECT node, row_number() OVER (ORDER BY node) AS nid, count(*) AS events,
               min(seq) AS seq
        FROM ends GROUP BY node
        """,
    )
    engine.materialise(
        HISTORY,
        f"""
        SELECT d.nid, h.* FROM ({history_sql(None)}) h
        JOIN {HISTORY_NODES} d ON d.node = h.node
        """,
    )


HISTORY = "payment_history"
"""The name under which :func:`prepare_history` leaves every node's history."""
HISTORY_NODES = "payment_history_nodes"
"""The nodes of :data:`HISTORY`: ``node``, its number ``nid`` (in the order of the
names), ``events`` (payments in and out) and ``seq`` (its first payment)."""

SLACK = 1e-9
"""Relative margin for bounds that prune work: what an outflow carries never exceeds
the taint that reached its node nor its own amount, but the SQL sums in floating point;
pruning only below ``floor * (1 - SLACK)`` cannot drop anything the sums would keep."""


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
               CAST(coalesce(sum(drain_step) OVER (PARTITION BY node ORDER BY seq
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS drains
        FROM logged
    """


def carry_sql(method: Method, inflows: str, outflows: str, window_days: int) -> str:
    """Carries between inflows ``i`` and later outflows ``k`` of the same node within
    the window: ``node``, ``i_seq``, ``k_seq``, ``carry`` (EUR of ``i`` carried in ``k``)."""
    if method == "fifo":
        carry = """greatest(0, least(i.cin + i.inj + i.amt, k.cout + k.amt)
                              - greatest(i.cin + i.inj, k.cout))"""
        same_epoch = "TRUE"
    else:
        carry = "i.amt * k.f * exp(k.lg - i.lg)"
        same_epoch = "k.drains = i.drains"
    return f"""
        SELECT i.node, i.seq AS i_seq, k.seq AS k_seq, {carry} AS carry
        FROM {inflows} i JOIN {outflows} k
          ON k.node = i.node AND k.seq > i.seq AND i.is_in = 1 AND k.is_in = 0
         AND date_diff('day', i.day, k.day) <= {int(window_days)}
        WHERE {same_epoch}
    """


def step_sql(forward: bool, method: Method, window_days: int, floor: float, prepared: bool) -> str:
    """The SQL of one hop over ``trace_frontier`` (nodes, or their numbers when
    ``prepared``) and ``trace_taint`` (the tainted payments' ``seq`` and ``share``): the
    ``seq`` and ``traced`` amount of each payment carrying at least ``floor``."""
    columns = "h.node, h.seq, h.day, h.amt, h.is_in, h.cin, h.cout, h.inj, h.f, h.lg, h.drains"
    if prepared:
        # The tainted payments' rows by seq, the frontier's other side by node number:
        # integer joins, which the engine tests while reading the history, before it
        # decodes the rest of a row (and the number follows the history's order, so
        # whole blocks of it are skipped). Every inflow of a busy node would be many.
        numbered = columns.replace("h.node", "h.nid AS node")
        tainted = f"SELECT {numbered} FROM {HISTORY} h JOIN trace_taint t ON t.seq = h.seq"
        frontier = f"SELECT {numbered} FROM {HISTORY} h JOIN trace_frontier f ON h.nid = f.nid"
        history = ""
    else:
        tainted = "SELECT h.* FROM h JOIN trace_taint t ON t.seq = h.seq"
        frontier = "SELECT h.* FROM h"
        history = f"h AS (SELECT {columns} FROM ({history_sql('trace_frontier')}) h),"
    # An outflow carries no more than its own amount (forward; backward an inflow no
    # more than its own): those under the floor are not worth joining.
    cut = f"h.amt >= {floor * (1 - SLACK)!r}"
    if forward:
        # The tainted payments arrive at the frontier; their carries go out.
        ins = f"{tainted} WHERE h.is_in = 1"
        outs = f"{frontier} WHERE h.is_in = 0 AND {cut}"
        moved, carrier = "c.k_seq", "c.i_seq"
    else:
        ins = f"{frontier} WHERE h.is_in = 1 AND {cut}"
        outs = f"{tainted} WHERE h.is_in = 0"
        moved, carrier = "c.i_seq", "c.k_seq"
    return f"""
        WITH {history}
        ins AS ({ins}),
        outs AS ({outs}),
        c AS ({carry_sql(method, "ins", "outs", window_days)}),
        moved AS (
            SELECT c.node, {moved} AS seq, sum(c.carry * t.share) AS traced
            FROM c JOIN trace_taint t ON t.seq = {carrier}
            GROUP BY 1, 2)
        SELECT seq, traced FROM moved WHERE traced >= {floor!r}
    """
