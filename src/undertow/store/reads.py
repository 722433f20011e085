"""Reads of the store, each through a :class:`Scope`: entities, export, status, quarantine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from undertow.errors import NotFoundError
from undertow.model import namespaced_id
from undertow.store.scope import Scope
from undertow.store.search import HitNotice, hit_notices
from undertow.store.store import Store


@dataclass(frozen=True)
class SourcedValue:
    """One value of an entity, with where it came from."""

    prop: str
    value: str
    original_value: str | None
    agency: str
    report: str
    handling: str
    handling_note: str | None
    release: list[str]
    grading: str
    first_seen: datetime
    review_by: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "prop": self.prop,
            "value": self.value,
            "original_value": self.original_value,
            "agency": self.agency,
            "report": self.report,
            "handling": self.handling,
            "handling_note": self.handling_note,
            "release": self.release,
            "grading": self.grading,
            "first_seen": self.first_seen.isoformat(),
            "review_by": self.review_by.isoformat(),
        }


@dataclass
class Entity:
    """An entity as the merge of the statements a reader may see, with hit notices for
    statements of it the reader may not see."""

    id: str
    schema: str | None
    agency: str
    local_id: str | None
    values: list[SourcedValue] = field(default_factory=list)
    notices: list[HitNotice] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    """For a canonical entity: the member records the reader may see."""

    def properties(self) -> dict[str, list[str]]:
        props: dict[str, list[str]] = {}
        for v in self.values:
            if v.prop != "id" and v.value not in props.setdefault(v.prop, []):
                props[v.prop].append(v.value)
        return {k: v for k, v in sorted(props.items()) if v}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "schema": self.schema,
            "agency": self.agency,
            "entity_id": self.local_id,
            "properties": self.properties(),
            "statements": [v.to_dict() for v in self.values if v.prop != "id"],
            "hit_notices": [n.to_dict() for n in self.notices],
            **({"members": self.members} if self.members else {}),
        }


def merged_schema(schemata: set[str]) -> str:
    """The most specific schema the statements agree on (FtM's common schema)."""
    from followthemoney import model
    from followthemoney.exc import InvalidData

    names = sorted(schemata)
    result = model.get(names[0])
    for name in names[1:]:
        other = model.get(name)
        if result is None or other is None:
            continue
        try:
            result = model.common_schema(result, other)
        except InvalidData:
            # Agencies disagree (Person vs Company): keep the first, the values show both.
            continue
    return result.name if result is not None else names[0]


_VALUE_COLUMNS = (
    "prop, value, original_value, agency, report, handling, handling_note, release, "
    "grading, first_seen, review_by"
)


def get_entity(store: Store, scope: Scope, entity_id: str) -> Entity:
    """The visible statements of an entity, and a hit notice if some are hidden.

    Raises :class:`NotFoundError` when nothing is visible and nothing may be notified --
    the same answer as for an id that does not exist, so "no hit" reveals nothing.
    """
    where, params = scope.where()
    rows = store.fetchall(
        f"""
        SELECT schema, local_id, {_VALUE_COLUMNS}
        FROM statements s WHERE s.entity_id = ? AND {where}
        ORDER BY prop = 'id' DESC, prop, value, agency, report
        """,
        [entity_id, *params],
    )
    notices = hit_notices(store, scope, "s.entity_id = ?", [entity_id])
    if not rows and not notices:
        raise NotFoundError(f"no entity {entity_id!r} (or none you may see)")
    entity = Entity(
        id=entity_id,
        schema=merged_schema({r[0] for r in rows}) if rows else None,
        agency=entity_id.split(".", 1)[0],
        local_id=rows[0][1] if rows else None,
        notices=notices,
    )
    entity.values = [SourcedValue(*r[2:]) for r in rows]
    return entity


def resolve_entity_id(ref: str, agency: str | None = None) -> str:
    """Accept a namespaced id (``UK-NCA.p-1``) or, with ``agency``, the id as submitted.

    Computed, not looked up: a lookup outside the reader's scope would tell whether a
    hidden entity exists.
    """
    return namespaced_id(agency, ref.strip()) if agency is not None else ref.strip()


# H1: not to be used in judicial proceedings without the provider's permission.
NOT_FOR_COURT = "(s.handling = 'H1' AND NOT s.court)"


def iter_entities(
    store: Store,
    scope: Scope,
    agency: str | None = None,
    batch: int = 50_000,
    *,
    for_court: bool = False,
) -> Iterator[tuple[str, str, str, dict[str, list[tuple[str, str | None]]]]]:
    """Stream ``(entity_id, local_id, schema, {prop: [(value, original)]})`` in id order.

    ``for_court`` leaves out H1 statements not released for judicial use.
    """
    where, params = scope.where()
    clauses, args = [where], list(params)
    if agency is not None:
        clauses.append("s.agency = ?")
        args.append(agency)
    if for_court:
        clauses.append(f"NOT {NOT_FOR_COURT}")
    cursor = store.execute(
        f"""
        SELECT entity_id, local_id, schema, prop, value, original_value
        FROM statements s WHERE {" AND ".join(clauses)}
        ORDER BY entity_id, prop, value
        """,
        args,
    )
    current: str | None = None
    local = ""
    schemata: set[str] = set()
    props: dict[str, list[tuple[str, str | None]]] = {}
    while rows := cursor.fetchmany(batch):
        for entity_id, local_id, schema, prop, value, original in rows:
            if entity_id != current:
                if current is not None:
                    yield current, local, merged_schema(schemata), props
                current, local, schemata, props = entity_id, local_id, set(), {}
            schemata.add(schema)
            if prop != "id":
                seen = props.setdefault(prop, [])
                if all(v != value for v, _ in seen):
                    seen.append((value, original))
    if current is not None:
        yield current, local, merged_schema(schemata), props


@dataclass(frozen=True)
class Status:
    agencies: list[dict[str, Any]]
    reports: int
    entities: int
    statements: int
    quarantined: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "agencies": self.agencies,
            "reports": self.reports,
            "entities": self.entities,
            "statements": self.statements,
            "quarantined": self.quarantined,
        }


