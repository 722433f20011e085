"""The HTTP API: JSON over FastAPI, bearer tokens, the same service calls as the CLI.

Each route authenticates the caller, builds a :class:`~undertow.service.Service` bound
to that principal and the stated purpose (``X-Purpose`` header), calls one method, and
returns its result as JSON. Lists are paginated (``limit``, ``offset``, ``next_offset``).
"""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from undertow import __version__
from undertow.access import authenticate
from undertow.api import errors
from undertow.api.limits import BodySizeLimit
from undertow.api.schemas import (
    AnswerBody,
    JudgementBody,
    ReleaseBody,
    ReleaseRequestBody,
    ResolveBody,
    RetentionBody,
    UserBody,
    page,
)
from undertow.errors import AuthenticationError, ConfigError
from undertow.flows import RANK_TOP
from undertow.service import Service, Submission, parse_day
from undertow.settings import Settings, get_settings
from undertow.store import Store

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False, description="API token from `undertow users add`.")

Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")]


def service(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    x_purpose: Annotated[
        str | None,
        Header(description="Purpose or case reference (required for searches)."),
    ] = None,
) -> Iterator[Service]:
    """The caller's service: authenticated, scoped, audited; one connection per request."""
    base: Store = request.app.state.store
    store = Store(base.con.cursor(), base.path)
    try:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthenticationError("missing bearer token")
        principal = authenticate(store, credentials.credentials)
        yield Service(store, principal, request.app.state.settings, purpose=x_purpose)
    finally:
        store.con.close()


Svc = Annotated[Service, Depends(service)]


