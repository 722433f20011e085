"""The multi-layer graph as one reader may see it: every kind of tie between canonical
entities, each layer with its own weights and dates (schemas in
:mod:`undertow.network.columns`).

Read through the reader's scope, as every analysis is. A visible record that names an
entity the reader may not see keeps that end as the id it names, with a hit notice on
the node, and is never mapped to a canonical id (that would say which visible person
the hidden record was matched to).

Layers, from FtM records:

* ``call`` -- ``Call`` caller -> receiver; a number with no party record of its own is
  a node of its own (a burner is a node, whoever held it); weight = calls, with their
  total duration;
* ``payment`` -- the transaction graph of :mod:`undertow.flows.graph` (holders resolved
  through ``Ownership``, copies counted once); weight = EUR;
* ``family`` -- ``Family``; ``associate`` -- ``Associate`` and ``UnknownLink`` between
  parties (a debriefing's "facilitator", "fare deposited with");
* ``ownership`` -- ``Ownership`` (owner -> asset, accounts left out: money runs over
  their holders) and a vehicle's ``operator``; ``membership`` -- ``Membership``,
  ``Employment``, ``Directorship``;
* ``shared_phone``, ``shared_address``, ``shared_vehicle`` -- identifiers two canonical
  entities both carry, so were not merged on; an identifier carried by more than
  :data:`SHARED_CAP` entities is a shop's or a camp's and links nobody to anybody;
* ``copresence`` -- people involved in the same ``Trip`` or ``Event``; weight = shared
  trips and events (a gathering of more than :data:`COPRESENCE_CAP` is a crowd, not a
  tie, and is left out);
* ``equipment`` -- the supply chain, oriented by stage: supplier (a company) -> buyer
  (a person) -> storage (an address) -> vehicle -> vessel -> trip or event. Any link
  between two stages (a link record, an ownership, a trip's vehicle and start, a
  vehicle fitted to a vessel) becomes a chain edge from the earlier stage to the later;
  a company reaches the chain only as the supplier of a person who is in it (paid by
  them, or linked to them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from undertow.network.columns import EDGES, NODES

if TYPE_CHECKING:
    from undertow.store import Store
    from undertow.store.scope import Scope

SHARED_CAP = 25
COPRESENCE_CAP = 100

# Equipment chain stages by schema: a chain edge runs from a lower stage to a higher.
STAGES = {
    "Company": 0,
    "Organization": 0,
    "LegalEntity": 0,
    "Person": 1,
    "Address": 2,
    "Vehicle": 3,
    "Vessel": 4,
    "Trip": 5,
    "Event": 5,
}

# The schema a node is shown as, most specific first.
_SCHEMA_ORDER = (
    "Person",
    "Company",
    "Organization",
    "PublicBody",
    "LegalEntity",
    "Vessel",
    "Vehicle",
    "Address",
    "Trip",
    "Event",
    "CryptoWallet",
    "BankAccount",
)


@dataclass
class Layers:
    edges: pa.Table
    nodes: pa.Table

    def by_node(self, column: str) -> dict[str, object]:
        return dict(
            zip(
                self.nodes.column("node").to_pylist(),
                self.nodes.column(column).to_pylist(),
                strict=True,
            )
        )


def _day(expr: str) -> str:
    """A partial date placed on its first day, as a DATE (null when unreadable)."""
    return (
        f"TRY_CAST(CASE length({expr}) WHEN 4 THEN {expr} || '-01-01' "
        f"WHEN 7 THEN {expr} || '-01' ELSE substr({expr}, 1, 10) END AS DATE)"
    )


def build_layers(store: Store, scope: Scope, payments: pa.Table | None = None) -> Layers:
    """Every layer the reader's records show. ``payments`` is the reader's payment table
    from :func:`undertow.flows.graph.payment_tables` (built here when not given)."""
    if payments is None:
        from undertow.flows.graph import payment_tables

        payments = payment_tables(store, scope).payments
    where, params = scope.where("s")
    store.con.register("net_payments", payments)
    try:
        store.execute("DROP TABLE IF EXISTS temp.net_vis")
        store.execute(
            f"""
            CREATE TEMP TABLE net_vis AS
            SELECT s.entity_id, s.schema, s.prop, s.prop_type, s.value
            FROM statements s WHERE {where}
            """,
            params,
        )
        store.execute("DROP TABLE IF EXISTS temp.net_edges")
        store.execute(f"CREATE TEMP TABLE net_edges AS {_EDGES_SQL}")
        edges = store.arrow(
            """
            SELECT source, target, layer, any_value(directed) AS directed,
                   sum(weight) AS weight, sum("count")::BIGINT AS "count",
                   sum(duration) AS duration, min(first) AS first, max(last) AS last
            FROM net_edges WHERE source <> target
            GROUP BY source, target, layer ORDER BY layer, source, target
            """
        ).cast(EDGES)
        nodes = store.arrow(_NODES_SQL).cast(NODES)
    finally:
        store.con.unregister("net_payments")
        store.execute("DROP TABLE IF EXISTS temp.net_edges")
        store.execute("DROP TABLE IF EXISTS temp.net_vis")
    return Layers(edges, nodes)


_ORDER = ", ".join(f"'{s}'" for s in _SCHEMA_ORDER)
_STAGE = "CASE {col} " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in STAGES.items()) + " END"

_EDGES_SQL = f"""
WITH cid AS (
    SELECT v.entity_id, coalesce(c.canonical_id, v.entity_id) AS node
    FROM (SELECT DISTINCT entity_id FROM net_vis) v LEFT JOIN canonical c USING (entity_id)),
