"""The money analyses as a reader asks for them: their scoped payments, seeds named the
way they know them, and results that show hidden nodes only as hit notices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from undertow.errors import NotFoundError
from undertow.flows import RANK_TOP
from undertow.flows.engine import DuckDBEngine, Engine
from undertow.flows.graph import PaymentTables, payment_tables
from undertow.flows.trace import Direction, Method, Trace, trace

if TYPE_CHECKING:
    from undertow.flows.frontline import FrontLine
    from undertow.flows.rank import Ranking
    from undertow.flows.typologies import Detection
from undertow.store import Store
from undertow.store.scope import Scope


@dataclass
class TraceReport:
    trace: Trace
    nodes: dict[str, dict[str, Any]]
    """Each node of the trace: ``name``, ``schema``, ``country``, ``notice``."""

    def to_dict(self) -> dict[str, Any]:
        out = self.trace.to_dict()
        for row in out["nodes"]:
            row.update(self.nodes.get(row["node"], {}))
        return out

    @property
    def node_ids(self) -> list[str]:
        return sorted(self.trace.nodes)


def engine_with(tables: PaymentTables, engine: Engine | None = None) -> Engine:
    engine = engine or DuckDBEngine()
    engine.register("payments", tables.payments)
    engine.register("nodes", tables.nodes)
    return engine


def seed_nodes(store: Store, scope: Scope, tables: PaymentTables, refs: list[str]) -> list[str]:
    """The nodes that ``refs`` (canonical ids, record ids, account ids) stand for in the
    reader's graph. A ref the reader cannot see is reported as not found, whether or
    not it exists."""
    where, params = scope.where("s")
    known = set(tables.nodes.column("node").to_pylist()) - tables.hidden
    account_node = _account_nodes(tables)
    wanted = _expand_events(store, where, params, refs)
    # Each ref's node, in one read: a ref may be a record id or a canonical id.
    found = dict(
        store.fetchall(
            f"""
            WITH r AS (SELECT unnest(?) AS ref),
            hits AS (
                SELECT r.ref, coalesce(c.canonical_id, s.entity_id) AS node
                FROM r JOIN statements s ON s.entity_id = r.ref
                LEFT JOIN canonical c USING (entity_id) WHERE {where}
                UNION ALL
                SELECT r.ref, c.canonical_id
                FROM r JOIN canonical c ON c.canonical_id = r.ref
                JOIN statements s USING (entity_id) WHERE {where})
            SELECT ref, min(node) FROM hits GROUP BY ref
            """,
            [[ref for ref, _ in wanted], *params, *params],
        )
    )
    out: list[str] = []
    for ref, explicit in wanted:
        node = account_node.get(found[ref], found[ref]) if ref in found else None
        if node in known:
            out.append(str(node))
        elif explicit:
            if ref not in found:
                raise NotFoundError(f"no entity {ref!r} (or none you may see)")
            raise NotFoundError(f"{ref!r} made or received no payment you may see")
    if not out:
        raise NotFoundError("none of the people involved made or received a payment you may see")
    return sorted(set(out))


def _expand_events(
    store: Store, where: str, params: list[str], refs: list[str]
) -> list[tuple[str, bool]]:
    """A trip or event stands for the people involved in it (as the reader sees them):
    "everyone who paid for this crossing" is a seed an analyst asks for. Each ref comes
    with whether the reader named it (rather than the event)."""
    out: list[tuple[str, bool]] = []
    for ref in (r.strip() for r in refs):
        involved = store.fetchall(
            f"""
            SELECT DISTINCT s.value FROM statements s
            WHERE s.entity_id = ? AND s.schema IN ('Trip', 'Event') AND s.prop = 'involved'
              AND {where}
            ORDER BY 1
            """,
            [ref, *params],
        )
        out += [(r[0], False) for r in involved] if involved else [(ref, True)]
    return out


def _account_nodes(tables: PaymentTables) -> dict[str, str]:
    """Accounts folded into their holder: the account's id -> the holder's node."""
    p = tables.payments
    out: dict[str, str] = {}
    for account_col, node_col in (("src_account", "src"), ("dst_account", "dst")):
        for account, node in zip(
            p.column(account_col).to_pylist(), p.column(node_col).to_pylist(), strict=True
        ):
            if account is not None and account != node:
                out.setdefault(account, node)
    return out


def describe(tables: PaymentTables, ids: list[str]) -> dict[str, dict[str, Any]]:
    wanted = set(ids)
    n = tables.nodes
    out: dict[str, dict[str, Any]] = {}
    for node, name, schema, country, notice in zip(
        n.column("node").to_pylist(),
        n.column("name").to_pylist(),
        n.column("schema").to_pylist(),
        n.column("country").to_pylist(),
        n.column("notice").to_pylist(),
        strict=True,
    ):
        if node in wanted:
            out[node] = {"name": name, "schema": schema, "country": country, "notice": notice}
    return out


def trace_money(
    store: Store,
    scope: Scope,
    refs: list[str],
    *,
    direction: Direction = "forward",
    method: Method = "haircut",
    hops: int = 4,
    window_days: int = 30,
    engine: Engine | None = None,
) -> TraceReport:
    tables = payment_tables(store, scope)
    seeds = seed_nodes(store, scope, tables, refs)
    hidden = tables.hidden
    result = trace(
        engine_with(tables, engine),
        seeds,
        direction=direction,
        method=method,
        hops=hops,
        window_days=window_days,
        stop_at=hidden,
        kinds=tables.by_node("schema"),
    )
    return TraceReport(result, describe(tables, list(result.nodes)))


def find_typologies(
    store: Store, scope: Scope, tables: PaymentTables | None = None
) -> list[Detection]:
    from dataclasses import replace

    from undertow.flows.typologies import scan

    tables = tables or payment_tables(store, scope)
    names = tables.by_node("name")
    return [
        replace(d, names=tuple(names.get(a) for a in d.accounts)) for d in scan(engine_with(tables))
    ]


def rank_organisers(
    store: Store,
    scope: Scope,
    *,
    top: int = RANK_TOP,
    tables: PaymentTables | None = None,
    found: list[Detection] | None = None,
    front: FrontLine | None = None,
) -> Ranking:
    """The ranking with the scan's evidence (``found``, scanned here when not given):
    what each typology's payments say of the customers' money (``Typology.money``) --
    fan-in's are customer money being collected; the laundering typologies' are that
    money moving on; hawala mirror settlement says nothing of whose money it is."""
    from undertow.flows.rank import rank
    from undertow.flows.typologies import DEFAULT_SPECS

    tables = tables or payment_tables(store, scope)
    found = find_typologies(store, scope, tables) if found is None else found
    p = tables.payments
    # Each cited record, as submitted -> (payment, payer node, payee node): one pass.
    of_record = dict(
        zip(
            zip(p.column("agency").to_pylist(), p.column("local_id").to_pylist(), strict=True),
            zip(
                p.column("payment").to_pylist(),
                p.column("src").to_pylist(),
                p.column("dst").to_pylist(),
                strict=True,
            ),
            strict=True,
        )
    )
    money = {spec.name: spec.money for spec in DEFAULT_SPECS}

    def of_kind(kind: str) -> list[Detection]:
        return [d for d in found if money.get(d.typology, "moving") == kind]

    def cited(kind: str) -> set[str]:
        return {of_record[r][0] for d in of_kind(kind) for r in d.payments}

    collection = cited("collected")
    return rank(
        store,
        scope,
        top=top,
        collection_payments=collection,
        laundering_payments=cited("moving") - collection,
        passing_payments=_passing(of_kind("moving"), of_record),
        tables=tables,
        front=front,
    )


def _passing(
    found: list[Detection], of_record: dict[tuple[str, str], tuple[str, str, str]]
) -> set[str]:
    """The payments of each detection into a node that pays on in the same detection:
    the pattern shows the node passing that money on (a mule's, a front's, a hub's)."""
    out: set[str] = set()
    for d in found:
        cited = [of_record[r] for r in d.payments if r in of_record]
        payers = {src for _, src, _ in cited}
        out.update(payment for payment, _, dst in cited if dst in payers)
    return out
