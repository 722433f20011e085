"""The authorisation matrix: each role, acting on its own agency and on another, through
every endpoint and every command, gets exactly what the policy allows."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.api.conftest import AGENCIES, ROLES, World, bearer
from undertow.access import Action, acting_user, allows
from undertow.access.principals import Principal, Role
from undertow.service import Service
from undertow.store import Store

OWN, OTHER = "own", "other"


@dataclass(frozen=True)
class Op:
    name: str
    action: Action
    own_only: bool
    """The operation names an agency (submit for it, release its data, manage its users)."""
    api: Callable[[Any, World, str, str], Any]
    """(client, world, acting agency, target agency) -> response"""
    cli: Callable[[World, str, str], list[str]] | None
    """(world, acting agency, target agency) -> command arguments"""


def _admin(client: Any) -> Service:
    base: Store = client.app.state.store
    return Service(Store(base.con.cursor(), base.path))


def _as(client: Any, name: str) -> Service:
    base: Store = client.app.state.store
    store = Store(base.con.cursor(), base.path)
    return Service(store, acting_user(store, name), purpose="setup")


def _victim(client: Any, agency: str) -> str:
    name = f"victim-{secrets.token_hex(4)}"
    _admin(client).add_user(name, agency, "analyst")
    return name


def _request_to(client: Any, world: World, owner: str) -> str:
    asker = next(a for a in AGENCIES if a != owner)
    svc = _as(client, world.user(asker, "analyst"))
    entity = "UK-NCA.p-shared" if owner == "UK-NCA" else "DE-BKA.p-1"
    return svc.request_release(owner=owner, reason="case 7", entity=entity).id


def _report(agency: str) -> str:
    return {"UK-NCA": "R-SHARED", "DE-BKA": "B-1"}.get(agency, "F-0")


def _upload(world: World, target: str) -> dict[str, Any]:
    return {
        "files": {"file": ("a.json", b'{"id": "m-1", "schema": "Person", "properties": {}}\n')},
        "data": {"agency": target, "report": f"UP-{secrets.token_hex(3)}", "grading": "B2"},
    }


def _other(agency: str) -> str:
    return next(x for x in AGENCIES if x != agency)


def _h(world: World, acting: str, role: str) -> dict[str, str]:
    return bearer(world.token(acting, role))


OPS: list[Op] = [
    Op(
        "status",
        Action.STATUS,
        False,
        lambda c, w, a, t: ("GET", "/status", {}),
        lambda w, a, t: ["status"],
    ),
    Op(
        "agencies",
        Action.STATUS,
        False,
        lambda c, w, a, t: ("GET", "/agencies", {}),
        lambda w, a, t: ["agencies", "list"],
    ),
    Op(
        "search",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/search", {"params": {"q": "karwan"}}),
        lambda w, a, t: ["search", "karwan"],
    ),
    Op(
        "entity",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/entities/UK-NCA.p-shared", {}),
        lambda w, a, t: ["entities", "show", "UK-NCA.p-shared"],
    ),
    Op(
        "export",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/export", {}),
        lambda w, a, t: ["export"],
    ),
    Op(
        "quarantine",
        Action.QUARANTINE,
        False,
        lambda c, w, a, t: ("GET", "/quarantine", {}),
        lambda w, a, t: ["quarantine", "list"],
    ),
    Op(
        "ingest",
        Action.INGEST,
        True,
        lambda c, w, a, t: ("POST", "/ingest", _upload(w, t)),
        lambda w, a, t: [
            "ingest",
            str(w.data / "de.json"),
            "--agency",
            t,
            "--report",
            f"UP-{secrets.token_hex(3)}",
        ],
    ),
    Op(
        "audit log",
        Action.AUDIT,
        False,
        lambda c, w, a, t: ("GET", "/audit", {}),
        lambda w, a, t: ["audit", "log"],
    ),
    Op(
        "audit verify",
        Action.AUDIT,
        False,
        lambda c, w, a, t: ("GET", "/audit/verify", {}),
        lambda w, a, t: ["audit", "verify"],
    ),
    Op(
        "users list",
        Action.USERS,
        False,
        lambda c, w, a, t: ("GET", "/users", {}),
        lambda w, a, t: ["users", "list"],
    ),
    Op(
        "users add",
        Action.USERS,
        True,
        lambda c, w, a, t: (
            "POST",
            "/users",
            {"json": {"name": f"new-{secrets.token_hex(4)}", "agency": t, "role": "analyst"}},
        ),
        lambda w, a, t: [
            "users",
            "add",
            f"new-{secrets.token_hex(4)}",
            "--agency",
            t,
            "--role",
            "analyst",
        ],
    ),
    Op(
        "users revoke",
        Action.USERS,
        True,
        lambda c, w, a, t: ("POST", f"/users/{_victim(c, t)}/revoke", {}),
        None,
    ),
    Op(
        "release",
        Action.RELEASE,
        True,
        lambda c, w, a, t: (
            "POST",
            "/releases",
            {"json": {"to": ["FR-OLTIM"], "report": _report(t), "owner": t}},
        ),
        lambda w, a, t: [
            "release",
            "grant",
            "--to",
            "FR-OLTIM",
            "--report",
            _report(t),
            "--owner",
            t,
        ],
    ),
    Op(
        "release requests",
        Action.REQUEST_RELEASE,
        False,
        lambda c, w, a, t: ("GET", "/releases/requests", {}),
        lambda w, a, t: ["release", "requests"],
    ),
    Op(
        "release request",
        Action.REQUEST_RELEASE,
        False,
        lambda c, w, a, t: (
            "POST",
            "/releases/requests",
            {"json": {"owner": _other(a), "reason": "case 7", "entity": f"{_other(a)}.p-0"}},
        ),
        lambda w, a, t: [
            "release",
            "request",
            "--owner",
            _other(a),
            "--reason",
            "case 7",
            "--entity",
            f"{_other(a)}.p-0",
        ],
    ),
    Op(
        "release answer",
        Action.ANSWER_REQUEST,
        True,
        lambda c, w, a, t: (
            "POST",
            f"/releases/requests/{_request_to(c, w, t)}/answer",
            {"json": {"grant": False}},
        ),
        None,
    ),
    Op(
        "trace",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/flows/trace", {"params": {"seed": "UK-NCA.p-shared"}}),
        lambda w, a, t: ["flows", "trace", "UK-NCA.p-shared"],
    ),
    Op(
        "typologies",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/flows/typologies", {}),
        lambda w, a, t: ["flows", "typologies"],
    ),
    Op(
        "flows rank",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/flows/rank", {}),
        lambda w, a, t: ["flows", "rank"],
    ),
    Op(
        "network communities",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/network/communities", {}),
        lambda w, a, t: ["network", "communities"],
    ),
    Op(
        "network keyplayers",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/network/keyplayers", {}),
        lambda w, a, t: ["network", "keyplayers"],
    ),
    Op(
        "network disrupt",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/network/disrupt", {"params": {"k": 1}}),
        lambda w, a, t: ["network", "disrupt", "--k", "1"],
    ),
    Op(
        "network export",
        Action.CONSULT,
        False,
        lambda c, w, a, t: ("GET", "/network/export", {"params": {"format": "cypher"}}),
        lambda w, a, t: ["network", "export", "--format", "cypher"],
    ),
    Op(
        "retention",
        Action.RETENTION,
        False,
        lambda c, w, a, t: ("POST", "/retention", {"json": {"erase": False}}),
        lambda w, a, t: ["retention", "run"],
    ),
]

CASES = [
    (op, agency, role, rel)
    for op in OPS
    for agency, role in itertools.product(("UK-NCA", "DE-BKA"), ROLES)
    for rel in ((OWN, OTHER) if op.own_only else (OWN,))
]


def expected(op: Op, agency: str, role: str, rel: str) -> bool:
    principal = Principal("x", agency, Role(role))
    return allows(principal, op.action) and (rel == OWN or not op.own_only)


def _target(agency: str, rel: str) -> str:
    return agency if rel == OWN else next(a for a in ("UK-NCA", "DE-BKA") if a != agency)


@pytest.mark.parametrize(
    ("op", "agency", "role", "rel"), CASES, ids=[f"{c[0].name}-{c[1]}-{c[2]}-{c[3]}" for c in CASES]
)
def test_api_matrix(client: Any, world: World, op: Op, agency: str, role: str, rel: str) -> None:
    method, url, kwargs = op.api(client, world, agency, _target(agency, rel))
    response = client.request(method, url, headers=_h(world, agency, role), **kwargs)
    if expected(op, agency, role, rel):
        assert response.status_code < 300, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"


CLI_CASES = [c for c in CASES if c[0].cli is not None]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("op", "agency", "role", "rel"),
    CLI_CASES,
    ids=[f"{c[0].name}-{c[1]}-{c[2]}-{c[3]}" for c in CLI_CASES],
)
def test_cli_matrix(cli_world: World, op: Op, agency: str, role: str, rel: str) -> None:
    from undertow.cli import app

    assert op.cli is not None
    args = op.cli(cli_world, agency, _target(agency, rel))
    runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(
        app,
        ["--db", str(cli_world.db), "--as", cli_world.user(agency, role), "--purpose", "t", *args],
    )
    if expected(op, agency, role, rel):
        assert result.exit_code == 0, result.stdout + result.stderr
    else:
        assert result.exit_code == 2
        assert "may not" in result.stderr


def test_unauthenticated_requests_are_refused(client: Any, world: World) -> None:
    for op in OPS:
        method, url, kwargs = op.api(client, world, "UK-NCA", "UK-NCA")
        response = client.request(method, url, **kwargs)
        assert response.status_code == 401, f"{method} {url}: {response.status_code}"
        assert response.json()["error"]["code"] == "unauthenticated"


def test_bad_and_revoked_tokens(client: Any, world: World) -> None:
    assert client.get("/status", headers=bearer("utw_nonsense")).status_code == 401
    assert client.get("/status", headers=bearer("nonsense")).status_code == 401
    name = _victim(client, "DE-BKA")
    _, token = _admin(client).add_user(f"{name}-2", "DE-BKA", "analyst")
    assert client.get("/status", headers=bearer(token)).status_code == 200
    _admin(client).revoke_user(f"{name}-2")
    refused = client.get("/status", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"


@pytest.fixture(scope="module")
def cli_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    from tests.api.conftest import seed

    return seed(tmp_path_factory.mktemp("cli-world"))