kinds AS (
    SELECT entity_id, min(schema ORDER BY list_position([{_ORDER}], schema)) AS schema
    FROM net_vis GROUP BY entity_id),
-- An entity a visible record names: its canonical id when visible, else the id as named.
named AS (
    SELECT v.entity_id AS record, v.schema AS record_schema, v.prop, v.value AS ref,
           coalesce(c.node, v.value) AS node, k.schema AS node_schema
    FROM net_vis v LEFT JOIN cid c ON c.entity_id = v.value
    LEFT JOIN kinds k ON k.entity_id = v.value
    WHERE v.prop_type = 'entity'),
dated AS (
    SELECT entity_id, {_day("min(value)")} AS first, {_day("max(value)")} AS last
    FROM net_vis WHERE prop IN ('date', 'startDate', 'endDate') GROUP BY entity_id),
party_phones AS (
    SELECT DISTINCT v.value AS phone, c.node
    FROM net_vis v JOIN cid c USING (entity_id)
    WHERE v.prop_type = 'phone'
      AND v.schema IN ('Person', 'Company', 'Organization', 'LegalEntity', 'PublicBody')),
phone_owner AS (
    SELECT phone, CASE WHEN count(*) = 1 THEN min(node) END AS node
    FROM party_phones GROUP BY phone),
call_ends AS (
    SELECT v.entity_id,
           min(n.node) FILTER (WHERE n.prop = 'caller') AS caller,
           min(n.node) FILTER (WHERE n.prop = 'receiver') AS receiver,
           min(v.value) FILTER (WHERE v.prop = 'callerNumber') AS caller_number,
           min(v.value) FILTER (WHERE v.prop = 'receiverNumber') AS receiver_number,
           max(TRY_CAST(v.value AS DOUBLE)) FILTER (WHERE v.prop = 'duration') AS duration
    FROM net_vis v LEFT JOIN named n ON n.record = v.entity_id AND n.prop = v.prop
    WHERE v.schema = 'Call' GROUP BY v.entity_id),
calls AS (
    SELECT coalesce(e.caller, pc.node, e.caller_number) AS source,
           coalesce(e.receiver, pr.node, e.receiver_number) AS target,
           'call' AS layer, TRUE AS directed, 1.0 AS weight, 1 AS "count",
           coalesce(e.duration, 0.0) AS duration, d.first, d.last
    FROM call_ends e LEFT JOIN phone_owner pc ON pc.phone = e.caller_number
    LEFT JOIN phone_owner pr ON pr.phone = e.receiver_number
    LEFT JOIN dated d USING (entity_id)),
pays AS (
    SELECT src AS source, dst AS target, 'payment' AS layer, TRUE AS directed,
           eur AS weight, 1 AS "count", CAST(NULL AS DOUBLE) AS duration,
           day AS first, day AS last
    FROM net_payments WHERE eur IS NOT NULL),
