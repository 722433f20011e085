"""The records resolution compares: one row per party (person or organisation) record.

Built hub-wide from statements with SQL, except the name features, which are computed
in Python once per distinct word of the names (see ``names.py``) and joined back. Birth dates
keep their precision: a year-only date and a 1 January placeholder are flagged so the
model can weigh them as the weak evidence they are. Each record also lists what it is
linked to (``counterparties``: the other side of its payments, calls, associations and
trips, and the far end of a transfer made in legs), which the run's corroboration weighs
(``context.py``); the model itself does not compare them.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from undertow.resolve.keys import (
    ACCOUNT_NUMBER_PROPS,
    MIN_KEY_LENGTH,
    document_number,
    normalised,
    sql_strings,
)
from undertow.resolve.names import skeletons, tokens

if TYPE_CHECKING:
    import pyarrow as pa

    from undertow.store import Store
    from undertow.store.scope import Scope

PARTY_SCHEMAS = ("Person", "LegalEntity", "Company", "Organization", "PublicBody")
NAME_PROPS = ("name", "firstName", "middleName", "lastName", "fatherName")
PERSON_SCHEMAS = ("Person",)
ORG_SCHEMAS = ("Company", "Organization", "PublicBody")
DOCUMENT_PROPS = ("idNumber", "passportNumber", "registrationNumber", "taxNumber")
# The two sides of a link: a record is linked to what stands on the other side of each
# link it is on (its payment's beneficiary and the account paid into, the other end of
# its call); "x" marks a side whose members are all linked to each other (the people on
# one trip or at one event).
LINK_SIDES: tuple[tuple[str, str, str], ...] = (
    ("Payment", "payer", "a"),
    ("Payment", "payerAccount", "a"),
    ("Payment", "beneficiary", "b"),
    ("Payment", "beneficiaryAccount", "b"),
    ("Call", "caller", "a"),
    ("Call", "receiver", "b"),
    ("Associate", "person", "a"),
    ("Associate", "associate", "b"),
    ("Family", "person", "a"),
    ("Family", "relative", "b"),
    ("UnknownLink", "subject", "a"),
    ("UnknownLink", "object", "b"),
    ("Membership", "member", "a"),
    ("Membership", "organization", "b"),
    ("Employment", "employee", "a"),
    ("Employment", "employer", "b"),
    ("Directorship", "director", "a"),
    ("Directorship", "organization", "b"),
    ("Representation", "agent", "a"),
    ("Representation", "client", "b"),
    ("Trip", "involved", "x"),
    ("Event", "involved", "x"),
)
# How a counterpart that is not a record is written among a record's ``counterparties``:
# an account by its (normalised) number, whichever agency's record of it was paid; a
# hub phone the record carries (``pipeline.py``) by the number.
ACCOUNT_LINK = "#"
PHONE_LINK = "tel:"
MAX_LEGS = 4
"""Payments one transfer number may join as legs of one transfer: a shop's pay-in and
pay-out, a correspondent between them, a copy of one on both statements."""
FACT_PROPS = (
    "birthDate",
    "nationality",
    "citizenship",
    "gender",
    "country",
    "address",
    *DOCUMENT_PROPS,
)


def _only(
    ids: list[str] | None, scope: Scope | None = None, of: str = "", column: str = "entity_id"
) -> str:
    """SQL restricting statements (those of table alias ``of``, in a join) to some
    records -- ``ids`` matched against ``column`` -- and to what a reader may see."""
    at = f"{of}." if of else ""
    clauses = ["TRUE"]
    if ids is not None:
        quoted = ", ".join("'" + i.replace("'", "''") + "'" for i in ids)
        clauses.append(f"{at}{column} IN ({quoted})")
    if scope is not None and scope.agency is not None:
        code = scope.agency.replace("'", "''")
        clauses.append(
            f"({at}agency = '{code}' OR list_contains({at}release, 'all') "
            f"OR list_contains({at}release, '{code}'))"
        )
    return " AND ".join(clauses)


def party_names(
    store: Store, only: list[str] | None = None, scope: Scope | None = None
) -> pa.Table:
    """``(entity_id, full name)`` for every party: its names, else first + last name.

    Names and the parts of a composed name come in no particular order: the features
    are made from the set of their words (ordered aggregates cost half this query)."""
    return store.arrow(
        f"""
        WITH parts AS (
            SELECT entity_id,
                   list(value) FILTER (WHERE prop = 'name') AS names,
                   string_agg(value, ' ') FILTER (
                       WHERE prop IN ('firstName', 'middleName', 'fatherName', 'lastName')
                   ) AS composed
            FROM (SELECT DISTINCT entity_id, prop, value FROM statements
                  WHERE schema IN {sql_strings(PARTY_SCHEMAS)} AND prop IN {sql_strings(NAME_PROPS)}
                    AND {_only(only, scope)})
            GROUP BY entity_id
        )
        SELECT entity_id, unnest(CASE WHEN len(names) > 0 THEN names ELSE [composed] END)
               AS name
        FROM parts
        """
    )


def word_table(words: list[str]) -> pa.Table:
    """Name features for each distinct space-separated word of the names.

    A name's tokens are its words' tokens together (a space separates words for
    :func:`~undertow.resolve.names.tokens` too), so the Python work runs once per
    distinct word -- a few hundred thousand at a million records -- rather than once
    per distinct name, and SQL puts each record's names back together.
    """
    import pyarrow as pa

    token_lists: list[list[str]] = []
    skeleton_lists: list[list[str]] = []
    # The lists made here hold only strings and can form no cycle, but making a million
    # of them sets off the cycle collector again and again over a heap that grows with
    # them: it took half this loop's time (3.6 s to 1.9 s for 340k words without it).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for word in words:
            found = tokens(word)
            token_lists.append(list(found))
            skeleton_lists.append([shape for token in found for shape in skeletons(token)])
    finally:
        if collecting:
            gc.enable()
    return pa.table(
        {
            "word": pa.array(words, pa.string()),
            "tokens": pa.array(token_lists, pa.list_(pa.string())),
            "skeletons": pa.array(skeleton_lists, pa.list_(pa.string())),
        }
    )


def build_parties(
    store: Store, only: list[str] | None = None, scope: Scope | None = None
) -> pa.Table:
    """One row per party record with the columns the model compares: of every record (a
    hub-wide run), or of ``only`` those, from what ``scope`` may see (an explanation)."""
    store.con.register("resolve_party_names", party_names(store, only, scope))
    try:
        # Every word of every (non-empty) name, empty words included: a name of spaces
        # alone still gives its record an empty token list, as the name itself would.
        store.con.register(
            "resolve_name_words",
            store.arrow(
                """
                SELECT entity_id, unnest(string_split(name, ' ')) AS word
                FROM resolve_party_names WHERE name <> ''
                """
            ),
        )
        words = store.arrow("SELECT DISTINCT word FROM resolve_name_words ORDER BY word")
        store.con.register("resolve_word_features", word_table(words.column(0).to_pylist()))
        return store.arrow(
            f"""
            WITH named AS (
                SELECT w.entity_id,
                       list_sort(list_distinct(flatten(list(f.tokens)))) AS name_tokens,
                       list_sort(list_distinct(flatten(list(f.skeletons)))) AS name_skeletons
                FROM resolve_name_words w JOIN resolve_word_features f USING (word)
                GROUP BY w.entity_id
            ),
            -- Distinct statements first, then plain lists: DISTINCT inside aggregates
            -- is several times slower at a million records. Lists are sorted, so the
            -- first phone and document number (blocking keys) are the same every run.
            kinds AS (
                SELECT entity_id, any_value(agency) AS agency,
                       bool_or(schema IN {sql_strings(PERSON_SCHEMAS)}) AS is_person,
                       bool_or(schema IN {sql_strings(ORG_SCHEMAS)}) AS is_org
                FROM statements
                WHERE schema IN {sql_strings(PARTY_SCHEMAS)} AND {_only(only, scope)}
                GROUP BY entity_id
            ),
            facts AS (
                SELECT entity_id,
                       max(value) FILTER (WHERE prop = 'birthDate') AS birth_date,
                       list(value ORDER BY value) FILTER (
                           WHERE prop IN ('nationality', 'citizenship')) AS nationality,
                       max(value) FILTER (WHERE prop = 'gender') AS gender,
                       list(value ORDER BY value) FILTER (WHERE prop_type = 'phone') AS phones,
                       list(value ORDER BY value) FILTER (WHERE prop = 'country') AS country,
                       -- Normalised after the aggregate: inside it, the regular
                       -- expression ran on every fact, not only on document numbers.
                       list_sort(list_distinct(list_transform(
                           list(value) FILTER (WHERE prop IN {sql_strings(DOCUMENT_PROPS)}),
                           lambda v: {document_number("v")})))
                           AS id_numbers,
                       string_agg(value, ' ' ORDER BY value) FILTER (WHERE prop = 'address')
                           AS address
                FROM (SELECT DISTINCT entity_id, prop, prop_type, value FROM statements
                      WHERE schema IN {sql_strings(PARTY_SCHEMAS)} AND {_only(only, scope)}
                        AND (prop IN {sql_strings(FACT_PROPS)} OR prop_type = 'phone'))
                GROUP BY entity_id
            ),
            -- The numbers of the accounts and wallets a party holds: a bank knows its
            -- customer, so two records holding one account are most likely one holder
            -- (a joint account's second holder differs by name; a shop's account that
            -- many names hold is a hub, removed in ``pipeline.py``).
            -- Normalised once, for the accounts held and the accounts paid into; a
            -- placeholder ("N/A") is no number. Materialised, so that the length test
            -- on a normalised number runs on account numbers only: pushed into the
            -- scan of statements, it ran the regular expression on every statement
            -- first (3 s at a million records).
            account_numbers AS MATERIALIZED (
                SELECT * FROM (
                    SELECT entity_id, {normalised("value")} AS number FROM statements
                    WHERE prop IN {sql_strings(ACCOUNT_NUMBER_PROPS)}
                      AND {_only(None, scope)})
                WHERE length(number) >= {MIN_KEY_LENGTH}
            ),
            held AS (
                SELECT h.owner AS entity_id, list_sort(list_distinct(list(n.number)))
                       AS accounts
                FROM (SELECT o.value AS owner, a.value AS asset
                      FROM statements o JOIN statements a
                        ON a.entity_id = o.entity_id AND a.prop = 'asset'
                      WHERE o.schema = 'Ownership' AND o.prop = 'owner'
                        AND {_only(only, scope, of="o", column="value")}
                        AND {_only(None, scope, of="a")}
                      UNION ALL
                      SELECT value AS owner, entity_id AS asset FROM statements
                      WHERE schema = 'CryptoWallet' AND prop = 'holder'
                        AND {_only(only, scope, column="value")}) h
                JOIN account_numbers n ON n.entity_id = h.asset
                GROUP BY h.owner
            ),
            -- A number on more payments than a transfer has legs is a batch or a
            -- reference, not one transfer: its payers and beneficiaries are not paired.
            transfer_legs AS MATERIALIZED (
                SELECT entity_id, transfer FROM (
                    SELECT entity_id, transfer, count(*) OVER (PARTITION BY transfer) AS legs
                    FROM (SELECT DISTINCT entity_id, agency || ':' || value AS transfer
                          FROM statements
                          WHERE schema = 'Payment' AND prop = 'transactionNumber'
                            AND {_only(None, scope)}))
                WHERE legs BETWEEN 2 AND {MAX_LEGS}
            ),
            -- The other side of every link a party is on; an account by its number, so
            -- that two agencies' records of one account are one counterpart.
            sides AS (
                SELECT s.entity_id AS link, s.value, r.side
                FROM statements s
                JOIN (VALUES {", ".join(f"('{a}', '{b}', '{c}')" for a, b, c in LINK_SIDES)})
                     r(schema, prop, side) USING (schema, prop)
                WHERE s.prop_type = 'entity' AND {_only(None, scope, of="s")}
                UNION ALL
                -- The legs of one transfer (a money-transfer shop's pay-in and pay-out,
                -- one ledger line): every payer of a leg is a counterpart of every
                -- beneficiary of another, so the sender and the receiver are each
                -- other's, not only each one the shop's.
                SELECT l.transfer, s.value, CASE s.prop WHEN 'payer' THEN 'a' ELSE 'b' END
                FROM statements s JOIN transfer_legs l USING (entity_id)
                WHERE s.schema = 'Payment' AND s.prop IN ('payer', 'beneficiary')
                  AND {_only(None, scope, of="s")}
            ),
            counterparts AS (
                SELECT mine.value AS entity_id,
                       list_sort(list_distinct(list(
                           coalesce('{ACCOUNT_LINK}' || n.number, other.value))))
                           AS counterparties
                FROM sides mine JOIN sides other
                  ON other.link = mine.link AND other.value <> mine.value
                 AND (other.side = 'x') = (mine.side = 'x')
                 AND (other.side <> mine.side OR mine.side = 'x')
                LEFT JOIN account_numbers n ON n.entity_id = other.value
                WHERE {_only(only, None, of="mine", column="value")}
                GROUP BY mine.value
            )
            SELECT k.entity_id AS unique_id, k.agency,
                   CASE WHEN k.is_person THEN 'person' WHEN k.is_org THEN 'org'
                        ELSE 'party' END AS kind,
                   n.name_tokens, n.name_skeletons,
                   array_to_string(n.name_tokens, ' ') AS name_key,
                   array_to_string(n.name_skeletons, ' ') AS skeleton_key,
                   n.name_skeletons[1] AS skel1,
                   n.name_skeletons[2] AS skel2,
                   n.name_skeletons[-1] AS skel_last,
                   -- Every two skeletons of the name: records sharing any two are compared,
                   -- whatever the word order and however many words each gives.
                   flatten(list_transform(n.name_skeletons[1:8], lambda a: list_transform(
                       list_filter(n.name_skeletons[1:8], lambda b: a < b),
                       lambda b: a || ' ' || b))) AS skel_pairs,
                   TRY_CAST(substr(f.birth_date, 1, 4) AS INTEGER) AS dob_year,
                   CASE WHEN length(f.birth_date) >= 7 THEN substr(f.birth_date, 1, 7) END
                       AS dob_month,
                   CASE WHEN length(f.birth_date) >= 10
                             AND substr(f.birth_date, 6, 5) <> '01-01'
                        THEN substr(f.birth_date, 1, 10) END AS dob_exact,
                   f.birth_date IS NOT NULL AND (length(f.birth_date) = 4
                       OR substr(f.birth_date, 6, 5) = '01-01') AS dob_imprecise,
                   nullif(f.nationality, []) AS nationality,
                   f.gender,
                   nullif(f.phones, []) AS phones,
                   nullif(f.country, []) AS country,
                   nullif(list_filter(f.id_numbers, lambda x: length(x) >= 4), []) AS id_numbers,
                   list_filter(f.id_numbers, lambda x: length(x) >= 4)[1] AS id1,
                   nullif(list_distinct(list_filter(regexp_split_to_array(
                       strip_accents(lower(f.address)), '[^a-z0-9]+'),
                       lambda x: length(x) > 1 OR x SIMILAR TO '[0-9]+')), [])
                       AS address_tokens,
                   nullif(h.accounts, []) AS accounts,
                   c.counterparties
            FROM kinds k LEFT JOIN facts f USING (entity_id) LEFT JOIN named n USING (entity_id)
            LEFT JOIN held h USING (entity_id) LEFT JOIN counterparts c USING (entity_id)
            ORDER BY unique_id
            """
        )
    finally:
        store.con.unregister("resolve_party_names")
        store.con.unregister("resolve_word_features")
        store.con.unregister("resolve_name_words")