def create_app(db: str | Path, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    base = Store.open(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        Service(base).close()  # anchor the audit chain head on shutdown
        base.close()

    app = FastAPI(
        title="Undertow",
        version=__version__,
        description="Joint intelligence against migrant-smuggling networks. Every call is "
        "checked against the caller's agency and role, and audited.",
        lifespan=lifespan,
    )
    app.state.store = base
    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    errors.install(app)

    @app.get("/status", summary="Agencies, reports, entities, statements you may see")
    def status(svc: Svc) -> dict[str, Any]:
        return svc.status().to_dict()

    @app.get("/agencies", summary="The agencies of this deployment")
    def agencies(svc: Svc) -> list[dict[str, Any]]:
        return [a.to_dict() for a in svc.agencies()]

    @app.get("/search", summary="Search names and identifiers (needs X-Purpose)")
    def search(
        svc: Svc,
        q: Annotated[str, Query(min_length=1, max_length=200)],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        result = svc.search(q, limit=min(limit, 200), offset=offset)
        body = result.to_dict()
        body.update(page([], limit, offset, result.total))
        body["items"] = body.pop("hits")
        return body

    @app.get("/entities/{entity_id}", summary="An entity with each value's source")
    def entity(
        svc: Svc,
        entity_id: str,
        agency: Annotated[
            str | None, Query(max_length=32, description="Read entity_id as this agency's id.")
        ] = None,
    ) -> dict[str, Any]:
        return svc.entity(entity_id, agency).to_dict()

    @app.get("/export", summary="Entities as FtM JSON lines", response_class=StreamingResponse)
    def export(
        svc: Svc,
        agency: Annotated[str | None, Query(max_length=32)] = None,
        for_court: bool = False,
    ) -> StreamingResponse:
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        try:
            svc.export_ftm(spool, agency, for_court)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)

        def chunks() -> Iterator[bytes]:
            with spool:
                while chunk := spool.read(1 << 20):
                    yield chunk

        return StreamingResponse(chunks(), media_type="application/x-ndjson")

    @app.get("/quarantine", summary="Your agency's quarantined records")
    def quarantine(
        svc: Svc,
        report: Annotated[str | None, Query(max_length=200)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        items = [e.to_dict() for e in svc.quarantine(report, limit, offset)]
        return page(items, limit, offset)

    @app.post("/ingest", summary="Upload one file as a report of your agency")
    def ingest(
        svc: Svc,
        file: Annotated[UploadFile, File(description="FtM JSON lines or CSV.")],
        agency: Annotated[str, Form(max_length=32)],
        report: Annotated[str, Form(min_length=1, max_length=200)],
        handling: Annotated[str, Form(max_length=4)] = "H0",
        release: Annotated[str, Form(max_length=500)] = "all",
        grading: Annotated[str, Form(max_length=4)] = "X4",
        handling_note: Annotated[str | None, Form(max_length=500)] = None,
        mapping: Annotated[str | None, Form(max_length=64)] = None,
        reported_at: Annotated[str | None, Form(max_length=32)] = None,
        review_by: Annotated[str | None, Form(max_length=32)] = None,
        strict: Annotated[bool, Form()] = False,
    ) -> dict[str, Any]:
        from undertow.ingest.mapping import SHIPPED

        if mapping is not None and mapping not in SHIPPED:
            # Uploads name shipped mappings only: a path would read the server's files.
            raise ConfigError(f"mapping must be one of {', '.join(SHIPPED)}")
        name = Path(file.filename or "upload").name or "upload"
        with tempfile.TemporaryDirectory(prefix="undertow-upload-") as tmp:
            path = Path(tmp) / name
            with path.open("wb") as fh:
                while chunk := file.file.read(1 << 20):
                    fh.write(chunk)
            submission = Submission(
                agency=agency,
                report=report,
                handling=handling,
                release=release,
                grading=grading,
                handling_note=handling_note,
                mapping=mapping,
                reported_at=parse_day(reported_at, "reported_at"),
                review_by=parse_day(review_by, "review_by"),
            )
            (result,) = svc.ingest_files([path], submission, strict=strict)
        c = result.counts
        return {
            "file": name,
            "report_id": result.report_id,
            "status": result.status,
            "records_read": c.records_read,
            "records_stored": c.records_stored,
            "records_quarantined": c.records_quarantined,
            "entities": c.entities,
            "statements_new": c.statements_new,
            "quarantine_codes": c.quarantine_codes,
        }

    @app.get("/audit", summary="The audit log (auditors and admins)")
    def audit(
        svc: Svc,
        user: Annotated[str | None, Query(max_length=64)] = None,
        entity: Annotated[str | None, Query(max_length=256)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        items = [
            e.to_dict() for e in svc.audit_log(user=user, entity=entity, limit=limit, offset=offset)
        ]
        return page(items, limit, offset)

    @app.get("/audit/verify", summary="Check the audit hash chain and its anchors")
    def audit_verify(svc: Svc) -> dict[str, Any]:
        return svc.audit_verify().to_dict()

    @app.get("/users", summary="Users (of your agency)")
    def users(svc: Svc, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        items = [u.to_dict() for u in svc.users()]
        return page(items[offset : offset + limit], limit, offset, len(items))

    @app.post("/users", summary="Create a user; the token is in this response only")
    def add_user(svc: Svc, body: UserBody) -> dict[str, Any]:
        user, token = svc.add_user(body.name, body.agency, body.role, body.expires_at)
        return {**user.to_dict(), "token": token}

    @app.post("/users/{name}/revoke", summary="Revoke a user's token")
    def revoke_user(svc: Svc, name: str) -> dict[str, Any]:
        return svc.revoke_user(name).to_dict()

    @app.post("/releases", summary="Release your report or entity to further agencies")
    def release(svc: Svc, body: ReleaseBody) -> dict[str, Any]:
        record = svc.release(
            to=body.to, report=body.report, entity=body.entity, court=body.court, owner=body.owner
        )
        return {
            "id": record.id,
            "statements": record.statements,
            "agencies": record.agencies,
            "court": record.court,
        }

    @app.get("/releases/requests", summary="Release requests made by or to your agency")
    def release_requests(svc: Svc, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        items = [r.to_dict() for r in svc.release_requests()]
        return page(items[offset : offset + limit], limit, offset, len(items))

    @app.post("/releases/requests", summary="Ask an owner agency to release data")
    def request_release(svc: Svc, body: ReleaseRequestBody) -> dict[str, Any]:
        return svc.request_release(
            owner=body.owner,
            reason=body.reason,
            report=body.report,
            entity=body.entity,
            court=body.court,
        ).to_dict()

    @app.post("/releases/requests/{request_id}/answer", summary="Grant or deny a request")
    def answer(svc: Svc, request_id: str, body: AnswerBody) -> dict[str, Any]:
        request, record = svc.answer_release_request(request_id, grant=body.grant, note=body.note)
        return {**request.to_dict(), "statements_released": record.statements if record else 0}

    @app.post("/resolve", summary="Run cross-agency resolution (supervisors, admins)")
    def resolve(svc: Svc, body: ResolveBody) -> dict[str, Any]:
        return svc.resolve(retrain=body.retrain, threshold=body.threshold).to_dict()

    @app.get("/clusters", summary="Records you may see with their canonical ids")
    def clusters(svc: Svc, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        items = list(svc.clusters())
        return page(items[offset : offset + limit], limit, offset, len(items))

    @app.get("/explain", summary="The match-weight waterfall of two records")
    def explain(
        svc: Svc,
        left: Annotated[str, Query(max_length=256)],
        right: Annotated[str, Query(max_length=256)],
    ) -> dict[str, Any]:
        return svc.explain(left, right).to_dict()

    @app.post("/judgements", summary="Record a decision on two records")
    def judge(svc: Svc, body: JudgementBody) -> dict[str, Any]:
        return svc.judge(body.left, body.right, body.judgement, body.note).to_dict()

    @app.get("/review", summary="Candidate pairs the model is least sure of")
    def review(svc: Svc, limit: Limit = 20) -> dict[str, Any]:
        items = [c.to_dict() for c in svc.review_queue(limit)]
        return page(items, limit, 0, len(items))

    @app.get("/flows/trace", summary="Follow the money from or to seeds (needs X-Purpose)")
    def trace(
        svc: Svc,
        seed: Annotated[list[str], Query(max_length=50)],
        direction: Annotated[str, Query(pattern="^(forward|backward)$")] = "forward",
        method: Annotated[str, Query(pattern="^(haircut|fifo)$")] = "haircut",
        hops: Annotated[int, Query(ge=1, le=12)] = 4,
        window: Annotated[str, Query(max_length=8)] = "30d",
    ) -> dict[str, Any]:
        report = svc.trace(seed, direction=direction, method=method, hops=hops, window=window)
        return report.to_dict()

    @app.get("/flows/typologies", summary="Laundering typologies in your payments")
    def typologies(svc: Svc, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        items = [d.to_dict() for d in svc.typologies()]
        return page(items[offset : offset + limit], limit, offset, len(items))

    @app.get("/flows/rank", summary="Who the smuggling money reaches, behind the scenes")
    def flows_rank(svc: Svc, limit: Limit = RANK_TOP) -> dict[str, Any]:
        items = [r.to_dict() for r in svc.rank(limit).rows]
        return page(items, limit, 0, len(items))

    Layer = Annotated[list[str] | None, Query(max_length=20)]
    Day = Annotated[str | None, Query(max_length=10)]

    @app.get("/network/communities", summary="Leiden communities and their members by role")
    def network_communities(
        svc: Svc,
        layer: Layer = None,
        since: Day = None,
        until: Day = None,
        resolution: Annotated[float, Query(gt=0, le=10)] = 1.0,
        limit: Limit = 50,
    ) -> dict[str, Any]:
        found = svc.communities(layer, since, until, resolution)
        items = [c.to_dict() for c in found.communities]
        return {
            "count": found.count,
            "modularity": found.modularity,
            **page(items[:limit], limit, 0, len(items)),
        }

    @app.get("/network/roles", summary="Each person's likely role, with its features")
    def network_roles(svc: Svc, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        items = [r.to_dict() for r in svc.roles()]
        return page(items[offset : offset + limit], limit, offset, len(items))

    @app.get("/network/keyplayers", summary="The people the network depends on most")
    def network_keyplayers(svc: Svc, limit: Limit = 10) -> dict[str, Any]:
        items = [r.to_dict() for r in svc.key_players(limit)]
        return page(items, limit, 0, len(items))

    @app.get("/network/disrupt", summary="Damage of k removals, after recovery too")
    def network_disrupt(
        svc: Svc,
        k: Annotated[int, Query(ge=1, le=50)] = 5,
        strategy: Annotated[list[str] | None, Query(max_length=10)] = None,
    ) -> dict[str, Any]:
        plans = [p.to_dict() for p in svc.disrupt(k, strategy)]
        return {"items": plans, "total": len(plans)}

    @app.get("/network/export", summary="A projection as GEXF, GraphML or Cypher")
    def network_export(
        svc: Svc,
        format: Annotated[str, Query(pattern="^(gexf|graphml|cypher)$")] = "gexf",
        layer: Layer = None,
        since: Day = None,
        until: Day = None,
    ) -> Response:
        import io

        buffer = io.StringIO()
        svc.network_export(format, buffer, layer, since, until)
        media = {"gexf": "application/xml", "graphml": "application/xml"}
        return Response(buffer.getvalue(), media_type=media.get(format, "text/plain"))

    @app.post("/retention", summary="Reports past review: flag, or erase (audited)")
    def retention(svc: Svc, body: RetentionBody) -> dict[str, Any]:
        result = svc.retention(erase=body.erase, today=body.today)
        return {
            "erased": result.erased,
            "statements_deleted": result.statements_deleted,
            "due": [r.to_dict() for r in result.due],
        }

    return app