def status(store: Store, scope: Scope) -> Status:
    where, params = scope.where()
    per_agency = {
        r[0]: r[1:]
        for r in store.fetchall(
            f"""
            SELECT agency, count(DISTINCT report), count(DISTINCT entity_id), count(*)
            FROM statements s WHERE {where} GROUP BY agency
            """,
            params,
        )
    }
    own = "TRUE" if scope.agency is None else "agency = ?"
    own_params = [] if scope.agency is None else [scope.agency]
    quarantined = {
        r[0]: r[1]
        for r in store.fetchall(
            f"SELECT agency, count(*) FROM quarantine WHERE {own} GROUP BY agency", own_params
        )
    }
    agencies = []
    for agency in store.agencies():
        reports, entities, statements = per_agency.get(agency.code, (0, 0, 0))
        agencies.append(
            {
                "code": agency.code,
                "name": agency.name,
                "country": agency.country,
                "phone_region": agency.phone_region,
                "reports": reports,
                "entities": entities,
                "statements": statements,
                "quarantined": quarantined.get(agency.code, 0),
            }
        )
    totals = store.one(
        f"SELECT count(DISTINCT report_id), count(DISTINCT entity_id), count(*) "
        f"FROM statements s WHERE {where}",
        params,
    ) or (0, 0, 0)
    return Status(
        agencies=agencies,
        reports=int(totals[0]),
        entities=int(totals[1]),
        statements=int(totals[2]),
        quarantined=sum(quarantined.values()),
    )


@dataclass(frozen=True)
class QuarantineEntry:
    agency: str
    report: str
    file: str
    line: int | None
    field: str | None
    code: str
    reason: str
    problems: str
    raw: bytes
    quarantined_at: datetime

    def to_dict(self) -> dict[str, Any]:
        import orjson

        return {
            "agency": self.agency,
            "report": self.report,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "code": self.code,
            "reason": self.reason,
            "problems": orjson.loads(self.problems),
            "raw": self.raw.decode("utf-8", "backslashreplace"),
            "quarantined_at": self.quarantined_at.isoformat(),
        }


def quarantine(
    store: Store,
    scope: Scope,
    report: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[QuarantineEntry]:
    """Quarantined records; an agency sees only its own (they were never released)."""
    clauses, args = ["TRUE"], []
    if scope.agency is not None:
        clauses.append("agency = ?")
        args.append(scope.agency)
    if report is not None:
        clauses.append("report = ?")
        args.append(report)
    sql = (
        "SELECT agency, report, file_name, line, field, code, reason, problems, raw, "
        f"quarantined_at FROM quarantine WHERE {' AND '.join(clauses)} "
        "ORDER BY quarantined_at, file_name, line"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if offset:
        sql += f" OFFSET {int(offset)}"
    return [QuarantineEntry(*r) for r in store.fetchall(sql, args)]