pairs AS (
    -- Two-ended records: (record, schema, from, to, from schema, to schema).
    SELECT a.record, a.record_schema AS schema, a.node AS a, b.node AS b,
           a.node_schema AS a_schema, b.node_schema AS b_schema, a.prop AS a_prop
    FROM named a JOIN named b ON a.record = b.record
    WHERE (a.record_schema, a.prop, b.prop) IN (
        ('Family', 'person', 'relative'), ('Associate', 'person', 'associate'),
        ('UnknownLink', 'subject', 'object'), ('Ownership', 'owner', 'asset'),
        ('Membership', 'member', 'organization'), ('Employment', 'employee', 'employer'),
        ('Directorship', 'director', 'organization'))
    UNION ALL
    SELECT v.entity_id, 'Vehicle', n.node, c.node, n.node_schema, 'Vehicle', 'operator'
    FROM net_vis v JOIN named n ON n.record = v.entity_id AND n.prop = 'operator'
    JOIN cid c USING (entity_id) WHERE v.schema = 'Vehicle' AND v.prop = 'id'),
links AS (
    SELECT p.a AS source, p.b AS target,
           CASE WHEN p.schema = 'Family' THEN 'family'
                WHEN p.schema IN ('Associate', 'UnknownLink') THEN 'associate'
                WHEN p.schema IN ('Ownership', 'Vehicle') THEN 'ownership'
                ELSE 'membership' END AS layer,
           p.schema IN ('Ownership', 'Vehicle', 'Membership', 'Employment',
                        'Directorship') AS directed,
           1.0 AS weight, 1 AS "count", CAST(NULL AS DOUBLE) AS duration, d.first, d.last
    FROM pairs p LEFT JOIN dated d ON d.entity_id = p.record
    WHERE (p.schema NOT IN ('Associate', 'UnknownLink', 'Family')
           OR (coalesce(p.a_schema, 'Person') IN ('Person', 'Company', 'Organization',
                                                  'LegalEntity', 'PublicBody')
               AND coalesce(p.b_schema, 'Person') IN ('Person', 'Company', 'Organization',
                                                      'LegalEntity', 'PublicBody')))
      AND NOT (p.schema = 'Ownership'
               AND coalesce(p.b_schema, '') IN ('BankAccount', 'CryptoWallet'))),
identifiers AS (
    SELECT 'shared_phone' AS layer, v.value AS ident, c.node
    FROM net_vis v JOIN cid c USING (entity_id)
    WHERE v.prop_type = 'phone' AND v.schema IN ('Person', 'Company', 'Organization',
                                                  'LegalEntity', 'PublicBody')
    UNION
    SELECT 'shared_address', lower(regexp_replace(v.value, '[^[:alnum:]]+', ' ', 'g')), c.node
    FROM net_vis v JOIN cid c USING (entity_id)
    WHERE v.prop = 'address' AND v.schema IN ('Person', 'Company', 'Organization',
                                               'LegalEntity', 'PublicBody')
    UNION
    SELECT 'shared_address', n.node, c.node
    FROM named n JOIN cid c ON c.entity_id = n.record
    WHERE n.prop = 'addressEntity' AND n.record_schema IN ('Person', 'Company',
                                                           'Organization', 'LegalEntity')
    UNION
    SELECT 'shared_vehicle', b, a FROM pairs
    WHERE b_schema IN ('Vehicle', 'Vessel') AND schema IN ('Ownership', 'Vehicle')),
carried AS (
    SELECT layer, ident, list(DISTINCT node) AS holders FROM identifiers
    GROUP BY layer, ident HAVING count(DISTINCT node) BETWEEN 2 AND {SHARED_CAP}),
shared AS (
    SELECT layer, a.node AS source, b.node AS target
    FROM carried, unnest(holders) AS a(node), unnest(holders) AS b(node)
    WHERE a.node < b.node),
shared_edges AS (
    SELECT source, target, layer, FALSE AS directed, 1.0 AS weight, 1 AS "count",
           CAST(NULL AS DOUBLE) AS duration, CAST(NULL AS DATE) AS first,
           CAST(NULL AS DATE) AS last
    FROM shared),
involved AS (
    SELECT DISTINCT n.record, n.node FROM named n
    WHERE n.record_schema IN ('Trip', 'Event') AND n.prop = 'involved'),
gatherings AS (
    SELECT record FROM involved GROUP BY record
    HAVING count(*) BETWEEN 2 AND {COPRESENCE_CAP}),
