"""The audit log: append-only, hash-chained, anchored outside the database.

Every entry carries the SHA-256 of its own canonical content and of the entry before
it, so changing, removing, inserting or reordering an entry breaks the chain from that
point on. A rewrite of the whole chain from some point is caught by the anchors: the
chain head (sequence number and hash) is appended to a file outside the database every
``anchor_every`` entries and whenever a session closes. ``verify`` recomputes the chain
and checks it against every anchor. What is logged follows the Law Enforcement
Directive (EU) 2016/680, Art. 25: who, when, what, which records, and why.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from undertow.access.principals import Principal
from undertow.errors import StoreError
from undertow.store import Store, utcnow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_APPEND_LOCK = threading.Lock()  # one chain per process: appends are serialised


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    user_name: str
    agency: str | None
    role: str
    action: str
    query: dict[str, Any]
    entity_ids: list[str]
    purpose: str | None
    outcome: str
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "user": self.user_name,
            "agency": self.agency,
            "role": self.role,
            "action": self.action,
            "query": self.query,
            "entity_ids": self.entity_ids,
            "purpose": self.purpose,
            "outcome": self.outcome,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    user_name: str,
    agency: str | None,
    role: str,
    action: str,
    query_json: str,
    entity_ids: list[str],
    purpose: str | None,
    outcome: str,
) -> str:
    canonical = orjson.dumps(
        [
            prev_hash,
            seq,
            at.isoformat(),
            user_name,
            agency,
            role,
            action,
            query_json,
            entity_ids,
            purpose,
            outcome,
        ]
    )
    return hashlib.sha256(canonical).hexdigest()


@dataclass
class Verification:
    checked: int = 0
    anchors_checked: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, seq: int | None, message: str) -> None:
        if seq is not None and (self.first_bad_seq is None or seq < self.first_bad_seq):
            self.first_bad_seq = seq
        self.problems.append(message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "anchors_checked": self.anchors_checked,
            "first_bad_seq": self.first_bad_seq,
            "problems": self.problems,
        }


_COLUMNS = (
    "seq, logged_at, user_name, agency, role, action, query, entity_ids, purpose, outcome, "
    "prev_hash, hash"
)


class AuditLog:
    def __init__(self, store: Store, anchor_path: Path | None, anchor_every: int = 100) -> None:
        self.store = store
        self.anchor_path = anchor_path
        self.anchor_every = anchor_every

    def append(
        self,
        principal: Principal,
        action: str,
        *,
        query: dict[str, Any] | None = None,
        entity_ids: list[str] | None = None,
        purpose: str | None = None,
        outcome: str = "ok",
        in_transaction: bool = False,
    ) -> AuditEntry:
        """Append one entry. With ``in_transaction`` the caller's open transaction holds it
        (an ingest is audited in the same commit that stores it)."""
        query_json = orjson.dumps(query or {}, option=orjson.OPT_SORT_KEYS).decode()
        ids = sorted(set(entity_ids or []))
        with _APPEND_LOCK:
            if not in_transaction:
                self.store.execute("BEGIN TRANSACTION")
            try:
                head = self.store.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                seq, prev = (int(head[0]) + 1, str(head[1])) if head else (1, GENESIS)
                at = utcnow()
                digest = entry_hash(
                    prev,
                    seq,
                    at,
                    principal.name,
                    principal.agency,
                    principal.role.value,
                    action,
                    query_json,
                    ids,
                    purpose,
                    outcome,
                )
                self.store.execute(
                    f"INSERT INTO audit_log ({_COLUMNS}) VALUES ({', '.join('?' * 12)})",
                    [
                        seq,
                        at,
                        principal.name,
                        principal.agency,
                        principal.role.value,
                        action,
                        query_json,
                        ids,
                        purpose,
                        outcome,
                        prev,
                        digest,
                    ],
                )
                if not in_transaction:
                    self.store.execute("COMMIT")
            except BaseException:
                if not in_transaction:
                    self.store.execute("ROLLBACK")
                raise
        if seq % self.anchor_every == 0:
            self.anchor()
        return AuditEntry(
            seq,
            at,
            principal.name,
            principal.agency,
            principal.role.value,
            action,
            orjson.loads(query_json),
            ids,
            purpose,
            outcome,
            prev,
            digest,
        )

    # -- anchors ---------------------------------------------------------------

    def anchor(self) -> tuple[int, str] | None:
        """Write the chain head to the anchor file (append-only, outside the database)."""
        if self.anchor_path is None:
            return None
        head = self.store.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        if head is None:
            return None
        seq, digest = int(head[0]), str(head[1])
        anchors = self.anchors()
        if anchors and anchors[-1][0] == seq:
            return seq, digest
        line = orjson.dumps({"seq": seq, "hash": digest, "at": utcnow().isoformat()})
        with self.anchor_path.open("ab") as fh:
            fh.write(line + b"\n")
        return seq, digest

    def anchors(self) -> list[tuple[int, str]]:
        if self.anchor_path is None or not self.anchor_path.exists():
            return []
        out = []
        for n, raw in enumerate(self.anchor_path.read_bytes().splitlines(), 1):
            try:
                item = orjson.loads(raw)
                out.append((int(item["seq"]), str(item["hash"])))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                raise StoreError(f"{self.anchor_path}:{n}: unreadable audit anchor: {e}") from e
        return out

    # -- reading and verifying -------------------------------------------------

    def entries(
        self,
        *,
        user: str | None = None,
        agency: str | None = None,
        entity: str | None = None,
        action: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        clauses, args = ["TRUE"], []
        for column, value in (("user_name", user), ("agency", agency), ("action", action)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if entity is not None:
            clauses.append("list_contains(entity_ids, ?)")
            args.append(entity)
        rows = self.store.fetchall(
            f"SELECT {_COLUMNS} FROM audit_log WHERE {' AND '.join(clauses)} "
            f"ORDER BY seq LIMIT {int(limit)} OFFSET {int(offset)}",
            args,
        )
        return [_entry(r) for r in rows]

    def verify(self) -> Verification:
        result = Verification()
        cursor = self.store.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq")
        expected_seq, prev = 1, GENESIS
        hashes: dict[int, str] = {}
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                e = _entry(row)
                stored_query = str(row[6] or "{}")
                result.checked += 1
                if e.seq != expected_seq:
                    if e.seq > expected_seq:
                        result.fail(
                            expected_seq,
                            f"entries {expected_seq}..{e.seq - 1} are missing (deleted)",
                        )
                    else:
                        result.fail(e.seq, f"entry {e.seq} appears twice or out of order")
                if e.prev_hash != prev:
                    result.fail(
                        e.seq,
                        f"entry {e.seq} does not follow the entry before it "
                        "(an entry was removed, inserted or reordered here)",
                    )
                recomputed = entry_hash(
                    e.prev_hash,
                    e.seq,
                    e.at,
                    e.user_name,
                    e.agency,
                    e.role,
                    e.action,
                    stored_query,
                    e.entity_ids,
                    e.purpose,
                    e.outcome,
                )
                if recomputed != e.hash:
                    result.fail(e.seq, f"entry {e.seq} was changed after it was written")
                hashes[e.seq] = e.hash
                expected_seq, prev = e.seq + 1, e.hash
        last = expected_seq - 1
        for seq, digest in self.anchors():
            result.anchors_checked += 1
            if seq > last:
                result.fail(
                    last + 1,
                    f"the log ends at entry {last} but was anchored at entry {seq}: "
                    "entries were removed from the end",
                )
            elif hashes.get(seq) != digest:
                result.fail(seq, f"entry {seq} does not match its anchor: the chain was rewritten")
        return result


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(
        seq=int(row[0]),
        at=row[1],
        user_name=row[2],
        agency=row[3],
        role=row[4],
        action=row[5],
        query=orjson.loads(row[6]) if row[6] else {},
        entity_ids=list(row[7] or []),
        purpose=row[8],
        outcome=row[9],
        prev_hash=row[10],
        hash=row[11],
    )
