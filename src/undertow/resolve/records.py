"""The records resolution compares: one row per party (person or organisation) record.

Built hub-wide from statements with SQL, except the name features, which are computed
in Python once per distinct name string (see ``names.py``) and joined back. Birth dates
keep their precision: a year-only date and a 1 January placeholder are flagged so the
model can weigh them as the weak evidence they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from undertow.resolve.names import name_features

if TYPE_CHECKING:
    import pyarrow as pa

    from undertow.store import Store
    from undertow.store.scope import Scope

PARTY_SCHEMAS = ("Person", "LegalEntity", "Company", "Organization", "PublicBody")
NAME_PROPS = ("name", "firstName", "middleName", "lastName", "fatherName")
PERSON_SCHEMAS = ("Person",)
ORG_SCHEMAS = ("Company", "Organization", "PublicBody")


def _only(ids: list[str] | None, scope: Scope | None = None) -> str:
    """SQL restricting statements to some records, and to what a reader may see."""
    clauses = ["TRUE"]
    if ids is not None:
        quoted = ", ".join("'" + i.replace("'", "''") + "'" for i in ids)
        clauses.append(f"entity_id IN ({quoted})")
    if scope is not None and scope.agency is not None:
        code = scope.agency.replace("'", "''")
        clauses.append(
            f"(agency = '{code}' OR list_contains(release, 'all') "
            f"OR list_contains(release, '{code}'))"
        )
    return " AND ".join(clauses)


def party_names(
    store: Store, only: list[str] | None = None, scope: Scope | None = None
) -> pa.Table:
    """``(entity_id, full name)`` for every party: its names, else first + last name."""
    return store.arrow(
        f"""
        WITH parts AS (
            SELECT entity_id,
                   list(DISTINCT value) FILTER (WHERE prop = 'name') AS names,
                   string_agg(DISTINCT value, ' ') FILTER (
                       WHERE prop IN ('firstName', 'middleName', 'fatherName', 'lastName')
                   ) AS composed
            FROM statements
            WHERE schema IN {PARTY_SCHEMAS} AND prop IN {NAME_PROPS} AND {_only(only, scope)}
            GROUP BY entity_id
        )
        SELECT entity_id, unnest(CASE WHEN len(names) > 0 THEN names ELSE [composed] END)
               AS name
        FROM parts
        """
    )


def name_table(names: list[str]) -> pa.Table:
    """Name features for each distinct name string."""
    import pyarrow as pa

    tokens, skeletons = [], []
    for name in names:
        features = name_features([name])
        tokens.append(features.tokens)
        skeletons.append(features.skeletons)
    return pa.table(
        {
            "name": pa.array(names, pa.string()),
            "tokens": pa.array(tokens, pa.list_(pa.string())),
            "skeletons": pa.array(skeletons, pa.list_(pa.string())),
        }
    )


def build_parties(
    store: Store, only: list[str] | None = None, scope: Scope | None = None
) -> pa.Table:
    """One row per party record with the columns the model compares: of every record (a
    hub-wide run), or of ``only`` those, from what ``scope`` may see (an explanation)."""
    names = party_names(store, only, scope)
    distinct = sorted({n for n in names.column("name").to_pylist() if n})
    store.con.register("resolve_party_names", names)
    store.con.register("resolve_name_features", name_table(distinct))
    try:
        return store.arrow(
            f"""
            WITH named AS (
                SELECT n.entity_id,
                       list_sort(list_distinct(flatten(list(f.tokens)))) AS name_tokens,
                       list_sort(list_distinct(flatten(list(f.skeletons)))) AS name_skeletons
                FROM resolve_party_names n JOIN resolve_name_features f USING (name)
                GROUP BY n.entity_id
            ),
            facts AS (
                SELECT entity_id, any_value(agency) AS agency,
                       list(DISTINCT schema) AS schemata,
                       max(value) FILTER (WHERE prop = 'birthDate') AS birth_date,
                       list(DISTINCT value) FILTER (
                           WHERE prop IN ('nationality', 'citizenship')) AS nationality,
                       max(value) FILTER (WHERE prop = 'gender') AS gender,
                       list(DISTINCT value) FILTER (WHERE prop_type = 'phone') AS phones,
                       list(DISTINCT value) FILTER (WHERE prop = 'country') AS country,
                       list(DISTINCT upper(regexp_replace(value, '[^A-Za-z0-9]', '', 'g')))
                           FILTER (WHERE prop IN ('idNumber', 'passportNumber',
                                                  'registrationNumber', 'taxNumber'))
                           AS id_numbers,
                       string_agg(DISTINCT value, ' ') FILTER (WHERE prop = 'address')
                           AS address
                FROM statements
                WHERE schema IN {PARTY_SCHEMAS} AND {_only(only, scope)}
                GROUP BY entity_id
            )
            SELECT f.entity_id AS unique_id, f.agency,
                   CASE WHEN list_has_any(f.schemata, {list(PERSON_SCHEMAS)}) THEN 'person'
                        WHEN list_has_any(f.schemata, {list(ORG_SCHEMAS)}) THEN 'org'
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
                       AS address_tokens
            FROM facts f LEFT JOIN named n USING (entity_id)
            ORDER BY unique_id
            """
        )
    finally:
        store.con.unregister("resolve_party_names")
        store.con.unregister("resolve_name_features")
