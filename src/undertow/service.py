"""The one service layer every command and every endpoint goes through.

Shells (the CLI, the HTTP API) parse, call one method here, and render. A service is
bound to a store and to the principal who asks: each method checks the principal's
role and agency (``undertow.access.policy``), reads only through the principal's scope,
and appends an audit entry -- also when the action is denied or fails -- so no shell can
read around the checks or the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from undertow.access.audit import AuditEntry, AuditLog, Verification
from undertow.access.policy import Action, require, require_own
from undertow.access.principals import LOCAL_ADMIN, Principal, Role
from undertow.access.release import (
    ReleaseRecord,
    ReleaseRequest,
    Target,
    answer_request,
    get_request,
    list_requests,
    release,
    request_release,
)
from undertow.access.users import User, add_user, list_users, revoke_user
from undertow.errors import AccessDenied, ConfigError, NotFoundError, UndertowError
from undertow.flows import RANK_TOP
from undertow.ingest import IngestJob, IngestResult, ingest_file
from undertow.ingest.manifest import read_manifest
from undertow.ingest.provenance import build_provenance
from undertow.model import Agency, Grading, Handling, Release
from undertow.settings import Settings, get_settings
from undertow.store import Store, utcnow
from undertow.store.reads import (
    Entity,
    QuarantineEntry,
    Status,
    get_entity,
    quarantine,
    resolve_entity_id,
    status,
)
from undertow.store.retention import DueReport, due_reports, erase_reports
from undertow.store.scope import Scope
from undertow.store.search import SearchResult, search

if TYPE_CHECKING:
    from undertow.flows.analyses import TraceReport
    from undertow.flows.rank import Ranking
    from undertow.flows.typologies import Detection
    from undertow.network.analyses import Communities, KeyPlayer, NetworkView
    from undertow.network.disrupt import Plan
    from undertow.network.roles import RoleLabel
    from undertow.resolve import Candidate, Decision, Explanation, RunSummary

log = logging.getLogger(__name__)

# (label, total bytes) -> callback receiving bytes read; lets shells draw progress bars.
ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class Submission:
    """Provenance as given on the command line (or an upload) for one or more files."""

    agency: str
    report: str
    handling: str
    release: str
    grading: str
    handling_note: str | None = None
    mapping: str | None = None
    reported_at: date | None = None
    review_by: date | None = None


@dataclass
class _Audit:
    """What an action reports to its audit entry while it runs."""

    query: dict[str, Any]
    entity_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionResult:
    due: list[DueReport]
    erased: bool
    statements_deleted: int


def anchor_path_for(db: str) -> Path | None:
    """Anchors live beside the database file, outside it (none for an in-memory store)."""
    return None if db == ":memory:" else Path(f"{db}.audit-anchors")


class Service:
    def __init__(
        self,
        store: Store,
        principal: Principal = LOCAL_ADMIN,
        settings: Settings | None = None,
        *,
        purpose: str | None = None,
    ) -> None:
        self.store = store
        self.principal = principal
        self.settings = settings or get_settings()
        self.purpose = purpose.strip() if purpose and purpose.strip() else None
        self._network_cache: tuple[Any, NetworkView] | None = None
        self.scope = (
            Scope.everything() if principal.is_local_admin else Scope.of_agency(principal.agency)  # type: ignore[arg-type]
        )
        self.audit = AuditLog(store, anchor_path_for(store.path))

    def close(self) -> None:
        """End of a session: anchor the chain head outside the database."""
        self.audit.anchor()

    # -- the audit wrapper -----------------------------------------------------

    @contextmanager
    def _audited(
        self, action: Action, name: str, query: dict[str, Any] | None = None
    ) -> Iterator[_Audit]:
        """Check ``action``, run the body, and log it -- allowed, denied or failed."""
        record = _Audit(dict(query or {}))
        try:
            require(self.principal, action)
            yield record
        except AccessDenied as e:
            self._log(name, record, f"denied: {e}")
            raise
        except UndertowError as e:
            self._log(name, record, f"error: {type(e).__name__}")
            raise
        self._log(name, record, "ok")

    def _log(self, name: str, record: _Audit, outcome: str) -> AuditEntry:
        return self.audit.append(
            self.principal,
            name,
            query=record.query,
            entity_ids=record.entity_ids,
            purpose=self.purpose,
            outcome=outcome,
        )

    def _need_purpose(self, what: str) -> None:
        if self.purpose is None:
            raise ConfigError(
                f"{what} needs a stated purpose or case reference (--purpose / X-Purpose), "
                "as the Law Enforcement Directive (Art. 25) expects"
            )

    # -- ingest ----------------------------------------------------------------

    def ingest_files(
        self,
        paths: Sequence[Path],
        submission: Submission,
        *,
        strict: bool = False,
        progress: ProgressFactory | None = None,
    ) -> list[IngestResult]:
        registry = self.store.agencies()
        with self._audited(Action.INGEST, "ingest", {"files": [str(p) for p in paths]}) as rec:
            agency = registry.get(submission.agency).code
            rec.query.update(agency=agency, report=submission.report)
            require_own(self.principal, agency, "submit reports")
            provenance = build_provenance(
                agency,
                submission.report,
                Handling.parse(submission.handling, submission.handling_note),
                Release.parse(submission.release, registry.codes()),
                Grading.parse(submission.grading),
                submission.reported_at,
                submission.review_by,
                utcnow(),
                self.settings.review_months,
            )
            jobs = [IngestJob(Path(p), provenance, submission.mapping, strict) for p in paths]
            return [self._run(job, progress, rec) for job in jobs]

    def ingest_manifest(
        self, manifest: Path, *, strict: bool = False, progress: ProgressFactory | None = None
    ) -> list[IngestResult]:
        with self._audited(Action.INGEST, "ingest", {"manifest": str(manifest)}) as rec:
            items = read_manifest(
                manifest, self.store.agencies(), utcnow(), self.settings.review_months
            )
            for item in items:
                require_own(self.principal, item.provenance.agency, "submit reports")
            jobs = [IngestJob(i.path, i.provenance, i.mapping, strict) for i in items]
            return [self._run(job, progress, rec) for job in jobs]

    def _run(self, job: IngestJob, progress: ProgressFactory | None, rec: _Audit) -> IngestResult:
        callback = None
        if progress is not None and job.path.is_file():
            callback = progress(job.path.name, job.path.stat().st_size)
        result = ingest_file(self.store, job, settings=self.settings, progress=callback)
        rec.query.setdefault("reports", []).append(
            {
                "file": str(job.path),
                "agency": job.provenance.agency,
                "report": job.provenance.report,
                "report_id": result.report_id,
                "status": result.status,
                "statements_new": result.counts.statements_new,
                "records_quarantined": result.counts.records_quarantined,
            }
        )
        return result

    # -- consultation ----------------------------------------------------------

    def entity(self, ref: str, agency: str | None = None) -> Entity:
        """A record by id (namespaced, or as submitted with ``agency``), or a canonical
        entity by its ``utw-`` id."""
        from undertow.resolve import CANONICAL_PREFIX, canonical_entity

        with self._audited(Action.CONSULT, "consult", {"entity": ref, "agency": agency}) as rec:
            if agency is None and ref.strip().startswith(CANONICAL_PREFIX):
                entity = canonical_entity(self.store, self.scope, ref.strip())
                rec.entity_ids = [ref.strip(), *entity.members]
            else:
                if agency is not None:
                    agency = self.store.agencies().get(agency).code
                entity_id = resolve_entity_id(ref, agency)
                rec.entity_ids = [entity_id]
                entity = get_entity(self.store, self.scope, entity_id)
            rec.query["hit_notices"] = [n.agency for n in entity.notices]
        return entity

    def search(self, q: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        with self._audited(
            Action.CONSULT, "search", {"q": q, "limit": limit, "offset": offset}
        ) as rec:
            self._need_purpose("a search")
            limit = max(1, min(int(limit), 200))
            result = search(self.store, self.scope, q, self._regions(), limit, max(0, int(offset)))
            rec.entity_ids = [h.entity_id for h in result.hits]
            rec.query["hit_notices"] = [n.agency for n in result.notices]
        return result

    def _regions(self) -> list[str]:
        """Phone regions to read national numbers in: the searcher's, then the partners'."""
        registry = self.store.agencies()
        own = registry.get(self.principal.agency).phone_region if self.principal.agency else None
        others = sorted({a.phone_region for a in registry if a.phone_region} - {own})
        return ([own] if own else []) + others

    def export_ftm(self, out: IO[bytes], agency: str | None = None, for_court: bool = False) -> int:
        from undertow.export import write_ftm

        query = {"format": "ftm", "agency": agency, "for_court": for_court}
        with self._audited(Action.CONSULT, "export", query) as rec:
            if agency is not None:
                agency = self.store.agencies().get(agency).code
            ids: list[str] = []
            count = write_ftm(self.store, self.scope, out, agency, for_court=for_court, seen=ids)
            rec.entity_ids = ids
            rec.query["entities"] = count
        return count

    def status(self) -> Status:
        with self._audited(Action.STATUS, "status"):
            return status(self.store, self.scope)

    def quarantine(
        self, report: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[QuarantineEntry]:
        with self._audited(Action.QUARANTINE, "quarantine", {"report": report}):
            return quarantine(self.store, self.scope, report, limit, offset)

    def agencies(self) -> list[Agency]:
        with self._audited(Action.STATUS, "agencies"):
            return list(self.store.agencies())

    def add_agency(self, agency: Agency) -> None:
        with self._audited(Action.USERS, "agency_add", {"agency": agency.code}):
            if not self.principal.is_local_admin:
                raise AccessDenied("only the store's local administrator registers agencies")
            self.store.add_agency(agency)

    # -- users -----------------------------------------------------------------

    def add_user(
        self, name: str, agency: str, role: str, expires_at: datetime | None = None
    ) -> tuple[User, str]:
        query = {"name": name, "agency": agency, "role": role}
        with self._audited(Action.USERS, "user_add", query):
            code = self.store.agencies().get(agency).code
            require_own(self.principal, code, "manage users")
            return add_user(
                self.store, name, code, Role.parse(role), self.principal.name, expires_at
            )

    def revoke_user(self, name: str) -> User:
        with self._audited(Action.USERS, "user_revoke", {"name": name}):
            users = {u.name: u for u in list_users(self.store)}
            user = users.get(name.strip().lower())
            if user is not None:
                require_own(self.principal, user.agency, "manage users")
            return revoke_user(self.store, name)

    def users(self) -> list[User]:
        with self._audited(Action.USERS, "user_list"):
            return list_users(self.store, self.principal.agency)

    # -- audit -----------------------------------------------------------------

    def audit_log(
        self,
        *,
        user: str | None = None,
        entity: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        query = {"user": user, "entity": entity, "limit": limit, "offset": offset}
        with self._audited(Action.AUDIT, "audit_read", query):
            # An agency's auditors and admins see what their agency's users did; the log's
            # queries may name other agencies' subjects, so never the whole log.
            return self.audit.entries(
                user=user,
                agency=self.principal.agency,
                entity=entity,
                limit=max(1, min(limit, 10_000)),
                offset=max(0, offset),
            )

    def audit_verify(self) -> Verification:
        with self._audited(Action.AUDIT, "audit_verify") as rec:
            result = self.audit.verify()
            rec.query["ok"] = result.ok
        return result

    # -- release ---------------------------------------------------------------

    def release(
        self,
        *,
        to: list[str],
        report: str | None = None,
        entity: str | None = None,
        court: bool = False,
        owner: str | None = None,
    ) -> ReleaseRecord:
        query = {"to": to, "report": report, "entity": entity, "court": court, "owner": owner}
        with self._audited(Action.RELEASE, "release", query) as rec:
            target = self._target(owner, report, entity)
            require_own(self.principal, target.owner, "release data")
            result = release(self.store, target, to, court=court, by_user=self.principal.name)
            rec.entity_ids = [target.entity_id] if target.entity_id else []
            rec.query["statements"] = result.statements
        return result

    def _target(self, owner: str | None, report: str | None, entity: str | None) -> Target:
        code = owner or self.principal.agency
        if code is None:
            raise ConfigError("the local administrator names the owner agency (--owner)")
        code = self.store.agencies().get(code).code
        entity_id = resolve_entity_id(entity) if entity is not None else None
        return Target(code, report, entity_id)

    def request_release(
        self,
        *,
        owner: str,
        reason: str,
        report: str | None = None,
        entity: str | None = None,
        court: bool = False,
    ) -> ReleaseRequest:
        query = {"owner": owner, "report": report, "entity": entity, "court": court}
        with self._audited(Action.REQUEST_RELEASE, "release_request", query):
            assert self.principal.agency is not None  # the local admin may not request
            return request_release(
                self.store,
                self._target(owner, report, entity),
                requester=self.principal.name,
                requesting_agency=self.principal.agency,
                reason=reason,
                court=court,
            )

    def release_requests(self) -> list[ReleaseRequest]:
        # Whoever may ask for releases may see the requests made by and to their agency.
        local = self.principal.is_local_admin
        with self._audited(Action.RELEASE if local else Action.REQUEST_RELEASE, "release_requests"):
            return list_requests(self.store, self.principal.agency)

    def answer_release_request(
        self, request_id: str, *, grant: bool, note: str | None = None
    ) -> tuple[ReleaseRequest, ReleaseRecord | None]:
        query = {"request": request_id, "grant": grant}
        with self._audited(Action.ANSWER_REQUEST, "release_answer", query):
            request = get_request(self.store, request_id)
            require_own(self.principal, request.owner, "answer release requests")
            return answer_request(
                self.store, request_id, grant=grant, by_user=self.principal.name, note=note
            )

    # -- resolution ------------------------------------------------------------

    def resolve(
        self,
        *,
        retrain: bool = False,
        threshold: float | None = None,
        engine: str = "duckdb",
        progress: Callable[[str], None] | None = None,
    ) -> RunSummary:
        from undertow.resolve import DEFAULT_THRESHOLD, resolve

        query = {"retrain": retrain, "threshold": threshold, "engine": engine}
        with self._audited(Action.RESOLVE, "resolve", query) as rec:
            cut = DEFAULT_THRESHOLD if threshold is None else float(threshold)
            if not 0.0 < cut < 1.0:
                raise ConfigError("the threshold is a match probability between 0 and 1")
            summary = resolve(
                self.store,
                by_user=self.principal.name,
                threshold=cut,
                retrain=retrain,
                progress=progress,
            )
            rec.query["run"] = summary.to_dict()
        return summary

    def clusters(self) -> Iterator[dict[str, Any]]:
        """Every record the principal may see with its canonical id (audited as a whole:
        the count, not each id)."""
        from undertow.resolve import visible_clusters

        with self._audited(Action.CONSULT, "clusters") as rec:
            rows = list(visible_clusters(self.store, self.scope))
            rec.query["records"] = len(rows)
        return iter(rows)

    def _visible(self, entity_id: str) -> None:
        """Raise as for a missing record unless the principal sees some of it."""
        entity = get_entity(self.store, self.scope, entity_id)
        if not entity.values:
            raise NotFoundError(f"no entity {entity_id!r} (or none you may see)")

    def explain(self, left: str, right: str) -> Explanation:
        from undertow.resolve import explain

        with self._audited(Action.CONSULT, "explain", {"left": left, "right": right}) as rec:
            rec.entity_ids = [left, right]
            self._visible(left)
            self._visible(right)
            return explain(self.store, left, right, self.scope)

    def judge(self, left: str, right: str, judgement: str, note: str | None = None) -> Decision:
        from undertow.resolve.judgements import Judgement, record

        query = {"judgement": judgement, "note": note}
        with self._audited(Action.JUDGE, "judgement", query) as rec:
            rec.entity_ids = [left, right]
            decision = Judgement.parse(judgement)
            self._visible(left)
            self._visible(right)
            return record(
                self.store,
                left,
                right,
                decision,
                user_name=self.principal.name,
                agency=self.principal.agency,
                note=note,
            )

    def review_queue(self, limit: int = 20) -> list[Candidate]:
        from undertow.resolve import review_queue

        with self._audited(Action.JUDGE, "review_queue", {"limit": limit}) as rec:
            queue = review_queue(self.store, self.scope, max(1, min(limit, 500)))
            rec.entity_ids = sorted({i for c in queue for i in (c.left_id, c.right_id)})
            return queue

    # -- money -----------------------------------------------------------------

    def trace(
        self,
        refs: Sequence[str],
        *,
        direction: str = "forward",
        method: str = "haircut",
        hops: int = 4,
        window: str = "30d",
    ) -> TraceReport:
        """Follow the money from (or back to) ``refs`` through the payments the principal
        may see; hidden nodes appear as hit notices and are not traced through."""
        from undertow.flows.analyses import trace_money

        query = {
            "seeds": list(refs),
            "direction": direction,
            "method": method,
            "hops": hops,
            "window": window,
        }
        with self._audited(Action.CONSULT, "trace", query) as rec:
            self._need_purpose("a money trace")
            if not refs:
                raise ConfigError("a trace needs at least one seed")
            report = trace_money(
                self.store,
                self.scope,
                list(refs),
                direction=direction,  # type: ignore[arg-type]
                method=method,  # type: ignore[arg-type]
                hops=int(hops),
                window_days=parse_window(window),
            )
            rec.entity_ids = report.node_ids
            rec.query["hit_notices"] = sorted(n for n, d in report.nodes.items() if d.get("notice"))
        return report

    def typologies(self) -> list[Detection]:
        """Laundering typologies found in the payments the principal may see."""
        from undertow.flows.analyses import find_typologies

        with self._audited(Action.CONSULT, "typologies") as rec:
            self._need_purpose("a typology scan")
            found = find_typologies(self.store, self.scope)
            rec.entity_ids = sorted({a for d in found for a in d.accounts})
            rec.query["detections"] = len(found)
        return found

    def rank(self, top: int = RANK_TOP) -> Ranking:
        """People and companies by the smuggling money they keep or spend, far from the
        front line: in the payments the principal may see."""
        from undertow.flows.analyses import rank_organisers

        with self._audited(Action.CONSULT, "flows_rank", {"top": top}) as rec:
            self._need_purpose("a ranking of people")
            ranking = rank_organisers(self.store, self.scope, top=max(1, min(int(top), 500)))
            rec.entity_ids = [r.canonical_id for r in ranking.rows]
        return ranking

    # -- network -----------------------------------------------------------------

    def _network(self) -> NetworkView:
        """The principal's network view, read once per state of the store: a session
        that maps communities, key players and a disruption plan reads it once, and any
        ingest, release, erasure or resolution run in between makes it read again."""
        from undertow.network.analyses import network_view

        state = self.store.one(
            "SELECT (SELECT count(*) FROM statements), "
            "(SELECT max(last_seen) FROM statements), "
            "(SELECT count(*) FROM releases), "
            "(SELECT max(finished_at) FROM resolution_runs), "
            "(SELECT count(*) FROM canonical)"
        )
        if self._network_cache is None or self._network_cache[0] != state:
            self._network_cache = (state, network_view(self.store, self.scope))
        return self._network_cache[1]

    def communities(
        self,
        layers: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        resolution: float = 1.0,
    ) -> Communities:
        """Leiden communities of a projection of the network the principal may see."""
        from undertow.network.analyses import DEFAULT_LAYERS, communities

        query = {"layers": layers, "since": since, "until": until, "resolution": resolution}
        with self._audited(Action.CONSULT, "network_communities", query) as rec:
            self._need_purpose("a map of the network")
            found = communities(
                self._network(),
                layers or DEFAULT_LAYERS,
                parse_day(since, "since"),
                parse_day(until, "until"),
                resolution=resolution,
            )
            rec.entity_ids = sorted(found.membership)[:1000]
        return found

    def roles(self) -> list[RoleLabel]:
        """Each visible person's and company's likely role, with the features behind it."""
        with self._audited(Action.CONSULT, "network_roles") as rec:
            self._need_purpose("roles of people")
            view = self._network()
            rows = sorted(
                (r for r in view.roles.values() if r.node not in view.hidden),
                key=lambda r: (r.role, r.node),
            )
            rec.entity_ids = [r.node for r in rows if r.role not in ("customer", "other")]
        return rows

    def key_players(self, top: int = 10) -> list[KeyPlayer]:
        """The people and companies the network depends on most."""
        from undertow.network.analyses import key_players

        with self._audited(Action.CONSULT, "network_keyplayers", {"top": top}) as rec:
            self._need_purpose("a list of key players")
            rows = key_players(self._network(), max(1, min(int(top), 500)))
            rec.entity_ids = [r.canonical_id for r in rows]
        return rows

    def disrupt(self, k: int = 5, strategies: list[str] | None = None) -> list[Plan]:
        """Each strategy's targets and the damage they would do, after recovery too."""
        from undertow.network.analyses import disruption

        query = {"k": k, "strategies": strategies}
        with self._audited(Action.CONSULT, "network_disrupt", query) as rec:
            self._need_purpose("a disruption plan")
            if not 1 <= int(k) <= 50:
                raise ConfigError("k: between 1 and 50 targets")
            plans = disruption(self._network(), int(k), strategies)
            rec.entity_ids = sorted({n for p in plans for n in p.removed})
        return plans

    def network_export(
        self,
        fmt: str,
        stream: IO[str],
        layers: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> int:
        """Write a projection (GEXF, GraphML or Cypher); returns how many nodes."""
        from undertow.network.analyses import DEFAULT_LAYERS
        from undertow.network.export import write

        query = {"format": fmt, "layers": layers, "since": since, "until": until}
        with self._audited(Action.CONSULT, "network_export", query) as rec:
            self._need_purpose("an export of the network")
            graph = self._network().graph(
                layers or DEFAULT_LAYERS, parse_day(since, "since"), parse_day(until, "until")
            )
            write(graph, fmt, stream)
            rec.entity_ids = list(graph.vs["name"])[:1000]
        return int(graph.vcount())

    # -- retention -------------------------------------------------------------

    def retention(self, *, erase: bool, today: date | None = None) -> RetentionResult:
        day = today or utcnow().date()
        with self._audited(Action.RETENTION, "erasure" if erase else "retention_review") as rec:
            due = due_reports(self.store, day, self.principal.agency)
            deleted = erase_reports(self.store, due) if erase else 0
            rec.query.update(
                today=day.isoformat(),
                reports=[r.id for r in due],
                statements_deleted=deleted,
            )
        return RetentionResult(due, erase, deleted)


def parse_window(text: str) -> int:
    """A time window in days: ``30``, ``30d``, ``4w``."""
    raw = text.strip().lower()
    unit = 7 if raw.endswith("w") else 1
    number = raw.rstrip("dw")
    if not number.isdigit():
        raise ConfigError(f"window {text!r}: write days as 30d or weeks as 4w")
    return int(number) * unit


def parse_day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ConfigError(f"{what} must be an ISO date (YYYY-MM-DD), not {text!r}") from None
