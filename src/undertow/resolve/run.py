"""A resolution run: from statements to canonical ids, written in one transaction.

Identifier edges (strong identifiers that are not hubs), Splink pairs above the
threshold, and positive judgements are clustered with negative judgements as
constraints (``clusters.py``). That first clustering resolves what the records are
linked to; cross-agency pairs are then weighed again by the counterparts they share
(``context.py``), and clustered again, until the clustering stands. The trained model
is kept with the run: the next run reuses it unless asked to retrain, or unless the
number of party records has grown by half since it was trained, so a new report does
not cost a new EM training.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import orjson

from undertow.resolve.clusters import (
    IDENTIFIER,
    JUDGEMENT,
    MODEL,
    Edge,
    canonical_sql,
    edge,
    edge_table,
    representatives,
)
from undertow.resolve.context import Corroboration, corroborate
from undertow.resolve.engines import api_for
from undertow.resolve.judgements import Judgement, current
from undertow.resolve.keys import COUNTERPART
from undertow.resolve.pipeline import Prepared, prepare, splink_pairs
from undertow.store import Store, utcnow

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.8
RETRAIN_GROWTH = 1.5
MIN_SCORED = 2
"""Fewest party records the model can score (a pair); with fewer, no model is used."""
CORROBORATION_ROUNDS = 4
"""Most times the pairs are weighed on a new clustering (``_corroborated``)."""


@dataclass(frozen=True)
class RunSummary:
    id: str
    trained: bool
    records: int
    party_records: int
    pairs: int
    clusters: int
    merged_records: int
    cross_agency_clusters: int
    hubs: int
    threshold: float
    busy_counterparts: int = 0
    """Counterparts three or more people are linked to: not weighed within an agency."""
    corroboration: dict[str, Any] | None = None
    """The run's corroboration estimate (``Corroboration.to_dict``), if any."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def latest_model(store: Store) -> tuple[dict[str, Any], int] | None:
    row = store.one(
        "SELECT model, records FROM resolution_runs WHERE trained ORDER BY finished_at DESC LIMIT 1"
    )
    if row is None:
        return None
    return orjson.loads(row[0]), int(row[1])


def resolve(
    store: Store,
    *,
    by_user: str,
    threshold: float = DEFAULT_THRESHOLD,
    retrain: bool = False,
    engine: str = "duckdb",
    db_api: Any = None,
    progress: Callable[[str], None] | None = None,
) -> RunSummary:
    started = utcnow()
    step = progress or (lambda _: None)
    step("party records, identifiers and hubs")
    prepared = prepare(store)
    parties = prepared.parties.num_rows
    previous = None if retrain else latest_model(store)
    if previous is not None and parties > previous[1] * RETRAIN_GROWTH:
        previous = None
    trained = previous is None and parties >= MIN_SCORED
    if parties < MIN_SCORED:
        # No pair of party records to score (a store of accounts and payments only):
        # the identifier keys and judgements still cluster; the last model is kept.
        pairs, model = _no_pairs(), previous[0] if previous else {}
    else:
        step("training the model" if trained else "scoring with the saved model")
        if db_api is None:
            db_api = api_for(engine)
        pairs, model = splink_pairs(
            prepared.parties,
            model=previous[0] if previous else None,
            db_api=db_api,
            frequencies=prepared.frequencies,
        )
    step("clustering")
    judged = current(store)
    positive = [
        edge(JUDGEMENT, a, b, 1.0, "judgement")
        for (a, b), j in judged.items()
        if j is Judgement.POSITIVE
    ]
    cannot = [pair for pair, j in judged.items() if j is Judgement.NEGATIVE]
    first = representatives(_edges(store, pairs, threshold, positive), cannot)
    pairs, representative, corroboration = _corroborated(
        store, prepared.parties, pairs, first, threshold, positive, cannot
    )
    secret = store.secret("canonical")
    run_id = hashlib.sha1(f"{started.isoformat()}|{by_user}".encode()).hexdigest()[:16]
    summary = _write(
        store,
        run_id,
        representative,
        secret,
        pairs,
        model,
        started,
        by_user,
        engine,
        trained,
        threshold,
        prepared,
        corroboration,
    )
    log.info("resolution run %s: %s", run_id, summary)
    return summary


