"""One resolution run: party records, identifier keys and hubs, Splink pairs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from undertow.resolve.engines import dialect_of, duckdb_api, for_dialect, register
from undertow.resolve.keys import COUNTERPART, HubRule, hub_values, identifier_keys
from undertow.resolve.records import ACCOUNT_LINK, PHONE_LINK, build_parties

if TYPE_CHECKING:
    import pyarrow as pa

    from undertow.store import Store

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    parties: pa.Table
    hubs: list[tuple[str, str, int]]
    frequencies: pa.Table
    """Each name's frequency (:func:`~undertow.resolve.model.name_frequencies`)."""


def prepare(store: Store, rule: HubRule | None = None) -> Prepared:
    """Party records with hub phones and held accounts removed, and their ``personal``
    counterparts (the busy ones left out); ``resolve_keys`` and ``resolve_hubs`` left as
    temp tables for the identifier edges."""
    parties = build_parties(store)
    store.con.register("resolve_parties_raw", parties)
    try:
        identifier_keys(store)
        hubs = hub_values(store, "resolve_parties_raw", rule or HubRule())
        # Only the columns that change or are added are made in SQL and sorted; the
        # party records are already in ``unique_id`` order, and sorting every column
        # of a million records again cost more than everything else here.
        keys = store.arrow(
            f"""
            WITH hub AS (
                SELECT coalesce(list(value) FILTER (WHERE key_type = 'phone'), []) AS phones,
                       coalesce(list(value) FILTER (WHERE key_type = 'held account'), [])
                           AS accounts
                FROM resolve_hubs),
            parties AS (
                SELECT *, phones[1] AS phone1 FROM (
                    SELECT p.unique_id, p.skel_pairs, p.dob_year, p.name_key,
                           p.name_skeletons, p.skel1, p.id1,
                           nullif(list_filter(p.phones,
                               lambda x: NOT list_contains(hub.phones, x)), []) AS phones,
                           nullif(list_filter(p.accounts,
                               lambda x: NOT list_contains(hub.accounts, x)), []) AS accounts,
                           -- A hub is a link between the records that carry it (the
                           -- shop's line on each customer's entry): a counterpart.
                           nullif(list_sort(list_distinct(list_concat(
                               coalesce(p.counterparties, []),
                               list_transform(list_filter(coalesce(p.phones, []),
                                   lambda x: list_contains(hub.phones, x)),
                                   lambda x: '{PHONE_LINK}' || x),
                               list_transform(list_filter(coalesce(p.accounts, []),
                                   lambda x: list_contains(hub.accounts, x)),
                                   lambda x: '{ACCOUNT_LINK}' || x)
                           ))), []) AS counterparties
                    FROM resolve_parties_raw p CROSS JOIN hub)
            ),
            {_blocking_keys("parties")}
            """
        )
        # The counterparts that are not busy (``keys.COUNTERPART``): what a record is
        # linked to that few others are -- the family a remittance goes to, not the shop.
        personal = store.arrow(
            f"""
            SELECT p.unique_id, x.personal FROM resolve_parties_raw p LEFT JOIN (
                SELECT unique_id, list_sort(list(c)) AS personal
                FROM (SELECT unique_id, unnest(counterparties) AS c FROM resolve_parties_raw) l
                ANTI JOIN (SELECT value AS c FROM resolve_hubs
                           WHERE key_type = '{COUNTERPART}') USING (c)
                GROUP BY unique_id) x USING (unique_id)
            ORDER BY p.unique_id
            """
        ).column("personal")
    finally:
        store.con.unregister("resolve_parties_raw")
    cleaned = parties
    for column in ("phones", "accounts", "counterparties"):
        cleaned = cleaned.set_column(
            cleaned.schema.get_field_index(column), column, keys.column(column)
        )
    for column in ("phone1", *BLOCKING_ONLY):
        cleaned = cleaned.append_column(column, keys.column(column))
    cleaned = cleaned.append_column("personal", personal)
    log.info("%d party records, %d hubs", cleaned.num_rows, len(hubs))
    return Prepared(cleaned, hubs, frequencies_of(cleaned))


def frequencies_of(parties: pa.Table) -> pa.Table:
    from undertow.resolve.model import name_frequencies
    from undertow.store.store import scratch_connection

    con = scratch_connection()
    try:
        con.register("parties", parties)
        return name_frequencies(con, "parties")
    finally:
        con.close()


