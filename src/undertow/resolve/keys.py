"""Identifier keys: exact matches on strong identifiers, and the hubs that are not.

A passport number, an IBAN, a vessel's IMO number or a vehicle's registration names one
thing: records that share one are the same thing. A phone or an account that many
differently named people use -- a money-transfer shop's line written on its customers'
records, a burner handed round the drivers -- is evidence of a link between them, not
of identity. Such hub identifiers are detected by how many distinct names carry them,
are never merged on, and are removed from the probabilistic comparison too.

The same count marks the busy counterparts (``COUNTERPART``): a shop, a collector, a
boat's passenger list -- someone many people are linked to (counted over the records of
people and unknown parties: the shops that pay a family out are not namesakes in the
making). Sharing one says little about whether two records of one agency are one person
(``context.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from undertow.store import Store

# (key type, schemata, properties) whose exact equality means the same thing.
STRONG_KEYS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("id_number", ("Person",), ("idNumber", "passportNumber", "socialSecurityNumber")),
    (
        "id_number",
        ("Company", "Organization", "LegalEntity"),
        ("registrationNumber", "taxNumber", "vatCode", "leiCode"),
    ),
    ("iban", ("BankAccount",), ("iban",)),
    ("account", ("BankAccount",), ("accountNumber",)),
    ("crypto", ("CryptoWallet",), ("publicKey", "accountId")),
    ("email", ("Person", "Company", "Organization", "LegalEntity"), ("email",)),
    ("imo", ("Vessel",), ("imoNumber",)),
    ("mmsi", ("Vessel",), ("mmsi",)),
    ("registration", ("Vessel", "Vehicle"), ("registrationNumber",)),
)
# The numbers of accounts and wallets, which also identify their holder (records.py).
ACCOUNT_NUMBER_PROPS = ("iban", "accountNumber", "publicKey", "accountId")
MIN_KEY_LENGTH = 5
"""Shorter values ("1", "N/A" cleaned to "NA") are placeholders, not identifiers."""


def normalised(column: str) -> str:
    """SQL for an identifier written without spaces, dashes or case."""
    return f"upper(regexp_replace({column}, '[^A-Za-z0-9@.]', '', 'g'))"


def document_number(column: str) -> str:
    """SQL for a document number written with letters and digits only, in capitals."""
    return f"upper(regexp_replace({column}, '[^A-Za-z0-9]', '', 'g'))"


# Phones identify a person only in the probabilistic model, with the name: families and
# flatmates share lines. Passports and identity cards of a holder count as the holder's.
DOCUMENT_SCHEMAS = ("Passport", "Identification")
DOCUMENT_NUMBER_PROPS = ("number", "passportNumber")


@dataclass(frozen=True)
class HubRule:
    min_names: int = 3
    """Distinct name skeletons on records sharing the value before it is a hub."""


def identifier_keys(store: Store) -> None:
    """(Re)build the temp table ``resolve_keys(entity_id, key_type, value)``."""
    parts = []
    for key_type, schemata, props in STRONG_KEYS:
        parts.append(
            f"SELECT entity_id, '{key_type}' AS key_type, {normalised('value')} AS value "
            f"FROM keyed WHERE schema IN {sql_strings(schemata)} "
            f"AND prop IN {sql_strings(props)}"
        )
    # A passport's number is its holder's.
    parts.append(
        f"""
        SELECT h.value AS entity_id, 'id_number' AS key_type,
               {document_number("n.value")} AS value
        FROM keyed h JOIN keyed n
          ON n.entity_id = h.entity_id AND n.prop IN {sql_strings(DOCUMENT_NUMBER_PROPS)}
        WHERE h.schema IN {sql_strings(DOCUMENT_SCHEMAS)} AND h.prop = 'holder'
        """
    )
    held = sorted(
        {p for _, _, named in STRONG_KEYS for p in named} | {"holder"} | set(DOCUMENT_NUMBER_PROPS)
    )
    # The statements that can hold a key, materialised first: otherwise the length test
    # on a normalised value is pushed into the scan of every statement, and the regular
    # expression runs on all of them before the property filter (1.8 s to 0.4 s at a
    # million records).
    store.execute(
        "CREATE OR REPLACE TEMP TABLE resolve_keys AS "
        f"WITH keyed AS MATERIALIZED (SELECT entity_id, schema, prop, value FROM statements "
        f"WHERE prop IN {sql_strings(tuple(held))}) "
        "SELECT DISTINCT * FROM ("
        + " UNION ALL ".join(parts)
        + f") WHERE length(value) >= {MIN_KEY_LENGTH}"
    )


COUNTERPART = "counterpart"
"""The key type of a busy counterpart among the hubs (its value: the counterpart as a
record's ``counterparties`` name it)."""


def hub_values(store: Store, parties: str, rule: HubRule) -> list[tuple[str, str, int]]:
    """``(key type, value, distinct people)`` of every hub among the keys, phones, held
    accounts and counterparts of the party table ``parties`` (with ``unique_id``,
    ``name_skeletons``, ``phones``, ``accounts``, ``counterparties``), also left in the
    temp table ``resolve_hubs``.

    "Distinct people" counts names that could not be one person (see ``_name_groups``):
    the same person written three ways is one; a shop's hundred customers are a hundred.
    For a counterpart, counting stops at ``rule.min_names``: a boat's every passenger is
    a counterpart of all the others, and only whether it is busy matters.
    """
    candidates = store.fetchall(
        f"""
        WITH carried AS (
            SELECT 'phone' AS key_type, unnest(phones) AS value, name_skeletons
            FROM {parties} WHERE phones IS NOT NULL
            UNION ALL
            SELECT 'held account', unnest(accounts), name_skeletons
            FROM {parties} WHERE accounts IS NOT NULL
            UNION ALL
            -- People make a counterpart busy; the shops that pay a family out do not.
            SELECT '{COUNTERPART}', unnest(counterparties), name_skeletons
            FROM {parties} WHERE counterparties IS NOT NULL AND kind <> 'org'
            UNION ALL
            SELECT k.key_type, k.value, p.name_skeletons
            FROM resolve_keys k JOIN {parties} p ON p.unique_id = k.entity_id
        )
        SELECT key_type, value, list(DISTINCT name_skeletons)
        FROM carried WHERE name_skeletons IS NOT NULL
        GROUP BY key_type, value
        HAVING count(DISTINCT name_skeletons) >= {int(rule.min_names)}
        """
    )
    hubs = []
    for key_type, value, names in candidates:
        stop = rule.min_names if key_type == COUNTERPART else None
        people = _name_groups([set(n) for n in names], stop)
        if people >= rule.min_names:
            hubs.append((key_type, value, people))
    import pyarrow as pa

    table = pa.table(
        {
            "key_type": pa.array([h[0] for h in hubs], pa.string()),
            "value": pa.array([h[1] for h in hubs], pa.string()),
            "people": pa.array([h[2] for h in hubs], pa.int64()),
        }
    )
    store.con.register("resolve_hubs_arrow", table)
    try:
        store.execute(
            "CREATE OR REPLACE TEMP TABLE resolve_hubs AS SELECT * FROM resolve_hubs_arrow"
        )
    finally:
        store.con.unregister("resolve_hubs_arrow")
    return hubs


def _name_groups(names: list[set[str]], stop: int | None = None) -> int:
    """How many different people the names are, at most (or ``stop``, once reached): two
    names are taken for one person when they share two skeletons (one, for a one-word
    name). Each group is represented by its first name, so a common word cannot chain
    strangers together."""
    groups: list[set[str]] = []
    for name in sorted(names, key=lambda n: (-len(n), sorted(n))):
        if not any(len(g & name) >= min(2, len(g), len(name)) for g in groups):
            groups.append(name)
            if stop is not None and len(groups) >= stop:
                break
    return len(groups)


def sql_strings(items: tuple[str, ...]) -> str:
    """A SQL list of string literals, for ``IN`` (a Python 1-tuple's trailing comma is
    not SQL)."""
    return "(" + ", ".join(f"'{i}'" for i in items) + ")"
