"""The front line, as the records show it: who was among the migrants, and who dealt with
them directly.

Organisers keep their distance: they do not travel with a group, call its members or
take their money themselves. So the ranking needs, from the reader's scoped view:

* **present** -- people recorded in a group: involved in the same trip or event as
  ``GROUP`` or more people (a boat's passengers and pilot, a group stopped at a
  launch, a van-load). Migrants are customers and often victims; they are never
  ranked;
* **contacts** -- who dealt with the present directly: paid by them, named by them in
  a link (a debriefing's "facilitator", "fare deposited with"), linked as associates,
  or on a call with one of their phones. Each contact keeps its reasons, as evidence.

Everything is over canonical ids, read through the scope like every analysis.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from undertow.store import Store
from undertow.store.scope import Scope

GROUP = 4
"""Fewest people involved in one trip or event for it to count as a group."""

SHARED_PHONE = 3
"""A phone used by more people than this is a shop's or a burner handed round: a call
with it says nothing about who was on it."""


@dataclass
class FrontLine:
    present: set[str] = field(default_factory=set)
    contacts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """node -> reasons (``paid by``, ``named by``, ``associate of``, ``called``)."""
    named: set[str] = field(default_factory=set)
    """Nodes the present named in a link (a facilitator, the shop holding a fare)."""


def front_line(store: Store, scope: Scope) -> FrontLine:
    where, params = scope.where("s")
    # One query, so that the reader's statements are scanned once: each row is
    # (reason, node), with "present" for the people in a group.
    rows = store.fetchall(
        f"""
        WITH vis AS (SELECT * FROM statements s WHERE {where}),
        cid AS (
            SELECT v.entity_id, coalesce(c.canonical_id, v.entity_id) AS node
            FROM (SELECT DISTINCT entity_id FROM vis) v LEFT JOIN canonical c USING (entity_id)),
        persons AS (SELECT DISTINCT entity_id FROM vis WHERE schema = 'Person'),
        grouped AS (
            SELECT v.entity_id AS event, v.value AS member
            FROM vis v JOIN persons p ON p.entity_id = v.value
            WHERE v.schema IN ('Trip', 'Event') AND v.prop = 'involved'),
        groups AS (
            SELECT event FROM grouped GROUP BY event
            HAVING count(DISTINCT member) >= {GROUP}),
        present AS (
            SELECT DISTINCT c.node FROM grouped g JOIN groups USING (event)
            JOIN cid c ON c.entity_id = g.member),
        link_ends AS (
            SELECT entity_id, schema,
                   min(value) FILTER (WHERE prop IN ('subject', 'person')) AS a,
                   min(value) FILTER (WHERE prop IN ('object', 'associate')) AS b
            FROM vis WHERE schema IN ('UnknownLink', 'Associate', 'Family')
            GROUP BY entity_id, schema),
        links AS (
            SELECT CASE WHEN e.schema = 'UnknownLink' THEN 'named by' ELSE 'associate of' END
                       AS reason,
                   cb.node
            FROM link_ends e JOIN cid ca ON ca.entity_id = e.a
            JOIN cid cb ON cb.entity_id = e.b
            WHERE ca.node IN (SELECT node FROM present)
            UNION
            SELECT 'associate of', ca.node
            FROM link_ends e JOIN cid ca ON ca.entity_id = e.a
            JOIN cid cb ON cb.entity_id = e.b
            WHERE cb.node IN (SELECT node FROM present) AND e.schema <> 'UnknownLink'),
        phones AS (
            SELECT s.value AS phone, c.node FROM vis s JOIN cid c USING (entity_id)
            WHERE s.prop = 'phone' AND s.schema = 'Person'),
        personal AS (
            SELECT phone, min(node) AS node FROM phones GROUP BY phone
            HAVING count(DISTINCT node) <= {SHARED_PHONE}),
        call_ends AS (
            SELECT entity_id,
                   min(value) FILTER (WHERE prop = 'callerNumber') AS a,
                   min(value) FILTER (WHERE prop = 'receiverNumber') AS b
            FROM vis WHERE schema = 'Call' GROUP BY entity_id),
        calls AS (
            SELECT pb.node FROM call_ends e
            JOIN personal pa ON pa.phone = e.a JOIN personal pb ON pb.phone = e.b
            WHERE pa.node IN (SELECT node FROM present)
            UNION
            SELECT pa.node FROM call_ends e
            JOIN personal pa ON pa.phone = e.a JOIN personal pb ON pb.phone = e.b
            WHERE pb.node IN (SELECT node FROM present))
        SELECT 'present', node FROM present
        UNION ALL SELECT reason, node FROM links
        UNION ALL SELECT 'called', node FROM calls
        """,
        params,
    )
    out = FrontLine()
    out.present = {node for reason, node in rows if reason == "present"}
    for reason, node in rows:
        if reason == "named by":
            out.named.add(node)
        if reason != "present" and node not in out.present:
            out.contacts[node].add(reason)
    return out
