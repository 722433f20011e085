"""Export entities as FtM JSON lines, the format ``ftm``, Aleph and Undertow's ingest read.

With ``agency``, only that agency's own statements are exported, under the ids it
submitted -- so the file round-trips through ``undertow ingest --agency`` unchanged.
Without it, ids are Undertow's namespaced ids (``DE-BKA.p-1``), which never collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import orjson

from undertow.model import local_id_of
from undertow.store import Store
from undertow.store.reads import iter_entities
from undertow.store.scope import Scope


def ftm_entities(
    store: Store, scope: Scope, agency: str | None = None, *, for_court: bool = False
) -> Iterator[dict[str, Any]]:
    from followthemoney import model

    rows = iter_entities(store, scope, agency, for_court=for_court)
    for entity_id, local_id, schema_name, props in rows:
        schema = model.get(schema_name)
        properties: dict[str, list[str]] = {}
        for prop, values in props.items():
            is_ref = (
                schema is not None
                and (p := schema.get(prop)) is not None
                and (p.type.name == "entity")
            )
            out = []
            for value, original in values:
                if agency is not None and is_ref:
                    # The reference as the agency wrote it (its own namespace, unprefixed).
                    value = original if original is not None else local_id_of(agency, value)
                out.append(value)
            properties[prop] = out
        yield {
            "id": local_id if agency is not None else entity_id,
            "schema": schema_name,
            "properties": properties,
        }


def write_ftm(
    store: Store,
    scope: Scope,
    out: IO[bytes],
    agency: str | None = None,
    *,
    for_court: bool = False,
    seen: list[str] | None = None,
) -> int:
    """Write entities as JSON lines to ``out``; returns how many were written.

    ``seen`` collects the ids written, for the audit entry of the export.
    """
    count = 0
    for entity in ftm_entities(store, scope, agency, for_court=for_court):
        out.write(orjson.dumps(entity))
        out.write(b"\n")
        if seen is not None:
            seen.append(entity["id"] if agency is None else f"{agency}.{entity['id']}")
        count += 1
    return count