def _no_pairs() -> pa.Table:
    import pyarrow as pa

    return pa.table(
        {
            "unique_id_l": pa.array([], pa.string()),
            "unique_id_r": pa.array([], pa.string()),
            "match_probability": pa.array([], pa.float64()),
            "match_weight": pa.array([], pa.float64()),
        }
    )


def _corroborated(
    store: Store,
    parties: pa.Table,
    pairs: pa.Table,
    first: pa.Table,
    threshold: float,
    positive: list[Edge],
    cannot: list[tuple[str, str]],
) -> tuple[pa.Table, pa.Table, Corroboration | None]:
    """Splink's ``pairs`` weighed by corroboration, the clustering they make, and the
    last estimate. Corroboration reads a clustering and changes it: a counterpart resolved
    only once the weights have merged its records is shared only then. So the pairs are
    weighed again on each new clustering (always from Splink's own weights) until the
    clustering stands, at most ``CORROBORATION_ROUNDS`` times: then what explain counts
    on the final clusters is what decided them."""
    representative, weighed, estimate = first, pairs, None
    watched = _linked_records(parties)
    crossing: frozenset[tuple[str, str]] = frozenset()
    for rounds in range(1, CORROBORATION_ROUNDS + 1):
        again, found = corroborate(parties, pairs, representative, threshold)
        if found is None:
            break
        weighed, estimate = again, replace(found, rounds=rounds)
        if found.crossed_pairs == crossing:
            # The same pairs across the threshold as the clustering in hand was made
            # with (none, the first time: Splink's own): it stands.
            return weighed, representative, estimate
        crossing = found.crossed_pairs
        clustered = representatives(_edges(store, weighed, threshold, positive), cannot)
        # The weights read only the clusters of linked records and of their
        # counterparts: where none of those moved, weighing again gives the same pairs.
        if not _moved(representative, clustered, watched):
            return weighed, clustered, estimate
        representative = clustered
    return weighed, representative, estimate


def _linked_records(parties: pa.Table) -> pa.Array:
    """The records corroboration reads the cluster of: those with counterparts, and the
    counterparts."""
    import pyarrow as pa
    import pyarrow.compute as pc

    linked = parties.filter(pc.is_valid(parties.column("counterparties")))
    ids = linked.column("unique_id").combine_chunks()
    counterparts = pc.list_flatten(linked.column("counterparties")).combine_chunks()
    return pc.unique(pa.concat_arrays([ids.cast(pa.string()), counterparts.cast(pa.string())]))


def _moved(before: pa.Table, after: pa.Table, records: pa.Array) -> bool:
    """Whether any of ``records`` has another representative in ``after`` than in
    ``before`` (a record on no edge is its own)."""
    import pyarrow.compute as pc

    def label(clusters: pa.Table) -> pa.Array:
        at = pc.index_in(records, value_set=clusters.column("entity_id").combine_chunks())
        return pc.coalesce(clusters.column("representative").take(at), records)

    return not pc.all(pc.equal(label(before), label(after))).as_py()


def _edges(store: Store, pairs: pa.Table, threshold: float, positive: list[Edge]) -> pa.Table:
    """Every edge of the run as an Arrow table of :class:`Edge` fields, made in SQL: at a
    million records hundreds of thousands of pairs merge, too many for Python objects.

    Model pairs at or above the threshold; records sharing a strong identifier that is
    not a hub, as a star from the value's smallest id; positive judgements."""
    store.con.register("run_scored", pairs)
    store.con.register("run_judged", edge_table(positive))
    try:
        return store.arrow(
            f"""
            WITH keyed AS (  -- one row per record and value: resolve_keys is distinct
                SELECT key_type, value, entity_id
                FROM resolve_keys ANTI JOIN resolve_hubs USING (key_type, value)
            ),
            stars AS (
                SELECT key_type, value, min(entity_id) AS centre FROM keyed
                GROUP BY key_type, value HAVING count(*) > 1
            )
            SELECT {MODEL}::TINYINT AS kind, -match_probability AS strength,
                   least(unique_id_l, unique_id_r) AS "left",
                   greatest(unique_id_l, unique_id_r) AS "right", 'model' AS reason
            FROM run_scored WHERE match_probability >= ?
            UNION ALL
            SELECT {IDENTIFIER}::TINYINT, -1.0, s.centre, k.entity_id, key_type
            FROM keyed k JOIN stars s USING (key_type, value)
            WHERE k.entity_id <> s.centre
            UNION ALL
            SELECT kind, strength, "left", "right", reason FROM run_judged
            """,
            [threshold],
        )
    finally:
        store.con.unregister("run_scored")
        store.con.unregister("run_judged")


