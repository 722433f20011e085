"""No value restricted to UK-NCA reaches any other agency's user -- through any endpoint
listed in the OpenAPI spec, with any role, in any body, header or error; nor through
any read command of the CLI. The walk is driven by the spec: an endpoint added later is
exercised automatically, and a parameter this test has no values for fails it."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.api.conftest import AGENCIES, CANARIES, OWNER, ROLES, World, bearer

OTHERS = [a for a in AGENCIES if a != OWNER]

PATH_VALUES: dict[str, list[str]] = {
    "entity_id": ["UK-NCA.p-canary", "UK-NCA.p-nohit", "UK-NCA.pay-canary", "UK-NCA.acc-canary"],
    "name": ["analyst.uk-nca"],
    "request_id": ["does-not-exist"],
}
QUERY_VALUES: dict[str, list[Any]] = {
    "q": [
        "zyxcanary",
        "wvutsrq zyxcanary",
        "07400 900123",
        "gb29 nwbk 6016 1331 9268 19",
        "qnohitcanary",
        "07400 900456",
        "karwan",
    ],
    "agency": [None, "UK-NCA"],
    "report": [None, "R-CANARY", "R-NOHIT"],
    "entity": [None, "UK-NCA.p-canary"],
    "user": [None, "analyst.uk-nca"],
    "for_court": [False, True],
    "left": ["UK-NCA.p-canary", "UK-NCA.p-shared"],
    "right": ["UK-NCA.p-shared", "UK-NCA.p-nohit"],
    "limit": [None],
    "offset": [None],
    "seed": [["UK-NCA.p-shared"], ["UK-NCA.p-canary"], ["UK-NCA.acc-canary", "UK-NCA.p-shared"]],
    "direction": ["forward", "backward"],
    "method": ["haircut", "fifo"],
    "hops": [None, 2],
    "window": [None, "60d"],
    "layer": [None, ["payment", "call", "copresence", "shared_phone", "associate"]],
    "since": [None, "2020-01-01"],
    "until": [None],
    "resolution": [None],
    "k": [None, 2],
    "strategy": [None, ["degree", "business_model"]],
    "format": ["gexf", "graphml", "cypher"],
}
BODIES: dict[str, list[dict[str, Any]]] = {
    "ReleaseBody": [
        {"to": ["DE-BKA", "FR-OLTIM"], "report": "R-CANARY", "owner": "UK-NCA"},
        {"to": ["DE-BKA"], "entity": "UK-NCA.p-canary", "owner": "UK-NCA", "court": True},
        {"to": ["UK-NCA"], "report": "B-1"},
    ],
    "ReleaseRequestBody": [
        {"owner": "UK-NCA", "reason": "op test", "entity": "UK-NCA.p-canary"},
        {"owner": "UK-NCA", "reason": "op test", "report": "R-NOHIT"},
    ],
    "AnswerBody": [{"grant": True}],
    "RetentionBody": [{"erase": False, "today": "2100-01-01"}],
    "UserBody": [{"name": "newbie", "agency": "UK-NCA", "role": "analyst"}],
    "ResolveBody": [{"retrain": False}],
    "JudgementBody": [
        {"left": "UK-NCA.p-canary", "right": "UK-NCA.p-shared", "judgement": "negative"},
    ],
}


def _requests(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            path_names = [p["name"] for p in params if p["in"] == "path"]
            query_names = [p["name"] for p in params if p["in"] == "query"]
            for name in path_names + query_names:
                table = PATH_VALUES if name in path_names else QUERY_VALUES
                assert name in table, f"{method.upper()} {path}: no test values for {name!r}"
            path_choices = [PATH_VALUES[n] for n in path_names]
            for path_values in itertools.product(*path_choices):
                url = path
                for name, value in zip(path_names, path_values, strict=True):
                    url = url.replace("{" + name + "}", value)
                for query in _query_variants(query_names):
                    for body in _bodies(spec, op):
                        out.append((method, url, {"params": query, **body}))
    return out


def _query_variants(names: list[str]) -> list[dict[str, Any]]:
    if not names:
        return [{}]
    longest = max(len(QUERY_VALUES[n]) for n in names)
    variants = []
    for i in range(longest):
        variant = {}
        for n in names:
            values = QUERY_VALUES[n]
            value = values[i % len(values)]
            if value is not None:
                variant[n] = value
        variants.append(variant)
    return variants


def _bodies(spec: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return [{}]
    if "multipart/form-data" in content:
        return [
            {
                "files": {"file": ("upload.json", b'{"id": "x", "schema": "Person"}\n')},
                "data": {"agency": agency, "report": "UP-1", "grading": "B2"},
            }
            for agency in ("UK-NCA", "DE-BKA")
        ]
    ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert ref in BODIES, f"no test bodies for request schema {ref}"
    return [{"json": b} for b in BODIES[ref]]


def _assert_clean(where: str, text: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{where}: restricted value {canary!r} leaked"


@pytest.mark.slow
def test_no_endpoint_leaks_to_other_agencies(client: Any, world: World) -> None:
    spec = client.get("/openapi.json").json()
    requests = _requests(spec)
    assert len(requests) > 30
    exercised = set()
    allowed = 0
    for agency, role in itertools.product(OTHERS, ROLES):
        headers = bearer(world.token(agency, role))
        for method, url, kwargs in requests:
            response = client.request(method, url, headers=headers, **kwargs)
            exercised.add((method, url.split("?")[0]))
            where = f"{agency} {role}: {method.upper()} {url} {kwargs.get('params')}"
            assert response.status_code < 500, f"{where}: {response.text}"
            allowed += response.status_code < 300
            _assert_clean(where, response.text)
            _assert_clean(where, str(dict(response.headers)))
    assert len({path for _, path in exercised}) >= len(spec["paths"])
    assert allowed > len(requests)  # most roles were let in somewhere: the walk saw data


def test_hidden_matches_are_hit_notices_not_values(client: Any, world: World) -> None:
    headers = bearer(world.token("DE-BKA", "analyst"))
    found = client.get("/search", params={"q": "zyxcanary"}, headers=headers).json()
    assert found["items"] == []
    assert [n["agency"] for n in found["hit_notices"]] == ["UK-NCA"]
    assert found["hit_notices"][0]["message"] == (
        "UK-NCA holds 1 record, handling H2 — ask the owner"
    )
    entity = client.get("/entities/UK-NCA.p-canary", headers=headers).json()
    assert entity["statements"] == []
    assert entity["hit_notices"][0]["agency"] == "UK-NCA"


def test_no_hit_means_not_even_a_notice(client: Any, world: World) -> None:
    headers = bearer(world.token("DE-BKA", "analyst"))
    found = client.get("/search", params={"q": "qnohitcanary"}, headers=headers).json()
    assert found["items"] == []
    assert found["hit_notices"] == []
    hidden = client.get("/entities/UK-NCA.p-nohit", headers=headers)
    absent = client.get("/entities/UK-NCA.p-never-was", headers=headers)
    assert hidden.status_code == absent.status_code == 404
    # The two answers differ only in the id the caller gave.
    assert hidden.json()["error"]["message"].replace("p-nohit", "X") == absent.json()["error"][
        "message"
    ].replace("p-never-was", "X")


def test_a_trace_shows_hidden_ends_as_notices_and_hidden_payments_not_at_all(
    client: Any, world: World
) -> None:
    def trace(agency: str, direction: str) -> dict[str, Any]:
        response = client.get(
            "/flows/trace",
            params={"seed": "UK-NCA.p-shared", "direction": direction, "method": "fifo"},
            headers=bearer(world.token(agency, "analyst")),
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    # The owner sees the hidden payment (987,654.32 GBP) paying p-shared; nobody else.
    owner = trace(OWNER, "backward")
    assert "pay-canary" in {p["entity_id"] for p in owner["payments"]}
    assert owner["seed_eur"] > 1_000_000
    other = trace("DE-BKA", "backward")
    assert {p["entity_id"] for p in other["payments"]} == {"pay-shared-2"}
    assert other["seed_eur"] == 300.0
    # Forward, the money reaches the canary person: shown by the id the visible
    # payment names, with a notice, never with a name or a canonical id.
    forward = trace("DE-BKA", "forward")
    ends = {n["node"]: n for n in forward["nodes"]}
    assert ends["UK-NCA.p-canary"]["notice"].startswith("no record you may see")
    assert ends["UK-NCA.p-canary"]["name"] is None
    assert ends["UK-NCA.p-canary"]["stop"] == "hidden"
    assert not any(n.startswith("utw-") and n != forward["seeds"][0] for n in ends)
    mine = {n["node"]: n for n in trace(OWNER, "forward")["nodes"]}
    assert any(n.get("name") == "Zyxcanary Wvutsrq" for n in mine.values())


def test_scans_and_rankings_never_cite_a_hidden_payment(client: Any, world: World) -> None:
    for agency in OTHERS:
        headers = bearer(world.token(agency, "analyst"))
        for url in (
            "/flows/typologies",
            "/flows/rank",
            "/flows/trace?seed=UK-NCA.p-shared",
            "/network/roles",
            "/network/keyplayers",
            "/network/communities?layer=payment",
            "/network/export?format=graphml&layer=payment",
        ):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, response.text
            assert "pay-canary" not in response.text
            assert "acc-canary" not in response.text


def test_the_owner_sees_its_values(client: Any, world: World) -> None:
    headers = bearer(world.token(OWNER, "analyst"))
    entity = client.get("/entities/UK-NCA.p-canary", headers=headers).json()
    assert "Zyxcanary Wvutsrq" in entity["properties"]["name"]
    found = client.get("/search", params={"q": "qnohitcanary"}, headers=headers).json()
    assert [h["entity_id"] for h in found["items"]] == ["UK-NCA.p-nohit"]


def test_an_explanation_shows_a_held_account_only_to_whom_may_see_it(
    client: Any, world: World
) -> None:
    """Only UK-NCA knows that p-shared holds the canary account: another agency's
    explanation of p-shared compares it with the account missing (and does explain:
    an error would hide nothing worth hiding), the owner's with the number."""
    pair = {"left": "UK-NCA.p-shared", "right": "DE-BKA.p-1"}
    seen = {}
    for agency in (OWNER, OTHERS[0]):
        got = client.get("/explain", params=pair, headers=bearer(world.token(agency, "analyst")))
        assert got.status_code == 200, got.text
        seen[agency] = {s["comparison"]: s for s in got.json()["steps"]}["accounts"]
    assert seen[OWNER]["left"] == ["GB29NWBK60161331926819"]
    assert seen[OTHERS[0]]["left"] is None
    assert seen[OTHERS[0]]["level"] == "missing on one side"