copresent AS (
    SELECT a.node AS source, b.node AS target, 'copresence' AS layer, FALSE AS directed,
           1.0 AS weight, 1 AS "count", CAST(NULL AS DOUBLE) AS duration, d.first, d.last
    FROM involved a JOIN gatherings g USING (record)
    JOIN involved b ON b.record = a.record AND a.node < b.node
    LEFT JOIN dated d ON d.entity_id = a.record),
chain_links AS (
    SELECT a, b, a_schema, b_schema, record FROM pairs
    WHERE schema IN ('UnknownLink', 'Ownership', 'Vehicle')
    UNION ALL
    SELECT n.node, c.node, n.node_schema, n.record_schema, n.record
    FROM named n JOIN cid c ON c.entity_id = n.record
    WHERE n.record_schema IN ('Trip', 'Event') AND n.prop IN ('vehicle', 'vessel')
    UNION ALL
    -- A transport trip from a storage place carries its vehicle away from there.
    SELECT s.node, v.node, s.node_schema, v.node_schema, s.record
    FROM named s JOIN named v ON s.record = v.record
    WHERE s.record_schema = 'Trip' AND s.prop = 'startLocation' AND v.prop = 'vehicle'),
staged AS (
    SELECT *, {_STAGE.format(col="a_schema")} AS sa, {_STAGE.format(col="b_schema")} AS sb
    FROM chain_links),
chain AS (
    SELECT CASE WHEN sa < sb THEN a ELSE b END AS source,
           CASE WHEN sa < sb THEN b ELSE a END AS target,
           least(sa, sb) AS from_stage, record
    FROM staged WHERE sa IS NOT NULL AND sb IS NOT NULL AND sa <> sb
      AND NOT (least(sa, sb) = 0 AND greatest(sa, sb) > 1)),
in_chain AS (SELECT DISTINCT source AS node FROM chain WHERE from_stage = 1),
suppliers AS (
    SELECT source, target, record FROM chain WHERE from_stage = 0
      AND target IN (SELECT node FROM in_chain)
    UNION ALL
    SELECT p.dst, p.src, p.payment FROM net_payments p
    JOIN kinds k ON k.entity_id = p.dst_party
    WHERE k.schema IN ('Company', 'Organization')
      AND p.src IN (SELECT node FROM in_chain)),
equipment AS (
    SELECT c.source, c.target, 'equipment' AS layer, TRUE AS directed, 1.0 AS weight,
           1 AS "count", CAST(NULL AS DOUBLE) AS duration, d.first, d.last
    FROM (SELECT source, target, record FROM chain WHERE from_stage > 0
          UNION ALL SELECT * FROM suppliers) c
    LEFT JOIN dated d ON d.entity_id = c.record)
SELECT * FROM calls WHERE source IS NOT NULL AND target IS NOT NULL
UNION ALL SELECT * FROM pays
UNION ALL SELECT * FROM links
UNION ALL SELECT * FROM shared_edges
UNION ALL SELECT * FROM copresent
UNION ALL SELECT * FROM equipment
"""

_NODES_SQL = f"""
WITH ends AS (SELECT source AS node FROM net_edges UNION SELECT target FROM net_edges),
members AS (
    SELECT coalesce(c.canonical_id, v.entity_id) AS node, v.*
    FROM net_vis v LEFT JOIN canonical c USING (entity_id)),
described AS (
    SELECT node,
           coalesce(min(value) FILTER (WHERE prop = 'name'),
                    min(value) FILTER (WHERE prop IN ('full', 'registrationNumber',
                                                      'iban', 'publicKey'))) AS name,
           min(schema ORDER BY list_position([{_ORDER}], schema)) AS schema,
           min(value) FILTER (WHERE prop = 'topics') AS category
    FROM members WHERE node IN (SELECT node FROM ends) GROUP BY node),
numbers AS (
    SELECT DISTINCT value AS node FROM net_vis WHERE prop_type = 'phone')
SELECT e.node,
       coalesce(d.name, CASE WHEN n.node IS NOT NULL THEN e.node END) AS name,
       coalesce(d.schema, CASE WHEN n.node IS NOT NULL THEN 'Phone' END) AS schema,
       d.category,
       CASE WHEN d.node IS NULL AND n.node IS NULL THEN
           'no record you may see: ask ' || split_part(e.node, '.', 1) END AS notice
FROM ends e LEFT JOIN described d USING (node) LEFT JOIN numbers n USING (node)
ORDER BY e.node
"""
