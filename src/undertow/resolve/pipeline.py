"""One resolution run: party records, identifier keys and hubs, Splink pairs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from undertow.resolve.engines import dialect_of, duckdb_api, for_dialect, register
from undertow.resolve.keys import HubRule, hub_values, identifier_keys
from undertow.resolve.records import build_parties

if TYPE_CHECKING:
    import pyarrow as pa

    from undertow.store import Store

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    parties: pa.Table
    hubs: list[tuple[str, str, int]]


def prepare(store: Store, rule: HubRule | None = None) -> Prepared:
    """Party records with hub phones removed; ``resolve_keys`` and ``resolve_hubs`` left
    as temp tables for the identifier edges."""
    parties = build_parties(store)
    store.con.register("resolve_parties_raw", parties)
    try:
        identifier_keys(store)
        hubs = hub_values(store, "resolve_parties_raw", rule or HubRule())
        cleaned = store.arrow(
            """
            WITH hub AS (SELECT coalesce(list(value), []) AS phones FROM resolve_hubs
                         WHERE key_type = 'phone')
            SELECT * EXCLUDE (hub_phones), phones[1] AS phone1 FROM (
                SELECT p.* REPLACE (nullif(list_filter(p.phones,
                           lambda x: NOT list_contains(hub.phones, x)), []) AS phones),
                       hub.phones AS hub_phones
                FROM resolve_parties_raw p CROSS JOIN hub
            ) ORDER BY unique_id
            """
        )
    finally:
        store.con.unregister("resolve_parties_raw")
    log.info("%d party records, %d hub identifiers", cleaned.num_rows, len(hubs))
    return Prepared(cleaned, hubs)


def splink_pairs(
    parties: pa.Table,
    *,
    model: dict[str, Any] | None = None,
    threshold: float = 0.01,
    max_pairs: float = 2e6,
    db_api: Any = None,
) -> tuple[pa.Table, dict[str, Any]]:
    """Scored candidate pairs (``unique_id_l``, ``unique_id_r``, ``match_probability``,
    ``match_weight``) and the trained model. With ``model``, its parameters are reused
    and nothing is trained (a new report does not need a retrain)."""
    from splink import Linker

    from undertow.resolve.model import estimate_prior, settings, smooth, train

    if db_api is None:
        db_api = duckdb_api()
    dialect = dialect_of(db_api)
    table = register(db_api, parties, "parties")
    if model is None:
        import duckdb

        con = duckdb.connect()
        con.register("parties", parties)
        model_settings: Any = settings(prior=estimate_prior(con, "parties"))
        con.close()
    else:
        model_settings = for_dialect(model, dialect)
    linker = Linker(table, model_settings, log_level=None)
    if model is None:
        train(linker, max_pairs=max_pairs)
        trained = smooth(linker.misc.save_model_to_json())
        table = register(db_api, parties, "parties_scored")
        linker = Linker(table, trained, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = predictions.as_pyarrow_table().select(  # type: ignore[no-untyped-call]
        ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    )
    return pairs, linker.misc.save_model_to_json()