READ_COMMANDS = [
    ["search", "zyxcanary", "--json"],
    ["search", "07400 900123"],
    ["search", "qnohitcanary", "--json"],
    ["entities", "show", "UK-NCA.p-canary", "--json"],
    ["entities", "show", "p-canary", "--agency", "UK-NCA"],
    ["entities", "show", "UK-NCA.p-nohit"],
    ["export", "--format", "ftm"],
    ["export", "--format", "ftm", "--agency", "UK-NCA"],
    ["status", "--json"],
    ["quarantine", "list", "--json"],
    ["audit", "log", "--json"],
    ["audit", "log", "--user", "analyst.uk-nca"],
    ["users", "list", "--json"],
    ["release", "requests", "--json"],
    ["retention", "run", "--today", "2100-01-01", "--json"],
    ["agencies", "list"],
    ["clusters", "--json"],
    ["explain", "UK-NCA.p-canary", "UK-NCA.p-shared"],
    ["explain", "UK-NCA.p-shared", "UK-NCA.p-nohit", "--json"],
    ["explain", "UK-NCA.p-shared", "DE-BKA.p-1", "--json"],
    ["judge", "UK-NCA.p-canary", "UK-NCA.p-shared", "negative"],
    ["review", "--limit", "5"],
    ["resolve", "--json"],
    ["flows", "trace", "UK-NCA.p-shared", "--json"],
    ["flows", "trace", "UK-NCA.p-shared", "--direction", "backward", "--method", "fifo"],
    ["flows", "trace", "UK-NCA.p-canary", "--json"],
    ["flows", "typologies", "--json"],
    ["flows", "typologies"],
    ["flows", "rank", "--json"],
    ["flows", "rank"],
    ["network", "communities", "--json"],
    ["network", "communities", "--layer", "payment", "--layer", "shared_phone"],
    ["network", "roles", "--json"],
    ["network", "keyplayers", "--json"],
    ["network", "keyplayers"],
    ["network", "disrupt", "--k", "2", "--json"],
    ["network", "disrupt", "--k", "2"],
    ["network", "export", "--format", "gexf"],
    ["network", "export", "--format", "graphml", "--layer", "payment"],
    ["network", "export", "--format", "cypher"],
]


@pytest.mark.slow
@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_no_read_command_leaks_to_other_agencies(world: World, command: list[str]) -> None:
    from undertow.cli import app

    runner = CliRunner(env={"COLUMNS": "240"})
    for agency, role in itertools.product(OTHERS, ROLES):
        args = ["--db", str(world.db), "--as", world.user(agency, role), "--purpose", "op test"]
        result = runner.invoke(app, [*args, *command])
        where = f"{agency} {role}: undertow {' '.join(command)}"
        assert result.exception is None or isinstance(result.exception, SystemExit), where
        _assert_clean(where, result.stdout + result.stderr)