def _write(
    store: Store,
    run_id: str,
    representative: pa.Table,
    secret: bytes,
    pairs: Any,
    model: dict[str, Any],
    started: Any,
    by_user: str,
    engine: str,
    trained: bool,
    threshold: float,
    prepared: Prepared,
    corroboration: Corroboration | None,
) -> RunSummary:
    parties, hubs = prepared.parties.num_rows, prepared.hubs
    import pyarrow as pa

    links = pa.table(
        {
            "key_type": pa.array([h[0] for h in hubs], pa.string()),
            "value": pa.array([h[1] for h in hubs], pa.string()),
            "people": pa.array([h[2] for h in hubs], pa.int64()),
        }
    )
    store.con.register("run_mapping", representative)
    store.con.register("run_pairs", pairs)
    store.con.register("run_links", links)
    store.con.register("run_frequencies", prepared.frequencies)
    store.execute("BEGIN TRANSACTION")
    try:
        store.execute("DELETE FROM canonical")
        # Every record gets a canonical id: those on no edge are their own cluster,
        # hashed in SQL so that a million singletons never pass through Python.
        store.execute(
            f"""
            INSERT INTO canonical
            SELECT e.entity_id, {canonical_sql("coalesce(m.representative, e.entity_id)")}, ?
            FROM (SELECT DISTINCT entity_id FROM statements) e
            LEFT JOIN run_mapping m USING (entity_id)
            """,
            [secret.hex(), run_id],
        )
        store.execute("DELETE FROM resolve_pairs")
        store.execute(
            "INSERT INTO resolve_pairs SELECT unique_id_l, unique_id_r, match_probability, "
            "match_weight, ? FROM run_pairs",
            [run_id],
        )
        store.execute("DELETE FROM resolve_tf")
        store.execute(
            "INSERT INTO resolve_tf SELECT name_key, tf_name_key, ? FROM run_frequencies",
            [run_id],
        )
        store.execute("DELETE FROM resolve_links")
        store.execute("INSERT INTO resolve_links SELECT *, ? FROM run_links", [run_id])
        # Counted over the clusters, not over their records joined back to them.
        stats = store.one(
            """
            SELECT count(*), coalesce(sum(n) FILTER (WHERE n > 1), 0),
                   count(*) FILTER (WHERE agencies > 1), coalesce(sum(n), 0)
            FROM (
                SELECT count(*) AS n,
                       count(DISTINCT split_part(entity_id, '.', 1)) AS agencies
                FROM canonical GROUP BY canonical_id
            )
            """
        ) or (0, 0, 0, 0)
        summary = RunSummary(
            id=run_id,
            trained=trained,
            records=int(stats[3]),
            party_records=parties,
            pairs=pairs.num_rows,
            clusters=int(stats[0]),
            merged_records=int(stats[1]),
            cross_agency_clusters=int(stats[2]),
            hubs=sum(1 for h in hubs if h[0] != COUNTERPART),
            threshold=threshold,
            busy_counterparts=sum(1 for h in hubs if h[0] == COUNTERPART),
            corroboration=None if corroboration is None else corroboration.to_dict(),
        )
        store.execute(
            "INSERT INTO resolution_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started,
                utcnow(),
                by_user,
                engine,
                trained,
                threshold,
                parties,
                pairs.num_rows,
                summary.clusters,
                summary.merged_records,
                summary.cross_agency_clusters,
                orjson.dumps(model).decode(),
                None
                if summary.corroboration is None
                else orjson.dumps(summary.corroboration).decode(),
            ],
        )
        store.execute("COMMIT")
    except BaseException:
        store.execute("ROLLBACK")
        raise
    finally:
        for name in ("run_mapping", "run_pairs", "run_links", "run_frequencies"):
            store.con.unregister(name)
    return summary
