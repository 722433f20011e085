"""Release: an owner extends who may see its statements; others ask it to.

A release adds agencies to the ``release`` list of the owner's statements of one report
or one entity (it never narrows it: what was shared may have been read). Releasing "for
court" lifts the H1 restriction on judicial use for those statements. Requests from other
agencies are recorded, answered by the owner, and a granted request is carried out as a
release to the requesting agency. Every step is a row with who and when.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from undertow.errors import ConfigError, NotFoundError
from undertow.store import Store, utcnow


@dataclass(frozen=True)
class Target:
    owner: str
    report: str | None = None
    entity_id: str | None = None

    def __post_init__(self) -> None:
        if (self.report is None) == (self.entity_id is None):
            raise ConfigError("give exactly one of a report reference or an entity id")
        if self.entity_id is not None and not self.entity_id.startswith(f"{self.owner}."):
            raise ConfigError(f"entity {self.entity_id} does not belong to {self.owner}")

    def condition(self) -> tuple[str, list[Any]]:
        if self.report is not None:
            return "agency = ? AND report = ?", [self.owner, self.report]
        return "agency = ? AND entity_id = ?", [self.owner, self.entity_id]

    def describe(self) -> dict[str, Any]:
        return {"owner": self.owner, "report": self.report, "entity_id": self.entity_id}


@dataclass(frozen=True)
class ReleaseRecord:
    id: str
    statements: int
    agencies: list[str]
    court: bool


def release(
    store: Store,
    target: Target,
    agencies: list[str],
    *,
    court: bool,
    by_user: str,
    request_id: str | None = None,
) -> ReleaseRecord:
    """Extend the release of ``target``'s statements to ``agencies`` (and court use)."""
    known = store.agencies()
    codes = sorted({known.get(a).code for a in agencies} - {target.owner})
    if not codes and not court:
        raise ConfigError("nothing to release: name agencies other than the owner, or --court")
    where, params = target.condition()
    now = utcnow()
    release_id = hashlib.sha1(
        f"{target.describe()}|{codes}|{court}|{now.isoformat()}|{by_user}".encode()
    ).hexdigest()
    store.execute("BEGIN TRANSACTION")
    try:
        matched = int(store.scalar(f"SELECT count(*) FROM statements WHERE {where}", params))
        if matched == 0:
            raise NotFoundError(f"{target.owner} holds no statements for {target.describe()}")
        store.execute(
            f"""
            UPDATE statements SET
                release = CASE WHEN list_contains(release, 'all') THEN release
                               ELSE list_sort(list_distinct(list_concat(release, ?))) END,
                court = court OR ?
            WHERE {where}
            """,
            [codes, court, *params],
        )
        store.execute(
            f"""
            UPDATE search_terms SET release = s.release
            FROM (SELECT id, release FROM statements WHERE {where}) s
            WHERE search_terms.statement_id = s.id
            """,
            params,
        )
        if target.report is not None:
            store.execute(
                """
                UPDATE reports SET release = CASE WHEN list_contains(release, 'all') THEN release
                    ELSE list_sort(list_distinct(list_concat(release, ?))) END
                WHERE agency = ? AND reference = ?
                """,
                [codes, target.owner, target.report],
            )
        store.execute(
            "INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                release_id,
                now,
                by_user,
                target.owner,
                target.report,
                target.entity_id,
                codes,
                court,
                request_id,
                matched,
            ],
        )
        store.execute("COMMIT")
    except BaseException:
        store.execute("ROLLBACK")
        raise
    return ReleaseRecord(release_id, matched, codes, court)


@dataclass(frozen=True)
class ReleaseRequest:
    id: str
    requested_at: datetime
    requester: str
    requesting_agency: str
    owner: str
    report: str | None
    entity_id: str | None
    court: bool
    reason: str
    status: str
    answered_at: datetime | None
    answered_by: str | None
    answer: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "requested_at": self.requested_at.isoformat(),
            "requester": self.requester,
            "requesting_agency": self.requesting_agency,
            "owner": self.owner,
            "report": self.report,
            "entity_id": self.entity_id,
            "court": self.court,
            "reason": self.reason,
            "status": self.status,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "answered_by": self.answered_by,
            "answer": self.answer,
        }


_REQUEST_COLUMNS = (
    "id, requested_at, requester, requesting_agency, owner, report, entity_id, court, reason, "
    "status, answered_at, answered_by, answer"
)


def request_release(
    store: Store,
    target: Target,
    *,
    requester: str,
    requesting_agency: str,
    reason: str,
    court: bool = False,
) -> ReleaseRequest:
    """Record a request; it says nothing about whether the target exists (no hit leaks)."""
    if not reason.strip():
        raise ConfigError("a release request needs a reason (case reference, purpose)")
    if requesting_agency == target.owner:
        raise ConfigError("an agency does not request its own data")
    store.agencies().get(target.owner)
    now = utcnow()
    rid = hashlib.sha1(f"{target.describe()}|{requester}|{now.isoformat()}".encode()).hexdigest()[
        :16
    ]
    store.execute(
        f"INSERT INTO release_requests ({_REQUEST_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, NULL)",
        [
            rid,
            now,
            requester,
            requesting_agency,
            target.owner,
            target.report,
            target.entity_id,
            court,
            reason.strip(),
        ],
    )
    return get_request(store, rid)


def get_request(store: Store, rid: str) -> ReleaseRequest:
    row = store.one(f"SELECT {_REQUEST_COLUMNS} FROM release_requests WHERE id = ?", [rid])
    if row is None:
        raise NotFoundError(f"no release request {rid!r}")
    return ReleaseRequest(*row)


def list_requests(store: Store, agency: str | None) -> list[ReleaseRequest]:
    """Requests addressed to or made by ``agency`` (all, for the local administrator)."""
    where, args = (
        ("WHERE owner = ? OR requesting_agency = ?", [agency, agency])
        if agency
        else (
            "",
            [],
        )
    )
    rows = store.fetchall(
        f"SELECT {_REQUEST_COLUMNS} FROM release_requests {where} ORDER BY requested_at", args
    )
    return [ReleaseRequest(*r) for r in rows]


def answer_request(
    store: Store, rid: str, *, grant: bool, by_user: str, note: str | None
) -> tuple[ReleaseRequest, ReleaseRecord | None]:
    request = get_request(store, rid)
    if request.status != "open":
        raise ConfigError(f"release request {rid} was already {request.status}")
    record = None
    if grant:
        target = Target(request.owner, request.report, request.entity_id)
        record = release(
            store,
            target,
            [request.requesting_agency],
            court=request.court,
            by_user=by_user,
            request_id=rid,
        )
    store.execute(
        "UPDATE release_requests SET status = ?, answered_at = ?, answered_by = ?, answer = ? "
        "WHERE id = ?",
        ["granted" if grant else "denied", utcnow(), by_user, note, rid],
    )
    return get_request(store, rid), record