# A pair of name skeletons (or a whole name) carried by more records than this is too
# common to block on alone ("Ahmed Mohammed"): its records are compared only within the
# same birth year.
# Blocks of 31-100 records made two thirds of the 9.1M candidate pairs at a million
# records, and only 0.12% of the pairs merged at 0.8 had no other route (a birth year,
# a phone, a document, the same words); the same bound on whole names cost 0.06% more.
# bench/RESULTS.md, "Resolution at scale".
COMMON_PAIR = 30

# Columns only the blocking rules read; they mean nothing for a single pair.
BLOCKING_ONLY = ("name_block", "skel_block", "skel_single", "id_deletions")


def _blocking_keys(parties: str) -> str:
    """SQL (continuing a WITH) of each record's ``unique_id``, ``phones``, ``accounts``,
    ``counterparties`` and ``phone1`` with the blocking keys that adapt to the data, in
    ``unique_id`` order:

    * ``name_block`` -- the name's words, or words + birth year where as many records as
      a common skeleton pair carry the same name ("Ali", "Nazia Safi");
    * ``skel_block`` -- each pair of name skeletons, or pair + birth year where the pair
      is common, so blocks stay small however the population grows;
    * ``skel_single`` -- the skeleton of a one-word name (blocked with the birth year);
    * ``id_deletions`` -- a document number with each one character left out, so two
      numbers one keystroke apart share a key.
    """
    return f"""
        sp AS (SELECT unique_id, unnest(skel_pairs) AS k, dob_year FROM {parties}),
        freq AS (SELECT k, count(*) AS n FROM sp GROUP BY k),
        keyed AS (
            SELECT sp.unique_id,
                   list(CASE WHEN freq.n <= {COMMON_PAIR} THEN sp.k
                             ELSE sp.k || '|' || sp.dob_year END) AS skel_block
            FROM sp JOIN freq USING (k)
            WHERE freq.n <= {COMMON_PAIR} OR sp.dob_year IS NOT NULL
            GROUP BY sp.unique_id),
        names AS (SELECT name_key, count(*) AS n FROM {parties} GROUP BY name_key)
        SELECT p.unique_id, p.phones, p.accounts, p.counterparties, p.phone1,
               CASE WHEN names.n <= {COMMON_PAIR} THEN p.name_key
                    ELSE p.name_key || '|' || p.dob_year END AS name_block,
               nullif(keyed.skel_block, []) AS skel_block,
               CASE WHEN len(p.name_skeletons) = 1 THEN p.skel1 END AS skel_single,
               CASE WHEN p.id1 IS NOT NULL THEN list_prepend(p.id1, list_transform(
                   range(1, length(p.id1) + 1),
                   lambda i: substr(p.id1, 1, i - 1) || substr(p.id1, i + 1))) END
                   AS id_deletions
        FROM {parties} p LEFT JOIN keyed USING (unique_id)
        LEFT JOIN names USING (name_key) ORDER BY unique_id
    """


def splink_pairs(
    parties: pa.Table,
    *,
    model: dict[str, Any] | None = None,
    threshold: float = 0.01,
    max_pairs: float = 2e6,
    db_api: Any = None,
    frequencies: pa.Table | None = None,
) -> tuple[pa.Table, dict[str, Any]]:
    """Scored candidate pairs (``unique_id_l``, ``unique_id_r``, ``match_probability``,
    ``match_weight``) and the trained model. With ``model``, its parameters are reused
    and nothing is trained (a new report does not need a retrain). ``frequencies`` are
    the names' frequencies (:func:`~undertow.resolve.model.name_frequencies`), computed
    here when not given."""
    from splink import Linker

    from undertow.resolve.model import estimate_prior, settings, smooth, train

    if db_api is None:
        db_api = duckdb_api()
    dialect = dialect_of(db_api)
    table = register(db_api, parties, "parties")
    if frequencies is None:
        frequencies = frequencies_of(parties)
    if model is None:
        from undertow.store.store import scratch_connection

        con = scratch_connection()
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
    linker.table_management.register_term_frequency_lookup(
        register(db_api, frequencies, "name_frequencies"), "name_key"
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = predictions.as_pyarrow_table().select(  # type: ignore[no-untyped-call]
        ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    )
    return pairs, linker.misc.save_model_to_json()
