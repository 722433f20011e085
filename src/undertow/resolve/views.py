"""Canonical entities and clusters, through a reader's scope.

A canonical entity is the merge of the statements of its member records that the
reader may see, with one hit notice per owner agency for the members (or parts of
members) the reader may not see -- unless that owner's handling says "no hit".
A canonical id is shown only to a reader who can see at least one member: otherwise
it would reveal that the hub links records the reader cannot see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from undertow.errors import NotFoundError
from undertow.store import Store
from undertow.store.reads import Entity, SourcedValue, merged_schema
from undertow.store.scope import Scope
from undertow.store.search import hit_notices

CANONICAL_PREFIX = "utw-"


def canonical_entity(store: Store, scope: Scope, canonical_id: str) -> Entity:
    members = [
        r[0]
        for r in store.fetchall(
            "SELECT entity_id FROM canonical WHERE canonical_id = ? ORDER BY entity_id",
            [canonical_id],
        )
    ]
    where, params = scope.where()
    rows = (
        store.fetchall(
            f"""
        SELECT schema, entity_id, local_id, prop, value, original_value, agency, report,
               handling, handling_note, release, grading, first_seen, review_by
        FROM statements s WHERE list_contains(?, s.entity_id) AND {where}
        ORDER BY prop = 'id' DESC, prop, value, agency, report
        """,
            [members, *params],
        )
        if members
        else []
    )
    if not rows:
        # Seeing no member is the same as the id not existing (see the module docstring).
        raise NotFoundError(f"no entity {canonical_id!r} (or none you may see)")
    entity = Entity(
        id=canonical_id,
        schema=merged_schema({r[0] for r in rows}),
        agency="",
        local_id=None,
        notices=hit_notices(store, scope, "list_contains(?, s.entity_id)", [members]),
    )
    entity.values = [SourcedValue(r[3], r[4], r[5], *r[6:]) for r in rows]
    entity.members = sorted({r[1] for r in rows})
    return entity


def canonical_of(store: Store, entity_id: str) -> str | None:
    return canonical_ids(store, [entity_id]).get(entity_id)


def canonical_ids(store: Store, entity_ids: list[str]) -> dict[str, str]:
    """Record id -> canonical id, for those of ``entity_ids`` the latest run clustered."""
    if not entity_ids:
        return {}
    rows = store.fetchall(
        "SELECT entity_id, canonical_id FROM canonical WHERE list_contains(?, entity_id)",
        [entity_ids],
    )
    return {str(e): str(c) for e, c in rows}


def visible_clusters(store: Store, scope: Scope, batch: int = 50_000) -> Iterator[dict[str, Any]]:
    """One row per record the reader may see: agency, id as submitted, canonical id."""
    where, params = scope.where()
    cursor = store.execute(
        f"""
        SELECT v.agency, v.local_id, coalesce(c.canonical_id, v.entity_id)
        FROM (SELECT DISTINCT entity_id, agency, local_id FROM statements s WHERE {where}) v
        LEFT JOIN canonical c USING (entity_id)
        ORDER BY 3, 1, 2
        """,
        params,
    )
    while rows := cursor.fetchmany(batch):
        for agency, local_id, canonical in rows:
            yield {"agency": agency, "entity_id": local_id, "canonical_id": canonical}
